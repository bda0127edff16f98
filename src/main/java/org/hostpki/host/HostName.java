package org.hostpki.host;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.DnsName;

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
    String name = text.strip().toLowerCase(Locale.ROOT);
    name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    int dot = name.indexOf('.');
    String shortName = dot < 0 ? name : name.substring(0, dot);
    if (DnsName.labelProblem(shortName).isPresent()) {
      return Optional.empty();
    }
    if (dot < 0) {
      return Optional.of(new HostName(shortName, Optional.empty()));
    }
    Optional<DnsName> rest = DnsName.fromHost(name.substring(dot + 1));
    return rest.map(domain -> new HostName(shortName, Optional.of(domain.value())));
  }
}
