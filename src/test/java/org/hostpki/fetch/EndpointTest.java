package org.hostpki.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndpointTest {

  @Test
  void testParse_nameGetsPort443AndIsTheServerName() {
    assertThat(Endpoint.parse("bmc-01.example.com"))
        .isEqualTo(new Endpoint("bmc-01.example.com", 443, Optional.of("bmc-01.example.com")));
  }

  @Test
  void testParse_nameWithPort() {
    assertThat(Endpoint.parse("ldap.example.com:636"))
        .isEqualTo(new Endpoint("ldap.example.com", 636, Optional.of("ldap.example.com")));
  }

  @Test
  void testParse_nameIsLowerCased() {
    assertThat(Endpoint.parse("BMC-01.Example.COM").host()).isEqualTo("bmc-01.example.com");
  }

  @Test
  void testParse_singleLabelName() {
    assertThat(Endpoint.parse("bmc01:8443").serverName()).contains("bmc01");
  }

  @Test
  void testParse_trailingDotIsNotSentAsServerName() {
    Endpoint endpoint = Endpoint.parse("device.example.com.:443");

    assertThat(endpoint.host()).isEqualTo("device.example.com.");
    assertThat(endpoint.serverName()).contains("device.example.com");
  }

  @Test
  void testParse_ipv4AddressHasNoServerName() {
    assertThat(Endpoint.parse("192.0.2.20:8443")).isEqualTo(new Endpoint("192.0.2.20", 8443, Optional.empty()));
  }

  @Test
  void testParse_bracketedIpv6WithPort() {
    Endpoint endpoint = Endpoint.parse("[2001:DB8:0:0::20]:8443");

    assertThat(endpoint).isEqualTo(new Endpoint("2001:db8::20", 8443, Optional.empty()));
    assertThat(endpoint.toString()).isEqualTo("[2001:db8::20]:8443");
  }

  @Test
  void testParse_bracketedIpv6WithoutPort() {
    assertThat(Endpoint.parse("[::1]")).isEqualTo(new Endpoint("::1", 443, Optional.empty()));
  }

  @Test
  void testParse_bareIpv6GetsPort443() {
    assertThat(Endpoint.parse("2001:db8::20")).isEqualTo(new Endpoint("2001:db8::20", 443, Optional.empty()));
  }

  @Test
  void testParse_literalAddressOfAName_isEmpty() {
    assertThat(Endpoint.parse("device.test").literalAddress()).isEmpty();
    assertThat(Endpoint.parse("127.0.0.1").literalAddress()).isPresent();
  }

  @Test
  void testParse_portOutOfRangeIsAnError() {
    assertThatThrownBy(() -> Endpoint.parse("device.test:65536"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'device.test:65536' has an invalid port '65536': a port is a number from 1 to 65535");
    assertThatThrownBy(() -> Endpoint.parse("device.test:0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void testParse_portThatIsNotANumberIsAnError() {
    assertThatThrownBy(() -> Endpoint.parse("device.test:https"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid port 'https'");
  }

  @Test
  void testParse_emptyPortIsAnError() {
    assertThatThrownBy(() -> Endpoint.parse("device.test:")).hasMessageContaining("invalid port ''");
  }

  @Test
  void testParse_urlIsAnErrorThatSaysSo() {
    assertThatThrownBy(() -> Endpoint.parse("https://device.test/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a URL");
  }

  @Test
  void testParse_emptyIsAnError() {
    assertThatThrownBy(() -> Endpoint.parse(" ")).hasMessageStartingWith("HOST is empty");
  }

  @Test
  void testParse_missingHostBeforePortIsAnError() {
    assertThatThrownBy(() -> Endpoint.parse(":443")).hasMessage("':443' has no host before the ':PORT'");
  }

  @Test
  void testParse_invalidIpv4IsAnError() {
    assertThatThrownBy(() -> Endpoint.parse("192.0.2.300")).hasMessage("'192.0.2.300' is not a valid IPv4 address");
  }

  @Test
  void testParse_nameWithInvalidCharactersIsAnError() {
    assertThatThrownBy(() -> Endpoint.parse("bmc 01")).hasMessageContaining("is not a host name");
    assertThatThrownBy(() -> Endpoint.parse("-bmc.example.com")).hasMessageContaining("is not a host name");
  }

  @Test
  void testParse_ipv6WithPortNeedsBrackets() {
    assertThatThrownBy(() -> Endpoint.parse("2001:db8::20:zz"))
        .hasMessageContaining("write an IPv6 address in brackets");
  }

  @Test
  void testParse_bracketsHoldOnlyIpv6() {
    assertThatThrownBy(() -> Endpoint.parse("[device.test]:443")).hasMessageContaining("brackets hold an IPv6 address");
    assertThatThrownBy(() -> Endpoint.parse("[127.0.0.1]:443")).hasMessageContaining("brackets hold an IPv6 address");
    assertThatThrownBy(() -> Endpoint.parse("[::1")).hasMessageContaining("brackets hold an IPv6 address");
  }

  @Test
  void testParse_onlyPortMayFollowBrackets() {
    assertThatThrownBy(() -> Endpoint.parse("[::1]8443")).hasMessageContaining("after ']' only ':PORT' may follow");
  }

  @Test
  void testWithServerName_replacesTheServerName() {
    assertThat(Endpoint.parse("192.0.2.20").withServerName("bmc-01.example.com.").serverName())
        .contains("bmc-01.example.com");
  }

  @Test
  void testWithServerName_addressIsAnError() {
    assertThatThrownBy(() -> Endpoint.parse("device.test").withServerName("192.0.2.20"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a DNS name");
  }

  @Test
  void testToString_nameAndIpv4HaveNoBrackets() {
    assertThat(Endpoint.parse("device.test")).hasToString("device.test:443");
    assertThat(Endpoint.parse("127.0.0.1:8443")).hasToString("127.0.0.1:8443");
  }

  @Test
  void testConstructor_portMustBeInRange() {
    assertThatThrownBy(() -> new Endpoint("device.test", 70000, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
