package org.hostpki.plan;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.hostpki.model.DnsName;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.Subject;

/**
 * The subject and SANs the server certificate must have: the desired names, and with {@code
 * server.includeHostIdentity} the live host's FQDN, short name and addresses.
 */
public record ServerNames(Subject subject, List<String> dnsNames, List<InetAddress> ipAddresses) {

  public ServerNames {
    Objects.requireNonNull(subject, "subject");
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
  }

  /** The names for this server on this host, lower-case, each once, in a stable order. */
  public static ServerNames of(ServerSpec server, HostIdentity host) {
    return of(server, host, DetectionGaps.Kept.NONE);
  }

  /**
   * The names for the server the plan makes: where detection found no host name or no address,
   * the current certificate's (see {@link DetectionGaps}).
   */
  static ServerNames of(PlanInput in) {
    return of(in.desired().server(), in.host(), in.observed());
  }

  /**
   * The names for the server the plan makes from this store: where detection found no host name
   * or no address, the current certificate's (see {@link DetectionGaps}). What an outside CA's
   * chain must cover, as the planner sees it.
   */
  public static ServerNames of(ServerSpec server, HostIdentity host, ObservedStore observed) {
    return of(server, host, DetectionGaps.kept(server, host, observed));
  }

  private static ServerNames of(ServerSpec server, HostIdentity host, DetectionGaps.Kept kept) {
    LinkedHashSet<String> dns = new LinkedHashSet<>();
    server.dnsNames().forEach(n -> dns.add(DnsName.lowerCase(n)));
    LinkedHashSet<InetAddress> ips = new LinkedHashSet<>(server.ipAddresses());
    if (server.includeHostIdentity()) {
      if (!host.lacks(HostIdentity.Note.Kind.NO_HOSTNAME)) {
        host.fqdn().ifPresent(dns::add);
        dns.add(host.hostname());
      }
      dns.addAll(kept.names());
      ips.addAll(host.addresses());
      ips.addAll(kept.addresses());
    }
    return new ServerNames(
        server.subject().withCommonNameFrom(dns), List.copyOf(dns), List.copyOf(ips));
  }
}
