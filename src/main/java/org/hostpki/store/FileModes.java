package org.hostpki.store;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.hostpki.model.FileMode;

/**
 * The modes the store uses, and how to apply them where the file system has POSIX permissions.
 *
 * <p>Directories, the current generation included, are 0755: services that run as another user
 * (an nginx worker, a Java service) must reach the certificates, while the private keys inside are
 * 0600 themselves — the layout openssl and nginx setups expect. The other kept generations are
 * 0700 ({@link #KEPT_GENERATION}).
 */
final class FileModes {
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
  /**
   * A kept generation that is not current: for the store's owner alone. Services read through
   * {@code ..data}; a key file an older generation gave a group, or an output since removed,
   * must not stay readable under the old generation's name once the desired state narrowed it.
   */
  static final Set<PosixFilePermission> KEPT_GENERATION = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
  static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");

  private FileModes() {}

  static boolean hasPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** The attribute that creates a file with this mode (less the umask) from the first byte. */
  static FileAttribute<?>[] creationAttributes(Path path, Set<PosixFilePermission> mode) {
    return hasPosix(path)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
        : new FileAttribute<?>[0];
  }

  /**
   * Sets the mode exactly, whatever the umask made of it; never follows a link. Used only on
   * public files and directories: a secret file is created 0600 and never touched again.
   */
  static void setExactly(Path path, Set<PosixFilePermission> mode) throws IOException {
    if (hasPosix(path)) {
      PosixFileAttributeView view =
          java.nio.file.Files.getFileAttributeView(
              path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      view.setPermissions(mode);
    }
  }

  /** The mode as {@code chmod} takes it: {@code 0644}. */
  static String octal(Set<PosixFilePermission> mode) {
    return mode(mode).toString();
  }

  /** The permissions as one mode: {@code rw-r-----} is 0640. */
  static FileMode mode(Set<PosixFilePermission> permissions) {
    int bits = 0;
    for (PosixFilePermission p : permissions) {
      bits |= 0400 >> p.ordinal();
    }
    return new FileMode(bits);
  }
}
