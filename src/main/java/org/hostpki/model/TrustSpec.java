package org.hostpki.model;

import java.nio.file.Path;
import java.util.List;

/**
 * The certificates the host trusts for its outgoing connections.
 *
 * @param prune remove trusted certificates from the store that are no longer declared
 * @param hashedDirectory also write {@code trust-hashed/} with OpenSSL subject-hash names
 * @param certificates certificates declared one by one
 * @param directories folders (resolved) whose {@code *.pem}, {@code *.crt}, {@code *.cer} files
 *     are trusted
 */
public record TrustSpec(
    boolean prune,
    boolean hashedDirectory,
    List<TrustedCertificateSource> certificates,
    List<Path> directories) {

  public TrustSpec {
    certificates = List.copyOf(certificates);
    directories = List.copyOf(directories);
  }

  public static TrustSpec defaults() {
    return new TrustSpec(true, false, List.of(), List.of());
  }
}
