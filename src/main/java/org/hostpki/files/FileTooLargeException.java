package org.hostpki.files;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/** A file larger than the limit for its kind ({@link InputKind}); at most the limit was read. */
public final class FileTooLargeException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  private FileTooLargeException(Path file, String size, InputKind kind) {
    super(
        file.toString(),
        null,
        "is " + size + ", over the " + kind.limitWords() + " limit for " + kind.words());
  }

  /** A file whose size said so before it was opened. */
  static FileTooLargeException ofSize(Path file, long size, InputKind kind) {
    return new FileTooLargeException(file, size + " bytes", kind);
  }

  /** A file that turned out larger while it was read (it grew, or reports no size). */
  static FileTooLargeException whileReading(Path file, InputKind kind) {
    return new FileTooLargeException(file, "larger than " + kind.limitWords(), kind);
  }
}
