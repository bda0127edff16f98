package org.hostpki.host;

import java.util.Objects;
import java.util.Optional;

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
    String name = DnsNames.normalize(text);
    int dot = name.indexOf('.');
    String shortName = dot < 0 ? name : name.substring(0, dot);
    if (!DnsNames.isLabel(shortName)) {
      return Optional.empty();
    }
    if (dot < 0) {
      return Optional.of(new HostName(shortName, Optional.empty()));
    }
    String rest = name.substring(dot + 1);
    if (!DnsNames.isDomain(rest)) {
      return Optional.empty();
    }
    return Optional.of(new HostName(shortName, Optional.of(rest)));
  }
}
