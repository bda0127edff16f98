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
}
