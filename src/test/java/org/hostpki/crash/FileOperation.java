package org.hostpki.crash;

import java.nio.file.Path;

/**
 * One mutating file-system operation as the code under test issued it, numbered from 1 in the
 * order it reached the file system.
 *
 * @param path the path operated on (the source of a move), on the wrapped file system
 * @param target the destination of a move, the target of a link; else null
 */
record FileOperation(int index, Kind kind, Path path, Path target) {

  /** What the operation did. */
  enum Kind {
    /** Opened a file for writing, creating it when missing. */
    OPEN_FOR_WRITE,
    WRITE,
    TRUNCATE,
    /** fsync of a file or (through a channel opened on it) a directory. */
    FORCE,
    CREATE_DIRECTORY,
    CREATE_SYMBOLIC_LINK,
    CREATE_LINK,
    DELETE,
    MOVE,
    COPY,
    SET_ATTRIBUTE
  }

  @Override
  public String toString() {
    return "#" + index + " " + kind + " " + path + (target == null ? "" : " -> " + target);
  }
}
