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
    assertThat(InterfaceGlob.matches("br-[[]a]*", "br-[a]1")).isTrue();
    assertThat(InterfaceGlob.matches("eth[", "eth[")).isTrue();
    assertThat(InterfaceGlob.matches("eth[\\d]", "eth5")).isFalse();
    assertThat(InterfaceGlob.matches("eth[\\d]", "ethd")).isTrue();
  }

  /**
   * Found in a trial: {@code eth[0-3]}, as the shell and systemd's {@code Name=} read it, matched
   * only an interface literally named so, and the interfaces it meant stayed in the certificate.
   */
  @Test
  void testMatches_bracketsMatchOneCharacterOfASetOrRange() {
    assertThat(InterfaceGlob.matches("eth[0-3]", "eth2")).isTrue();
    assertThat(InterfaceGlob.matches("eth[0-3]", "eth4")).isFalse();
    assertThat(InterfaceGlob.matches("eth[0-3]", "eth[0-3]")).isFalse();
    assertThat(InterfaceGlob.matches("wl[ap]*", "wlp3s0")).isTrue();
    assertThat(InterfaceGlob.matches("en[!o]*", "enp0s3")).isTrue();
    assertThat(InterfaceGlob.matches("en[!o]*", "eno1")).isFalse();
    assertThat(InterfaceGlob.matches("tap[^0-4]", "tap7")).isTrue();
    assertThat(InterfaceGlob.matches("x[]]", "x]")).isTrue();
    assertThat(InterfaceGlob.matches("x[a-]", "x-")).isTrue();
    assertThat(InterfaceGlob.matches("eth[9-0]", "eth5")).isFalse();
  }

  @Test
  void testMatches_caseSensitiveAsKernelNames() {
    assertThat(InterfaceGlob.matches("Docker0", "docker0")).isFalse();
  }
}
