package org.hostpki.acme;

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

  /** The index of the first chain with this root, or 0 (the CA's default) when none has it. */
  static int choose(List<List<Certificate>> chains, Optional<String> preferredRoot) {
    if (preferredRoot.isEmpty()) {
      return 0;
    }
    for (int i = 0; i < chains.size(); i++) {
      if (rootName(chains.get(i)).equals(preferredRoot.get())) {
        return i;
      }
    }
    return 0;
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
