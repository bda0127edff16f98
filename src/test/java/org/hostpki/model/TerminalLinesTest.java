package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.hostpki.model.TerminalLines.Colour;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class TerminalLinesTest {
  @Test
  void testText_aValueCannotStartALineOfItsOwn() {
    TerminalLines lines = new TerminalLines().line("CA Good CA\nPlan: 0 to create").line("next");

    assertThat(lines.text(false)).isEqualTo("CA Good CA\\nPlan: 0 to create\nnext\n");
    assertThat(lines.plainLines()).hasSize(2);
  }

  @Test
  void testText_escapeSequencesInValuesAreShownNotObeyed() {
    TerminalLines lines = new TerminalLines().add(Colour.RED, "error:").add(" \u001b[1A\u001b[2K\u202e").end();

    assertThat(lines.text(true)).isEqualTo("\u001b[31merror:\u001b[0m \\x1b[1A\\x1b[2K\\u202e\n");
    assertThat(lines.text(false)).isEqualTo("error: \\x1b[1A\\x1b[2K\\u202e\n");
  }

  @Test
  void testEnd_withNothingOpenIsAnEmptyLine() {
    assertThat(new TerminalLines().line("a").end().line("b").text(false)).isEqualTo("a\n\nb\n");
  }

  @Test
  void testAppend_endsTheOpenLineAndKeepsColours() {
    TerminalLines inner = new TerminalLines().add(Colour.GREEN, "+").add(" x").end();

    assertThat(new TerminalLines().add("head").append(inner).text(true))
        .isEqualTo("head\n\u001b[32m+\u001b[0m x\n");
  }
}
