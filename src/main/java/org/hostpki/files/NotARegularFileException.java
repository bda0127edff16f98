package org.hostpki.files;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/** A file that exists but is a directory, FIFO, device or socket: never opened for reading. */
public final class NotARegularFileException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  private final String type;

  NotARegularFileException(Path file, String type) {
    this(file, type, "");
  }

  /** With words after "not a regular file": how it came to be one. */
  NotARegularFileException(Path file, String type, String more) {
    super(file.toString(), null, "is " + type + ", not a regular file" + more);
    this.type = type;
  }

  /** What the file is instead: {@code a FIFO (named pipe)}, {@code a character device}. */
  public String type() {
    return type;
  }
}
