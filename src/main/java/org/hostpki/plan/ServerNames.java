package org.hostpki.plan;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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

  /**
   * A refusal when the server certificate would carry more than {@link
   * ServerSpec#MAX_SUBJECT_ALT_NAMES} names and addresses: each of {@code server.dnsNames}, {@code
   * server.ipAddresses} and the detected addresses is capped alone, but not their sum. Names the
   * counts and what to set.
   */
  static Optional<Refusal> tooMany(PlanInput in) {
    ServerSpec server = in.desired().server();
    ServerNames names = of(in);
    int total = names.dnsNames().size() + names.ipAddresses().size();
    if (total <= ServerSpec.MAX_SUBJECT_ALT_NAMES) {
      return Optional.empty();
    }
    long dns = server.dnsNames().stream().map(DnsName::lowerCase).distinct().count();
    long ips = server.ipAddresses().stream().distinct().count();
    long hostNames = names.dnsNames().size() - dns;
    long hostAddresses = names.ipAddresses().size() - ips;
    return Optional.of(
        new Refusal(
            RefusalCode.TOO_MANY_NAMES,
            Address.SERVER,
            "the server certificate would carry "
                + total
                + " subject alternative names ("
                + dns
                + " of server.dnsNames, "
                + ips
                + " of server.ipAddresses"
                + (server.includeHostIdentity()
                    ? ", "
                        + hostNames
                        + (hostNames == 1 ? " host name and " : " host names and ")
                        + hostAddresses
                        + (hostAddresses == 1 ? " address" : " addresses")
                        + " of the host identity"
                    : "")
                + "), more than the "
                + ServerSpec.MAX_SUBJECT_ALT_NAMES
                + " one certificate can carry (TLS clients refuse larger ones): list fewer in"
                + " server.dnsNames and server.ipAddresses"
                + (server.includeHostIdentity()
                    ? ", list only the addresses clients connect to in host.addresses, leave"
                        + " interfaces out with host.ignoreInterfaces, or set"
                        + " server.includeHostIdentity: false"
                    : ""),
            List.of()));
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
