package org.hostpki.property;

import java.net.InetAddress;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeyRotation;
import org.hostpki.model.KeySpec;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;
import org.hostpki.model.TrustedCertificateSource;
import org.hostpki.pki.Certificate;
import org.hostpki.testkit.DesiredStates;

/**
 * Everything a sequence of edits can change: the desired state (as plain values), the live host
 * identity and the clock. Starts as a small valid host; {@link Edit}s change it.
 */
final class World {
  static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

  final Set<String> dnsNames = new LinkedHashSet<>(List.of("portal.example.com"));
  final Set<String> ipAddresses = new LinkedHashSet<>();
  KeySpec serverKey = KeySpec.defaultSpec();
  KeySpec caKey = KeySpec.defaultSpec();
  Optional<String> caName = Optional.of("Example Portal CA");
  boolean clientAuth;
  boolean includeHostIdentity = true;
  Duration serverValidity = Duration.ofDays(398);
  final Map<String, Certificate> trust = new TreeMap<>();
  boolean prune = true;
  boolean password;
  String hostname = "portal";
  Optional<String> domain = Optional.of("example.com");
  final Set<String> hostAddresses = new LinkedHashSet<>(List.of("192.0.2.10"));
  Instant now = T0;

  static final Duration SERVER_RENEW_BEFORE = Duration.ofDays(20);

  HostIdentity identity() {
    return new HostIdentity(hostname, domain, addresses(hostAddresses));
  }

  DesiredState desired(FileSystem fs, Path store) {
    Path source = fs.getPath("/etc/hostpki/host.yaml");
    List<TrustedCertificateSource> sources = new ArrayList<>();
    trust.forEach(
        (name, certificate) ->
            sources.add(
                new TrustedCertificateSource(
                    name,
                    new TrustedCertificateSource.Content.Inline(certificate.pem()),
                    new SourcePosition(source, 1, 1))));
    return DesiredStates.of(
        source,
        new StoreSpec(
            store,
            password ? Optional.of(new PasswordSource.Env("PW")) : Optional.empty(),
            Pkcs12Profile.MODERN),
        HostSpec.defaults(),
        new CaSpec(
            caName.map(Subject::commonName),
            caKey,
            CaSpec.DEFAULT_VALIDITY,
            CaSpec.DEFAULT_RENEW_BEFORE,
            Optional.empty(),
            Optional.empty()),
        new ServerSpec(
            ServerSpec.Issuer.INTERNAL,
            Subject.empty(),
            List.copyOf(dnsNames),
            addresses(ipAddresses),
            includeHostIdentity,
            serverKey,
            KeyRotation.ALWAYS,
            serverValidity,
            RenewBefore.of(SERVER_RENEW_BEFORE),
            clientAuth,
            false,
            Optional.empty(),
            Optional.empty()),
        new TrustSpec(prune, false, sources, List.of()),
        HooksSpec.none());
  }

  /** The DNS names the server certificate must hold, worked out here, not by the planner. */
  Set<String> expectedDnsNames() {
    Set<String> names = new LinkedHashSet<>(dnsNames);
    if (includeHostIdentity) {
      names.add(hostname);
      domain.ifPresent(d -> names.add(hostname + "." + d));
    }
    return names;
  }

  /** The addresses the server certificate must hold. */
  Set<InetAddress> expectedAddresses() {
    Set<InetAddress> out = new LinkedHashSet<>(addresses(ipAddresses));
    if (includeHostIdentity) {
      out.addAll(addresses(hostAddresses));
    }
    return out;
  }

  /** Whether the server certificate would have a name at all (the loader refuses none). */
  boolean hasSubjectAltNames() {
    return !expectedDnsNames().isEmpty() || !expectedAddresses().isEmpty();
  }

  private static List<InetAddress> addresses(Set<String> texts) {
    return texts.stream().map(a -> IpAddresses.parse(a).orElseThrow()).toList();
  }
}
