package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordTest {
  @Test
  void testOf_quotesWhatAShellWouldSplitOrExpand() {
    assertThat(ShellWord.of("/etc/hostpki/ca.yaml")).isEqualTo("/etc/hostpki/ca.yaml");
    assertThat(ShellWord.of("a,b=c@d%e+f:g-h_i")).isEqualTo("a,b=c@d%e+f:g-h_i");
    assertThat(ShellWord.of("/tmp/ca dir/host.yaml")).isEqualTo("'/tmp/ca dir/host.yaml'");
    assertThat(ShellWord.of("it's")).isEqualTo("'it'\\''s'");
    for (String special : List.of("$HOME", "a;b", "*", "~", "a`b`", "")) {
      assertThat(ShellWord.of(special)).as(special).startsWith("'").endsWith("'");
    }
  }
}
