package org.hostpki.host;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.DnsName;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostIdentity.Note;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.TerminalText;

/**
 * Combines the desired state's {@code host:} section with detection: a given part wins and is not
 * detected at all. Shared by the live probe and the fixed one, so both follow the same rules.
 */
final class SpecOverrides {
  private SpecOverrides() {}

  static HostIdentity identify(HostSpec spec, HostDetection detection) {
    if (!spec.detect()) {
      return givenOnly(spec);
    }
    List<Note> notes = new ArrayList<>();
    HostName name =
        spec.hostname()
            .map(SpecOverrides::givenHostname)
            .orElseGet(() -> detectedHostname(detection, notes));
    Optional<String> domain =
        givenDomain(spec)
            .or(() -> spec.hostname().isPresent() ? name.domain() : detectedDomain(name, notes))
            .or(() -> detection.domain(name.shortName()));
    List<InetAddress> addresses =
        spec.addresses().orElseGet(() -> detectedAddresses(detection, spec, notes));
    notes.addAll(detection.notes());
    return new HostIdentity(
        name.shortName(), withinLength(name.shortName(), domain), addresses, notes);
  }

  /**
   * The detected host name; a placeholder ({@code localhost.localdomain}) is noted, and its domain
   * part is none of the host's. A {@code host.hostname} of localhost is taken as meant.
   */
  private static HostName detectedHostname(HostDetection detection, List<Note> notes) {
    HostName name = detection.hostname();
    if (!name.placeholder()) {
      return name;
    }
    String shown = name.shortName() + name.domain().map(d -> "." + d).orElse("");
    notes.add(
        new Note(
            Note.Kind.NO_HOSTNAME,
            "the host's name is '" + TerminalText.escape(shown)
                + "', a placeholder every host has"));
    return new HostName(name.shortName(), Optional.empty());
  }

  /**
   * The domain part of the detected host name ({@code web1.example.com}); a placeholder ({@code
   * web1.localdomain}) is noted and left out, so the next source, resolv.conf, may give the host's.
   */
  private static Optional<String> detectedDomain(HostName name, List<Note> notes) {
    Optional<String> domain = name.domain();
    if (domain.isEmpty() || !HostName.placeholderDomain(domain.get())) {
      return domain;
    }
    notes.add(placeholderDomainNote("the host name '" + name.shortName() + "." + domain.get() + "'", domain.get()));
    return Optional.empty();
  }

  /**
   * The note on a placeholder domain detection left out.
   *
   * @param where what gave it, escaped ({@code "the host name 'web1.localdomain'"})
   */
  static Note placeholderDomainNote(String where, String domain) {
    return new Note(
        Note.Kind.PLACEHOLDER_DOMAIN,
        where + " has the domain '" + domain + "', a placeholder every host has (no client"
            + " elsewhere reaches this host by it), so it is left out of the host's names: give the"
            + " host's own domain in host.domain, or write host.domain: " + domain
            + " to use it all the same");
  }

  /**
   * The detected addresses; none at all is noted (the network is not up yet, say). More than one
   * certificate can carry is not refused here: the host identity serves more than the server
   * certificate (status, a server certificate with {@code includeHostIdentity: false}), so the
   * planner refuses it where the names are counted ({@code too-many-names}).
   */
  private static List<InetAddress> detectedAddresses(
      HostDetection detection, HostSpec spec, List<Note> notes) {
    List<InetAddress> addresses = detection.addresses(spec.ignoreInterfaces());
    if (addresses.isEmpty()) {
      notes.add(
          new Note(
              Note.Kind.NO_ADDRESS,
              "no address detected on the host: no interface that is up"
                  + (spec.ignoreInterfaces().isEmpty() ? "" : " and not in host.ignoreInterfaces")
                  + " has one other hosts could connect to"));
    }
    return addresses;
  }

  /**
   * The domain, when the fully qualified name it makes is a DNS name: a 63-character host name in
   * a long search domain is not, and would go into the certificate as a SAN no client accepts.
   */
  private static Optional<String> withinLength(String shortName, Optional<String> domain) {
    domain
        .map(d -> shortName + "." + d)
        .filter(fqdn -> fqdn.length() > DnsName.MAX_LENGTH)
        .ifPresent(
            fqdn -> {
              throw new HostpkiException(
                  "the host's fully qualified name '" + fqdn + "' is " + fqdn.length()
                      + " characters long; a DNS name has at most " + DnsName.MAX_LENGTH
                      + ": set host.domain (or host.hostname) in the desired state to a shorter one");
            });
    return domain;
  }

  private static HostIdentity givenOnly(HostSpec spec) {
    String hostname =
        spec.hostname()
            .orElseThrow(
                () ->
                    new HostpkiException(
                        "host.detect is false, so the host name is not detected, but"
                            + " host.hostname is not set: set host.hostname (and host.domain and"
                            + " host.addresses as needed), or set host.detect: true"));
    HostName name = givenHostname(hostname);
    Optional<String> domain = givenDomain(spec).or(name::domain);
    return new HostIdentity(
        name.shortName(), withinLength(name.shortName(), domain), spec.addresses().orElse(List.of()));
  }

  private static HostName givenHostname(String text) {
    return HostName.parse(text)
        .orElseThrow(
            () ->
                new HostpkiException(
                    "host.hostname '"
                        + text
                        + "' is not a valid host name: use letters, digits and hyphens, e.g."
                        + " 'portal' or 'portal.example.com'"));
  }

  private static Optional<String> givenDomain(HostSpec spec) {
    return spec.domain()
        .map(
            text -> {
              return DnsName.fromHost(text)
                  .map(DnsName::value)
                  .orElseThrow(
                      () ->
                          new HostpkiException(
                              "host.domain '"
                                  + text
                                  + "' is not a valid DNS domain: use dot-separated labels of"
                                  + " letters, digits and hyphens, e.g. 'example.com'"));
            });
  }
}
