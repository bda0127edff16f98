package org.hostpki.model;

/**
 * Text that came from outside — a certificate's subject, a CSR, a file name, a host name, a hook's
 * output — made safe to print on a terminal or in a log: every character that could move the
 * cursor, end a line, recolour, or reorder what a reader sees is shown as an escape instead.
 *
 * <p>Escaped: the C0 controls (NUL, newline, ESC, …), DEL, the C1 controls (U+0080–U+009F), the
 * line and paragraph separators U+2028/U+2029, and the invisible formatting characters (Unicode's
 * category Cf: the bidirectional overrides, isolates and marks, zero-width space, soft hyphen,
 * U+FEFF, the tag characters U+E0000–U+E007F, …) except the zero-width joiner and non-joiner
 * U+200C/U+200D, which Persian and the Indic scripts need; and the {@link #isBlankLetter blank
 * letters}, which draw nothing either. Characters up to U+00FF are written
 * {@code \xNN}, the other BMP ones {@code \}{@code uNNNN}, the others {@code \}{@code UNNNNNNNN}
 * (as YAML writes them); tab, newline and carriage return as {@code \t}, {@code \n}, {@code \r}.
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

  /** Whether the character (a code point) would be escaped by {@link #escape(String)}. */
  public static boolean isUnsafe(int c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == 0x2028
        || c == 0x2029
        || (Character.getType(c) == Character.FORMAT && c != 0x200c && c != 0x200d)
        || isBlankLetter(c);
  }

  /**
   * Whether the character is a letter or symbol that draws nothing though it is not a formatting
   * character (Cf): the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, the Khmer inherent vowels
   * U+17B4/U+17B5 (which Unicode says not to use) and the braille blank U+2800. Each passes for a
   * space or for nothing, so a name with one looks like the name with a space, or without it;
   * no name needs them.
   */
  public static boolean isBlankLetter(int c) {
    return c == 0x115f || c == 0x1160 || c == 0x3164 || c == 0xffa0 || c == 0x17b4 || c == 0x17b5 || c == 0x2800;
  }

  /** Whether the text holds any character {@link #escape(String)} would escape. */
  public static boolean hasUnsafe(String text) {
    return firstUnsafe(text) >= 0;
  }

  /** The index (in chars) of the first character {@link #escape(String)} would escape, or -1. */
  public static int firstUnsafe(String text) {
    for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
      if (isUnsafe(text.codePointAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static String escape(String text, boolean keepLines) {
    if (text == null) {
      return null;
    }
    int first = -1;
    for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
      int c = text.codePointAt(i);
      if (isUnsafe(c) && !(keepLines && c == '\n')) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
      int c = text.codePointAt(i);
      if (!isUnsafe(c) || (keepLines && c == '\n')) {
        out.appendCodePoint(c);
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c <= 0xff) {
        out.append(String.format("\\x%02x", c));
      } else if (c <= 0xffff) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.append(String.format("\\U%08x", c));
      }
    }
    return out.toString();
  }
}
