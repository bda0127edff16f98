package org.hostpki.store;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** I/O failures in the words a user needs: which file, and what went wrong with it. */
final class IoFailures {
  private static final String READ_ONLY = "Read-only file system";

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
    if (e instanceof FileSystemException f) {
      return f.getFile() + (f.getReason() == null ? "" : ": " + f.getReason());
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
