package org.hostpki.model;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which of a certificate's names and addresses go into an ACME order. Pure: the planner uses it to
 * warn about what is left out, the ACME edge to order what is kept.
 *
 * <p>With {@link AcmeSpec.IdentifierScope#PUBLIC} only what a public CA can validate is kept: DNS
 * names of at least two labels whose top-level domain is not reserved for private or special use,
 * and global unicast addresses. The public suffix list is not consulted, so a CA may still refuse a
 * name kept here (its error then names it).
 */
public final class AcmeIdentifiers {
  /**
   * Top-level domains no public CA issues for: IANA's special-use names (RFC 2606, 6761, 6762,
   * 7686, 8375, 9476), ICANN's private-use {@code internal} and blocked collision names, {@code
   * arpa}, and the common home-router {@code lan}.
   */
  static final Set<String> NON_PUBLIC_TLDS =
      Set.of(
          "test", "example", "invalid", "localhost", "local", "onion", "alt", "internal", "arpa",
          "corp", "home", "mail", "lan", "localdomain");

  /** Address ranges that are not global unicast (RFC 6890 and IANA's special-purpose registries). */
  private static final List<IpNetwork> NON_GLOBAL =
      List.of(
          network("0.0.0.0/8"), network("10.0.0.0/8"), network("100.64.0.0/10"), network("127.0.0.0/8"),
          network("169.254.0.0/16"), network("172.16.0.0/12"), network("192.0.0.0/24"),
          network("192.0.2.0/24"), network("192.88.99.0/24"), network("192.168.0.0/16"),
          network("198.18.0.0/15"), network("198.51.100.0/24"), network("203.0.113.0/24"),
          network("224.0.0.0/4"), network("240.0.0.0/4"), network("2001::/23"), network("2001:db8::/32"),
          network("2002::/16"), network("3fff::/20"));

  /** Every IPv6 global unicast address is in 2000::/3 (RFC 4291 section 2.4). */
  private static final IpNetwork IPV6_GLOBAL = network("2000::/3");

  private AcmeIdentifiers() {}

  /**
   * What goes into an order, and what was left out with the reason.
   *
   * @param dnsNames lower case, in the certificate's order
   * @param addresses in the certificate's order
   * @param leftOut each identifier not ordered, with why, for a warning
   */
  public record Selection(List<String> dnsNames, List<InetAddress> addresses, List<LeftOut> leftOut) {
    public Selection {
      dnsNames = List.copyOf(dnsNames);
      addresses = List.copyOf(addresses);
      leftOut = List.copyOf(leftOut);
    }

    public boolean isEmpty() {
      return dnsNames.isEmpty() && addresses.isEmpty();
    }
  }

  /** An identifier not ordered: its text ({@code portal}, {@code 192.168.1.5}) and why. */
  public record LeftOut(String identifier, String reason) {
    public LeftOut {
      Objects.requireNonNull(identifier, "identifier");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return identifier + " (" + reason + ")";
    }
  }

  /** Picks the identifiers of a certificate with these SANs. */
  public static Selection select(
      List<String> dnsNames, List<InetAddress> addresses, boolean includeAddresses, AcmeSpec.IdentifierScope scope) {
    List<String> names = new ArrayList<>();
    List<InetAddress> ips = new ArrayList<>();
    List<LeftOut> leftOut = new ArrayList<>();
    for (String name : new LinkedHashSet<>(dnsNames)) {
      String n = name.toLowerCase(Locale.ROOT);
      n = n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
      String why = scope == AcmeSpec.IdentifierScope.PUBLIC ? nonPublicName(n) : null;
      if (why == null) {
        if (!names.contains(n)) {
          names.add(n);
        }
      } else {
        leftOut.add(new LeftOut(n, why));
      }
    }
    for (InetAddress address : new LinkedHashSet<>(addresses)) {
      String text = IpAddresses.format(address);
      if (!includeAddresses) {
        leftOut.add(new LeftOut(text, "addresses are ordered only with server.acme.includeAddresses: true and an http-01 or tls-alpn-01 challenge"));
        continue;
      }
      String why = scope == AcmeSpec.IdentifierScope.PUBLIC ? nonGlobalAddress(address) : null;
      if (why == null) {
        ips.add(address);
      } else {
        leftOut.add(new LeftOut(text, why));
      }
    }
    return new Selection(names, ips, leftOut);
  }

  /**
   * Why an order that would hold nothing is refused, and what to do: the same words for validate
   * (when the desired state alone decides it) and plan.
   *
   * @param directory the ACME directory URL, escaped for the terminal
   */
  public static String nothingToOrder(String directory) {
    return "nothing to order from the ACME CA at " + directory + ": none of the server's names and"
        + " addresses is one a public CA can validate; give server.dnsNames a public name,"
        + " set server.acme.includeAddresses: true for global addresses (validated by"
        + " http-01 or tls-alpn-01), or (for a private CA) server.acme.identifiers: all";
  }

  /** Why a public CA cannot validate this name, or null when it can. */
  static String nonPublicName(String name) {
    String base = name.startsWith("*.") ? name.substring(2) : name;
    int dot = base.lastIndexOf('.');
    if (dot < 0) {
      return "a single-label name, which no public CA certifies";
    }
    String tld = base.substring(dot + 1);
    if (NON_PUBLIC_TLDS.contains(tld)) {
      return "." + tld + " is reserved for private or special use";
    }
    if (tld.chars().allMatch(Character::isDigit)) {
      return "a top-level domain of digits does not exist";
    }
    return null;
  }

  /** Why a public CA cannot validate this address, or null when it is global unicast. */
  static String nonGlobalAddress(InetAddress address) {
    if (address.isLoopbackAddress()) {
      return "a loopback address";
    }
    if (address.isLinkLocalAddress()) {
      return "a link-local address";
    }
    if (!(address instanceof Inet4Address) && !IPV6_GLOBAL.contains(address)) {
      return "not a global unicast address (unique local, multicast or reserved)";
    }
    for (IpNetwork range : NON_GLOBAL) {
      if (range.contains(address)) {
        return "in " + range + ", which is not globally routed (private, shared or reserved)";
      }
    }
    return null;
  }

  private static IpNetwork network(String cidr) {
    return IpNetwork.parse(cidr).orElseThrow(() -> new IllegalStateException("bad range " + cidr));
  }
}
