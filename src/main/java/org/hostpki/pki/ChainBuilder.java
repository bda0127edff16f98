package org.hostpki.pki;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Puts the certificates of a chain file in order: the leaf for the server key first, then the
 * certificate that issued it, and so on up to a self-signed root or to the last issuer the file
 * holds (a root may be left out: clients have it). Certificates may come in any order; another
 * path to one of the chain's CAs (a cross-signed twin, and its issuers; the certificate a CA
 * renewed with the same key) may come along: of the paths the file holds, one is chosen whatever
 * the file's order ({@link #bestPath}), and the others are not served. Whatever keeps it from
 * being one unbroken chain is a problem, in words that name the certificate by its place in the
 * file and its subject.
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
   * {@code roots} ({@code server.external.roots}; {@link #anchored}).
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
    Path best = bestPath(leaves.get(0), positions.keySet(), now, roots, signatures);
    List<Certificate> chain = best.chain();
    boolean rootIncluded = best.end() == End.ROOT && chain.size() > 1;
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
    remaining.removeAll(otherPaths(chain, remaining, signatures));
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

  /** How a path from the leaf ends. */
  private enum End {
    /** At a self-signed certificate (for the leaf itself: a self-signed leaf). */
    ROOT,
    /** At a certificate whose issuer is not in the file (clients may hold it). */
    OPEN,
    /** At a certificate whose issuer's name is in the file, but no such certificate signed it. */
    NAMED_NOT_SIGNING,
    /** At a certificate signed only by a certificate already in the path. */
    LOOP
  }

  /**
   * A path from the leaf up.
   *
   * @param named the certificate named as the issuer, for {@link End#NAMED_NOT_SIGNING} and {@link
   *     End#LOOP}; otherwise null
   */
  private record Path(List<Certificate> chain, End end, Certificate named) {}

  /** More paths than this through one file is a hostile file; the best found so far is taken. */
  private static final int MAX_PATHS = 64;

  /**
   * The path to serve when the file holds several (a CA renewed with the same key, beside the
   * certificate it replaced; a cross-signed CA beside its self-signed twin), whatever the order
   * of the file, in this order of preference: an unbroken path over a broken one; with {@code
   * server.external.roots}, a path that ends in a named root ({@link #anchored}; found in a
   * trial: an intermediate cross-signed by two roots, the path to the named one second in the
   * file, was refused as ending in the other); every certificate valid at {@code now}; the longer path, which goes through the cross-signed
   * certificate and so also reaches the clients that hold only the older root (the self-signed
   * root is never served, the cross-signed certificate is); the path valid the longest; the one
   * whose certificates come first in the file. Found in the external CA trial: with the
   * self-signed root before its cross-signed twin, the twin was left out and a client that trusts
   * only the older root refused the server; an expired intermediate before its renewal refused
   * the chain.
   */
  private static Path bestPath(
      Certificate leaf,
      java.util.Collection<Certificate> all,
      Instant now,
      List<Certificate> roots,
      SignatureChecks signatures) {
    List<Path> paths = new ArrayList<>();
    List<Certificate> start = new ArrayList<>();
    start.add(leaf);
    walk(start, List.copyOf(all), paths, signatures);
    Set<Path> unanchored = Collections.newSetFromMap(new IdentityHashMap<>());
    if (!roots.isEmpty()) {
      paths.stream().filter(p -> !anchored(p.chain(), roots)).forEach(unanchored::add);
    }
    Comparator<Path> preference =
        Comparator.<Path>comparingInt(p -> p.end() == End.ROOT || p.end() == End.OPEN ? 0 : 1)
            .thenComparingInt(p -> unanchored.contains(p) ? 1 : 0)
            .thenComparingLong(p -> p.chain().stream().filter(c -> !c.facts().isValidAt(now)).count())
            .thenComparing(Comparator.<Path>comparingInt(p -> served(p).size()).reversed())
            .thenComparing(
                Comparator.<Path, Instant>comparing(
                        p -> served(p).stream().skip(1).map(c -> c.facts().notAfter()).min(Instant::compareTo)
                            .orElse(Instant.MAX))
                    .reversed());
    Path best = paths.get(0);
    for (Path p : paths) {
      if (preference.compare(p, best) < 0) {
        best = p; // strictly better only: ties keep the earlier one, in file order
      }
    }
    return best;
  }

  /**
   * Whether a chain (leaf first) ends in one of {@code roots}: its last certificate is one of them
   * or is signed by one (a root the file holds is signed by itself, so a named root with its
   * subject and key matches it; a file that stops below the root needs its last certificate's
   * issuer named), or a certificate of a named root's CA is on the way (its subject and key: the
   * root itself, or its cross-signed twin, as Let's Encrypt served ISRG Root X1 signed by DST Root
   * CA X3), which anchors the chain in that root as much as the root does: a client that trusts it
   * accepts the chain. Only a root named as the last certificate's issuer has its signature
   * checked.
   */
  static boolean anchored(List<Certificate> chain, List<Certificate> roots) {
    Certificate top = chain.get(chain.size() - 1);
    return roots.stream()
        .anyMatch(
            r -> (r.holder().getSubject().equals(top.holder().getIssuer()) && top.isSignedBy(r))
                || chain.stream().skip(1).anyMatch(c -> sameCa(c, r)));
  }

  /** The same CA: the same subject and key (a root and its cross-signed twin). */
  private static boolean sameCa(Certificate c, Certificate root) {
    return c.holder().getSubject().equals(root.holder().getSubject()) && c.publicKey().sameKey(root.publicKey());
  }

  /**
   * What of a path is served: all but a self-signed root at its end. Compared by this, not by the
   * whole path (rvcore13): leaf, intermediate, the self-signed root and its cross-signed twin (the
   * older root not in the file, as Let's Encrypt shipped ISRG Root X1) make two paths of three,
   * but only the cross-signed one serves three, and which one was served depended on the file's
   * order; so did the end date, which the leaf's own decided for both.
   */
  private static List<Certificate> served(Path p) {
    return p.end() == End.ROOT && p.chain().size() > 1 ? p.chain().subList(0, p.chain().size() - 1) : p.chain();
  }

  /**
   * @param signatures a hostile file of CAs that certify each other reaches the same pair on many
   *     paths
   */
  private static void walk(
      List<Certificate> path, List<Certificate> all, List<Path> paths, SignatureChecks signatures) {
    if (paths.size() >= MAX_PATHS) {
      return;
    }
    Certificate current = path.get(path.size() - 1);
    if (current.facts().isSelfIssued() && signatures.signedBy(current, current)) {
      paths.add(new Path(List.copyOf(path), End.ROOT, null));
      return;
    }
    Certificate named = null;
    Certificate looping = null;
    boolean extended = false;
    for (Certificate candidate : all) {
      if (!candidate.holder().getSubject().equals(current.holder().getIssuer())) {
        continue;
      }
      if (named == null && !path.contains(candidate)) {
        named = candidate;
      }
      if (!signatures.signedBy(current, candidate)) {
        continue;
      }
      if (path.contains(candidate)) {
        looping = looping == null ? candidate : looping;
        continue;
      }
      extended = true;
      path.add(candidate);
      walk(path, all, paths, signatures);
      path.remove(path.size() - 1);
    }
    if (!extended) {
      paths.add(
          looping != null
              ? new Path(List.copyOf(path), End.LOOP, looping)
              : named != null
                  ? new Path(List.copyOf(path), End.NAMED_NOT_SIGNING, named)
                  : new Path(List.copyOf(path), End.OPEN, null));
    }
  }

  /**
   * The certificates of other paths to the chain's CAs, which CAs hand out in one bundle: another
   * certificate for one of its CAs (same subject and key: cross-signed by another root, or the
   * self-signed root beside its cross-signed twin), and whatever issued those. A client builds one
   * path or the other; neither is served beyond the chain built here.
   */
  private static List<Certificate> otherPaths(
      List<Certificate> chain, List<Certificate> remaining, SignatureChecks signatures) {
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
                        && signatures.signedBy(f, candidate));
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
