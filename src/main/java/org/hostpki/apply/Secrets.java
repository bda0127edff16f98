package org.hostpki.apply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.PasswordSource;

/** Resolves the store password from where the desired state says it is. */
public final class Secrets {
  private final Map<String, String> environment;

  public Secrets(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The password, or empty when none is configured. Never logs or echoes the value. */
  public Optional<char[]> password(Optional<PasswordSource> source) {
    if (source.isEmpty()) {
      return Optional.empty();
    }
    if (source.get() instanceof PasswordSource.Env env) {
      String value = environment.get(env.variable());
      if (value == null || value.isEmpty()) {
        throw new HostpkiException(
            "store.password: environment variable "
                + env.variable()
                + " is not set or empty; export it before running hostpki, or point"
                + " store.password.file at a file holding the password");
      }
      return Optional.of(value.toCharArray());
    }
    Path file = ((PasswordSource.File) source.get()).path();
    try {
      PosixFileAttributeView view =
          // The file the link points at is what others could read (Kubernetes mounts secrets
          // as links to 0600 files); a link's own mode is always 0777.
          Files.getFileAttributeView(file, PosixFileAttributeView.class);
      if (view != null) {
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        if (perms.contains(PosixFilePermission.OTHERS_READ)
            || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
          throw new HostpkiException(
              "store.password.file "
                  + file
                  + " is readable or writable by other users; run: chmod o-rwx "
                  + file);
        }
      }
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        throw new HostpkiException(
            "store.password.file " + file + " is not a regular file (a directory, device or pipe)");
      }
      if (Files.exists(file) && Files.size(file) > 64 * 1024) {
        throw new HostpkiException(
            "store.password.file " + file + " is " + Files.size(file) + " bytes; a password file"
                + " holds one password");
      }
      String value = Files.readString(file, StandardCharsets.UTF_8);
      value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
          : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
      if (value.isEmpty()) {
        throw new HostpkiException("store.password.file " + file + " is empty");
      }
      return Optional.of(value.toCharArray());
    } catch (java.nio.file.NoSuchFileException e) {
      throw new HostpkiException("store.password.file " + file + " does not exist");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new HostpkiException("store.password.file " + file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new HostpkiException("store.password.file " + file + " cannot be read: " + e.getMessage());
    }
  }
}
