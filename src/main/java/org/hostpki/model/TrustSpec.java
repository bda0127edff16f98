package org.hostpki.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The certificates the host trusts for its outgoing connections, and where else they go.
 *
 * @param prune remove trusted certificates from the store that are no longer declared
 * @param hashedDirectory also write {@code trust-hashed/} with OpenSSL subject-hash names
 * @param certificates certificates declared one by one
 * @param directories folders (resolved) whose {@code *.pem}, {@code *.crt}, {@code *.cer} files
 *     are trusted
 * @param includeSystemRoots also trust the operating system's public roots (its CA bundle)
 * @param filters what is left out of every source
 * @param install where the host's clients should find hostpki's certificates; empty when {@code
 *     trust.install} is absent
 * @param crls {@code trust.crls}: CRL files and folders of them, consumed into {@code
 *     trust-crls.pem} and, with {@code hashedDirectory}, {@code trust-hashed/HASH.rN}
 * @param directoryOrigins where the desired state names each of {@code directories}, for
 *     messages about one that cannot be read; a folder without an entry is named alone
 */
public record TrustSpec(
    boolean prune,
    boolean hashedDirectory,
    List<TrustedCertificateSource> certificates,
    List<Path> directories,
    boolean includeSystemRoots,
    TrustFilters filters,
    Optional<InstallSpec> install,
    List<CrlSource> crls,
    Map<Path, SourcePosition> directoryOrigins) {

  public TrustSpec {
    certificates = List.copyOf(certificates);
    directories = List.copyOf(directories);
    Objects.requireNonNull(filters, "filters");
    Objects.requireNonNull(install, "install");
    crls = List.copyOf(crls);
    directoryOrigins = Map.copyOf(directoryOrigins);
  }

  /** The trust store alone: no system roots, no filters, nothing installed elsewhere. */
  public TrustSpec(
      boolean prune,
      boolean hashedDirectory,
      List<TrustedCertificateSource> certificates,
      List<Path> directories) {
    this(
        prune, hashedDirectory, certificates, directories, false, TrustFilters.NONE, Optional.empty(), List.of(),
        Map.of());
  }

  /** File name endings read from trust directories (names starting with a dot are left out). */
  public static final List<String> FILE_ENDINGS = List.of(".pem", ".crt", ".cer");

  /** Whether a file of a trust directory is read, by its name. */
  public static boolean isTrustFileName(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    return FILE_ENDINGS.stream().anyMatch(lower::endsWith) && !lower.startsWith(".");
  }

  public static TrustSpec defaults() {
    return new TrustSpec(true, false, List.of(), List.of());
  }
}
