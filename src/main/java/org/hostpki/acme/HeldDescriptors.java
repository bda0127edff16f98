package org.hostpki.acme;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * What Java 17 lacks for acting on a file or folder held open rather than on a name (mkdirat,
 * fchmod): the descriptor's name under {@code /proc/self/fd}, which the kernel follows to the
 * file held, whatever was renamed or linked in its place since. Found by {@code stat} alone, never
 * an open: a FIFO among the descriptors is looked at, not waited on.
 */
final class HeldDescriptors {
  private static final Path PROC_FD = Path.of("/proc/self/fd");

  private HeldDescriptors() {}

  /** Whether this system has {@code /proc/self/fd}. */
  static boolean available() {
    return Files.isDirectory(PROC_FD);
  }

  /**
   * The name under {@code /proc/self/fd} of a descriptor of the folder held open: one whose
   * {@code stat} (through the link) is that folder's device and inode.
   *
   * @return empty without {@code /proc}, or when none is found
   */
  static Optional<Path> ofFolder(SecureDirectoryStream<Path> folder) {
    Object key;
    try {
      key = folder.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
    } catch (IOException e) {
      return Optional.empty();
    }
    return of(key, true);
  }

  /**
   * The name under {@code /proc/self/fd} of a descriptor this process holds of the folder
   * ({@code directory}) or regular file whose device and inode are {@code key}.
   *
   * @return empty without {@code /proc}, or when none is found
   */
  static Optional<Path> of(Object key, boolean directory) {
    if (key == null) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(PROC_FD)) {
      for (Path descriptor : descriptors) {
        try {
          // stat, never open: a descriptor of a FIFO is looked at, not waited on
          BasicFileAttributes a = Files.readAttributes(descriptor, BasicFileAttributes.class);
          if ((directory ? a.isDirectory() : a.isRegularFile()) && key.equals(a.fileKey())) {
            return Optional.of(descriptor);
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      // no /proc here
    }
    return Optional.empty();
  }
}
