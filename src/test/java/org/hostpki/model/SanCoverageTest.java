package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class SanCoverageTest {
  private static InetAddress ip(String s) {
    return IpAddresses.parse(s).orElseThrow();
  }

  @Test
  void testCovers_exactNameIgnoringCaseAndTrailingDot() {
    assertThat(SanCoverage.covers("Portal.Example.com", "portal.example.com.")).isTrue();
  }

  @Test
  void testCovers_wildcardCoversExactlyOneLeftMostLabel() {
    assertThat(SanCoverage.covers("*.example.com", "portal.example.com")).isTrue();
    assertThat(SanCoverage.covers("*.example.com", "example.com")).isFalse();
    assertThat(SanCoverage.covers("*.example.com", "a.portal.example.com")).isFalse();
  }

  @Test
  void testCovers_wildcardWantedOnlyByTheSameWildcard() {
    assertThat(SanCoverage.covers("*.example.com", "*.example.com")).isTrue();
    assertThat(SanCoverage.covers("portal.example.com", "*.example.com")).isFalse();
  }

  @Test
  void testUncovered_listsNamesThenAddressesInWantedOrder() {
    List<String> missing =
        SanCoverage.uncovered(
            List.of("*.example.com"),
            List.of(ip("192.0.2.10")),
            List.of("portal", "www.example.com", "example.com"),
            List.of(ip("192.0.2.10"), ip("2001:db8::10")));

    assertThat(missing).containsExactly("portal", "example.com", "2001:db8::10");
  }
}
