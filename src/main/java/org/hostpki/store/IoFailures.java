package org.hostpki.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.hostpki.files.FileReasons;
import org.hostpki.files.MountPoints;
import org.hostpki.model.ShellCommand;

/** I/O failures in the words a user needs: which file, and what went wrong with it. */
final class IoFailures {
  private static final String READ_ONLY = "Read-only file system";
  private static final String NOT_PERMITTED = "Operation not permitted";
  private static final String NO_SPACE = "No space left on device";

  /** The option the kernel shows on a file system it made read-only after an error (ext4). */
  private static final String KERNEL_READ_ONLY = "emergency_ro";

  private IoFailures() {}

  static String describe(Exception e) {
    return describe(e, IoFailures::mountOf);
  }

  /**
   * As {@link #describe(Exception)}, with the mount a failed file is on as {@code mounts} finds it,
   * so that a full or read-only file system is named ({@code df -h} then shows the right one).
   */
  static String describe(Exception e, Function<String, Optional<MountPoints.Mount>> mounts) {
    if (e instanceof UncheckedIOException u) {
      return describe(u.getCause(), mounts);
    }
    if (e instanceof DirectoryIteratorException d) {
      return describe(d.getCause(), mounts);
    }
    if (e instanceof AccessDeniedException a) {
      return "permission denied on " + a.getFile() + " (run hostpki as the store's owner)";
    }
    if (e instanceof NoSuchFileException n) {
      return n.getFile() + " disappeared (was the store changed at the same time?)";
    }
    if (e instanceof FileAlreadyExistsException f) {
      return f.getFile() + " already exists";
    }
    if (e instanceof FileSystemException f && READ_ONLY.equals(f.getReason())) {
      Optional<MountPoints.Mount> mount = mounts.apply(f.getFile());
      if (mount.isPresent() && mount.get().options().contains(KERNEL_READ_ONLY)) {
        return f.getFile() + ": " + mount.get().words() + " is read-only: the kernel made it so"
            + " after an error on it (`dmesg` shows which); have it checked (fsck) and mounted"
            + " read-write again, or set store.path to a folder on a file system that works";
      }
      return f.getFile() + ": " + mount.map(MountPoints.Mount::words).orElse("the file system")
          + " is read-only (a read-only mount, or systemd's"
          + " ProtectSystem= without the store in ReadWritePaths=); make the store writable for"
          + " hostpki, or set store.path to a folder on a writable file system";
    }
    if (e instanceof FileSystemException f && NO_SPACE.equals(f.getReason())) {
      Optional<MountPoints.Mount> mount = mounts.apply(f.getFile());
      if (mount.isPresent()) {
        String at = mount.get().mountPoint().toString();
        return f.getFile() + ": no space is left on " + mount.get().words() + " (free some: `" + ShellCommand.of("df", "-h", at)
            + "` and `" + ShellCommand.of("df", "-i", at) + "` show its space and inodes)";
      }
    }
    if (e instanceof FileSystemException f && NOT_PERMITTED.equals(f.getReason()) && f.getFile() != null) {
      // EPERM, not EACCES: not the mode bits, most often a file attribute (root is refused too)
      return f.getFile() + ": the operation is not permitted (if it or its folder is marked"
          + " immutable or append-only, `" + ShellCommand.of("lsattr", "-d", existing(f.getFile())) + "` shows an i or"
          + " an a; `chattr -i` or `chattr -a` removes it)";
    }
    if (e instanceof FileSystemException f) {
      return f.getFile() + (f.getReason() == null ? "" : ": " + withFix(f.getReason()));
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : withFix(e.getMessage());
  }

  /** The file, or the folder it was to be made in when it is not there (the one to look at). */
  private static String existing(String file) {
    try {
      Path path = FileSystems.getDefault().getPath(file);
      return Files.exists(path, LinkOption.NOFOLLOW_LINKS) || path.getParent() == null
          ? file
          : path.getParent().toString();
    } catch (RuntimeException e) {
      return file;
    }
  }

  /**
   * The mount a file is on, or the nearest folder above it that exists (a file that could not be
   * made); empty when that cannot be told.
   */
  private static Optional<MountPoints.Mount> mountOf(String file) {
    if (file == null) {
      return Optional.empty();
    }
    try {
      Path existing = FileSystems.getDefault().getPath(file).toAbsolutePath();
      while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      return existing == null ? Optional.empty() : MountPoints.mountOf(existing.toRealPath());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The kernel's words for an exhausted resource or a failing disk, with what to do about it. */
  private static String withFix(String reason) {
    return FileReasons.exhausted(reason).orElse(reason);
  }

  /**
   * A failure of reading or writing an open file ({@code write}, {@code fsync}) as the JDK reports
   * it, a bare {@link IOException} with the kernel's words, as one that names the file.
   */
  static IOException naming(Path file, IOException e) {
    if (e instanceof FileSystemException) {
      return e;
    }
    FileSystemException named = new FileSystemException(file.toString(), null, e.getMessage());
    named.initCause(e);
    return named;
  }
}
