package org.hostpki.fetch;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import org.hostpki.model.IpAddresses;

/**
 * A TLS endpoint as an operator names it: {@code HOST[:PORT]}, where HOST is a DNS name, an IPv4
 * address or an IPv6 address in brackets ({@code [::1]:8443}).
 *
 * @param host a DNS name, or an IP address in its canonical text form (no brackets)
 * @param port 1 to 65535
 * @param serverName the name sent as SNI: the host when it is a name, none for an IP literal
 *     unless one is given with {@link #withServerName}
 */
public record Endpoint(String host, int port, Optional<String> serverName) {

  public static final int DEFAULT_PORT = 443;

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
  private static final Pattern DOTTED_NUMBERS = Pattern.compile("[0-9.]+");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,5}");

  public Endpoint {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(serverName, "serverName");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be from 1 to 65535: " + port);
    }
  }

  /**
   * Parses {@code HOST[:PORT]}. Never looks anything up: a name stays a name.
   *
   * @throws IllegalArgumentException with a message for the user when the text is not of that form
   */
  public static Endpoint parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("HOST is empty: give HOST or HOST:PORT, e.g. device.example.com:443");
    }
    if (s.contains("/") || s.contains("@")) {
      throw new IllegalArgumentException(
          "'" + text + "' is not HOST[:PORT]: give a host name or address and a port, not a URL,"
              + " e.g. device.example.com:443");
    }
    if (s.startsWith("[")) {
      return parseBracketed(text, s);
    }
    int colons = (int) s.chars().filter(c -> c == ':').count();
    if (colons >= 2) {
      // A bare IPv6 literal: it cannot carry a port, which needs the brackets.
      InetAddress address =
          ipv6(s)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "'" + text + "' is not HOST[:PORT]: write an IPv6 address in brackets,"
                              + " with the port after them, e.g. [2001:db8::1]:8443"));
      return of(IpAddresses.format(address), DEFAULT_PORT);
    }
    if (colons == 1) {
      int colon = s.indexOf(':');
      return of(hostPart(text, s.substring(0, colon)), port(text, s.substring(colon + 1)));
    }
    return of(hostPart(text, s), DEFAULT_PORT);
  }

  /** The endpoint for a host that is already valid: a name or an IP literal. */
  public static Endpoint of(String host, int port) {
    boolean literal = IpAddresses.parse(host).isPresent();
    return new Endpoint(host, port, literal ? Optional.empty() : Optional.of(sniForm(host)));
  }

  /**
   * The same endpoint, sending {@code name} as SNI: for a device reached by address that serves
   * its certificate by name, or behind a name the operator does not resolve.
   *
   * @throws IllegalArgumentException when {@code name} is not a DNS name
   */
  public Endpoint withServerName(String name) {
    String n = sniForm(name.strip());
    if (IpAddresses.parse(n).isPresent() || !isDnsName(n)) {
      throw new IllegalArgumentException(
          "server name '" + name + "' is not a DNS name: SNI carries names only, e.g. device.example.com");
    }
    try {
      new SNIHostName(n);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("server name '" + name + "' cannot be sent as SNI: " + e.getMessage(), e);
    }
    return new Endpoint(host, port, Optional.of(n));
  }

  /** The IP address when the host is a literal; empty for a name (which needs a lookup). */
  public Optional<InetAddress> literalAddress() {
    return IpAddresses.parse(host);
  }

  /** {@code host:port}, with brackets around an IPv6 host, as the operator would type it. */
  @Override
  public String toString() {
    return (literalAddress().orElse(null) instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
  }

  private static Endpoint parseBracketed(String text, String s) {
    int close = s.indexOf(']');
    Optional<InetAddress> address = close < 0 ? Optional.empty() : ipv6(s.substring(1, close));
    if (address.isEmpty()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not HOST[:PORT]: brackets hold an IPv6 address, e.g. [2001:db8::1]:8443");
    }
    String rest = s.substring(close + 1);
    int port;
    if (rest.isEmpty()) {
      port = DEFAULT_PORT;
    } else if (rest.startsWith(":")) {
      port = port(text, rest.substring(1));
    } else {
      throw new IllegalArgumentException(
          "'" + text + "' is not HOST[:PORT]: after ']' only ':PORT' may follow, e.g. [::1]:8443");
    }
    return of(IpAddresses.format(address.get()), port);
  }

  private static Optional<InetAddress> ipv6(String s) {
    return IpAddresses.parse(s).filter(a -> a instanceof Inet6Address);
  }

  private static String hostPart(String text, String host) {
    if (host.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' has no host before the ':PORT'");
    }
    Optional<InetAddress> ipv4 = IpAddresses.parse(host);
    if (ipv4.isPresent()) {
      return IpAddresses.format(ipv4.get());
    }
    if (DOTTED_NUMBERS.matcher(host).matches()) {
      throw new IllegalArgumentException("'" + host + "' is not a valid IPv4 address");
    }
    if (!isDnsName(host)) {
      throw new IllegalArgumentException(
          "'" + host + "' is not a host name: use letters, digits, '-' and '.', e.g. device.example.com");
    }
    return host.toLowerCase(Locale.ROOT);
  }

  private static boolean isDnsName(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.isEmpty() || n.length() > 253) {
      return false;
    }
    for (String label : n.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  private static int port(String text, String port) {
    if (!DIGITS.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException(
          "'" + text + "' has an invalid port '" + port + "': a port is a number from 1 to 65535");
    }
    return Integer.parseInt(port);
  }

  /** SNI carries the name without the root's trailing dot (RFC 6066 §3). */
  private static String sniForm(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
