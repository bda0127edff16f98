package org.hostpki.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One finding in a desired-state file, printed the way compilers print them so editors and CI
 * logs can jump to it.
 *
 * @param file the file as it should be shown to the user
 * @param line 1-based line; 0 when the problem concerns the whole file
 * @param column 1-based column; 0 when the problem concerns the whole file
 */
public record Problem(Path file, int line, int column, Severity severity, String message) {

  public Problem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
  }

  /** {@code FILE:LINE:COLUMN: error: MESSAGE}, or {@code FILE: error: MESSAGE} without a place. */
  public String format() {
    String place = line > 0 ? file + ":" + line + ":" + column : file.toString();
    return place + ": " + severity.label() + ": " + message;
  }

  /** The same problem, shown under another name (e.g. the path as the user typed it). */
  public Problem withFile(Path shownAs) {
    return new Problem(shownAs, line, column, severity, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }
}
