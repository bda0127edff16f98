package org.hostpki.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InterfaceGlobTest {

  @Test
  void testMatches_exactName() {
    assertThat(InterfaceGlob.matches("docker0", "docker0")).isTrue();
    assertThat(InterfaceGlob.matches("docker0", "docker01")).isFalse();
  }

  @Test
  void testMatches_starMatchesAnyRunIncludingNone() {
    assertThat(InterfaceGlob.matches("veth*", "veth")).isTrue();
    assertThat(InterfaceGlob.matches("veth*", "veth9f3a")).isTrue();
    assertThat(InterfaceGlob.matches("veth*", "eth0")).isFalse();
  }

  @Test
  void testMatches_questionMarkMatchesExactlyOneCharacter() {
    assertThat(InterfaceGlob.matches("tap?", "tap0")).isTrue();
    assertThat(InterfaceGlob.matches("tap?", "tap")).isFalse();
    assertThat(InterfaceGlob.matches("tap?", "tap10")).isFalse();
  }

  @Test
  void testMatches_regexCharactersAreLiteral() {
    assertThat(InterfaceGlob.matches("eth0.100", "eth0.100")).isTrue();
    assertThat(InterfaceGlob.matches("eth0.100", "eth0x100")).isFalse();
    assertThat(InterfaceGlob.matches("br-[a]*", "br-[a]1")).isTrue();
  }

  @Test
  void testMatches_caseSensitiveAsKernelNames() {
    assertThat(InterfaceGlob.matches("Docker0", "docker0")).isFalse();
  }
}
