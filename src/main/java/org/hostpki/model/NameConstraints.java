package org.hostpki.model;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The name constraints of a CA certificate (RFC 5280 4.2.1.10) for the two kinds of name hostpki
 * certifies: DNS names and IP addresses. A DNS domain {@code corp.example} covers that name and
 * every name below it; an IP range covers the addresses of a network. When a kind has permitted
 * subtrees, every name of that kind must lie in one of them; no name may lie in an excluded one.
 *
 * @param permittedDnsDomains lower-case; an empty text covers every DNS name, a leading dot
 *     (written by other tools) only the names below
 */
public record NameConstraints(
    List<String> permittedDnsDomains,
    List<IpNetwork> permittedIpRanges,
    List<String> excludedDnsDomains,
    List<IpNetwork> excludedIpRanges) {

  /** No constraint at all. */
  public static final NameConstraints NONE = new NameConstraints(List.of(), List.of(), List.of(), List.of());

  /** Every IPv4 and IPv6 address: excluded, it allows no IP address at all. */
  private static final List<IpNetwork> EVERY_ADDRESS =
      List.of(IpNetwork.parse("0.0.0.0/0").orElseThrow(), IpNetwork.parse("::/0").orElseThrow());

  public NameConstraints {
    permittedDnsDomains = lowerCase(permittedDnsDomains);
    permittedIpRanges = List.copyOf(permittedIpRanges);
    excludedDnsDomains = lowerCase(excludedDnsDomains);
    excludedIpRanges = List.copyOf(excludedIpRanges);
  }

  private static List<String> lowerCase(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).distinct().toList();
  }

  public boolean isEmpty() {
    return permittedDnsDomains.isEmpty()
        && permittedIpRanges.isEmpty()
        && excludedDnsDomains.isEmpty()
        && excludedIpRanges.isEmpty();
  }

  /**
   * The constraints that fence in what a signing policy allows, for a CA made for it: every
   * {@code allowedDomains} entry as a permitted domain ({@code *.corp.example} as {@code
   * corp.example}, which also covers the name itself: the policy, checked first, still refuses
   * it), leaving out those another covers; every {@code allowedNetworks} entry as a permitted
   * range, and without any, every address excluded. A policy without allowedDomains leaves DNS
   * names unconstrained (the policy alone refuses them).
   */
  public static NameConstraints fromPolicy(SigningPolicy policy) {
    List<String> domains = new ArrayList<>();
    for (String pattern : policy.allowedDomains()) {
      String lower = pattern.toLowerCase(Locale.ROOT);
      domains.add(lower.startsWith("*.") ? lower.substring(2) : lower);
    }
    List<String> permitted =
        domains.stream()
            .distinct()
            .filter(d -> domains.stream().noneMatch(other -> !other.equals(d) && dnsNameWithin(d, other)))
            .toList();
    List<IpNetwork> networks =
        new ArrayList<>(new LinkedHashSet<>(policy.allowedNetworks().stream().map(NameConstraints::base).toList()));
    return networks.isEmpty()
        ? new NameConstraints(permitted, List.of(), List.of(), EVERY_ADDRESS)
        : new NameConstraints(permitted, networks, List.of(), List.of());
  }

  /**
   * These constraints widened to permit the given names and addresses too: each name outside the
   * permitted domains becomes one, each address outside the permitted ranges a range of its own
   * ({@code /32}, {@code /128}); where every address is excluded (a policy without networks), only
   * the given addresses are permitted instead. What an excluded subtree holds stays excluded. For
   * the default of a CA host whose own server certificate carries names its policy does not.
   */
  public NameConstraints permitting(List<String> names, List<InetAddress> addresses) {
    List<String> domains = new ArrayList<>(permittedDnsDomains);
    for (String name : names) {
      if (dnsNameRefusal(name).filter(Refusal::outsidePermitted).isPresent() && !name.startsWith("*.")) {
        domains.add(name.toLowerCase(Locale.ROOT));
      }
    }
    List<InetAddress> outside = addresses.stream().filter(a -> addressRefusal(a).isPresent()).toList();
    List<IpNetwork> excluded =
        !outside.isEmpty() && excludedIpRanges.equals(EVERY_ADDRESS) ? List.of() : excludedIpRanges;
    List<IpNetwork> ranges = new ArrayList<>(permittedIpRanges);
    for (InetAddress address : outside) {
      if (excluded.stream().noneMatch(r -> r.contains(address))) {
        ranges.add(new IpNetwork(address, address.getAddress().length * 8));
      }
    }
    return new NameConstraints(domains, ranges, excludedDnsDomains, excluded);
  }

  /** The network with its host bits cleared, as the extension encodes it (address and mask). */
  private static IpNetwork base(IpNetwork network) {
    byte[] bytes = network.address().getAddress();
    for (int bit = network.prefixLength(); bit < bytes.length * 8; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      return new IpNetwork(InetAddress.getByAddress(bytes), network.prefixLength());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes are always an address", e);
    }
  }

  /**
   * Why the constraints do not allow a DNS name (possibly a wildcard name), or empty. A wildcard
   * name is excluded also when an excluded domain is one of the names it stands for ({@code
   * *.corp.example} by {@code x.corp.example}), as Chromium reads it (ERR_CERT_INVALID), though
   * OpenSSL, GnuTLS, NSS and Java accept it; a permitted domain must hold every name it stands for.
   */
  public Optional<Refusal> dnsNameRefusal(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String excluded : excludedDnsDomains) {
      if (dnsNameWithin(lower, excluded)) {
        return Optional.of(new Refusal(false, "excluded dnsDomains " + quoted(excludedDnsDomains)));
      }
      if (wildcardReaches(lower, excluded)) {
        return Optional.of(
            new Refusal(
                false,
                "excluded dnsDomains " + quoted(excludedDnsDomains) + ": the wildcard stands for "
                    + excluded + " too, and Chromium refuses it"));
      }
    }
    if (!permittedDnsDomains.isEmpty() && permittedDnsDomains.stream().noneMatch(p -> dnsNameWithin(lower, p))) {
      return Optional.of(new Refusal(true, "permitted dnsDomains " + quoted(permittedDnsDomains)));
    }
    return Optional.empty();
  }

  /** Why the constraints do not allow an IP address, or empty. */
  public Optional<Refusal> addressRefusal(InetAddress address) {
    if (excludedIpRanges.stream().anyMatch(r -> r.contains(address))) {
      return Optional.of(new Refusal(false, "excluded ipRanges " + excludedIpRanges));
    }
    // As OpenSSL and Chromium read it: with any permitted range, an address of the other family
    // (IPv6 where only IPv4 ranges are permitted) is outside too.
    if (!permittedIpRanges.isEmpty() && permittedIpRanges.stream().noneMatch(r -> r.contains(address))) {
      return Optional.of(new Refusal(true, "permitted ipRanges " + permittedIpRanges));
    }
    return Optional.empty();
  }

  /**
   * A name the constraints refuse: outside every permitted subtree of its kind, or inside an
   * excluded one.
   *
   * @param outsidePermitted true: outside the permitted subtrees; false: inside an excluded one
   * @param subtrees the subtrees that decide it, as the desired state writes them
   */
  public record Refusal(boolean outsidePermitted, String subtrees) {
    /** {@code is outside WHOSE (permitted dnsDomains [corp.example])}. */
    public String reason(String whose) {
      return (outsidePermitted ? "is outside " : "is excluded by ") + whose + " (" + subtrees + ")";
    }
  }

  /**
   * RFC 5280's dNSName rule: a name is within {@code domain} when it is the domain or has labels
   * added on the left. An empty domain covers every name; one with a leading dot only those below.
   */
  public static boolean dnsNameWithin(String name, String domain) {
    if (domain.isEmpty()) {
      return true;
    }
    if (domain.startsWith(".")) {
      return name.length() > domain.length() && name.endsWith(domain);
    }
    return name.equals(domain) || name.endsWith("." + domain);
  }

  /**
   * A wildcard name standing for {@code domain} itself: {@code *.corp.example} for {@code
   * x.corp.example} (a wildcard stands for one left-most label).
   */
  private static boolean wildcardReaches(String name, String domain) {
    int dot = domain.indexOf('.');
    return name.startsWith("*.") && dot > 0 && name.substring(2).equals(domain.substring(dot + 1));
  }

  private static String quoted(List<String> domains) {
    return domains.stream().map(d -> d.isEmpty() ? "\"\"" : d).toList().toString();
  }

  /** The constraints as the desired state writes them, for messages. */
  @Override
  public String toString() {
    if (isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    if (!permittedDnsDomains.isEmpty()) {
      parts.add("permitted dnsDomains " + quoted(permittedDnsDomains));
    }
    if (!permittedIpRanges.isEmpty()) {
      parts.add("permitted ipRanges " + permittedIpRanges);
    }
    if (!excludedDnsDomains.isEmpty()) {
      parts.add("excluded dnsDomains " + quoted(excludedDnsDomains));
    }
    if (!excludedIpRanges.isEmpty()) {
      parts.add("excluded ipRanges " + excludedIpRanges);
    }
    return String.join("; ", parts);
  }
}
