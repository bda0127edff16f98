package org.hostpki.acme;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.pki.Certificate;

/**
 * preferredChain: among the chains a CA offers, the one whose root has a given common name, the
 * way certbot's and lego's {@code --preferred-chain} choose. A chain's root is the issuer of its
 * topmost certificate (CAs leave the root out), or that certificate itself when it is
 * self-issued.
 */
final class ChainChoice {
  private ChainChoice() {}

  /**
   * Alternate chains read at most: Let's Encrypt offers one or two; a CA listing thousands would
   * otherwise have each one downloaded.
   */
  static final int MAX_ALTERNATES = 8;

  /** Downloads one chain the CA offers. */
  interface Download {
    List<Certificate> chain() throws AcmeFailure;
  }

  /** What was read: the chains in the CA's order, the default first, and the one chosen. */
  record Choice(List<List<Certificate>> read, int chosen, int alternatesOffered) {
    List<Certificate> chain() {
      return read.get(chosen);
    }

    List<String> rootNames() {
      return read.stream().map(ChainChoice::rootName).toList();
    }
  }

  /**
   * The default chain, or the first with the preferred root: an alternate is downloaded only
   * while none read so far has it, and at most {@link #MAX_ALTERNATES} of them. Without a
   * preference, or when the default has the root, no alternate is read.
   *
   * @param alternates the CA's alternate chains (RFC 8555 section 7.4.2), each read on demand
   */
  static Choice choose(Download preferredDefault, List<Download> alternates, Optional<String> preferredRoot)
      throws AcmeFailure {
    List<List<Certificate>> read = new ArrayList<>();
    read.add(preferredDefault.chain());
    if (preferredRoot.isEmpty() || rootName(read.get(0)).equals(preferredRoot.get())) {
      return new Choice(read, 0, alternates.size());
    }
    for (Download alternate : alternates.subList(0, Math.min(alternates.size(), MAX_ALTERNATES))) {
      read.add(alternate.chain());
      if (rootName(read.get(read.size() - 1)).equals(preferredRoot.get())) {
        return new Choice(read, read.size() - 1, alternates.size());
      }
    }
    return new Choice(read, 0, alternates.size());
  }

  /** The common name of the chain's root; the whole DN when it has no CN. */
  static String rootName(List<Certificate> chain) {
    CertificateFacts top = chain.get(chain.size() - 1).facts();
    String dn = top.isSelfIssued() ? top.subjectDn() : top.issuerDn();
    return commonName(dn).orElse(dn);
  }

  static Optional<String> commonName(String dn) {
    // RFC 4514: attributes are separated by commas that are not escaped with a backslash.
    for (String part : dn.split("(?<!\\\\),")) {
      String p = part.strip();
      if (p.regionMatches(true, 0, "CN=", 0, 3)) {
        return Optional.of(p.substring(3).replaceAll("\\\\(.)", "$1"));
      }
    }
    return Optional.empty();
  }
}
