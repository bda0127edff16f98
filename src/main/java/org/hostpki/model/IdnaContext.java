package org.hostpki.model;

import java.text.Normalizer;
import java.util.Optional;

/**
 * The rules of IDNA2008 that look at a U-label's characters in their context, beyond the code point
 * classes of {@link IdnaLabel}: the contextual rules for the CONTEXTJ and CONTEXTO code points
 * (RFC 5892 Appendix A) and the Bidi rule for right-to-left names (RFC 5893 §2).
 *
 * <p>Script and bidirectional class come from the Java runtime's Unicode tables, the canonical
 * combining class of a virama from its canonical ordering (the JDK has no accessor for it), and the
 * Arabic joining types from the table below (Unicode 15.0's DerivedJoiningType.txt: D, L and R of
 * Arabic, Syriac, N'Ko, Mongolian, Manichaean, …, and the exceptions to T); joining type T is
 * otherwise Unicode's derivation, the marks and formatting characters (Mn, Me, Cf).
 */
final class IdnaContext {
  private static final int ZWNJ = 0x200c;
  private static final int ZWJ = 0x200d;

  /**
   * Joining types D, L and R, and the marks and formatting characters that are not T (U, such as
   * the prepended concatenation marks U+0600–U+0605) or letters that are (T): first code point,
   * last code point, type; in order.
   */
  private static final int[] JOINING = {
      0x0600, 0x0605, 'U', 0x0620, 0x0620, 'D', 0x0622, 0x0625, 'R', 0x0626, 0x0626, 'D',
      0x0627, 0x0627, 'R', 0x0628, 0x0628, 'D', 0x0629, 0x0629, 'R', 0x062a, 0x062e, 'D',
      0x062f, 0x0632, 'R', 0x0633, 0x063f, 'D', 0x0641, 0x0647, 'D', 0x0648, 0x0648, 'R',
      0x0649, 0x064a, 'D', 0x066e, 0x066f, 'D', 0x0671, 0x0673, 'R', 0x0675, 0x0677, 'R',
      0x0678, 0x0687, 'D', 0x0688, 0x0699, 'R', 0x069a, 0x06bf, 'D', 0x06c0, 0x06c0, 'R',
      0x06c1, 0x06c2, 'D', 0x06c3, 0x06cb, 'R', 0x06cc, 0x06cc, 'D', 0x06cd, 0x06cd, 'R',
      0x06ce, 0x06ce, 'D', 0x06cf, 0x06cf, 'R', 0x06d0, 0x06d1, 'D', 0x06d2, 0x06d3, 'R',
      0x06d5, 0x06d5, 'R', 0x06dd, 0x06dd, 'U', 0x06ee, 0x06ef, 'R', 0x06fa, 0x06fc, 'D',
      0x06ff, 0x06ff, 'D', 0x0710, 0x0710, 'R', 0x0712, 0x0714, 'D', 0x0715, 0x0719, 'R',
      0x071a, 0x071d, 'D', 0x071e, 0x071e, 'R', 0x071f, 0x0727, 'D', 0x0728, 0x0728, 'R',
      0x0729, 0x0729, 'D', 0x072a, 0x072a, 'R', 0x072b, 0x072b, 'D', 0x072c, 0x072c, 'R',
      0x072d, 0x072e, 'D', 0x072f, 0x072f, 'R', 0x074d, 0x074d, 'R', 0x074e, 0x0758, 'D',
      0x0759, 0x075b, 'R', 0x075c, 0x076a, 'D', 0x076b, 0x076c, 'R', 0x076d, 0x0770, 'D',
      0x0771, 0x0771, 'R', 0x0772, 0x0772, 'D', 0x0773, 0x0774, 'R', 0x0775, 0x0777, 'D',
      0x0778, 0x0779, 'R', 0x077a, 0x077f, 'D', 0x07ca, 0x07ea, 'D', 0x0840, 0x0840, 'R',
      0x0841, 0x0845, 'D', 0x0846, 0x0847, 'R', 0x0848, 0x0848, 'D', 0x0849, 0x0849, 'R',
      0x084a, 0x0853, 'D', 0x0854, 0x0854, 'R', 0x0855, 0x0855, 'D', 0x0856, 0x0858, 'R',
      0x0860, 0x0860, 'D', 0x0862, 0x0865, 'D', 0x0867, 0x0867, 'R', 0x0868, 0x0868, 'D',
      0x0869, 0x086a, 'R', 0x0870, 0x0882, 'R', 0x0886, 0x0886, 'D', 0x0889, 0x088d, 'D',
      0x088e, 0x088e, 'R', 0x08a0, 0x08a9, 'D', 0x08aa, 0x08ac, 'R', 0x08ae, 0x08ae, 'R',
      0x08af, 0x08b0, 'D', 0x08b1, 0x08b2, 'R', 0x08b3, 0x08b8, 'D', 0x08b9, 0x08b9, 'R',
      0x08ba, 0x08c8, 'D', 0x08e2, 0x08e2, 'U', 0x1734, 0x1734, 'U', 0x1807, 0x1807, 'D',
      0x180e, 0x180e, 'U', 0x1820, 0x1878, 'D', 0x1887, 0x18a8, 'D', 0x18aa, 0x18aa, 'D',
      0x2066, 0x2069, 'U', 0xa840, 0xa871, 'D', 0xa872, 0xa872, 'L', 0x10ac0, 0x10ac4, 'D',
      0x10ac5, 0x10ac5, 'R', 0x10ac7, 0x10ac7, 'R', 0x10ac9, 0x10aca, 'R', 0x10acd, 0x10acd, 'L',
      0x10ace, 0x10ad2, 'R', 0x10ad3, 0x10ad6, 'D', 0x10ad7, 0x10ad7, 'L', 0x10ad8, 0x10adc, 'D',
      0x10add, 0x10add, 'R', 0x10ade, 0x10ae0, 'D', 0x10ae1, 0x10ae1, 'R', 0x10ae4, 0x10ae4, 'R',
      0x10aeb, 0x10aee, 'D', 0x10aef, 0x10aef, 'R', 0x10b80, 0x10b80, 'D', 0x10b81, 0x10b81, 'R',
      0x10b82, 0x10b82, 'D', 0x10b83, 0x10b85, 'R', 0x10b86, 0x10b88, 'D', 0x10b89, 0x10b89, 'R',
      0x10b8a, 0x10b8b, 'D', 0x10b8c, 0x10b8c, 'R', 0x10b8d, 0x10b8d, 'D', 0x10b8e, 0x10b8f, 'R',
      0x10b90, 0x10b90, 'D', 0x10b91, 0x10b91, 'R', 0x10ba9, 0x10bac, 'R', 0x10bad, 0x10bae, 'D',
      0x10d00, 0x10d00, 'L', 0x10d01, 0x10d21, 'D', 0x10d22, 0x10d22, 'R', 0x10d23, 0x10d23, 'D',
      0x10f30, 0x10f32, 'D', 0x10f33, 0x10f33, 'R', 0x10f34, 0x10f44, 'D', 0x10f51, 0x10f53, 'D',
      0x10f54, 0x10f54, 'R', 0x10f70, 0x10f73, 'D', 0x10f74, 0x10f75, 'R', 0x10f76, 0x10f81, 'D',
      0x10fb0, 0x10fb0, 'D', 0x10fb2, 0x10fb3, 'D', 0x10fb4, 0x10fb6, 'R', 0x10fb8, 0x10fb8, 'D',
      0x10fb9, 0x10fba, 'R', 0x10fbb, 0x10fbc, 'D', 0x10fbd, 0x10fbd, 'R', 0x10fbe, 0x10fbf, 'D',
      0x10fc1, 0x10fc1, 'D', 0x10fc2, 0x10fc3, 'R', 0x10fc4, 0x10fc4, 'D', 0x10fc9, 0x10fc9, 'R',
      0x10fca, 0x10fca, 'D', 0x10fcb, 0x10fcb, 'L', 0x110bd, 0x110bd, 'U', 0x110cd, 0x110cd, 'U',
      0x1171e, 0x1171e, 'U', 0x1e900, 0x1e943, 'D', 0x1e94b, 0x1e94b, 'T',
  };

  private IdnaContext() {}

  /** What a contextual rule of RFC 5892 Appendix A says is wrong with {@code uLabel}, or empty. */
  static Optional<String> contextProblem(String uLabel) {
    int[] cps = uLabel.codePoints().toArray();
    boolean arabicIndic = false;
    boolean extendedArabicIndic = false;
    for (int i = 0; i < cps.length; i++) {
      int c = cps[i];
      arabicIndic |= c >= 0x0660 && c <= 0x0669;
      extendedArabicIndic |= c >= 0x06f0 && c <= 0x06f9;
      Optional<String> why = contextRule(cps, i);
      if (why.isPresent()) {
        return Optional.of(String.format("U+%04X (%s) %s", c, Character.getName(c), why.get()));
      }
    }
    if (arabicIndic && extendedArabicIndic) {
      return Optional.of(
          "it mixes Arabic-Indic digits (U+0660-U+0669) with extended Arabic-Indic ones (U+06F0-U+06F9)");
    }
    return Optional.empty();
  }

  /** Why the CONTEXTJ or CONTEXTO code point at {@code i} is out of place, as a phrase; empty otherwise. */
  private static Optional<String> contextRule(int[] cps, int i) {
    int before = i > 0 ? cps[i - 1] : -1;
    int after = i + 1 < cps.length ? cps[i + 1] : -1;
    switch (cps[i]) {
      case ZWJ:
        return isVirama(before) ? Optional.empty() : Optional.of("stands only after a virama");
      case ZWNJ:
        return isVirama(before) || joinsAround(cps, i)
            ? Optional.empty()
            : Optional.of("stands only after a virama or between two letters that join (Arabic, Syriac, …)");
      case 0x00b7:
        return before == 'l' && after == 'l' ? Optional.empty() : Optional.of("stands only between two l (Catalan l·l)");
      case 0x0375:
        return after >= 0 && script(after) == Character.UnicodeScript.GREEK
            ? Optional.empty()
            : Optional.of("stands only before a Greek letter");
      case 0x05f3, 0x05f4:
        return before >= 0 && script(before) == Character.UnicodeScript.HEBREW
            ? Optional.empty()
            : Optional.of("stands only after a Hebrew letter");
      case 0x30fb:
        for (int c : cps) {
          Character.UnicodeScript s = script(c);
          if (s == Character.UnicodeScript.HIRAGANA
              || s == Character.UnicodeScript.KATAKANA
              || s == Character.UnicodeScript.HAN) {
            return Optional.empty();
          }
        }
        return Optional.of("stands only in a label with Hiragana, Katakana or Han");
      default:
        return Optional.empty();
    }
  }

  private static Character.UnicodeScript script(int c) {
    return Character.UnicodeScript.of(c);
  }

  /**
   * Whether the canonical combining class of {@code c} is 9 (Virama). Canonical ordering swaps two
   * marks when the first has the higher class: {@code c} goes behind U+3099 (class 8, as U+309A,
   * the only other) when its class is above 8, and U+05B0 (class 10, the only one) goes behind it
   * when its class is below 10.
   */
  static boolean isVirama(int c) {
    if (c < 0x0300 || c == 0x3099 || c == 0x309a || c == 0x05b0) {
      return false;
    }
    String mark = new String(Character.toChars(c));
    String above8 = "a" + mark + "\u3099";
    String below10 = "a\u05b0" + mark;
    return Normalizer.normalize(above8, Normalizer.Form.NFD).equals("a\u3099" + mark)
        && Normalizer.normalize(below10, Normalizer.Form.NFD).equals("a" + mark + "\u05b0");
  }

  /** RFC 5892 A.1: a letter of joining type L or D, then marks (T), the ZWNJ, marks, one of type R or D. */
  private static boolean joinsAround(int[] cps, int i) {
    int left = i - 1;
    while (left >= 0 && joiningType(cps[left]) == 'T') {
      left--;
    }
    int right = i + 1;
    while (right < cps.length && joiningType(cps[right]) == 'T') {
      right++;
    }
    if (left < 0 || right >= cps.length) {
      return false;
    }
    char l = joiningType(cps[left]);
    char r = joiningType(cps[right]);
    return (l == 'L' || l == 'D') && (r == 'R' || r == 'D');
  }

  /** D, L, R, T, or U (non-joining). */
  static char joiningType(int c) {
    int low = 0;
    int high = JOINING.length / 3 - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (c < JOINING[mid * 3]) {
        high = mid - 1;
      } else if (c > JOINING[mid * 3 + 1]) {
        low = mid + 1;
      } else {
        return (char) JOINING[mid * 3 + 2];
      }
    }
    int type = Character.getType(c);
    boolean transparent =
        type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT;
    return transparent && c != ZWNJ && c != ZWJ ? 'T' : 'U';
  }

  /**
   * What the Bidi rule (RFC 5893 §2) says is wrong with a name's labels, in their Unicode form, or
   * empty: it applies to every label of a name with a right-to-left label (one with a character of
   * bidirectional class R, AL or AN), so that the name is shown in one order everywhere.
   */
  static Optional<String> bidiProblem(String[] uLabels) {
    boolean rtlName = false;
    for (String label : uLabels) {
      rtlName |= label.codePoints().anyMatch(c -> isRtl(Character.getDirectionality(c)));
    }
    if (!rtlName) {
      return Optional.empty();
    }
    for (String label : uLabels) {
      Optional<String> why = bidiRule(label);
      if (why.isPresent()) {
        return Optional.of(
            "is a right-to-left name, and its label '" + TerminalText.escape(label) + "' breaks the Bidi rule of"
                + " IDNA2008 (RFC 5893): " + why.get() + "; such a name could be shown in an order that"
                + " reads as another");
      }
    }
    return Optional.empty();
  }

  private static boolean isRtl(byte d) {
    return d == Character.DIRECTIONALITY_RIGHT_TO_LEFT
        || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC
        || d == Character.DIRECTIONALITY_ARABIC_NUMBER;
  }

  private static Optional<String> bidiRule(String label) {
    int[] cps = label.codePoints().toArray();
    if (cps.length == 0) {
      return Optional.empty();
    }
    byte first = Character.getDirectionality(cps[0]);
    boolean rtl =
        first == Character.DIRECTIONALITY_RIGHT_TO_LEFT || first == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    if (!rtl && first != Character.DIRECTIONALITY_LEFT_TO_RIGHT) {
      return Optional.of(String.format("it starts with U+%04X, which is no letter (right-to-left or left-to-right)", cps[0]));
    }
    boolean european = false;
    boolean arabic = false;
    for (int c : cps) {
      byte d = Character.getDirectionality(c);
      european |= d == Character.DIRECTIONALITY_EUROPEAN_NUMBER;
      arabic |= d == Character.DIRECTIONALITY_ARABIC_NUMBER;
      if (!(rtl ? rtlAllowed(d) : ltrAllowed(d))) {
        return Optional.of(
            String.format(
                "U+%04X (%s) does not belong in a %s label",
                c, Character.getName(c), rtl ? "right-to-left" : "left-to-right"));
      }
    }
    if (rtl && european && arabic) {
      return Optional.of("it mixes European digits with Arabic-Indic ones");
    }
    int last = cps.length - 1;
    while (last > 0 && Character.getDirectionality(cps[last]) == Character.DIRECTIONALITY_NONSPACING_MARK) {
      last--;
    }
    byte end = Character.getDirectionality(cps[last]);
    boolean endOk =
        rtl
            ? end == Character.DIRECTIONALITY_RIGHT_TO_LEFT
                || end == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC
                || end == Character.DIRECTIONALITY_EUROPEAN_NUMBER
                || end == Character.DIRECTIONALITY_ARABIC_NUMBER
            : end == Character.DIRECTIONALITY_LEFT_TO_RIGHT || end == Character.DIRECTIONALITY_EUROPEAN_NUMBER;
    return endOk
        ? Optional.empty()
        : Optional.of(String.format("it ends with U+%04X, which is neither a letter nor a digit", cps[last]));
  }

  /** RFC 5893 §2 rule 2. */
  private static boolean rtlAllowed(byte d) {
    return switch (d) {
      case Character.DIRECTIONALITY_RIGHT_TO_LEFT, Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC,
          Character.DIRECTIONALITY_ARABIC_NUMBER, Character.DIRECTIONALITY_EUROPEAN_NUMBER,
          Character.DIRECTIONALITY_EUROPEAN_NUMBER_SEPARATOR, Character.DIRECTIONALITY_COMMON_NUMBER_SEPARATOR,
          Character.DIRECTIONALITY_EUROPEAN_NUMBER_TERMINATOR, Character.DIRECTIONALITY_OTHER_NEUTRALS,
          Character.DIRECTIONALITY_BOUNDARY_NEUTRAL, Character.DIRECTIONALITY_NONSPACING_MARK -> true;
      default -> false;
    };
  }

  /** RFC 5893 §2 rule 5. */
  private static boolean ltrAllowed(byte d) {
    return switch (d) {
      case Character.DIRECTIONALITY_LEFT_TO_RIGHT, Character.DIRECTIONALITY_EUROPEAN_NUMBER,
          Character.DIRECTIONALITY_EUROPEAN_NUMBER_SEPARATOR, Character.DIRECTIONALITY_COMMON_NUMBER_SEPARATOR,
          Character.DIRECTIONALITY_EUROPEAN_NUMBER_TERMINATOR, Character.DIRECTIONALITY_OTHER_NEUTRALS,
          Character.DIRECTIONALITY_BOUNDARY_NEUTRAL, Character.DIRECTIONALITY_NONSPACING_MARK -> true;
      default -> false;
    };
  }
}
