package org.hostpki.model;

import java.nio.file.Path;

/** A place in a desired-state file: 1-based line and column, as editors count. */
public record SourcePosition(Path file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
