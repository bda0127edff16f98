package org.hostpki.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one home of a command line hostpki prints for the operator to paste: its words, each as
 * {@link ShellWord} quotes it, so that POSIX sh reads back exactly those words (a desired-state
 * path with a space, a {@code '}, a {@code $} stays one argument). Build every printed command
 * here rather than by appending a path after {@code " -f "}; ShellCommandGuardTest finds the
 * latter in src/main/java.
 *
 * <p>The line is still text from outside: where it is printed on a terminal, {@link TerminalText}
 * escapes its controls, so a path with a newline shows as {@code '…\n…'} and pasting that names
 * a file with a backslash and an n instead. Such a path cannot be pasted from a terminal at all;
 * the escape at least shows that the name is not what it looks like.
 */
public final class ShellCommand {
  private ShellCommand() {}

  /** {@code hostpki WORD…}: hostpki's own command with these words (a Path is its text). */
  public static String hostpki(Object... words) {
    List<Object> all = new ArrayList<>(words.length + 1);
    all.add("hostpki");
    all.addAll(Arrays.asList(words));
    return of(all);
  }

  /** The command whose words these are (the program first), each quoted as sh needs. */
  public static String of(Object... words) {
    return of(Arrays.asList(words));
  }

  /** The command whose words these are (the program first), each quoted as sh needs. */
  public static String of(List<?> words) {
    StringBuilder line = new StringBuilder();
    for (Object word : words) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(ShellWord.of(String.valueOf(word)));
    }
    return line.toString();
  }
}
