package org.hostpki.model;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a listener binds: an IP address (or every address) and a port.
 *
 * @param address empty for every address of the host, IPv4 and IPv6
 */
public record ListenAddress(Optional<InetAddress> address, int port) {
  public ListenAddress {
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  public static ListenAddress anyAddress(int port) {
    return new ListenAddress(Optional.empty(), port);
  }

  /**
   * Reads {@code ADDRESS:PORT}, {@code [IPV6]:PORT} or {@code :PORT} (every address). Host names
   * are not accepted: a listener binds to addresses, and resolving names here would make the
   * result depend on DNS.
   */
  public static Optional<ListenAddress> parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String host = text.substring(0, colon);
    String portText = text.substring(colon + 1);
    if (!portText.matches("[0-9]{1,5}")) {
      return Optional.empty();
    }
    int port = Integer.parseInt(portText);
    if (port < 1 || port > 65535) {
      return Optional.empty();
    }
    if (host.isEmpty() || host.equals("*")) {
      return Optional.of(anyAddress(port));
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      return Optional.empty(); // an IPv6 address needs brackets before its port
    }
    return IpAddresses.parse(host).map(a -> new ListenAddress(Optional.of(a), port));
  }

  /** As written in the desired state: {@code 0.0.0.0:80}, {@code [::1]:443}, {@code :80}. */
  @Override
  public String toString() {
    return address
            .map(a -> a instanceof java.net.Inet6Address ? "[" + IpAddresses.format(a) + "]" : IpAddresses.format(a))
            .orElse("")
        + ":"
        + port;
  }
}
