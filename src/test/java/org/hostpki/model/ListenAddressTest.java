package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class ListenAddressTest {
  @Test
  void testParse_addressesPortsAndEveryAddress() {
    assertThat(ListenAddress.parse(":80")).contains(ListenAddress.anyAddress(80));
    assertThat(ListenAddress.parse("*:443")).contains(ListenAddress.anyAddress(443));
    assertThat(ListenAddress.parse("0.0.0.0:80").orElseThrow().toString()).isEqualTo("0.0.0.0:80");
    assertThat(ListenAddress.parse("[::1]:8443").orElseThrow().toString()).isEqualTo("[::1]:8443");
  }

  @Test
  void testParse_refusesNamesBadPortsAndBareIpv6() {
    assertThat(ListenAddress.parse("localhost:80")).isEmpty();
    assertThat(ListenAddress.parse("0.0.0.0:0")).isEmpty();
    assertThat(ListenAddress.parse("0.0.0.0:65536")).isEmpty();
    assertThat(ListenAddress.parse("::1:80")).isEmpty();
    assertThat(ListenAddress.parse("80")).isEmpty();
    assertThat(ListenAddress.parse("999.1.1.1:80")).isEmpty();
  }
}
