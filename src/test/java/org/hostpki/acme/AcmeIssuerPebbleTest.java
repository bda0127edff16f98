package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.Security;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.hostpki.model.AcmeChallenge;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ListenAddress;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.ChainValidator;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Orders against a real pebble on loopback, with real validation of every challenge type; each
 * test has a store of its own. The CA's chains have two intermediates and an alternate root.
 */
@Tag(Tags.INTEROP)
class AcmeIssuerPebbleTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @TempDir static Path pebbleDir;
  private static Pebble pebble;

  @TempDir Path store;

  /** Files beside the store (a webroot, a hook, its log): not in it, and removed after each test. */
  @TempDir Path beside;

  @BeforeAll
  static void startPebble() throws Exception {
    pebble = Pebble.start(pebbleDir);
  }

  /** For {@link AcmeBench}: the helpers below against a pebble it started. */
  static void useForBench(Pebble running) {
    pebble = running;
  }

  @AfterAll
  static void stopPebble() {
    if (pebble != null) {
      pebble.close();
    }
  }

  // ---- issuance with each challenge ----------------------------------------------------------

  @Test
  void testOrder_http01ListenerIssuesAChainThatPassesChainValidator() throws Exception {
    KeyMaterial key = key();
    List<String> names = List.of("portal.example.test", "www.portal.example.test");

    Issued issued = issuer(spec(http01())).order(request(key, names, List.of()));

    ChainValidator.Result checked =
        ChainValidator.check(issued.chain(), key.publicKey(), names, List.of(), Instant.now());
    assertThat(checked.problems()).isEmpty();
    assertThat(issued.chain()).hasSize(3); // leaf and PEBBLE_CHAIN_LENGTH=2 intermediates
    assertThat(issued.leaf().facts().dnsNames()).containsExactlyInAnyOrderElementsOf(names);
    assertThat(issued.rootName()).startsWith("Pebble Root CA");
    assertThat(Security.getProvider("BC")).as("no global BouncyCastle provider").isNull();
  }

  @Test
  void testOrder_recordsTheAccountKey0600AndUrlBesideTheGenerations() throws Exception {
    AcmeIssuer issuer = issuer(spec(http01()));

    Issued issued = issuer.order(request(key(), List.of("record.example.test"), List.of()));

    Path record = issuer.accountRecordPath();
    assertThat(record.getParent()).isEqualTo(store.resolve(".acme"));
    assertThat(Files.getPosixFilePermissions(record.resolve("acme-account.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(record)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    AccountState state = issuer.accountState();
    assertThat(state.accountUrl()).hasValueSatisfying(u -> assertThat(u).startsWith("https://127.0.0.1:"));
    assertThat(state.lastOrder()).hasValueSatisfying(o -> {
      assertThat(o.identifiers()).containsExactly("dns:record.example.test");
      assertThat(o.leafSha256()).isEqualTo(issued.leaf().fingerprint().hex());
    });
    assertThat(state.failure()).isEmpty();
    try (Stream<Path> files = Files.list(record)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("acme-account.key", "account.json");
    }
  }

  @Test
  void testOrder_secondOrderReusesTheAccount() throws Exception {
    AcmeIssuer first = issuer(spec(http01()));
    Issued firstIssued = first.order(request(key(), List.of("again.example.test"), List.of()));
    String url = first.accountState().accountUrl().orElseThrow();
    byte[] accountKey = Files.readAllBytes(first.accountRecordPath().resolve("acme-account.key"));

    AcmeIssuer second = issuer(spec(http01()));
    Issued issued = second.order(request(key(), List.of("again.example.test"), List.of()));

    assertThat(second.accountState().accountUrl()).contains(url);
    assertThat(Files.readAllBytes(second.accountRecordPath().resolve("acme-account.key"))).isEqualTo(accountKey);
    assertThat(issued.orderUrl()).isNotEqualTo(firstIssued.orderUrl());
    assertThat(second.accountState().lastOrder().orElseThrow().orderUrl()).isEqualTo(issued.orderUrl());
  }

  /**
   * The account key removed (a backup restored without the 0600 file) while account.json keeps
   * the URL: a new key signed for the old account, and pebble refused every order with "JWS
   * verification error", retry after retry. The new key makes an account of its own; so does
   * another key put in place of the recorded one.
   */
  @Test
  void testOrder_aLostOrReplacedAccountKeyMakesANewAccount() throws Exception {
    AcmeIssuer first = issuer(spec(http01()));
    first.order(request(key(), List.of("lost.example.test"), List.of()));
    String url = first.accountState().accountUrl().orElseThrow();
    Files.delete(first.accountRecordPath().resolve("acme-account.key"));

    AcmeIssuer second = issuer(spec(http01()));
    second.order(request(key(), List.of("lost.example.test"), List.of()));

    assertThat(second.accountState().accountUrl()).hasValueSatisfying(u -> assertThat(u).isNotEqualTo(url));
    assertThat(second.accountRecordPath().resolve("acme-account.key")).exists();
    String secondUrl = second.accountState().accountUrl().orElseThrow();

    // another key in its place (copied from another host): the same
    Files.write(second.accountRecordPath().resolve("acme-account.key"), key().pkcs8Pem());
    AcmeIssuer third = issuer(spec(http01()));
    third.order(request(key(), List.of("lost.example.test"), List.of()));

    assertThat(third.accountState().accountUrl()).hasValueSatisfying(u -> assertThat(u).isNotIn(url, secondUrl));
  }

  @Test
  void testOrder_http01WebrootWritesTheTokensAndRemovesThem() throws Exception {
    Path webroot = Files.createDirectory(beside.resolve("www"));
    HttpServer web = HttpServer.create(new InetSocketAddress(LOOPBACK, pebble.httpPort), 8);
    List<String> served = new java.util.concurrent.CopyOnWriteArrayList<>();
    web.createContext("/", exchange -> {
      Path file = webroot.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
      try (exchange) {
        if (!file.startsWith(webroot) || !Files.isRegularFile(file)) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        byte[] body = Files.readAllBytes(file);
        served.add(exchange.getRequestURI().getPath());
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    });
    web.start();
    try {
      Issued issued =
          issuer(spec(new AcmeChallenge.Http01Webroot(webroot))).order(request(key(), List.of("webroot.example.test"), List.of()));

      assertThat(issued.warnings()).isEmpty();
    } finally {
      web.stop(0);
    }
    assertThat(served).isNotEmpty().allMatch(p -> p.startsWith("/.well-known/acme-challenge/"));
    try (Stream<Path> left = Files.list(webroot)) {
      assertThat(left).as("token files and the folders made for them are removed").isEmpty();
    }
  }

  @Test
  void testOrder_tlsAlpn01ListenerAnswersWithTheAcmeIdentifierCertificate() throws Exception {
    KeyMaterial key = key();

    Issued issued =
        issuer(spec(new AcmeChallenge.TlsAlpn01Listener(listen(pebble.tlsPort))))
            .order(request(key, List.of("alpn.example.test"), List.of()));

    assertThat(ChainValidator.check(issued.chain(), key.publicKey(), List.of("alpn.example.test"), List.of(),
        Instant.now()).problems()).isEmpty();
  }

  @Test
  void testOrder_ipAddressIdentifierOverHttp01() throws Exception {
    KeyMaterial key = key();

    Issued issued = issuer(spec(http01())).order(request(key, List.of(), List.of(LOOPBACK)));

    assertThat(issued.leaf().facts().ipAddresses()).containsExactly(LOOPBACK);
    assertThat(ChainValidator.check(issued.chain(), key.publicKey(), List.of(), List.of(LOOPBACK), Instant.now())
        .problems()).isEmpty();
  }

  @Test
  void testOrder_ipAddressIdentifierOverTlsAlpn01UsesTheReverseName() throws Exception {
    Issued issued =
        issuer(spec(new AcmeChallenge.TlsAlpn01Listener(listen(pebble.tlsPort))))
            .order(request(key(), List.of("mixed.example.test"), List.of(LOOPBACK)));

    assertThat(issued.leaf().facts().ipAddresses()).containsExactly(LOOPBACK);
  }

  @Test
  void testOrder_dns01HookPresentsAndCleansUpTheTxtRecord() throws Exception {
    Path calls = beside.resolve("hook.log");
    Path hook = pebble.dnsHook(beside.resolve("dns-hook.sh"));

    Issued issued =
        issuer(spec(new AcmeChallenge.Dns01Hook(List.of(hook.toString(), calls.toString()), Duration.ofSeconds(20))))
            .order(request(key(), List.of("dns.example.test", "*.dns.example.test"), List.of()));

    assertThat(issued.leaf().facts().dnsNames()).contains("*.dns.example.test");
    Pebble.assertDnsHookAnswered(calls, "dns.example.test", 2);
  }

  @Test
  void testOrder_preferredChainPicksTheAlternateRoot() throws Exception {
    String alternateRoot = ChainChoice.rootName(Pem.readCertificates(pebble.root(1).getBytes(StandardCharsets.US_ASCII)));
    AcmeSpec spec = withPreferredChain(spec(http01()), alternateRoot);

    Issued issued = issuer(spec).order(request(key(), List.of("chain.example.test"), List.of()));

    assertThat(issued.offeredRoots()).hasSize(2);
    assertThat(issued.rootName()).isEqualTo(alternateRoot).isNotEqualTo(issued.offeredRoots().get(0));
  }

  @Test
  void testOrder_unmatchedPreferredChainServesTheDefaultWithAWarning() throws Exception {
    Issued issued =
        issuer(withPreferredChain(spec(http01()), "No Such Root"))
            .order(request(key(), List.of("nochain.example.test"), List.of()));

    assertThat(issued.rootName()).isEqualTo(issued.offeredRoots().get(0));
    assertThat(issued.warnings()).singleElement().asString().contains("No Such Root", "matches none");
  }

  @Test
  void testRevoke_revokesWithReasonKeyCompromise() throws Exception {
    AcmeIssuer issuer = issuer(spec(http01()));
    Issued issued = issuer.order(request(key(), List.of("revoke.example.test"), List.of()));

    issuer.revoke(issued.leaf());

    String status = pebble.certificateStatus(issued.leaf().facts().serialNumber().toString(16));
    assertThat(status).contains("\"Status\": \"Revoked\"").contains("\"Reason\": 1");
  }

  // ---- refusals --------------------------------------------------------------------------------

  @Test
  void testOrder_failingChallengeCarriesTheProblemAndIsRecordedForBackOff() throws Exception {
    // The listener is not where the CA connects: validation fails for real.
    AcmeIssuer issuer = issuer(spec(new AcmeChallenge.Http01Listener(listen(Pebble.freePort()))));

    assertThatThrownBy(() -> issuer.order(request(key(), List.of("unreachable.example.test"), List.of())))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.VALIDATION_FAILED);
          assertThat(f.problem()).hasValueSatisfying(p -> assertThat(p.type()).startsWith("urn:ietf:params:acme:error:"));
          assertThat(f.getMessage())
              .startsWith("the CA could not validate dns:unreachable.example.test by http-01: ")
              .contains("hostpki listened on 127.0.0.1:");
        });
    AccountState.LastFailure failure = issuer.accountState().failure().orElseThrow();
    assertThat(failure.kind()).isEqualTo(AcmeFailure.Kind.VALIDATION_FAILED);
    assertThat(failure.inARow()).isEqualTo(1);
    assertThat(failure.nextAttempt()).isEqualTo(failure.at().plus(BackOff.FIRST));
    assertThat(issuer.accountState().accountUrl()).as("the account stays").isPresent();
  }

  @Test
  void testOrder_termsNotAgreedIsRefusedNamingTheTerms() throws Exception {
    AcmeSpec s = spec(http01());
    AcmeSpec notAgreed =
        new AcmeSpec(s.directory(), s.caBundle(), s.contact(), false, s.externalAccountBinding(), s.profile(),
            s.challenge(), s.includeAddresses(), s.identifiers(), s.preferredChain(), s.timeout(), org.hostpki.model.ExternalSpec.Fallback.NONE);

    assertThatThrownBy(() -> issuer(notAgreed).order(request(key(), List.of("tos.example.test"), List.of())))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.CONFIGURATION);
          assertThat(f.getMessage()).contains("terms of service", "data:text/plain", "termsOfServiceAgreed: true");
        });
  }

  @Test
  void testOrder_untrustedServerCertificateIsRefused() throws Exception {
    Path otherCa = beside.resolve("other-ca.pem");
    Files.writeString(otherCa, pebble.root(0)); // a CA, but not the one that signed pebble's TLS certificate
    AcmeSpec s = spec(http01());
    AcmeSpec untrusted =
        new AcmeSpec(s.directory(), Optional.of(otherCa), s.contact(), true, Optional.empty(), Optional.empty(),
            s.challenge(), false, AcmeSpec.IdentifierScope.ALL, Optional.empty(), s.timeout(), org.hostpki.model.ExternalSpec.Fallback.NONE);

    assertThatThrownBy(() -> issuer(untrusted).order(request(key(), List.of("tls.example.test"), List.of())))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.TLS_UNTRUSTED);
          assertThat(f.getMessage()).contains("is not trusted", "server.acme.caBundle");
        });
    assertThat(Files.exists(store.resolve(".acme"))).as("the account key is made only once the CA is reachable")
        .isTrue();
  }

  @Test
  void testOrder_systemTrustDoesNotTrustATestCa() throws Exception {
    AcmeSpec s = spec(http01());
    AcmeSpec systemTrust =
        new AcmeSpec(s.directory(), Optional.empty(), s.contact(), true, Optional.empty(), Optional.empty(),
            s.challenge(), false, AcmeSpec.IdentifierScope.ALL, Optional.empty(), s.timeout(), org.hostpki.model.ExternalSpec.Fallback.NONE);

    assertThatThrownBy(() -> issuer(systemTrust).order(request(key(), List.of("sys.example.test"), List.of())))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.TLS_UNTRUSTED));
  }

  @Test
  void testOrder_serverDownIsUnreachable() throws Exception {
    AcmeSpec s = spec(http01());
    AcmeSpec down =
        new AcmeSpec(URI.create("https://127.0.0.1:" + Pebble.freePort() + "/dir"), s.caBundle(), s.contact(), true,
            Optional.empty(), Optional.empty(), s.challenge(), false, AcmeSpec.IdentifierScope.ALL, Optional.empty(),
            s.timeout(), org.hostpki.model.ExternalSpec.Fallback.NONE);
    AcmeIssuer issuer = issuer(down);

    assertThatThrownBy(() -> issuer.order(request(key(), List.of("down.example.test"), List.of())))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.UNREACHABLE);
          assertThat(f.getMessage()).contains("cannot reach the ACME server https://127.0.0.1:", "refused");
        });
    assertThat(issuer.accountState().failure()).hasValueSatisfying(f -> assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.UNREACHABLE));
  }

  @Test
  void testOrder_portInUseIsAChallengeSetupFailure() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, LOOPBACK)) {
      AcmeIssuer issuer = issuer(spec(new AcmeChallenge.Http01Listener(listen(taken.getLocalPort()))));

      assertThatThrownBy(() -> issuer.order(request(key(), List.of("busy.example.test"), List.of())))
          .isInstanceOfSatisfying(AcmeFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.CHALLENGE_SETUP);
            assertThat(f.getMessage()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for http-01");
          });
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private AcmeIssuer issuer(AcmeSpec spec) {
    return new AcmeIssuer(AcmeSettings.of(spec), store, Clock.systemUTC(), RANDOM, RealHooks.runner(store));
  }

  static AcmeSpec spec(AcmeChallenge challenge) {
    return new AcmeSpec(
        pebble.directory(), Optional.of(pebble.caBundle()), List.of(URI.create("mailto:ops@example.test")), true,
        Optional.empty(), Optional.empty(), challenge, true, AcmeSpec.IdentifierScope.ALL, Optional.empty(),
        Duration.ofSeconds(30), org.hostpki.model.ExternalSpec.Fallback.NONE);
  }

  private static AcmeSpec withPreferredChain(AcmeSpec s, String root) {
    return new AcmeSpec(s.directory(), s.caBundle(), s.contact(), s.termsOfServiceAgreed(), s.externalAccountBinding(),
        s.profile(), s.challenge(), s.includeAddresses(), s.identifiers(), Optional.of(root), s.timeout(), org.hostpki.model.ExternalSpec.Fallback.NONE);
  }

  static AcmeChallenge http01() {
    return new AcmeChallenge.Http01Listener(listen(pebble.httpPort));
  }

  static ListenAddress listen(int port) {
    return new ListenAddress(Optional.of(LOOPBACK), port);
  }

  static KeyMaterial key() {
    return KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);
  }

  static OrderRequest request(KeyMaterial key, List<String> dns, List<InetAddress> ips) {
    return new OrderRequest(
        dns, ips, CertificationRequest.create(Subject.empty(), dns, ips, false, key), Optional.empty());
  }
}
