package org.hostpki.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the store lives, how its PKCS#12 files are protected, and who may read its keys.
 *
 * @param path the store directory, already resolved against the desired-state file's folder
 * @param password where the PKCS#12 password comes from; empty: no PKCS#12 files are written
 * @param pkcs12Profile the encryption profile of the PKCS#12 files
 * @param previousPassword the password the store's files were written with before {@code
 *     password} replaced it; only while the password changes
 * @param access owner, group and mode of the files that hold the server's private key ({@code
 *     store.access}); never the CA's key
 * @param pathOrigin where the desired state writes {@code store.path}, for messages about a path
 *     that cannot be the store; empty when no file does
 */
public record StoreSpec(
    Path path,
    Optional<PasswordSource> password,
    Pkcs12Profile pkcs12Profile,
    Optional<PasswordSource> previousPassword,
    AccessSpec access,
    Optional<SourcePosition> pathOrigin) {
  public StoreSpec {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(pkcs12Profile, "pkcs12Profile");
    Objects.requireNonNull(previousPassword, "previousPassword");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(pathOrigin, "pathOrigin");
  }

  /** A store no desired-state file declares. */
  public StoreSpec(
      Path path,
      Optional<PasswordSource> password,
      Pkcs12Profile pkcs12Profile,
      Optional<PasswordSource> previousPassword,
      AccessSpec access) {
    this(path, password, pkcs12Profile, previousPassword, access, Optional.empty());
  }

  /** A store without a password change and without declared access. */
  public StoreSpec(Path path, Optional<PasswordSource> password, Pkcs12Profile pkcs12Profile) {
    this(path, password, pkcs12Profile, Optional.empty(), AccessSpec.NONE);
  }
}
