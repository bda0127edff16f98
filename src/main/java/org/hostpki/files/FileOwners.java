package org.hostpki.files;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.OptionalInt;

/**
 * Whether a file belongs to the user hostpki runs as or to root, the owners its StrictModes-like
 * checks accept (store, hook programs, password files). The kernel owns files by number, and a name
 * is only what the user database says of it: a process whose user has no name (a container run
 * with an arbitrary uid, {@code docker run --user 54321}, OpenShift) reads its own files as owned
 * by {@code 54321} and itself as {@code ?}; one whose user database cannot answer (out of file
 * descriptors, a directory service down) reads root's files as owned by {@code 0}. Neither is
 * another user: on the real file system the numbers decide when the names do not match.
 */
public final class FileOwners {
  private static final String ROOT = "root";

  /** What the JVM calls a user the host has no name for. */
  private static final String UNNAMED = "?";

  private FileOwners() {}

  /**
   * The user this process runs as, for messages and checks: {@code user.name}, or the number when
   * the host has no name for it.
   */
  public static String processUser() {
    String name = System.getProperty("user.name", UNNAMED);
    if (!name.equals(UNNAMED) && !name.isEmpty()) {
      return name;
    }
    OptionalInt uid = processUid(FileSystems.getDefault());
    return uid.isPresent() ? Integer.toString(uid.getAsInt()) : name;
  }

  /**
   * Whether {@code owner}, the owner of {@code file}, is {@code userName} or root: by name, and on
   * the real file system by number (root's 0, this process's own).
   */
  public static boolean isUserOrRoot(Path file, UserPrincipal owner, String userName, LinkOption... options)
      throws IOException {
    String name = owner.getName();
    if (name.equals(userName) || name.equals(ROOT)) {
      return true;
    }
    FileSystem fileSystem = file.getFileSystem();
    if (fileSystem != FileSystems.getDefault() || !fileSystem.supportedFileAttributeViews().contains("unix")) {
      return false; // a test's in-memory file system: its numbers are not the kernel's
    }
    int uid = (Integer) Files.getAttribute(file, "unix:uid", options);
    return uid == 0 || processUid(fileSystem).equals(OptionalInt.of(uid));
  }

  /** The owner of /proc/self is the process's effective user: one stat, no file descriptor. */
  public static OptionalInt processUid(FileSystem fileSystem) {
    try {
      return OptionalInt.of((Integer) Files.getAttribute(fileSystem.getPath("/proc/self"), "unix:uid"));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }
}
