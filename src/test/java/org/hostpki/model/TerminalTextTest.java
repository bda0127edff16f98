package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class TerminalTextTest {
  @Test
  void escape_keepsPlainTextAndNonAsciiLettersAndBackslashes() {
    assertThat(TerminalText.escape("CN=Grüße\\, GmbH")).isEqualTo("CN=Grüße\\, GmbH");
  }

  @Test
  void escape_showsLineBreaksTabsAndEscapeSequences() {
    assertThat(TerminalText.escape("Good CA\nPlan: 0 to create\r\t\u001b[1A\u001b[2K"))
        .isEqualTo("Good CA\\nPlan: 0 to create\\r\\t\\x1b[1A\\x1b[2K");
  }

  @Test
  void escape_showsNulDelAndC1Controls() {
    assertThat(TerminalText.escape("x\u0000.evil\u007f\u0085\u009b")).isEqualTo("x\\x00.evil\\x7f\\x85\\x9b");
  }

  @Test
  void escape_showsSeparatorsAndBidiOverrides() {
    assertThat(TerminalText.escape("a\u2028b\u2029c\u202ad\u202ee\u2066f\u2069"))
        .isEqualTo("a\\u2028b\\u2029c\\u202ad\\u202ee\\u2066f\\u2069");
  }

  @Test
  void escape_showsInvisibleFormattingCharactersButKeepsJoiners() {
    assertThat(TerminalText.escape("Ex\u200bam\u00adple\ufeff \u200e\u2060CA\udb40\udc41"))
        .isEqualTo("Ex\\u200bam\\xadple\\ufeff \\u200e\\u2060CA\\U000e0041");
    assertThat(TerminalText.escape("\u0645\u06cc\u200c\u062e")).isEqualTo("\u0645\u06cc\u200c\u062e");
    assertThat(TerminalText.firstUnsafe("CA\udb40\udc41")).isEqualTo(2);
  }

  @Test
  void escapeKeepingLines_keepsNewlinesOnly() {
    assertThat(TerminalText.escapeKeepingLines("ok\nbad\r\u001b[31m\n"))
        .isEqualTo("ok\nbad\\r\\x1b[31m\n");
  }

  @Test
  void hasUnsafe_findsAnyEscapedCharacter() {
    assertThat(TerminalText.hasUnsafe("portal.example.com")).isFalse();
    assertThat(TerminalText.hasUnsafe("x\u0000y")).isTrue();
    assertThat(TerminalText.hasUnsafe("x\u202ey")).isTrue();
  }

  @Test
  void testEscape_lettersThatDrawNothing() {
    assertThat(TerminalText.escape("Example\u3164CA \u115f\u1160\uffa0\u2800\u17b4 \ud55c"))
        .isEqualTo("Example\\u3164CA \\u115f\\u1160\\uffa0\\u2800\\u17b4 \ud55c");
  }
}
