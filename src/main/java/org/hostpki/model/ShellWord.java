package org.hostpki.model;

/**
 * A word of a command hostpki prints for the operator to run (a path with a space, a quote): as
 * POSIX sh reads it back, unquoted when it holds only characters no shell treats specially.
 */
public final class ShellWord {
  private ShellWord() {}

  /** {@code word} as one sh word: as it is, or in single quotes (a ' inside as '\''). */
  public static String of(String word) {
    return word.matches("[A-Za-z0-9._/=:,@%+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }
}
