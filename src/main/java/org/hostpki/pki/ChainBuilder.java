package org.hostpki.pki;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Puts the certificates of a chain file in order: the leaf for the server key first, then the
 * certificate that issued it, and so on up to a self-signed root or to the last issuer the file
 * holds (a root may be left out: clients have it). Certificates may come in any order; another
 * path to one of the chain's CAs (a cross-signed twin, and its issuers; the certificate a CA
 * renewed with the same key) may come along: of the paths the file holds, one is chosen whatever
 * the file's order ({@link ChainPaths#bestPath}), and the others are not served. Whatever keeps it
 * from being one unbroken chain is a problem, in words that name the certificate by its place in
 * the file and its subject.
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

  /**
   * More certificates than this in one chain file is refused before any signature is checked. A
   * CA's full chain holds the leaf, one or two intermediates and perhaps a cross-signed root (Let's
   * Encrypt, DigiCert, Sectigo: at most five); bridge PKIs hold a few more. Found in review: the
   * path search over a hostile file of 54 CA certificates took a minute, over 201 of one name an
   * hour, and both were imported as clean chains.
   */
  static final int MAX_CERTIFICATES = 32;

  /**
   * Signature checks one build may make (each is about a millisecond); a real chain takes a few,
   * fewer than one per certificate pair since pairs whose key identifiers disagree are never
   * checked. A file that takes more is refused, rather than one of its paths silently chosen.
   */
  static final int MAX_SIGNATURE_CHECKS = 256;

  static Built build(List<Certificate> given, SubjectPublicKey serverKey, Instant now) {
    return build(given, serverKey, now, List.of());
  }

  /**
   * As {@link #build(List, SubjectPublicKey, Instant)}, preferring a path that ends in one of
   * {@code roots} ({@code server.external.roots}; {@link ChainPaths#anchored}).
   */
  static Built build(List<Certificate> given, SubjectPublicKey serverKey, Instant now, List<Certificate> roots) {
    if (given.size() > MAX_CERTIFICATES) {
      return new Built(
          List.of(),
          false,
          List.of(
              "the file holds "
                  + given.size()
                  + " certificates, more than the "
                  + MAX_CERTIFICATES
                  + " a chain file may hold; a CA's chain is the leaf, one or two intermediates and"
                  + " perhaps a cross-signed root: keep only the leaf and the CA certificates from"
                  + " it up to the root"));
    }
    try {
      return buildChecked(given, serverKey, now, roots);
    } catch (SignatureChecks.Exhausted e) {
      return new Built(
          List.of(),
          false,
          List.of(
              "the file's "
                  + given.size()
                  + " certificates name one another as issuers in too many ways: finding the"
                  + " chain from the leaf took more than "
                  + MAX_SIGNATURE_CHECKS
                  + " signature checks (a CA's chain takes a few); keep only the leaf and the CA"
                  + " certificates from it up to the root"));
    }
  }

  private static Built buildChecked(
      List<Certificate> given, SubjectPublicKey serverKey, Instant now, List<Certificate> roots) {
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

    SignatureChecks signatures = new SignatureChecks();
    ChainPaths.Path best =
        ChainPaths.bestPath(leaves.get(0), positions.keySet(), now, roots, signatures);
    List<Certificate> chain = best.chain();
    boolean rootIncluded = best.end() == ChainPaths.End.ROOT && chain.size() > 1;
    boolean explained = true;
    Certificate current = chain.get(chain.size() - 1);
    switch (best.end()) {
      case ROOT -> {
        explained = chain.size() == 1;
        if (explained) {
          problems.add(
              places.describe(current)
                  + " is self-signed: it was not signed by a CA; have server.csr signed by your CA");
        }
      }
      case NAMED_NOT_SIGNING ->
          problems.add(
              places.describe(current)
                  + " is not signed by "
                  + places.describe(best.named())
                  + ": the signature does not verify with its key, although the names match");
      case LOOP ->
          problems.add(
              places.describe(current)
                  + " is issued by "
                  + places.describe(best.named())
                  + ", which is already in the chain below it: its CA certificates certify each"
                  + " other in a loop and never reach a root; ask the CA for the chain from the"
                  + " certificate up to its root");
      case OPEN -> {
        explained = chain.size() == 1;
        if (explained) {
          problems.add(
              "missing intermediate: no certificate for issuer '"
                  + current.facts().issuerDn()
                  + "', which issued "
                  + places.describe(current)
                  + "; put the issuing CA certificates after the leaf in the file");
        }
      }
    }
    List<Certificate> remaining = new ArrayList<>(positions.keySet());
    remaining.removeAll(chain);
    remaining.removeAll(ChainPaths.otherPaths(chain, remaining, signatures));
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
