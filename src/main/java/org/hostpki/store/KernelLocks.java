package org.hostpki.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;

/**
 * What the kernel says about a store's lock, for a refusal's words: the PID namespace this process
 * is in, and which process holds a POSIX lock on a file ({@code /proc/locks}).
 *
 * <p>The lock file names its holder with the PID the holder sees. A holder in a container (its own
 * PID namespace) writes {@code pid 1}, which on the host is init: a person told that would look
 * at the wrong process, or take the lock for a stale one. The kernel's table gives the holder's PID
 * as this process sees it (and leaves out a holder this namespace cannot see at all). Best effort:
 * without {@code /proc} a refusal says what the lock file says.
 */
public final class KernelLocks {
  private static final Path OWN_PID_NAMESPACE = Path.of("/proc/self/ns/pid");
  private static final Path LOCKS = Path.of("/proc/locks");

  private KernelLocks() {}

  /** This process's PID namespace, as {@code /proc/self/ns/pid} names it ({@code pid:[4026531836]}). */
  static Optional<String> ownPidNamespace() {
    try {
      return Optional.of(Files.readSymbolicLink(OWN_PID_NAMESPACE).toString());
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return Optional.empty();
    }
  }

  /** The PID (as this process sees it) of the process holding a write lock on {@code file}. */
  public static OptionalLong writeLockHolder(Path file) {
    try {
      long device = (Long) Files.getAttribute(file, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      long inode = (Long) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
      return writeLockHolder(
          new String(InputFiles.read(LOCKS, InputKind.HOST_FILE), StandardCharsets.US_ASCII), device, inode);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The holder of a POSIX write lock on the file {@code device}/{@code inode} in the text of
   * {@code /proc/locks}: lines such as {@code 7: POSIX  ADVISORY  WRITE 29069 fe:00:2228744 0 EOF};
   * those with {@code ->} are processes waiting for a lock, not holding it. On btrfs the device
   * {@code stat} gives a file (its subvolume's) is not the one this table prints: then the one
   * write lock on a file of that inode, if there is exactly one.
   *
   * @param device the file's {@code st_dev}, as {@code stat} gives it
   */
  static OptionalLong writeLockHolder(String procLocks, long device, long inode) {
    // st_dev as glibc's gnu_dev_major and gnu_dev_minor split it; /proc/locks prints both in hex.
    long major = ((device >> 8) & 0xfff) | ((device >>> 32) & ~0xfffL);
    long minor = (device & 0xff) | ((device >>> 12) & 0xffffff00L);
    List<Long> sameInode = new ArrayList<>();
    for (String line : procLocks.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length < 6 || !fields[1].equals("POSIX") || !fields[3].equals("WRITE")) {
        continue;
      }
      String[] file = fields[5].split(":");
      try {
        if (file.length != 3 || Long.parseLong(file[2]) != inode) {
          continue;
        }
        long pid = Long.parseLong(fields[4]);
        if (Long.parseLong(file[0], 16) == major && Long.parseLong(file[1], 16) == minor) {
          return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
        }
        sameInode.add(pid);
      } catch (NumberFormatException e) {
        // a line of another form: not this lock
      }
    }
    return sameInode.size() == 1 && sameInode.get(0) > 0 ? OptionalLong.of(sameInode.get(0)) : OptionalLong.empty();
  }
}
