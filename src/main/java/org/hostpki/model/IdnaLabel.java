package org.hostpki.model;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether an {@code xn--} label is an A-label as IDNA2008 defines it (RFC 5890 §2.3.2.1, RFC 5891
 * §5.4): the part after {@code xn--} decodes as Punycode (RFC 3492), the result is not plain
 * ASCII, encoding it again gives exactly the same letters, and the U-label is in NFC and holds only
 * code points IDNA2008 allows (RFC 5892 §2: letters, marks and digits that NFKC case folding leaves
 * unchanged, with the exceptions of its §2.6; no old Hangul jamo, no code points of the ignorable
 * blocks or of Unicode's default-ignorable set; no leading combining mark).
 *
 * <p>The Punycode part is exact. The code point classes are derived from the Java runtime's Unicode
 * tables as RFC 5892 derives them (so they follow its Unicode version, as IDNA2008 intends); the
 * contextual rules for CONTEXTJ and CONTEXTO code points (RFC 5892 Appendix A) are checked by
 * {@link IdnaContext}, and so is the Bidi rule (RFC 5893), which {@link DnsName} applies to a whole
 * name. {@link java.net.IDN} is not used: it implements IDNA2003, whose
 * mapping turns {@code ß} into {@code ss}, so the valid A-label {@code xn--zca} would not round-trip.
 */
public final class IdnaLabel {
  private static final int BASE = 36;
  private static final int TMIN = 1;
  private static final int TMAX = 26;
  private static final int SKEW = 38;
  private static final int DAMP = 700;
  private static final int INITIAL_BIAS = 72;
  private static final int INITIAL_N = 0x80;

  private IdnaLabel() {}

  /**
   * What is wrong with an ASCII label that starts with {@code xn--} (in any case), as a phrase that
   * follows the name in a message; empty when it is an A-label or does not start with {@code xn--}.
   */
  public static Optional<String> problem(String label) {
    String lower = label.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("xn--")) {
      return Optional.empty();
    }
    String encoded = lower.substring(4);
    Optional<String> decoded = decode(encoded);
    if (decoded.isEmpty() || decoded.get().isEmpty()) {
      return Optional.of(
          "has the label '" + label + "', which starts with xn-- but is not valid Punycode (RFC 3492);"
              + " write the name in Unicode once and hostpki validate tells its xn-- form");
    }
    String uLabel = decoded.get();
    if (uLabel.chars().allMatch(c -> c < 0x80)) {
      return Optional.of(
          "has the label '" + label + "', whose Punycode decodes to the plain ASCII '" + uLabel
              + "'; write '" + uLabel + "' as it is");
    }
    if (!encode(uLabel).equals(encoded)) {
      return Optional.of(
          "has the label '" + label + "', which is not how '" + TerminalText.escape(uLabel)
              + "' is written in Punycode; write 'xn--" + encode(uLabel) + "'");
    }
    Optional<String> disallowed = disallowed(uLabel);
    return disallowed.map(
        what -> "has the label '" + label + "', which decodes to '"
            + TerminalText.escape(uLabel).replace("\u200c", "\\u200c").replace("\u200d", "\\u200d")
            + "': " + what + " (IDNA2008, RFC 5892); such a name cannot be registered or looked up");
  }

  /** Why IDNA2008 does not allow {@code uLabel}, or empty. */
  private static Optional<String> disallowed(String uLabel) {
    if (!Normalizer.isNormalized(uLabel, Normalizer.Form.NFC)) {
      return Optional.of(
          "it is not in Unicode normalization form C; write it as '"
              + TerminalText.escape(Normalizer.normalize(uLabel, Normalizer.Form.NFC)) + "' ");
    }
    if (uLabel.startsWith("-") || uLabel.endsWith("-")) {
      return Optional.of("it starts or ends with '-' (RFC 5891)");
    }
    if (uLabel.codePointCount(0, uLabel.length()) >= 4
        && uLabel.codePointAt(uLabel.offsetByCodePoints(0, 2)) == '-'
        && uLabel.codePointAt(uLabel.offsetByCodePoints(0, 3)) == '-') {
      return Optional.of("it has '--' in its third and fourth places (RFC 5891)");
    }
    int first = uLabel.codePointAt(0);
    int firstType = Character.getType(first);
    if (firstType == Character.NON_SPACING_MARK
        || firstType == Character.COMBINING_SPACING_MARK
        || firstType == Character.ENCLOSING_MARK) {
      return Optional.of(String.format("it starts with the combining mark U+%04X", first));
    }
    for (int i = 0; i < uLabel.length(); i += Character.charCount(uLabel.codePointAt(i))) {
      int c = uLabel.codePointAt(i);
      if (!allowed(c)) {
        return Optional.of(
            String.format("U+%04X (%s) is not allowed in a name", c, Character.getName(c)));
      }
    }
    return IdnaContext.contextProblem(uLabel);
  }

  /** The label in Unicode: an A-label decoded, any other label as it is. */
  static String unicode(String label) {
    String lower = label.toLowerCase(Locale.ROOT);
    return lower.startsWith("xn--") ? decode(lower.substring(4)).orElse(label) : label;
  }

  /** RFC 5892 §2 in its order of precedence: PVALID, CONTEXTJ or CONTEXTO. */
  private static boolean allowed(int c) {
    switch (c) {
      case 0x00df, 0x03c2, 0x06fd, 0x06fe, 0x0f0b, 0x3007, // §2.6 exceptions, PVALID
          0x00b7, 0x0375, 0x05f3, 0x05f4, 0x30fb, // CONTEXTO
          0x200c, 0x200d: // CONTEXTJ
        return true;
      case 0x0640, 0x07fa, 0x302e, 0x302f, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303b:
        return false; // §2.6 exceptions, DISALLOWED
      default:
        break;
    }
    if ((c >= 0x0660 && c <= 0x0669) || (c >= 0x06f0 && c <= 0x06f9)) {
      return true; // CONTEXTO: Arabic-Indic digits
    }
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
      return true; // LDH
    }
    if (c < 0x80
        || isOldHangulJamo(c)
        || (c >= 0x20d0 && c <= 0x20ff) // Combining Diacritical Marks for Symbols
        || (c >= 0x1d100 && c <= 0x1d24f) // Musical Symbols, Ancient Greek Musical Notation
        || isDefaultIgnorable(c)) {
      return false;
    }
    String s = new String(Character.toChars(c));
    String nfkc = Normalizer.normalize(s, Normalizer.Form.NFKC);
    if (!Normalizer.normalize(nfkc.toLowerCase(Locale.ROOT), Normalizer.Form.NFKC).equals(s)) {
      return false; // Unstable: upper case, compatibility forms
    }
    return switch (Character.getType(c)) {
      case Character.LOWERCASE_LETTER, Character.UPPERCASE_LETTER, Character.OTHER_LETTER,
          Character.DECIMAL_DIGIT_NUMBER, Character.MODIFIER_LETTER, Character.NON_SPACING_MARK,
          Character.COMBINING_SPACING_MARK -> true;
      default -> false;
    };
  }

  private static boolean isOldHangulJamo(int c) {
    return (c >= 0x1100 && c <= 0x11ff) || (c >= 0xa960 && c <= 0xa97f) || (c >= 0xd7b0 && c <= 0xd7ff);
  }

  /** Unicode's Default_Ignorable_Code_Point, as far as letters and marks are concerned. */
  private static boolean isDefaultIgnorable(int c) {
    return c == 0x034f
        || c == 0x115f
        || c == 0x1160
        || c == 0x17b4
        || c == 0x17b5
        || c == 0x3164
        || c == 0xffa0
        || (c >= 0x180b && c <= 0x180f)
        || (c >= 0xfe00 && c <= 0xfe0f)
        || (c >= 0xe0100 && c <= 0xe01ef);
  }

  /** RFC 3492 §6.2; empty when the input is not valid Punycode. */
  static Optional<String> decode(String input) {
    int n = INITIAL_N;
    int bias = INITIAL_BIAS;
    int delimiter = input.lastIndexOf('-');
    StringBuilder output = new StringBuilder();
    for (int j = 0; j < Math.max(delimiter, 0); j++) {
      char c = input.charAt(j);
      if (c >= 0x80) {
        return Optional.empty();
      }
      output.append(c);
    }
    int[] out = output.codePoints().toArray();
    int length = out.length;
    int[] cps = new int[input.length() + 1];
    System.arraycopy(out, 0, cps, 0, length);
    long i = 0;
    for (int in = delimiter > 0 ? delimiter + 1 : 0; in < input.length(); ) {
      long oldi = i;
      long w = 1;
      for (int k = BASE; ; k += BASE) {
        if (in >= input.length()) {
          return Optional.empty();
        }
        int digit = digit(input.charAt(in++));
        if (digit < 0) {
          return Optional.empty();
        }
        i += digit * w;
        if (i > Integer.MAX_VALUE) {
          return Optional.empty();
        }
        int t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
        if (digit < t) {
          break;
        }
        w *= BASE - t;
        if (w > Integer.MAX_VALUE) {
          return Optional.empty();
        }
      }
      bias = adapt((int) (i - oldi), length + 1, oldi == 0);
      long next = n + i / (length + 1);
      if (next > Character.MAX_CODE_POINT) {
        return Optional.empty();
      }
      n = (int) next;
      if (n < 0x80 || (n >= Character.MIN_SURROGATE && n <= Character.MAX_SURROGATE)) {
        return Optional.empty();
      }
      int at = (int) (i % (length + 1));
      System.arraycopy(cps, at, cps, at + 1, length - at);
      cps[at] = n;
      length++;
      i = at + 1;
    }
    return Optional.of(new String(cps, 0, length));
  }

  /** RFC 3492 §6.3: the Punycode of a string. */
  static String encode(String input) {
    int[] cps = input.codePoints().toArray();
    StringBuilder output = new StringBuilder();
    for (int c : cps) {
      if (c < 0x80) {
        output.append((char) c);
      }
    }
    int basic = output.length();
    int handled = basic;
    if (basic > 0) {
      output.append('-');
    }
    int n = INITIAL_N;
    long delta = 0;
    int bias = INITIAL_BIAS;
    while (handled < cps.length) {
      int m = Integer.MAX_VALUE;
      for (int c : cps) {
        if (c >= n && c < m) {
          m = c;
        }
      }
      delta += (long) (m - n) * (handled + 1);
      n = m;
      for (int c : cps) {
        if (c < n) {
          delta++;
        }
        if (c == n) {
          long q = delta;
          for (int k = BASE; ; k += BASE) {
            int t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
            if (q < t) {
              break;
            }
            output.append(digitChar((int) (t + (q - t) % (BASE - t))));
            q = (q - t) / (BASE - t);
          }
          output.append(digitChar((int) q));
          bias = adapt((int) delta, handled + 1, handled == basic);
          delta = 0;
          handled++;
        }
      }
      delta++;
      n++;
    }
    return output.toString();
  }

  private static int adapt(int delta, int points, boolean first) {
    delta = first ? delta / DAMP : delta / 2;
    delta += delta / points;
    int k = 0;
    while (delta > ((BASE - TMIN) * TMAX) / 2) {
      delta /= BASE - TMIN;
      k += BASE;
    }
    return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
  }

  private static int digit(char c) {
    if (c >= 'a' && c <= 'z') {
      return c - 'a';
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 26;
    }
    return -1;
  }

  private static char digitChar(int d) {
    return (char) (d < 26 ? 'a' + d : '0' + d - 26);
  }
}
