package org.hostpki.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the problems of one file. Checks run in phases (YAML, schema, meaning); a node that
 * already has an error from an earlier phase gets no second one from a later phase, so a user
 * sees one clear message per mistake.
 */
final class Problems {
  /**
   * The most problems kept per file (as javac shows at most 100 errors): 100,000 unknown keys made
   * 16 MB of messages; the rest are counted and said in one line.
   */
  static final int MAX_SHOWN = 100;

  /**
   * The longest message kept whole. Messages quote the values they are about; the longest a
   * person wrote is some 600 characters, but a value may be as long as the file (a 900 kB
   * server.issuer made a 900 kB line in a CI log, twice over when the advice repeats it). A longer
   * one keeps its start (where and what) and its end (the advice), saying how much is left out.
   */
  static final int MAX_MESSAGE = 1000;

  private static final int KEPT_HEAD = 600;
  private static final int KEPT_TAIL = 300;

  private final Path file;
  // A set, in the order found: a file with 50,000 unknown keys must not take quadratic time.
  private final Set<Problem> found = new LinkedHashSet<>();
  private final Set<Position> flaggedEarlier = new HashSet<>();
  private final Set<Position> flaggedNow = new HashSet<>();
  private int moreErrors;
  private int moreWarnings;
  private boolean unread;

  Problems(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** Starts a later phase: its errors at places already flagged are dropped. */
  void nextPhase() {
    flaggedEarlier.addAll(flaggedNow);
    flaggedNow.clear();
  }

  void error(Position at, String message) {
    if (flaggedEarlier.contains(at) && !at.equals(Position.NONE)) {
      return;
    }
    flaggedNow.add(at);
    add(at, Severity.ERROR, message);
  }

  void warning(Position at, String message) {
    add(at, Severity.WARNING, message);
  }

  /** An error about the file as a whole (no line, no column). */
  void fileError(String message) {
    add(Position.NONE, Severity.ERROR, message);
  }

  /**
   * The file could not be read (too many open files, permission denied): a {@link #fileError}
   * that says nothing about what is in it.
   */
  void readError(String message) {
    unread = true;
    fileError(message);
  }

  /** Whether {@link #readError} was called. */
  boolean unread() {
    return unread;
  }

  private void add(Position at, Severity severity, String message) {
    Problem problem = new Problem(file, at.line(), at.column(), severity, bounded(message));
    if (found.size() < MAX_SHOWN || found.contains(problem)) {
      found.add(problem);
    } else if (severity == Severity.ERROR) {
      moreErrors++;
    } else {
      moreWarnings++;
    }
  }

  /** {@code message}, or when it is longer than {@link #MAX_MESSAGE}, its start and its end. */
  static String bounded(String message) {
    if (message.length() <= MAX_MESSAGE) {
      return message;
    }
    int head = KEPT_HEAD;
    int tail = message.length() - KEPT_TAIL;
    // never half a character (a surrogate pair)
    head -= Character.isLowSurrogate(message.charAt(head)) ? 1 : 0;
    tail += Character.isLowSurrogate(message.charAt(tail)) ? 1 : 0;
    return message.substring(0, head) + " [... " + (tail - head) + " characters left out ...] "
        + message.substring(tail);
  }

  /** Errors found past {@link #MAX_SHOWN}, not kept. */
  int unshownErrors() {
    return moreErrors;
  }

  /** Warnings found past {@link #MAX_SHOWN}, not kept. */
  int unshownWarnings() {
    return moreWarnings;
  }

  boolean hasErrors() {
    return moreErrors > 0 || found.stream().anyMatch(Problem::isError);
  }

  /**
   * All problems kept, in file order (problems at the same place keep the order they were found
   * in), and last, when more were found than {@link #MAX_SHOWN}, one saying how many more.
   */
  List<Problem> sorted() {
    List<Problem> out = new ArrayList<>(found);
    out.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
    if (moreErrors + moreWarnings > 0) {
      out.add(
          new Problem(
              file, 0, 0, moreErrors > 0 ? Severity.ERROR : Severity.WARNING,
              (moreErrors == 0 ? "" : moreErrors + " more errors")
                  + (moreErrors > 0 && moreWarnings > 0 ? " and " : "")
                  + (moreWarnings == 0 ? "" : moreWarnings + " more warnings")
                  + " are not shown (only the first " + MAX_SHOWN + " are); fix these and check the"
                  + " file again"));
    }
    return out;
  }
}
