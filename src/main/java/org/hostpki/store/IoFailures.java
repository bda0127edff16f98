package org.hostpki.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.hostpki.files.FileReasons;

/** I/O failures in the words a user needs: which file, and what went wrong with it. */
final class IoFailures {
  private static final String READ_ONLY = "Read-only file system";
  private static final String NOT_PERMITTED = "Operation not permitted";

  private IoFailures() {}

  static String describe(Exception e) {
    if (e instanceof UncheckedIOException u) {
      return describe(u.getCause());
    }
    if (e instanceof DirectoryIteratorException d) {
      return describe(d.getCause());
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
      return f.getFile() + ": the file system is read-only (a read-only mount, or systemd's"
          + " ProtectSystem= without the store in ReadWritePaths=); make the store writable for"
          + " hostpki, or set store.path to a folder on a writable file system";
    }
    if (e instanceof FileSystemException f && NOT_PERMITTED.equals(f.getReason()) && f.getFile() != null) {
      // EPERM, not EACCES: not the mode bits, most often a file attribute (root is refused too)
      return f.getFile() + ": the operation is not permitted (if it or its folder is marked"
          + " immutable or append-only, `lsattr -d " + f.getFile() + "` shows an i or an a;"
          + " `chattr -i` or `chattr -a` removes it)";
    }
    if (e instanceof FileSystemException f) {
      return f.getFile() + (f.getReason() == null ? "" : ": " + withFix(f.getReason()));
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : withFix(e.getMessage());
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
