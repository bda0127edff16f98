package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdnaLabelTest {
  @Test
  void testPunycode_roundTripsRfc3492Samples() {
    // RFC 3492 §7.1 (A) Arabic, (B) Chinese, (L) Japanese with ASCII; and everyday labels
    String[][] samples = {
      {"\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F", "egbpdaj6bu4bxfgehfvwxn"},
      {"\u4ED6\u4EEC\u4E3A\u4EC0\u4E48\u4E0D\u8BF4\u4E2D\u6587", "ihqwcrb4cv8a8dqg056pqjye"},
      {"3\u5E74B\u7D44\u91D1\u516B\u5148\u751F", "3B-ww4c5e180e575a65lsy2b"},
      {"bücher", "bcher-kva"},
      {"ß", "zca"},
    };
    for (String[] s : samples) {
      assertThat(IdnaLabel.encode(s[0])).isEqualTo(s[1]);
      assertThat(IdnaLabel.decode(s[1])).contains(s[0]);
    }
  }

  @Test
  void testProblem_acceptsALabelsAndPlainLabels() {
    assertThat(IdnaLabel.problem("xn--bcher-kva")).isEmpty();
    assertThat(IdnaLabel.problem("XN--BCHER-KVA")).isEmpty();
    assertThat(IdnaLabel.problem("xn--zca")).isEmpty(); // ß: IDNA2008 allows it, java.net.IDN maps it to ss
    assertThat(IdnaLabel.problem("xn--mgbh0fb")).isEmpty(); // Arabic
    assertThat(IdnaLabel.problem("portal")).isEmpty();
  }

  @Test
  void testProblem_refusesWhatIsNoALabel() {
    assertThat(IdnaLabel.problem("xn--zz")).get().asString().contains("is not valid Punycode");
    assertThat(IdnaLabel.problem("xn--a")).get().asString() // valid Punycode, but of a C1 control
        .contains("decodes to '\\x80': U+0080 (PADDING CHARACTER) is not allowed in a name");
    assertThat(IdnaLabel.problem("xn--abc-")).get().asString().contains("decodes to the plain ASCII 'abc'");
    assertThat(IdnaLabel.problem("xn--99999999999999999999")).get().asString().contains("is not valid Punycode");
    assertThat(IdnaLabel.problem("xn--g6h")).get().asString() // ♥: IDNA2003 took it, IDNA2008 does not
        .contains("U+2665 (BLACK HEART SUIT) is not allowed in a name");
    assertThat(IdnaLabel.problem("xn--" + IdnaLabel.encode("\u00dcbung"))).get().asString() // upper case
        .contains("U+00DC (LATIN CAPITAL LETTER U WITH DIAERESIS) is not allowed");
    assertThat(IdnaLabel.problem("xn--" + IdnaLabel.encode("a\u0308b"))).get().asString() // not NFC
        .contains("not in Unicode normalization form C; write it as '\u00e4b'");
  }

  private static String aLabel(String uLabel) {
    return "xn--" + IdnaLabel.encode(uLabel);
  }

  /** RFC 5892 Appendix A: each CONTEXTJ/CONTEXTO code point in its context, and out of it. */
  @Test
  void testProblem_checksTheContextualRules() {
    String[] allowed = {
      "\u0915\u094d\u200d\u0937", // ZWJ after the Devanagari virama
      "\u0915\u094d\u200c\u0937", // ZWNJ after a virama
      "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", // Persian: ZWNJ between joining letters
      "l\u00b7l", "\u0375\u03b1", "\u05d0\u05f3", "\u30fb\u30a2", "\u0661\u0662"
    };
    for (String u : allowed) {
      assertThat(IdnaLabel.problem(aLabel(u))).as(u).isEmpty();
    }
    assertThat(IdnaLabel.problem(aLabel("a\u200db"))).get().asString()
        .contains("decodes to 'a\\u200db': U+200D (ZERO WIDTH JOINER) stands only after a virama");
    assertThat(IdnaLabel.problem(aLabel("\u0627\u200c\u0627"))).get().asString() // alef joins on one side only
        .contains("U+200C (ZERO WIDTH NON-JOINER) stands only after a virama or between two letters that join");
    assertThat(IdnaLabel.problem(aLabel("a\u00b7l"))).get().asString().contains("stands only between two l");
    assertThat(IdnaLabel.problem(aLabel("\u0375a"))).get().asString().contains("stands only before a Greek letter");
    assertThat(IdnaLabel.problem(aLabel("a\u05f4"))).get().asString().contains("stands only after a Hebrew letter");
    assertThat(IdnaLabel.problem(aLabel("\u30fba"))).get().asString().contains("with Hiragana, Katakana or Han");
    assertThat(IdnaLabel.problem(aLabel("-\u00e9"))).get().asString().contains("it starts or ends with '-'");
    assertThat(IdnaLabel.problem(aLabel("\u00e9a--b"))).get().asString().contains("'--' in its third and fourth places");
    assertThat(IdnaLabel.problem(aLabel("\u0661\u06f1"))).get().asString()
        .contains("mixes Arabic-Indic digits (U+0660-U+0669) with extended Arabic-Indic ones");
  }

  @Test
  void testIsVirama_followsTheCombiningClass() {
    assertThat(IdnaContext.isVirama(0x094d)).isTrue(); // DEVANAGARI SIGN VIRAMA
    assertThat(IdnaContext.isVirama(0x0dca)).isTrue(); // SINHALA SIGN AL-LAKUNA
    assertThat(IdnaContext.isVirama(0x093c)).isFalse(); // DEVANAGARI SIGN NUKTA, class 7
    assertThat(IdnaContext.isVirama(0x05b0)).isFalse(); // HEBREW POINT SHEVA, class 10
    assertThat(IdnaContext.isVirama(0x3099)).isFalse(); // class 8
    assertThat(IdnaContext.isVirama('a')).isFalse();
  }
}
