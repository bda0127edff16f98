package org.hostpki.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.hostpki.model.HostpkiException;

/**
 * The ownership and permission rules a store must meet before hostpki trusts what it reads or
 * writes there, in the manner of ssh's StrictModes: whoever can write the store directory can
 * plant links and keys in it. On file systems without POSIX permissions the checks are skipped.
 */
final class StoreSafety {
  private static final String ROOT = "root";
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS_ANY =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private final String userName;

  /** @param userName the user this process runs as; the store must be theirs (or root's) */
  StoreSafety(String userName) {
    this.userName = userName;
  }

  /** File names that hold private keys and must be readable by their owner only. */
  static boolean isPrivateKeyName(String name) {
    return name.endsWith(".key") || name.endsWith(".p12");
  }

  /** The store directory is owned by this user or root, and only its owner can write it. */
  void checkStoreDirectory(Path store) throws IOException {
    if (!FileModes.hasPosix(store)) {
      return;
    }
    PosixFileAttributes attributes = Files.readAttributes(store, PosixFileAttributes.class);
    String owner = attributes.owner().getName();
    if (!owner.equals(userName) && !owner.equals(ROOT)) {
      throw new HostpkiException(
          "store " + store + " is owned by " + owner + ", but hostpki runs as " + userName
              + "; another user's directory could hold planted links and keys. Run hostpki as "
              + owner + ", or take the store over: chown -R " + userName + " " + store);
    }
    requireNotWritableByOthers(store, attributes.permissions(), "store directory " + store);
  }

  /** A directory inside a generation is writable by its owner only. */
  void checkGenerationDirectory(Path directory) throws IOException {
    if (FileModes.hasPosix(directory)) {
      Set<PosixFilePermission> mode =
          Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .permissions();
      requireNotWritableByOthers(directory, mode, "store directory " + directory);
    }
  }

  /**
   * A private-key file is for its owner alone.
   *
   * @param file the file in its generation
   * @param visible the name users know it by ({@code STORE/server.key}), for the message; chmod
   *     follows the link to the file
   */
  void checkPrivateKeyFile(Path file, Path visible) throws IOException {
    if (!FileModes.hasPosix(file)) {
      return;
    }
    Set<PosixFilePermission> mode =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .permissions();
    if (!disjoint(mode, GROUP_OR_OTHERS_ANY)) {
      throw new HostpkiException(
          "private key file " + visible + " has mode " + FileModes.octal(mode)
              + ": group or others may use it. Restrict it: chmod 600 " + visible
              + " (and consider the key exposed)");
    }
  }

  private static void requireNotWritableByOthers(
      Path directory, Set<PosixFilePermission> mode, String what) {
    if (!disjoint(mode, GROUP_OR_OTHERS_WRITE)) {
      throw new HostpkiException(
          what + " has mode " + FileModes.octal(mode)
              + ": group or others can write it, and so plant links and keys there. Fix it: "
              + "chmod go-w " + directory);
    }
  }

  private static boolean disjoint(Set<PosixFilePermission> a, Set<PosixFilePermission> b) {
    for (PosixFilePermission p : a) {
      if (b.contains(p)) {
        return false;
      }
    }
    return true;
  }
}
