package org.hostpki.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostNamesTest {
  @Test
  void testParse_namesPatternsAddressesAndNetworks() {
    HostNames names = HostNames.parse(List.of("Web1.Corp.Example", "*.lab.corp.example", "192.0.2.21", "2001:db8::/64"));

    assertThat(names.domains()).containsExactly("web1.corp.example", "*.lab.corp.example");
    assertThat(names.networks()).extracting(Object::toString).containsExactly("192.0.2.21/32", "2001:db8::/64");
  }

  @Test
  void testParse_somethingElseIsRefusedEscaped() {
    assertThatThrownBy(() -> HostNames.parse(List.of("web1..corp.example\u001b[31m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'web1..corp.example\\x1b[31m' is no DNS name, address or network: it has an empty label");
  }
}
