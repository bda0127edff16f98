package org.hostpki.host;

import java.util.regex.Pattern;

/** An interface name, or a glob of names ({@code veth*}, {@code tap?}): host.ignoreInterfaces. */
final class InterfaceGlob {
  private InterfaceGlob() {}

  /** {@code *} matches any run of characters, {@code ?} one character; everything else itself. */
  static boolean matches(String glob, String name) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        regex.append(Pattern.quote(literal.toString())).append(c == '*' ? ".*" : ".");
        literal.setLength(0);
      } else {
        literal.append(c);
      }
    }
    regex.append(Pattern.quote(literal.toString()));
    return Pattern.matches(regex.toString(), name);
  }
}
