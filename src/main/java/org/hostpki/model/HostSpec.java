package org.hostpki.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to find the live host identity. Each given part overrides detection of that part; with
 * {@code detect} false only the given parts are used.
 *
 * @param ignoreInterfaces interface names or glob patterns ({@code veth*}) whose addresses are not
 *     part of the identity
 */
public record HostSpec(
    boolean detect,
    Optional<String> hostname,
    Optional<String> domain,
    Optional<List<InetAddress>> addresses,
    List<String> ignoreInterfaces) {

  public HostSpec {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(domain, "domain");
    addresses = Objects.requireNonNull(addresses, "addresses").map(List::copyOf);
    ignoreInterfaces = List.copyOf(ignoreInterfaces);
  }

  public static HostSpec defaults() {
    return new HostSpec(true, Optional.empty(), Optional.empty(), Optional.empty(), List.of());
  }
}
