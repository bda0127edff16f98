package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalScreenTest {
  @Test
  void testVisible_showsWhatStaysOnTheScreen() {
    assertThat(TerminalScreen.visible("\r\u001b[2Kprogress\r\u001b[2K\u001b[32m+\u001b[0m ca\nabc\rX\n"))
        .isEqualTo("+ ca\nXbc\n");
  }
}
