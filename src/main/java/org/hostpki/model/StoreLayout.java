package org.hostpki.model;

import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The names at the top of a store that are hostpki's own: the files and folders every kind of
 * store may hold. A declared output must not take one of them, now or when a store grows into a
 * feature (a CA rotation, an external issuer, a fleet CA), so the list holds all of them, not only
 * those a given desired state writes.
 */
public final class StoreLayout {
  /** The files and folders of a store's content, each at the top of a generation. */
  public static final SortedSet<String> OWN_NAMES =
      Collections.unmodifiableSortedSet(
          new TreeSet<>(
              java.util.List.of(
                  "ca.crt",
                  "ca.key",
                  "ca-next.crt",
                  "ca-next.key",
                  "ca-previous.crt",
                  "ca.crl",
                  "server.key",
                  "server.crt",
                  "server-fullchain.crt",
                  "server.csr",
                  "server.p12",
                  "external-chain.crt",
                  "trust",
                  "trust-bundle.crt",
                  "truststore.p12",
                  "trust-hashed",
                  "issued")));

  private StoreLayout() {}

  /**
   * Why {@code name} cannot be the name of an output at the top of the store, or empty when it
   * can: a plain file name (no folder), not one of hostpki's own names (compared ignoring case, as
   * a case-insensitive file system would), not starting with a dot (the generations, {@code ..data},
   * {@code .lock} and hostpki's records).
   */
  public static Optional<String> outputNameProblem(String name) {
    if (name.isEmpty()) {
      return Optional.of("is empty");
    }
    if (name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\\")) {
      return Optional.of("is not a plain file name: outputs are written at the top of the store, so"
          + " give a name without folders, e.g. haproxy.pem");
    }
    if (name.startsWith(".")) {
      return Optional.of("starts with '.', which the store keeps for its generations, ..data, .lock"
          + " and its records");
    }
    if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
      return Optional.of("is longer than a file name may be (255 bytes)");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    for (String own : OWN_NAMES) {
      if (own.equals(lower)) {
        return Optional.of(
            own.equals(name)
                ? "is one of the store's own files"
                : "is the store's own " + own + " on a file system that ignores case");
      }
    }
    return Optional.empty();
  }
}
