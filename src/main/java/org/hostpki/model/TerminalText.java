package org.hostpki.model;

/**
 * Text that came from outside — a certificate's subject, a CSR, a file name, a host name, a hook's
 * output — made safe to print on a terminal or in a log: every character that could move the
 * cursor, end a line, recolour, or reorder what a reader sees is shown as an escape instead.
 *
 * <p>Escaped: the C0 controls (NUL, newline, ESC, …), DEL, the C1 controls (U+0080–U+009F), the
 * line and paragraph separators U+2028/U+2029, and the bidirectional overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069). Characters up to U+00FF are written {@code \xNN}, the others
 * {@code \}{@code uNNNN}; tab, newline and carriage return as {@code \t}, {@code \n}, {@code \r}.
 * Everything else, including non-ASCII letters and backslashes (RFC 4514 uses them), is kept.
 */
public final class TerminalText {
  private TerminalText() {}

  /** The text as one line: a newline in it is escaped too. */
  public static String escape(String text) {
    return escape(text, false);
  }

  /**
   * The text with its line breaks kept (for relaying a program's output line by line); every
   * other control, including a carriage return, is escaped.
   */
  public static String escapeKeepingLines(String text) {
    return escape(text, true);
  }

  /** Whether the character would be escaped by {@link #escape(String)}. */
  public static boolean isUnsafe(int c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == 0x2028
        || c == 0x2029
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }

  /** Whether the text holds any character {@link #escape(String)} would escape. */
  public static boolean hasUnsafe(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (isUnsafe(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static String escape(String text, boolean keepLines) {
    if (text == null) {
      return null;
    }
    int first = -1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isUnsafe(c) && !(keepLines && c == '\n')) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!isUnsafe(c) || (keepLines && c == '\n')) {
        out.append(c);
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c <= 0xff) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }
}
