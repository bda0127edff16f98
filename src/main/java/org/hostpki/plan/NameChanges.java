package org.hostpki.plan;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DnsName;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.SanCoverage;
import org.hostpki.model.ServerSpec;

/**
 * How a certificate's names and addresses differ from those the server must have, as reasons: the
 * one producer of {@code host-identity-changed} and {@code san-changed}. One rule tells them
 * apart: a name or address {@code server.dnsNames} or {@code server.ipAddresses} lists is a SAN
 * change; any other came (or went) with the live host identity when {@code
 * server.includeHostIdentity} is on — but a name that went while the host kept its names was
 * dropped from {@code server.dnsNames} ({@link #removedWithHost}). Names compare lower-cased,
 * addresses as addresses.
 *
 * <p>Two questions use it: does a certificate hostpki issues hold exactly the wanted names (what
 * it lacks and what it has too many, {@link #exact}); does a certificate an outside CA issued cover
 * them as a TLS client matches names, wildcards included ({@link #uncovered}; extra names are the
 * outside CA's business).
 */
final class NameChanges {
  private final ServerSpec server;
  private final ServerNames wanted;
  private final Set<String> configuredNames = new LinkedHashSet<>();
  private final Set<InetAddress> configuredAddresses;

  NameChanges(ServerSpec server, ServerNames wanted) {
    this.server = server;
    this.wanted = wanted;
    server.dnsNames().forEach(n -> configuredNames.add(DnsName.lowerCase(n)));
    this.configuredAddresses = new LinkedHashSet<>(server.ipAddresses());
  }

  /** The wanted names and addresses a certificate does not cover, DNS names first. */
  record Uncovered(List<String> names, List<InetAddress> addresses) {
    Uncovered {
      names = List.copyOf(names);
      addresses = List.copyOf(addresses);
    }

    boolean isEmpty() {
      return names.isEmpty() && addresses.isEmpty();
    }

    /** {@code portal.example.com, 192.0.2.10}. */
    String words() {
      List<String> all = new ArrayList<>(names);
      addresses.forEach(a -> all.add(IpAddresses.format(a)));
      return String.join(", ", all);
    }
  }

  /** Why a certificate does not hold exactly the wanted names: each name and address added or removed. */
  List<Reason> exact(List<String> haveNames, List<InetAddress> haveAddresses) {
    Set<String> have = lower(haveNames);
    Set<String> want = lower(wanted.dnsNames());
    Set<InetAddress> haveIps = new LinkedHashSet<>(haveAddresses);
    Set<InetAddress> wantIps = new LinkedHashSet<>(wanted.ipAddresses());
    Words words = new Words();
    List<String> added = minus(want, have);
    boolean hostNamesAdded = added.stream().anyMatch(this::fromHost);
    minus(have, want)
        .forEach(n -> words.add(removedWithHost(n, hostNamesAdded), "name " + n + " removed"));
    added.forEach(n -> words.add(fromHost(n), "name " + n + " added"));
    minus(haveIps, wantIps)
        .forEach(a -> words.add(fromHost(a), "address " + IpAddresses.format(a) + " removed"));
    minus(wantIps, haveIps)
        .forEach(a -> words.add(fromHost(a), "address " + IpAddresses.format(a) + " added"));
    return words.reasons("");
  }

  /** The wanted names and addresses the certificate's SANs do not cover. */
  Uncovered uncovered(CertificateFacts certificate) {
    List<String> names =
        wanted.dnsNames().stream()
            .filter(w -> certificate.dnsNames().stream().noneMatch(h -> SanCoverage.covers(h, w)))
            .toList();
    List<InetAddress> addresses =
        wanted.ipAddresses().stream().filter(a -> !certificate.ipAddresses().contains(a)).toList();
    return new Uncovered(names, addresses);
  }

  /** Why an imported certificate no longer fits: what it does not cover. */
  List<Reason> reasons(Uncovered uncovered) {
    List<String> host = new ArrayList<>();
    List<String> sans = new ArrayList<>();
    uncovered.names().forEach(n -> (fromHost(n) ? host : sans).add(n));
    uncovered.addresses().forEach(a -> (fromHost(a) ? host : sans).add(IpAddresses.format(a)));
    Words words = new Words();
    if (!host.isEmpty()) {
      words.add(true, String.join(", ", host));
    }
    if (!sans.isEmpty()) {
      words.add(false, String.join(", ", sans));
    }
    return words.reasons("the imported certificate does not cover ");
  }

  /**
   * Whether a name the certificate holds and the server no longer wants went with the host
   * identity. Nothing says what the host was called then, nor what {@code server.dnsNames} listed:
   * a name dropped from there (say {@code www.example.com}) is a SAN change, not the host's. The
   * host's names go only as the host is renamed, when its new names come in the same change, or
   * as its domain changes or goes, when the name starts with the host's short name.
   */
  private boolean removedWithHost(String name, boolean hostNamesAdded) {
    if (!fromHost(name)) {
      return false;
    }
    String lower = DnsName.lowerCase(name);
    int dot = lower.indexOf('.');
    return hostNamesAdded
        || (dot > 0 && wanted.dnsNames().stream().anyMatch(w -> fromHost(w) && w.equals(lower.substring(0, dot))));
  }

  private boolean fromHost(String name) {
    return fromHost(configuredNames::contains, DnsName.lowerCase(name));
  }

  private boolean fromHost(InetAddress address) {
    return fromHost(configuredAddresses::contains, address);
  }

  private <T> boolean fromHost(Predicate<T> configured, T value) {
    return !configured.test(value) && server.includeHostIdentity();
  }

  /** Words for the host identity's changes and for the SANs' changes, each its own reason. */
  private static final class Words {
    private final List<String> host = new ArrayList<>();
    private final List<String> sans = new ArrayList<>();

    void add(boolean fromHost, String words) {
      (fromHost ? host : sans).add(words);
    }

    List<Reason> reasons(String lead) {
      List<Reason> reasons = new ArrayList<>();
      if (!host.isEmpty()) {
        reasons.add(
            new Reason(
                ReasonCode.HOST_IDENTITY_CHANGED,
                "host identity changed: " + lead + String.join(", ", host)));
      }
      if (!sans.isEmpty()) {
        reasons.add(
            new Reason(ReasonCode.SAN_CHANGED, "SANs changed: " + lead + String.join(", ", sans)));
      }
      return reasons;
    }
  }

  private static Set<String> lower(List<String> names) {
    Set<String> lower = new LinkedHashSet<>();
    names.forEach(n -> lower.add(DnsName.lowerCase(n)));
    return lower;
  }

  private static <T> List<T> minus(Set<T> a, Set<T> b) {
    return a.stream().filter(x -> !b.contains(x)).toList();
  }
}
