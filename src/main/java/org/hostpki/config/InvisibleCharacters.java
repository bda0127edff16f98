package org.hostpki.config;

import java.util.Locale;
import org.hostpki.model.TerminalText;

/**
 * Invisible formatting characters (Unicode's category Cf) in any value of the file (but inline PEM
 * text, whose reader takes only what is inside the armour, a byte order mark before it too): the
 * zero-width space U+200B, the soft hyphen U+00AD, U+FEFF, the word joiner U+2060, the tag
 * characters U+E0000–U+E007F, the bidirectional marks, … A value carries them into certificates
 * (a subject, a DNS name), file names and commands where no reader sees them, so two different
 * values look the same: "Example&#8203;CA" and "Example CA". Nothing hostpki takes needs them, so
 * they are refused, and so are the letters that draw nothing ({@link TerminalText#isBlankLetter}: the
 * Hangul fillers, the braille blank, …). The zero-width joiner and non-joiner U+200C/U+200D between two letters of a
 * script that is not ASCII are warned about only: Persian and the Indic scripts need them there;
 * anywhere else they are refused too.
 *
 * <p>Controls, line separators and the bidirectional overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) are refused by the schema's oneLine and path patterns where a value is a name or
 * a path, by {@link Fields#argv} in commands and by the checks of URLs; this check runs in a later
 * phase, so a value gets one message.
 */
final class InvisibleCharacters {
  private static final int ZWNJ = 0x200c;
  private static final int ZWJ = 0x200d;

  private InvisibleCharacters() {}

  /** U+202A–U+202E and U+2066–U+2069: refused where controls are, as "a bidirectional override". */
  static boolean isBidiOverride(int c) {
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
  }

  /**
   * Whether the joiner at {@code i} stands between two letters or marks of a script that joins
   * (not ASCII), where it changes how they are drawn; anywhere else it only hides.
   */
  private static boolean betweenJoiningLetters(String text, int i) {
    if (i == 0 || i + 1 >= text.length()) {
      return false;
    }
    return isJoiningLetter(text.codePointBefore(i)) && isJoiningLetter(text.codePointAt(i + 1));
  }

  private static boolean isJoiningLetter(int c) {
    int type = Character.getType(c);
    return c >= 0x80
        && (Character.isLetter(c)
            || type == Character.NON_SPACING_MARK
            || type == Character.COMBINING_SPACING_MARK);
  }

  /** The value as a message shows it: escaped, the joiners too. */
  private static String shown(String text) {
    return TerminalText.escape(YamlNode.Scalar.abbreviated(text))
        .replace("\u200c", "\\u200c")
        .replace("\u200d", "\\u200d");
  }

  static void check(YamlNode node, Problems problems) {
    if (node instanceof YamlNode.Mapping m) {
      m.entries().forEach((key, e) -> {
        if (!key.equals("pem")) { // PEM text, not a name: its reader skips what is outside the armour (a BOM)
          check(e.value(), problems);
        }
      });
    } else if (node instanceof YamlNode.Sequence s) {
      s.items().forEach(i -> check(i, problems));
    } else if (node instanceof YamlNode.Scalar s) {
      checkText(s, problems);
    }
  }

  private static void checkText(YamlNode.Scalar node, Problems problems) {
    String text = node.text();
    int joiner = -1;
    for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
      int c = text.codePointAt(i);
      boolean blank = TerminalText.isBlankLetter(c);
      if ((Character.getType(c) != Character.FORMAT && !blank) || isBidiOverride(c)) {
        continue;
      }
      if ((c != ZWNJ && c != ZWJ) || !betweenJoiningLetters(text, i)) {
        problems.error(
            node.position(),
            String.format(
                Locale.ROOT,
                "%s '%s' holds U+%04X (%s), %s, at character %d;"
                    + " certificates, files and commands would carry it where no reader sees it,"
                    + " making two different values look alike: remove it",
                node.displayName(), shown(text), c, Character.getName(c),
                blank ? "a character that draws nothing" : "an invisible formatting character",
                text.codePointCount(0, i) + 1));
        return;
      }
      if (joiner < 0) {
        joiner = i;
      }
    }
    if (joiner >= 0) {
      int c = text.codePointAt(joiner);
      problems.warning(
          node.position(),
          String.format(
              Locale.ROOT,
              "%s '%s' holds U+%04X (%s) at character %d, which cannot be seen where the value is"
                  + " shown; Persian and the Indic scripts need it between letters, elsewhere remove it",
              node.displayName(), shown(text), c, Character.getName(c),
              text.codePointCount(0, joiner) + 1));
    }
  }
}
