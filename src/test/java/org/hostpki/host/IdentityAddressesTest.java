package org.hostpki.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.host.LiveHostIdentityProbeTest.ip;
import static org.hostpki.host.LiveHostIdentityProbeTest.nic;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityAddressesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1", "127.0.1.1", "::1", // loopback
        "169.254.0.1", "fe80::1", "febf::1", // link-local
        "224.0.0.1", "239.1.2.3", "ff02::1", "ff05::2", // multicast
        "0.0.0.0", "::", "0.1.2.3", "255.255.255.255", // wildcard, "this network", broadcast
        "::192.0.2.1" // deprecated IPv4-compatible
      })
  void testUsable_addressNoClientCouldConnectToIsLeftOut(String literal) {
    assertThat(IdentityAddresses.usable(ip(literal))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "192.0.2.10", "10.1.2.3", "172.17.0.1", "100.64.0.1", "2001:db8::10", "fd00::1", "fec0::1"
      })
  void testUsable_reachableAddressIsKept(String literal) {
    assertThat(IdentityAddresses.usable(ip(literal))).contains(ip(literal));
  }

  @Test
  void testUsable_zoneIdIsDropped() throws UnknownHostException {
    InetAddress scoped = Inet6Address.getByAddress(null, ip("2001:db8::1").getAddress(), 3);

    InetAddress plain = IdentityAddresses.usable(scoped).orElseThrow();

    assertThat(((Inet6Address) plain).getScopeId()).isZero();
    assertThat(((Inet6Address) plain).getScopedInterface()).isNull();
  }

  /**
   * Found: Linux takes ::ffff:198.51.100.7 on eth0, no packet reaches it, and the certificate
   * claimed 198.51.100.7, which the host does not have.
   */
  @ParameterizedTest
  @ValueSource(strings = {"10.1.2.3", "127.0.0.1"})
  void testUsable_ipv4MappedIsLeftOut(String ipv4) throws UnknownHostException {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(ip(ipv4).getAddress(), 0, mapped, 12, 4);

    assertThat(IdentityAddresses.usable(Inet6Address.getByAddress(null, mapped, -1))).isEmpty();
  }

  @Test
  void testUsable_ipv4AddressIsStillAnIpv4Address() {
    assertThat(IdentityAddresses.usable(ip("10.1.2.3")).orElseThrow())
        .isInstanceOf(Inet4Address.class);
  }

  @Test
  void testUsable_hostNameAttachedToTheAddressIsDropped() throws UnknownHostException {
    InetAddress named = InetAddress.getByAddress("portal", ip("192.0.2.10").getAddress());

    assertThat(IdentityAddresses.usable(named).orElseThrow().toString()).isEqualTo("/192.0.2.10");
  }

  @Test
  void testSelect_sameAddressOnTwoInterfacesOnce() {
    List<InetAddress> selected =
        IdentityAddresses.select(
            List.of(nic("eth0", true, false, "192.0.2.10"), nic("br0", true, false, "192.0.2.10")),
            List.of());

    assertThat(selected).containsExactly(ip("192.0.2.10"));
  }

  @Test
  void testSelect_anyOfSeveralIgnorePatterns() {
    List<InetAddress> selected =
        IdentityAddresses.select(
            List.of(
                nic("eth0", true, false, "192.0.2.10"),
                nic("docker0", true, false, "172.17.0.1"),
                nic("br-1f2e", true, false, "172.18.0.1")),
            List.of("docker0", "br-*"));

    assertThat(selected).containsExactly(ip("192.0.2.10"));
  }

  /** A labelled address (keepalived's eth0:vip) is named by its label or by its interface. */
  @Test
  void testSelect_labelledAddressIsIgnoredByItsLabelOrItsInterface() {
    List<NetworkInterfaces.Nic> nics =
        List.of(
            nic("eth0", true, false, "192.0.2.10"),
            nic("eth0:vip", true, false, "192.0.2.99"),
            nic("eth1", true, false, "198.51.100.7"));

    assertThat(IdentityAddresses.select(nics, List.of("eth0:vip")))
        .containsExactly(ip("192.0.2.10"), ip("198.51.100.7"));
    assertThat(IdentityAddresses.select(nics, List.of("eth0")))
        .containsExactly(ip("198.51.100.7"));
    assertThat(IdentityAddresses.select(nics, List.of("*:*")))
        .containsExactly(ip("192.0.2.10"), ip("198.51.100.7"));
  }
}
