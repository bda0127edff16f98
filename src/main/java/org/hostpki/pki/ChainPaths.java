package org.hostpki.pki;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The paths from a leaf up through the certificates of one chain file, and which of them is
 * served ({@link #bestPath}): the search {@link ChainBuilder} runs before it puts what it found
 * into words. Apart from it because the search knows only certificates, names, keys and
 * signatures, within the budget of {@link SignatureChecks}; the words for what breaks a chain,
 * naming certificates by their place in the file, stay in {@link ChainBuilder}.
 */
final class ChainPaths {
  private ChainPaths() {}

  /** How a path from the leaf ends. */
  enum End {
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
  record Path(List<Certificate> chain, End end, Certificate named) {}

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
  static Path bestPath(
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
    return anchor(chain, roots).isPresent();
  }

  /**
   * The first of {@code roots} that anchors {@code chain} as {@link #anchored} says: the root an
   * import found the chain to end in, recorded so that a later plan notices it leave this host's
   * trust ({@code apply.ExternalChainRoots}).
   */
  static java.util.Optional<Certificate> anchor(List<Certificate> chain, java.util.Collection<Certificate> roots) {
    Certificate top = chain.get(chain.size() - 1);
    return roots.stream()
        .filter(
            r -> (r.holder().getSubject().equals(top.holder().getIssuer()) && top.isSignedBy(r))
                || chain.stream().skip(1).anyMatch(c -> sameCa(c, r)))
        .findFirst();
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
  static List<Certificate> otherPaths(
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
}
