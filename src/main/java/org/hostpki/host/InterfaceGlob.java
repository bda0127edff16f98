package org.hostpki.host;

import java.util.regex.Pattern;

/**
 * An interface name, or a glob of names ({@code veth*}, {@code tap?}, {@code eth[0-3]}):
 * host.ignoreInterfaces. The shell's (and systemd's {@code Name=}) glob: {@code *} matches any run
 * of characters, {@code ?} one character, {@code [...]} one of a set or range ({@code [!...]} or
 * {@code [^...]} one not in it; {@code [[]} is a literal '['); a '[' without its ']' is itself,
 * and so is everything else.
 */
final class InterfaceGlob {
  private InterfaceGlob() {}

  static boolean matches(String glob, String name) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      int end = c == '[' ? classEnd(glob, i) : -1;
      if (c != '*' && c != '?' && end < 0) {
        literal.append(c);
        i++;
        continue;
      }
      regex.append(Pattern.quote(literal.toString()));
      literal.setLength(0);
      if (c == '*' || c == '?') {
        regex.append(c == '*' ? ".*" : ".");
        i++;
      } else {
        regex.append(characterClass(glob.substring(i + 1, end)));
        i = end + 1;
      }
    }
    regex.append(Pattern.quote(literal.toString()));
    return Pattern.matches(regex.toString(), name);
  }

  /** The index of the ']' closing the class opened at {@code open}, or -1 when there is none. */
  private static int classEnd(String glob, int open) {
    int i = open + 1;
    if (i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^')) {
      i++;
    }
    if (i < glob.length() && glob.charAt(i) == ']') {
      i++; // a ']' first in the set is one of its members
    }
    return glob.indexOf(']', i);
  }

  /**
   * The set between the brackets as a regex: each member as its code point, so nothing in it is
   * regex syntax; a range written backwards ({@code [9-0]}) matches nothing, as in the shell.
   */
  private static String characterClass(String set) {
    boolean negated = !set.isEmpty() && (set.charAt(0) == '!' || set.charAt(0) == '^');
    int start = negated ? 1 : 0;
    StringBuilder members = new StringBuilder();
    for (int i = start; i < set.length(); i++) {
      char from = set.charAt(i);
      char to = from;
      if (i + 2 < set.length() && set.charAt(i + 1) == '-') {
        to = set.charAt(i + 2);
        i += 2;
      }
      if (from <= to) {
        members.append(String.format("\\x{%x}-\\x{%x}", (int) from, (int) to));
      }
    }
    if (members.length() == 0) {
      return negated ? "." : "(?!)";
    }
    return "[" + (negated ? "^" : "") + members + "]";
  }
}
