package org.hostpki.model;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The live identity of the host: what the server certificate must cover when {@code
 * server.includeHostIdentity} is on. Names are stored lower-case; addresses sorted, without
 * duplicates.
 *
 * @param hostname the short host name (first label), lower-case
 * @param domain the DNS domain, lower-case, without a trailing dot; empty when unknown
 */
public record HostIdentity(String hostname, Optional<String> domain, List<InetAddress> addresses) {

  public HostIdentity {
    hostname = Objects.requireNonNull(hostname, "hostname").toLowerCase(Locale.ROOT);
    domain = Objects.requireNonNull(domain, "domain").map(d -> d.toLowerCase(Locale.ROOT));
    addresses =
        Objects.requireNonNull(addresses, "addresses").stream()
            .distinct()
            .sorted(Comparator.comparing(IpAddresses::sortKey))
            .toList();
  }

  /** The fully qualified name, when the domain is known. */
  public Optional<String> fqdn() {
    return domain.map(d -> hostname + "." + d);
  }

  /** The DNS names this identity contributes to a certificate: the short name, then the FQDN. */
  public List<String> dnsNames() {
    return fqdn().map(f -> List.of(hostname, f)).orElse(List.of(hostname));
  }

  @Override
  public String toString() {
    return fqdn().orElse(hostname)
        + " "
        + addresses.stream().map(IpAddresses::format).toList();
  }
}
