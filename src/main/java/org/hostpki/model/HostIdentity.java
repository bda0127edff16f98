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
 * @param notes what detection found wanting or left out, each of which the plan warns about
 */
public record HostIdentity(
    String hostname, Optional<String> domain, List<InetAddress> addresses, List<Note> notes) {

  public HostIdentity {
    hostname = Objects.requireNonNull(hostname, "hostname").toLowerCase(Locale.ROOT);
    domain = Objects.requireNonNull(domain, "domain").map(d -> d.toLowerCase(Locale.ROOT));
    addresses =
        Objects.requireNonNull(addresses, "addresses").stream()
            .distinct()
            .sorted(Comparator.comparing(IpAddresses::sortKey))
            .toList();
    notes = List.copyOf(notes);
  }

  /** An identity detection had nothing to say about. */
  public HostIdentity(String hostname, Optional<String> domain, List<InetAddress> addresses) {
    this(hostname, domain, addresses, List.of());
  }

  /**
   * What detection found wanting: the planner keeps the server certificate's names or addresses
   * for a part detection found none of, and warns with the message.
   *
   * @param message why, escaped, as a sentence that a plan warning goes on from
   */
  public record Note(Kind kind, String message) {
    public Note {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
    }

    public enum Kind {
      /** The addresses were to be detected, and the host has none a client could connect to. */
      NO_ADDRESS,
      /** The kernel's host name is a placeholder ({@code localhost}): the host has no name. */
      NO_HOSTNAME,
      /** A host file holds something detection left out ({@code /etc/resolv.conf}). */
      HOST_FILE,
      /**
       * Detection left out a placeholder domain ({@code web1.localdomain}, Debian's /etc/hosts
       * line): worth saying when it changes the certificate, not on every run of a host that has no
       * domain of its own.
       */
      PLACEHOLDER_DOMAIN
    }
  }

  /** Whether detection found wanting what {@code kind} says. */
  public boolean lacks(Note.Kind kind) {
    return notes.stream().anyMatch(n -> n.kind() == kind);
  }

  /** The fully qualified name, when the domain is known. */
  public Optional<String> fqdn() {
    return domain.map(d -> hostname + "." + d);
  }

  /**
   * The DNS names this identity contributes to a certificate: the short name, then the FQDN; none
   * when the host name is a placeholder.
   */
  public List<String> dnsNames() {
    if (lacks(Note.Kind.NO_HOSTNAME)) {
      return List.of();
    }
    return fqdn().map(f -> List.of(hostname, f)).orElse(List.of(hostname));
  }

  @Override
  public String toString() {
    return fqdn().orElse(hostname)
        + " "
        + addresses.stream().map(IpAddresses::format).toList();
  }
}
