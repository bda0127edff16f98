package org.hostpki.host;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which interface addresses belong in the host identity: those a client elsewhere could connect to.
 * Loopback, link-local, multicast and wildcard addresses are not, nor are the addresses of
 * interfaces that are down, loopback interfaces, or interfaces the desired state ignores.
 */
final class IdentityAddresses {
  private IdentityAddresses() {}

  static List<InetAddress> select(List<NetworkInterfaces.Nic> nics, List<String> ignoreInterfaces) {
    return nics.stream()
        .filter(NetworkInterfaces.Nic::up)
        .filter(nic -> !nic.loopback())
        .filter(nic -> !isIgnored(nic.name(), ignoreInterfaces))
        .flatMap(nic -> nic.addresses().stream())
        .map(IdentityAddresses::usable)
        .flatMap(Optional::stream)
        .distinct()
        .toList();
  }

  /**
   * Whether a pattern names the interface; a labelled address's virtual interface ({@code
   * eth0:vip}) is also named by its interface's name ({@code eth0}).
   */
  private static boolean isIgnored(String name, List<String> ignoreInterfaces) {
    int colon = name.indexOf(':');
    return ignoreInterfaces.stream()
        .anyMatch(
            glob ->
                InterfaceGlob.matches(glob, name)
                    || (colon > 0 && InterfaceGlob.matches(glob, name.substring(0, colon))));
  }

  /**
   * The address in the form a certificate carries it, when it is one a client could connect to.
   * Re-creating it from its bytes drops the IPv6 zone id (a SAN has none) and any host name.
   *
   * <p>An IPv4-mapped address ({@code ::ffff:a.b.c.d}) is left out. Found: {@code ip -6 addr add
   * ::ffff:198.51.100.7/128 dev eth0} is accepted by Linux, but no packet reaches it (it is never on
   * the wire, and IPv4 packets for 198.51.100.7 are not the host's), and the certificate claimed
   * 198.51.100.7, an address the host does not have. An IPv4 address the host has is on an
   * interface as itself.
   */
  static Optional<InetAddress> usable(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (isIpv4Mapped(bytes)) {
      return Optional.empty();
    }
    InetAddress plain;
    try {
      plain = InetAddress.getByAddress(bytes);
    } catch (UnknownHostException cannotHappenForFourOrSixteenBytes) {
      return Optional.empty();
    }
    if (plain.isAnyLocalAddress()
        || plain.isLoopbackAddress()
        || plain.isLinkLocalAddress()
        || plain.isMulticastAddress()) {
      return Optional.empty();
    }
    if (plain instanceof Inet4Address && isThisNetworkOrBroadcast(plain.getAddress())) {
      return Optional.empty();
    }
    // ::a.b.c.d (RFC 4291 deprecated IPv4-compatible) is never a reachable interface address.
    if (plain instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress()) {
      return Optional.empty();
    }
    return Optional.of(plain);
  }

  /** ::ffff:0:0/96, which {@link InetAddress#getByAddress(byte[])} turns into IPv4. */
  private static boolean isIpv4Mapped(byte[] bytes) {
    if (bytes.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  /** 0.0.0.0/8 ("this network", RFC 1122) and the limited broadcast address. */
  private static boolean isThisNetworkOrBroadcast(byte[] v4) {
    boolean broadcast = true;
    for (byte b : v4) {
      broadcast &= b == (byte) 0xff;
    }
    return v4[0] == 0 || broadcast;
  }
}
