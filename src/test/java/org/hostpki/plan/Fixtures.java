package org.hostpki.plan;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;

/** Builders for planner inputs: desired states and the stores they converge to. */
final class Fixtures {
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  private Fixtures() {}

  static InetAddress ip(String s) {
    return IpAddresses.parse(s).orElseThrow();
  }

  static HostIdentity host(String name, String domain, String... addresses) {
    return new HostIdentity(
        name, Optional.ofNullable(domain), List.of(addresses).stream().map(Fixtures::ip).toList());
  }

  static DesiredState desired() {
    return new DesiredState(
        Path.of("/etc/hostpki/host.yaml"),
        new StoreSpec(
            Path.of("/var/lib/hostpki"),
            Optional.of(new PasswordSource.Env("HOSTPKI_PASSWORD")),
            Pkcs12Profile.MODERN),
        HostSpec.defaults(),
        CaSpec.defaults(),
        ServerSpec.defaults(),
        TrustSpec.defaults(),
        HooksSpec.none());
  }

  static DesiredState withCa(DesiredState d, CaSpec ca) {
    return new DesiredState(d.source(), d.store(), d.host(), ca, d.server(), d.trust(), d.hooks());
  }

  static DesiredState withServer(DesiredState d, ServerSpec s) {
    return new DesiredState(d.source(), d.store(), d.host(), d.ca(), s, d.trust(), d.hooks());
  }

  static DesiredState withTrust(DesiredState d, TrustSpec t) {
    return new DesiredState(d.source(), d.store(), d.host(), d.ca(), d.server(), t, d.hooks());
  }

  static DesiredState withStore(DesiredState d, StoreSpec s) {
    return new DesiredState(d.source(), s, d.host(), d.ca(), d.server(), d.trust(), d.hooks());
  }

  static Fingerprint fp(String seed) {
    return Fingerprint.sha256(seed.getBytes(StandardCharsets.UTF_8));
  }

  static KeyFacts key(KeySpec spec, String seed) {
    return new KeyFacts(Optional.of(spec), fp("key:" + seed));
  }

  static CertificateFacts cert(
      String seed,
      Subject subject,
      String issuerDn,
      List<String> dns,
      List<InetAddress> ips,
      KeyFacts key,
      boolean ca,
      Instant notBefore,
      Instant notAfter,
      List<String> eku) {
    return new CertificateFacts(
        fp("cert:" + seed),
        subject,
        subject.toString(),
        issuerDn,
        BigInteger.ONE,
        notBefore,
        notAfter,
        dns,
        ips,
        key,
        ca,
        ca ? Optional.of(0) : Optional.empty(),
        eku,
        Optional.empty(),
        Optional.empty(),
        "SHA256withECDSA");
  }

  static CertificateFacts trusted(String seed, Instant notAfter) {
    return cert(
        "trusted:" + seed,
        Subject.commonName(seed),
        "CN=" + seed,
        List.of(),
        List.of(),
        key(KeySpec.defaultSpec(), "trusted:" + seed),
        true,
        NOW.minus(Duration.ofDays(10)),
        notAfter,
        List.of());
  }

  /** A mutable picture of a store, turned into an {@link ObservedStore} by {@link #observed()}. */
  static final class Store {
    KeyFacts caKey;
    CertificateFacts caCert;
    KeyFacts serverKey;
    CertificateFacts serverCert;
    boolean serverSignedByCa = true;
    List<CertificateFacts> fullchain;
    Pkcs12Facts serverP12;
    SortedMap<String, CertificateFacts> trusted = new TreeMap<>();
    List<Fingerprint> bundle;
    Pkcs12Facts truststore;
    Map<String, Fingerprint> hashed;

    ObservedStore observed() {
      return new ObservedStore(
          true,
          Optional.ofNullable(caKey),
          Optional.ofNullable(caCert),
          Optional.ofNullable(serverKey),
          Optional.ofNullable(serverCert),
          serverSignedByCa,
          Optional.ofNullable(fullchain),
          Optional.empty(),
          Optional.ofNullable(serverP12),
          trusted,
          Optional.ofNullable(bundle),
          Optional.ofNullable(truststore),
          Optional.ofNullable(hashed),
          fp("content"));
    }

    /** Rewrites the derived outputs to match the certificates, as apply would. */
    Store deriveOutputs(DesiredState d) {
      fullchain = List.of(serverCert, caCert);
      serverP12 =
          d.store().password().isPresent()
              ? new Pkcs12Facts(
                  Optional.of(
                      new Pkcs12Facts.KeyEntry(
                          Planner.SERVER_KEY_ALIAS,
                          serverKey.publicKeyFingerprint(),
                          List.of(serverCert.fingerprint(), caCert.fingerprint()))),
                  Map.of(),
                  d.store().pkcs12Profile())
              : null;
      bundle = new ArrayList<>();
      bundle.add(caCert.fingerprint());
      trusted.values().forEach(c -> bundle.add(c.fingerprint()));
      SortedMap<String, Fingerprint> entries = new TreeMap<>();
      entries.put(Planner.CA_TRUST_ALIAS, caCert.fingerprint());
      trusted.forEach((n, c) -> entries.put(n, c.fingerprint()));
      truststore =
          d.store().password().isPresent()
              ? new Pkcs12Facts(Optional.empty(), entries, d.store().pkcs12Profile())
              : null;
      return this;
    }
  }

  /** A store exactly as applying {@code d} for {@code host} at {@link #NOW} leaves it. */
  static Store converged(DesiredState d, HostIdentity host) {
    Store s = new Store();
    Subject caSubject = d.ca().effectiveSubject(host);
    s.caKey = key(d.ca().key(), "ca");
    s.caCert =
        cert(
            "ca",
            caSubject,
            caSubject.toString(),
            List.of(),
            List.of(),
            s.caKey,
            true,
            NOW.minus(Duration.ofHours(1)),
            NOW.plus(d.ca().validity()),
            List.of());
    Planner.ServerNames names = Planner.serverNames(d.server(), host);
    s.serverKey = key(d.server().key(), "server");
    s.serverCert =
        cert(
            "server",
            names.subject(),
            caSubject.toString(),
            names.dnsNames(),
            names.ipAddresses(),
            s.serverKey,
            false,
            NOW.minus(Duration.ofHours(1)),
            NOW.plus(d.server().validity()),
            d.server().clientAuth()
                ? List.of(CertificateFacts.EKU_SERVER_AUTH, CertificateFacts.EKU_CLIENT_AUTH)
                : List.of(CertificateFacts.EKU_SERVER_AUTH));
    return s.deriveOutputs(d);
  }

  static PlanInput input(DesiredState d, HostIdentity host, ObservedStore observed, Instant now) {
    return new PlanInput(d, host, new TreeMap<>(), observed, now, Set.of(), fp("basis"));
  }

  static PlanInput input(
      DesiredState d,
      HostIdentity host,
      SortedMap<String, CertificateFacts> trust,
      ObservedStore observed,
      Instant now) {
    return new PlanInput(d, host, trust, observed, now, Set.of(), fp("basis"));
  }
}
