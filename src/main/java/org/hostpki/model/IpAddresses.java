package org.hostpki.model;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** IP address literals: parsing without DNS, and the canonical text form (RFC 5952). */
public final class IpAddresses {
  private IpAddresses() {}

  /**
   * Parses an IPv4 dotted quad or an IPv6 literal (no zone, no brackets). Never looks anything up
   * in DNS: a host name is not an address and yields empty.
   */
  public static Optional<InetAddress> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    try {
      if (text.contains(":")) {
        if (text.contains("%") || text.startsWith("[") || !text.matches("[0-9A-Fa-f:.]+")) {
          return Optional.empty();
        }
        return Optional.of(InetAddress.getByName(text));
      }
      if (!text.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}")) {
        return Optional.empty();
      }
      return Optional.of(InetAddress.getByName(text));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** Each address in its canonical text form ({@link #format(InetAddress)}), in order. */
  public static java.util.List<String> format(java.util.List<InetAddress> addresses) {
    return addresses.stream().map(IpAddresses::format).toList();
  }

  /**
   * Why {@code address} names no host, for an address no certificate should carry: the
   * unspecified address ({@code 0.0.0.0}, {@code ::}), a multicast address, or the IPv4
   * broadcast address. Empty for any other.
   */
  public static Optional<String> notAHost(InetAddress address) {
    if (address.isAnyLocalAddress()) {
      return Optional.of("is the unspecified address (every address of a listener, no host's own)");
    }
    if (address.isMulticastAddress()) {
      return Optional.of("is a multicast address (a group, no host's own)");
    }
    if (address instanceof Inet4Address && format(address).equals("255.255.255.255")) {
      return Optional.of("is the broadcast address (every host of the link, no host's own)");
    }
    return Optional.empty();
  }

  /** The canonical text form: dotted quad, or RFC 5952 compressed lower-case IPv6. */
  public static String format(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && words[j] == 0) {
        j++;
      }
      if (j - i > bestLength && j - i >= 2) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(words[i]));
    }
    return sb.toString();
  }

  /** Orders IPv4 before IPv6, then by bytes. */
  static String sortKey(InetAddress address) {
    StringBuilder sb = new StringBuilder(address instanceof Inet6Address ? "6" : "4");
    for (byte x : address.getAddress()) {
      sb.append(String.format("%02x", x & 0xff));
    }
    return sb.toString();
  }

  /** A comparator-friendly key: IPv4 first, then by address bytes. */
  public static java.util.Comparator<InetAddress> order() {
    return java.util.Comparator.comparing(IpAddresses::sortKey);
  }
}
