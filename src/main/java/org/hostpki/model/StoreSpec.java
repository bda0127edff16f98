package org.hostpki.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the store lives and how its PKCS#12 files are protected.
 *
 * @param path the store directory, already resolved against the desired-state file's folder
 * @param password where the PKCS#12 password comes from; empty: no PKCS#12 files are written
 * @param pkcs12Profile the encryption profile of the PKCS#12 files
 */
public record StoreSpec(Path path, Optional<PasswordSource> password, Pkcs12Profile pkcs12Profile) {
  public StoreSpec {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(pkcs12Profile, "pkcs12Profile");
  }
}
