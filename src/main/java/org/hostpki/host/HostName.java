package org.hostpki.host;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.DnsName;
import org.hostpki.model.IpAddresses;

/**
 * A host name split at its first dot: the short name, and the rest as a domain candidate (a kernel
 * host name or a {@code host.hostname} may be fully qualified).
 */
record HostName(String shortName, Optional<String> domain) {

  HostName {
    Objects.requireNonNull(shortName, "shortName");
    Objects.requireNonNull(domain, "domain");
  }

  /** Splits and normalises a host name; empty when it is not a valid DNS name. */
  static Optional<HostName> parse(String text) {
    if (problem(text).isPresent()) {
      return Optional.empty();
    }
    String name = normalised(text);
    int dot = name.indexOf('.');
    return Optional.of(
        dot < 0
            ? new HostName(name, Optional.empty())
            : new HostName(name.substring(0, dot), Optional.of(name.substring(dot + 1))));
  }

  /**
   * Whether this is a name a system has before it is given its own: {@code localhost}, with any
   * domain ({@code localhost.localdomain}, Fedora's). No client reaches this host by it from
   * elsewhere, and every host has it.
   */
  boolean placeholder() {
    return shortName.equals("localhost");
  }

  /** Whether a detected domain is a placeholder (see {@link DnsName#placeholderDomain}). */
  static boolean placeholderDomain(String domain) {
    return DnsName.placeholderDomain(domain);
  }

  /**
   * Why {@code text} is no host name, as a phrase that follows it in a message ({@code "has the
   * character '_' in 'web_01'; ..."}); empty when it is one. An IP address is none: as a DNS name
   * in a certificate it would match no client (they compare an address with the IP SANs).
   */
  static Optional<String> problem(String text) {
    String name = normalised(text);
    if (name.isEmpty()) {
      return Optional.of("is empty");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      return Optional.of("holds control characters");
    }
    if (IpAddresses.parse(name).isPresent()) {
      return Optional.of("is an IP address, not a name");
    }
    return DnsName.problem(name, false);
  }

  /** Trimmed, lower-case, without the trailing dot of an absolute name. */
  private static String normalised(String text) {
    String name = text.strip().toLowerCase(Locale.ROOT);
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
