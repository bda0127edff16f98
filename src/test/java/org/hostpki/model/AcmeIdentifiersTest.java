package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class AcmeIdentifiersTest {
  @Test
  void testSelect_publicKeepsNamesAndGlobalAddressesAndSaysWhatItLeftOut() {
    AcmeIdentifiers.Selection s =
        AcmeIdentifiers.select(
            List.of("portal.example.com", "portal", "nas.local", "box.internal", "*.example.com", "app.test"),
            List.of(ip("203.0.114.7"), ip("192.168.1.5"), ip("127.0.0.1"), ip("2a00:1450:4001:80b::200e"),
                ip("fd00::2"), ip("fe80::1"), ip("100.64.0.1"), ip("2001:db8::1"), ip("192.0.2.10")),
            true, AcmeSpec.IdentifierScope.PUBLIC);

    assertThat(s.dnsNames()).containsExactly("portal.example.com", "*.example.com");
    assertThat(s.addresses()).containsExactly(ip("203.0.114.7"), ip("2a00:1450:4001:80b::200e"));
    assertThat(s.leftOut()).extracting(AcmeIdentifiers.LeftOut::identifier)
        .containsExactly("portal", "nas.local", "box.internal", "app.test", "192.168.1.5", "127.0.0.1", "fd00::2",
            "fe80::1", "100.64.0.1", "2001:db8::1", "192.0.2.10");
    assertThat(s.leftOut().get(0).reason()).isEqualTo("a single-label name, which no public CA certifies");
    assertThat(s.leftOut().get(1).reason()).isEqualTo(".local is reserved for private or special use");
    assertThat(s.leftOut().get(5).reason()).isEqualTo("a loopback address");
  }

  @Test
  void testSelect_addressesOnlyWhenIncluded() {
    AcmeIdentifiers.Selection s =
        AcmeIdentifiers.select(List.of("a.example.com"), List.of(ip("203.0.114.7")), false, AcmeSpec.IdentifierScope.PUBLIC);

    assertThat(s.addresses()).isEmpty();
    assertThat(s.leftOut()).singleElement().asString()
        .isEqualTo("203.0.114.7 (addresses are ordered only with server.acme.includeAddresses: true and an http-01 or tls-alpn-01 challenge)");
  }

  @Test
  void testSelect_allKeepsPrivateAndLoopbackForPrivateCas() {
    AcmeIdentifiers.Selection s =
        AcmeIdentifiers.select(List.of("portal", "Portal.Corp."), List.of(ip("127.0.0.1"), ip("10.1.2.3")), true,
            AcmeSpec.IdentifierScope.ALL);

    assertThat(s.dnsNames()).containsExactly("portal", "portal.corp");
    assertThat(s.addresses()).containsExactly(ip("127.0.0.1"), ip("10.1.2.3"));
    assertThat(s.leftOut()).isEmpty();
  }

  @Test
  void testSelect_nothingOrderableIsEmpty() {
    assertThat(AcmeIdentifiers.select(List.of("portal"), List.of(), true, AcmeSpec.IdentifierScope.PUBLIC).isEmpty())
        .isTrue();
  }

  private static InetAddress ip(String text) {
    return IpAddresses.parse(text).orElseThrow();
  }
}
