package org.hostpki.model;

import java.nio.file.Path;

/** A place in a desired-state file: 1-based line and column, as editors count. */
public record SourcePosition(Path file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }

  /** This place as a run-time message starts with it, escaped for a terminal: {@code host.yaml:4:20: }. */
  public String prefix() {
    return TerminalText.escape(toString()) + ": ";
  }
}
