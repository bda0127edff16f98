package org.hostpki.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostNameTest {

  @Test
  void testParse_shortName() {
    assertThat(HostName.parse("portal")).contains(new HostName("portal", Optional.empty()));
  }

  @Test
  void testParse_fullyQualifiedNameSplitsAtTheFirstDot() {
    assertThat(HostName.parse("Portal.Corp.Example.com."))
        .contains(new HostName("portal", Optional.of("corp.example.com")));
  }

  @Test
  void testParse_surroundingWhitespaceIsDropped() {
    assertThat(HostName.parse(" portal\n")).contains(new HostName("portal", Optional.empty()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", ".", "web_01", "-portal", "portal-", ".example.com", "portal..example",
        "port al", "xn--bcher-kva.example..com", "192.0.2.99", "portal\u0007"})
  void testParse_notADnsNameIsEmpty(String text) {
    assertThat(HostName.parse(text)).isEmpty();
  }

  @Test
  void testParse_labelOfSixtyFourCharactersIsTooLong() {
    assertThat(HostName.parse("a".repeat(63))).isPresent();
    assertThat(HostName.parse("a".repeat(64))).isEmpty();
  }

  @Test
  void testProblem_saysWhatIsWrong() {
    assertThat(HostName.problem("Portal.example.com.")).isEmpty();
    assertThat(HostName.problem("192.0.2.99")).contains("is an IP address, not a name");
    assertThat(HostName.problem("web_01")).get().asString().contains("'_'");
    assertThat(HostName.problem("")).contains("is empty");
  }
}
