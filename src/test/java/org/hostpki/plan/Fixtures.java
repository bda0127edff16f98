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
import org.hostpki.model.Backdate;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.RenewalSpec;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;
import org.hostpki.testkit.DesiredStates;

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
    return DesiredStates.of(
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
    return DesiredStates.of(d.source(), d.store(), d.host(), ca, d.server(), d.trust(), d.hooks());
  }

  static DesiredState withServer(DesiredState d, ServerSpec s) {
    return DesiredStates.of(d.source(), d.store(), d.host(), d.ca(), s, d.trust(), d.hooks());
  }

  static DesiredState withTrust(DesiredState d, TrustSpec t) {
    return DesiredStates.of(d.source(), d.store(), d.host(), d.ca(), d.server(), t, d.hooks());
  }

  static DesiredState withStore(DesiredState d, StoreSpec s) {
    return DesiredStates.of(d.source(), s, d.host(), d.ca(), d.server(), d.trust(), d.hooks());
  }

  static ServerSpec withRenewBefore(ServerSpec s, RenewBefore renewBefore) {
    return new ServerSpec(
        s.issuer(), s.subject(), s.dnsNames(), s.ipAddresses(), s.includeHostIdentity(), s.key(),
        s.keyRotation(), s.validity(), renewBefore, s.clientAuth(), s.allowLongValidity(), s.external(), Optional.empty());
  }

  static DesiredState withRenewal(DesiredState d, RenewalSpec renewal) {
    return new DesiredState(
        d.source(), d.store(), d.host(), d.ca(), d.server(), d.trust(), d.hooks(), renewal, d.metrics(), List.of(), List.of());
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
        "SHA256withECDSA", Optional.empty());
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
    CsrFacts csr;
    List<CertificateFacts> externalChain;
    KeyFacts caNextKey;
    CertificateFacts caNextCert;
    CertificateFacts caPreviousCert;

    ObservedStore observed() {
      return new ObservedStore(
          true,
          Optional.ofNullable(caKey),
          Optional.ofNullable(caCert),
          Optional.ofNullable(serverKey),
          Optional.ofNullable(serverCert),
          serverSignedByCa,
          Optional.ofNullable(fullchain),
          Optional.ofNullable(csr),
          Optional.ofNullable(serverP12),
          trusted,
          Optional.ofNullable(bundle),
          Optional.ofNullable(truststore),
          Optional.ofNullable(hashed),
          Optional.ofNullable(externalChain),
          Optional.ofNullable(caNextKey),
          Optional.ofNullable(caNextCert),
          Optional.ofNullable(caPreviousCert),
          fp("content"),
          false,
        Optional.empty(),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        org.hostpki.model.ObservedOutputs.NONE,
        new java.util.TreeSet<>());
    }

    /** Rewrites the derived outputs to match the certificates, as apply would. */
    Store deriveOutputs(DesiredState d) {
      boolean imported = observed().servesImportedChain();
      fullchain =
          imported ? ExternalChainFile.servedChain(externalChain) : List.of(serverCert, caCert);
      serverP12 =
          d.store().password().isPresent()
              ? new Pkcs12Facts(
                  Optional.of(
                      new Pkcs12Facts.KeyEntry(
                          StoreLayout.SERVER_KEY_ALIAS,
                          serverKey.publicKeyFingerprint(),
                          fullchain.stream().map(CertificateFacts::fingerprint).toList())),
                  Map.of(),
                  d.store().pkcs12Profile())
              : null;
      bundle = new ArrayList<>();
      bundle.add(caCert.fingerprint());
      if (caNextCert != null) {
        bundle.add(caNextCert.fingerprint());
      }
      if (caPreviousCert != null) {
        bundle.add(caPreviousCert.fingerprint());
      }
      trusted.values().forEach(c -> bundle.add(c.fingerprint()));
      SortedMap<String, Fingerprint> entries = new TreeMap<>();
      trusted.forEach((n, c) -> entries.put(n, c.fingerprint()));
      entries.put(StoreLayout.CA_ALIAS, caCert.fingerprint());
      if (caNextCert != null) {
        entries.put(StoreLayout.CA_NEXT_ALIAS, caNextCert.fingerprint());
      }
      if (caPreviousCert != null) {
        entries.put(StoreLayout.CA_PREVIOUS_ALIAS, caPreviousCert.fingerprint());
      }
      truststore =
          d.store().password().isPresent()
              ? new Pkcs12Facts(Optional.empty(), entries, Pkcs12Profile.MODERN, false)
              : null;
      return this;
    }
  }

  /** A store exactly as applying {@code d} for {@code host} at {@link #NOW} leaves it. */
  static Store converged(DesiredState d, HostIdentity host) {
    Store s = new Store();
    s.caKey = key(d.ca().key(), "ca");
    s.caCert =
        constrained(caCert("ca", d.ca().effectiveSubject(host), s.caKey, NOW, d.ca().validity()), d.ca().nameConstraintsForNewCa());
    s.serverKey = key(d.server().key(), "server");
    s.serverCert = serverCert("server", d, host, s.caCert, s.serverKey, NOW);
    return s.deriveOutputs(d);
  }

  /** A CA certificate made at {@code made}, as apply issues it: notBefore set back by {@link Backdate}. */
  static CertificateFacts caCert(String seed, Subject subject, KeyFacts key, Instant made, Duration validity) {
    Instant notBefore = made.minus(Backdate.of(validity));
    return cert(
        seed, subject, subject.toString(), List.of(), List.of(), key, true, notBefore,
        notBefore.plus(validity), List.of());
  }

  /** The certificate with these name constraints, as a CA made for them carries them. */
  static CertificateFacts constrained(CertificateFacts c, Optional<NameConstraints> constraints) {
    return new CertificateFacts(
        constraints.isEmpty() ? c.fingerprint() : fp(c.fingerprint() + " " + constraints.get()),
        c.subject(), c.subjectDn(), c.issuerDn(), c.serialNumber(), c.notBefore(), c.notAfter(),
        c.dnsNames(), c.ipAddresses(), c.publicKey(), c.ca(), c.pathLength(), c.extendedKeyUsages(),
        c.subjectKeyId(), c.authorityKeyId(), c.signatureAlgorithm(), constraints);
  }

  /** A server certificate for the desired names, issued by {@code ca} at {@code made}. */
  static CertificateFacts serverCert(
      String seed, DesiredState d, HostIdentity host, CertificateFacts ca, KeyFacts key, Instant made) {
    ServerNames names = ServerNames.of(d.server(), host);
    Instant notBefore = made.minus(Backdate.of(d.server().validity()));
    return cert(
        seed,
        names.subject(),
        ca.subjectDn(),
        names.dnsNames(),
        names.ipAddresses(),
        key,
        false,
        notBefore,
        notBefore.plus(d.server().validity()),
        d.server().clientAuth()
            ? List.of(CertificateFacts.EKU_SERVER_AUTH, CertificateFacts.EKU_CLIENT_AUTH)
            : List.of(CertificateFacts.EKU_SERVER_AUTH));
  }

  // ---- CA rotation ------------------------------------------------------------------------

  /** Phase 1 applied at {@code made}: a new CA for the desired state in ca-next, trusted. */
  static Store rotating(Store s, DesiredState d, HostIdentity host, Instant made) {
    s.caNextKey = key(d.ca().key(), "ca-next@" + made);
    s.caNextCert =
        constrained(
            caCert("ca-next@" + made, d.ca().effectiveSubject(host), s.caNextKey, made, d.ca().validity()),
            d.ca().nameConstraintsForNewCa());
    return s.deriveOutputs(d);
  }

  /**
   * Phase 2 applied at {@code at}: ca-next is the CA, the old CA is ca-previous, and the server is
   * issued by the new CA.
   */
  static Store moved(Store s, DesiredState d, HostIdentity host, Instant at) {
    s.caPreviousCert = s.caCert;
    s.caKey = s.caNextKey;
    s.caCert = s.caNextCert;
    s.caNextKey = null;
    s.caNextCert = null;
    s.serverKey = key(d.server().key(), "server@" + at);
    s.serverCert = serverCert("server@" + at, d, host, s.caCert, s.serverKey, at);
    s.serverSignedByCa = true;
    return s.deriveOutputs(d);
  }

  // ---- external issuer --------------------------------------------------------------------

  static final Path CHAIN_FILE = Path.of("/etc/hostpki/incoming/portal-chain.pem");
  static final String ISSUING_CA = "CN=Example Issuing CA 2";
  static final String ROOT_CA = "CN=Example Root CA";

  /** The default desired state with {@code issuer: external} and the given fallback. */
  static DesiredState external(ExternalSpec.Fallback fallback) {
    return withExternal(desired(), fallback);
  }

  static DesiredState withExternal(DesiredState d, ExternalSpec.Fallback fallback) {
    ServerSpec s = d.server();
    return withServer(
        d,
        new ServerSpec(
            ServerSpec.Issuer.EXTERNAL, s.subject(), s.dnsNames(), s.ipAddresses(),
            s.includeHostIdentity(), s.key(), s.keyRotation(), s.validity(), s.renewBefore(),
            s.clientAuth(), s.allowLongValidity(),
            Optional.of(new ExternalSpec(CHAIN_FILE, fallback)), Optional.empty()));
  }

  /** {@code d} (issuer external) with server.external.roots naming a root file. */
  static DesiredState withRootsNamed(DesiredState d) {
    ServerSpec s = d.server();
    ExternalSpec e = s.external().orElseThrow();
    Path rootFile = Path.of("/etc/hostpki/corp-root.pem");
    return withServer(
        d,
        new ServerSpec(
            s.issuer(), s.subject(), s.dnsNames(), s.ipAddresses(),
            s.includeHostIdentity(), s.key(), s.keyRotation(), s.validity(), s.renewBefore(),
            s.clientAuth(), s.allowLongValidity(),
            Optional.of(new ExternalSpec(e.chain(), e.fallback(),
                List.of(new ExternalSpec.Root(rootFile, new org.hostpki.model.SourcePosition(rootFile, 1, 1))))),
            Optional.empty()));
  }

  /** A request for the store's key and the desired names, as apply writes it. */
  static CsrFacts csr(DesiredState d, HostIdentity host, KeyFacts key) {
    ServerNames names = ServerNames.of(d.server(), host);
    return new CsrFacts(
        names.subject(), names.subject().toString(), names.dnsNames(), names.ipAddresses(), key, true);
  }

  /** An external store waiting for its chain: internal certificate and a CSR. */
  static Store waiting(DesiredState d, HostIdentity host) {
    Store s = converged(d, host);
    s.csr = csr(d, host, s.serverKey);
    return s;
  }

  /**
   * A chain an outside CA signed for the key and names: leaf, intermediate and (optionally) root.
   *
   * @param seed makes the leaf's fingerprint distinct
   */
  static List<CertificateFacts> externalChain(
      String seed, KeyFacts key, List<String> dns, List<InetAddress> ips, Instant notAfter, boolean withRoot) {
    List<CertificateFacts> chain = new ArrayList<>();
    chain.add(
        new CertificateFacts(
            fp("external-leaf:" + seed),
            Subject.commonName(dns.get(0)),
            "CN=" + dns.get(0),
            ISSUING_CA,
            BigInteger.TEN,
            NOW.minus(Duration.ofDays(1)),
            notAfter,
            dns,
            ips,
            key,
            false,
            Optional.empty(),
            List.of(CertificateFacts.EKU_SERVER_AUTH, CertificateFacts.EKU_CLIENT_AUTH),
            Optional.empty(),
            Optional.empty(),
            "SHA256withECDSA", Optional.empty()));
    chain.add(caFacts("intermediate", ISSUING_CA, ROOT_CA));
    if (withRoot) {
      chain.add(caFacts("root", ROOT_CA, ROOT_CA));
    }
    return chain;
  }

  private static CertificateFacts caFacts(String seed, String subject, String issuer) {
    return new CertificateFacts(
        fp("external-ca:" + seed),
        Subject.commonName(subject.substring(3)),
        subject,
        issuer,
        BigInteger.TWO,
        NOW.minus(Duration.ofDays(1000)),
        NOW.plus(Duration.ofDays(3000)),
        List.of(),
        List.of(),
        key(KeySpec.defaultSpec(), "external-ca:" + seed),
        true,
        Optional.of(0),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        "SHA384withECDSA", Optional.empty());
  }

  /** A chain for the store's key covering the desired names, valid 90 days. */
  static List<CertificateFacts> externalChain(String seed, DesiredState d, HostIdentity host, Store s, boolean withRoot) {
    ServerNames names = ServerNames.of(d.server(), host);
    return externalChain(
        seed, s.serverKey, names.dnsNames(), names.ipAddresses(), NOW.plus(Duration.ofDays(90)), withRoot);
  }

  /** {@code chain} with its intermediate (the second certificate) ending at {@code end} instead. */
  static List<CertificateFacts> withIntermediateEnding(List<CertificateFacts> chain, Instant end) {
    List<CertificateFacts> copy = new ArrayList<>(chain);
    CertificateFacts i = chain.get(1);
    copy.set(1, new CertificateFacts(i.fingerprint(), i.subject(), i.subjectDn(), i.issuerDn(), i.serialNumber(),
        i.notBefore(), end, i.dnsNames(), i.ipAddresses(), i.publicKey(), i.ca(), i.pathLength(),
        i.extendedKeyUsages(), i.subjectKeyId(), i.authorityKeyId(), i.signatureAlgorithm(), i.nameConstraints()));
    return copy;
  }

  /** A store that imported {@code chain} and serves it. */
  static Store imported(DesiredState d, HostIdentity host, List<CertificateFacts> chain) {
    Store s = waiting(d, host);
    s.externalChain = chain;
    s.serverCert = chain.get(0);
    s.serverSignedByCa = false;
    return s.deriveOutputs(d);
  }

  static ExternalChainFile.Valid validFile(List<CertificateFacts> chain) {
    return new ExternalChainFile.Valid(CHAIN_FILE, fp("file:" + chain.get(0).fingerprint()), chain);
  }

  /** A person's run without {@code trust.crls}, install targets or ACME. */
  static PlanInput input(
      DesiredState d,
      HostIdentity host,
      SortedMap<String, CertificateFacts> trust,
      ObservedStore observed,
      Instant now,
      Set<PlanInput.Replace> replace,
      Fingerprint basis,
      Optional<ExternalChainFile> externalChain,
      Optional<Instant> lastWritten) {
    return new PlanInput(
        d, host, trust, observed, now, replace, basis, externalChain, lastWritten, false, List.of(),
        InstallInput.NONE, AcmeObservation.NONE, List.of(), List.of(), Optional.empty(), List.of(),
        Optional.empty());
  }

  static PlanInput input(
      DesiredState d, HostIdentity host, ObservedStore observed, Instant now, ExternalChainFile file) {
    return input(d, host, new TreeMap<>(), observed, now, Set.of(), fp("basis"), Optional.of(file), Optional.empty());
  }

  static PlanInput input(DesiredState d, HostIdentity host, ObservedStore observed, Instant now) {
    return input(d, host, new TreeMap<>(), observed, now, Set.of(), fp("basis"), Optional.empty(), Optional.empty());
  }

  static PlanInput input(
      DesiredState d,
      HostIdentity host,
      SortedMap<String, CertificateFacts> trust,
      ObservedStore observed,
      Instant now) {
    return input(d, host, trust, observed, now, Set.of(), fp("basis"), Optional.empty(), Optional.empty());
  }
}
