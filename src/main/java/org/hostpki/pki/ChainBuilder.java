package org.hostpki.pki;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hostpki.model.CertificateFacts;

/**
 * Puts the certificates of a chain file in order: the leaf for the server key first, then the
 * certificate that issued it, and so on up to a self-signed root or to the last issuer the file
 * holds (a root may be left out: clients have it). Certificates may come in any order; another
 * path to one of the chain's CAs (a cross-signed twin, and its issuers) may come along, and is not
 * served. Whatever
 * keeps it from being one unbroken chain is a problem, in words that name the certificate by its
 * place in the file and its subject.
 */
final class ChainBuilder {
  private ChainBuilder() {}

  /**
   * The chain as far as it could be built.
   *
   * @param chain leaf first; empty when no leaf for the key was found
   * @param rootIncluded the last certificate is a self-signed root
   * @param problems empty when the file is exactly one unbroken chain
   */
  record Built(List<Certificate> chain, boolean rootIncluded, List<String> problems) {
    Built {
      chain = List.copyOf(chain);
      problems = List.copyOf(problems);
    }
  }

  static Built build(List<Certificate> given, SubjectPublicKey serverKey) {
    // Files sometimes repeat a certificate; the copy adds nothing.
    Map<Certificate, Integer> positions = new LinkedHashMap<>();
    for (int i = 0; i < given.size(); i++) {
      positions.putIfAbsent(given.get(i), i + 1);
    }
    Places places = new Places(positions, given.size());
    List<String> problems = new ArrayList<>();

    List<Certificate> leaves =
        positions.keySet().stream().filter(c -> c.publicKey().sameKey(serverKey)).toList();
    if (leaves.isEmpty()) {
      problems.add(noLeaf(positions.keySet(), serverKey, places));
      return new Built(List.of(), false, problems);
    }
    if (leaves.size() > 1) {
      problems.add(
          "the file holds "
              + leaves.size()
              + " certificates for server.key ("
              + leaves.stream().map(places::describe).collect(Collectors.joining(", "))
              + "); keep only the one just issued");
      return new Built(List.of(), false, problems);
    }

    List<Certificate> chain = new ArrayList<>();
    List<Certificate> remaining = new ArrayList<>(positions.keySet());
    Certificate current = leaves.get(0);
    remaining.remove(current);
    chain.add(current);
    boolean rootIncluded = false;
    boolean explained = false;
    while (true) {
      CertificateFacts facts = current.facts();
      if (facts.isSelfIssued() && current.isSignedBy(current)) {
        if (current == chain.get(0)) {
          problems.add(
              places.describe(current)
                  + " is self-signed: it was not signed by a CA; have server.csr signed by your CA");
          explained = true;
        } else {
          rootIncluded = true;
        }
        break;
      }
      Certificate named = null;
      Certificate issuer = null;
      for (Certificate candidate : remaining) {
        if (candidate.holder().getSubject().equals(current.holder().getIssuer())) {
          named = named == null ? candidate : named;
          if (current.isSignedBy(candidate)) {
            issuer = candidate;
            break;
          }
        }
      }
      if (issuer == null && named != null) {
        problems.add(
            places.describe(current)
                + " is not signed by "
                + places.describe(named)
                + ": the signature does not verify with its key, although the names match");
        explained = true;
        break;
      }
      if (issuer == null) {
        if (current == chain.get(0)) {
          problems.add(
              "missing intermediate: no certificate for issuer '"
                  + facts.issuerDn()
                  + "', which issued "
                  + places.describe(current)
                  + "; put the issuing CA certificates after the leaf in the file");
          explained = true;
        }
        break;
      }
      chain.add(issuer);
      remaining.remove(issuer);
      current = issuer;
    }
    remaining.removeAll(otherPaths(chain, remaining));
    if (!explained) {
      Certificate top = chain.get(chain.size() - 1);
      String end =
          rootIncluded
              ? ""
              : " (the chain ends at "
                  + places.describe(top)
                  + ", issued by '"
                  + top.facts().issuerDn()
                  + "')";
      for (Certificate extra : remaining) {
        problems.add(
            places.describe(extra)
                + " is not part of the chain from the leaf"
                + end
                + "; remove it from the file"
                + (rootIncluded ? "" : ", or add the missing certificates between them"));
      }
    }
    return new Built(chain, rootIncluded, problems);
  }

  /**
   * The certificates of other paths to the chain's CAs, which CAs hand out in one bundle: another
   * certificate for one of its CAs (same subject and key: cross-signed by another root, or the
   * self-signed root beside its cross-signed twin), and whatever issued those. A client builds one
   * path or the other; neither is served beyond the chain built here.
   */
  private static List<Certificate> otherPaths(List<Certificate> chain, List<Certificate> remaining) {
    List<Certificate> found = new ArrayList<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Certificate candidate : remaining) {
        if (found.contains(candidate)) {
          continue;
        }
        boolean twin =
            chain.subList(1, chain.size()).stream()
                .anyMatch(
                    c -> c.holder().getSubject().equals(candidate.holder().getSubject())
                        && c.publicKey().sameKey(candidate.publicKey()));
        boolean issuedOne =
            found.stream()
                .anyMatch(
                    f -> !f.facts().isSelfIssued()
                        && f.holder().getIssuer().equals(candidate.holder().getSubject())
                        && f.isSignedBy(candidate));
        if (twin || issuedOne) {
          found.add(candidate);
          grew = true;
        }
      }
    }
    return found;
  }

  private static String noLeaf(
      java.util.Collection<Certificate> certificates, SubjectPublicKey serverKey, Places places) {
    List<Certificate> endEntities =
        certificates.stream().filter(c -> !c.facts().ca()).toList();
    String keyWords = "server.key " + serverKey.fingerprint().shortForm();
    if (endEntities.size() == 1) {
      Certificate leaf = endEntities.get(0);
      return "leaf does not match server.key (leaf key "
          + leaf.publicKey().fingerprint().shortForm()
          + ", "
          + keyWords
          + "): "
          + places.describe(leaf)
          + " was issued for another key; have the current server.csr signed";
    }
    if (endEntities.isEmpty()) {
      return "the file holds no leaf certificate, only CA certificates ("
          + certificates.stream().map(places::describe).collect(Collectors.joining(", "))
          + "); the certificate issued for server.csr is missing";
    }
    return "no certificate in the file is for server.key ("
        + keyWords
        + "); its leaf certificates are for other keys: "
        + endEntities.stream()
            .map(c -> places.describe(c) + " key " + c.publicKey().fingerprint().shortForm())
            .collect(Collectors.joining(", "));
  }

  /** Names certificates by their place in the file, as users can find them there. */
  record Places(Map<Certificate, Integer> positions, int total) {
    String describe(Certificate c) {
      String subject = c.facts().subjectDn();
      if (total == 1) {
        return "the certificate (" + subject + ")";
      }
      return "certificate " + positions.get(c) + " of " + total + " (" + subject + ")";
    }
  }
}
