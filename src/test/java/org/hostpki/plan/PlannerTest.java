package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.converged;
import static org.hostpki.plan.Fixtures.desired;
import static org.hostpki.plan.Fixtures.host;
import static org.hostpki.plan.Fixtures.input;
import static org.hostpki.plan.Fixtures.ip;
import static org.hostpki.testkit.PlanAssert.addresses;
import static org.hostpki.testkit.PlanAssert.change;
import static org.hostpki.testkit.PlanAssert.codes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.KeyRotation;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class PlannerTest {
  private final Planner planner = new Planner();
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10");

  private Plan plan(DesiredState d, HostIdentity host, ObservedStore observed) {
    return planner.plan(input(d, host, observed, NOW));
  }

  @Test
  void testPlan_emptyStoreCreatesEverything() {
    Plan plan = plan(desired(), portal, ObservedStore.empty());

    assertThat(addresses(plan))
        .containsExactly(
            "ca",
            "server",
            "output/server-fullchain.crt",
            "output/server.p12",
            "output/trust-bundle.crt",
            "output/truststore.p12");
    assertThat(plan.changes()).allMatch(c -> c.action() == Action.CREATE);
    Intent.IssueServer server = (Intent.IssueServer) change(plan, "server").intent();
    assertThat(server.dnsNames()).containsExactly("portal.example.com", "portal");
    assertThat(server.ipAddresses()).containsExactly(ip("192.0.2.10"));
    assertThat(server.subject().commonName()).contains("portal.example.com");
    Intent.IssueCa ca = (Intent.IssueCa) change(plan, "ca").intent();
    assertThat(ca.subject()).isEqualTo(Subject.commonName("portal hostpki CA"));
    assertThat(ca.key()).isEqualTo(KeySpec.defaultSpec());
  }

  @Test
  void testPlan_convergedStoreHasNoChanges() {
    DesiredState d = desired();
    Plan plan = plan(d, portal, converged(d, portal).observed());

    assertThat(plan.changes()).isEmpty();
    assertThat(plan.unchanged()).isEqualTo(6);
  }

  @Test
  void testPlan_hostnameChangeReplacesOnlyTheServer() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();

    Plan plan = plan(d, host("portal2", "example.com", "192.0.2.10"), store);

    assertThat(addresses(plan))
        .containsExactly("server", "output/server-fullchain.crt", "output/server.p12");
    Change server = change(plan, "server");
    assertThat(server.action()).isEqualTo(Action.REPLACE);
    assertThat(codes(server)).containsExactly(ReasonCode.HOST_IDENTITY_CHANGED);
    assertThat(server.reasonText())
        .contains("name portal.example.com removed", "name portal2.example.com added");
  }

  @Test
  void testPlan_addressChangeNamesTheAddresses() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();

    Plan plan = plan(d, host("portal", "example.com", "192.0.2.11"), store);

    assertThat(change(plan, "server").reasonText())
        .isEqualTo("host identity changed: address 192.0.2.10 removed, address 192.0.2.11 added");
  }

  @Test
  void testPlan_serverIssuedByTheSameCaShowsTheSameIssuer() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();

    Change server = change(plan(d, host("portal", "example.com", "192.0.2.11"), store), "server");

    assertThat(server.after().text("issuer")).isEqualTo(server.before().text("issuer")).contains("CN=portal hostpki CA");
  }

  @Test
  void testPlan_serverIssuedByANewCaShowsTheNewCa() {
    DesiredState d = desired();
    CaSpec ca = d.ca();
    DesiredState edited =
        Fixtures.withCa(
            d,
            new CaSpec(
                Optional.of(Subject.commonName("Example Portal CA")), ca.key(), ca.validity(),
                ca.renewBefore(), ca.rotationOverlap(), ca.policy()));

    Change server = change(plan(edited, portal, converged(d, portal).observed()), "server");
    Change first = change(plan(d, portal, ObservedStore.empty()), "server");

    assertThat(server.after().text("issuer")).contains("CN=Example Portal CA");
    assertThat(first.after().text("issuer")).contains("CN=portal hostpki CA");
  }

  @Test
  void testPlan_addressAddedKeepsTheCa() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();

    Plan plan = plan(d, host("portal", "example.com", "192.0.2.10", "2001:db8::10"), store);

    assertThat(addresses(plan)).doesNotContain("ca", "output/trust-bundle.crt");
    assertThat(change(plan, "server").reasonText()).contains("address 2001:db8::10 added");
  }

  @Test
  void testPlan_configuredSanChangeIsSanChanged() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();
    ServerSpec s = d.server();
    DesiredState edited =
        Fixtures.withServer(
            d,
            new ServerSpec(
                s.issuer(), s.subject(), List.of("www.example.com"), s.ipAddresses(),
                s.includeHostIdentity(), s.key(), s.keyRotation(), s.validity(), s.renewBefore(),
                s.clientAuth(), s.allowLongValidity(), s.external(), Optional.empty()));

    Plan plan = plan(edited, portal, store);

    Change server = change(plan, "server");
    assertThat(codes(server)).contains(ReasonCode.SAN_CHANGED);
    assertThat(server.reasonText()).contains("name www.example.com added");
    assertThat(addresses(plan)).doesNotContain("ca");
  }

  @Test
  void testPlan_caSubjectChangeReplacesCaAndServer() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();
    CaSpec ca = d.ca();
    DesiredState edited =
        Fixtures.withCa(
            d,
            new CaSpec(
                Optional.of(Subject.commonName("Example Portal CA")), ca.key(), ca.validity(),
                ca.renewBefore(), ca.rotationOverlap(), ca.policy()));

    Plan plan = plan(edited, portal, store);

    assertThat(codes(change(plan, "ca"))).containsExactly(ReasonCode.SUBJECT_CHANGED);
    assertThat(codes(change(plan, "server"))).containsExactly(ReasonCode.ISSUER_CHANGED);
    assertThat(addresses(plan))
        .contains(
            "output/server-fullchain.crt",
            "output/server.p12",
            "output/trust-bundle.crt",
            "output/truststore.p12");
  }

  @Test
  void testPlan_aReplacedCaDoesNotHideTheServersOwnReasons() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();
    CaSpec ca = d.ca();
    DesiredState edited =
        Fixtures.withCa(
            d,
            new CaSpec(
                Optional.of(Subject.commonName("Example Portal CA")), ca.key(), ca.validity(),
                ca.renewBefore(), ca.rotationOverlap(), ca.policy()));

    Plan plan = plan(edited, host("portal2", "example.com", "192.0.2.10", "192.0.2.11"), store);

    Change server = change(plan, "server");
    assertThat(codes(server))
        .containsExactly(ReasonCode.ISSUER_CHANGED, ReasonCode.HOST_IDENTITY_CHANGED);
    assertThat(server.reasonText())
        .startsWith("the CA is being replaced")
        .contains("name portal2.example.com added", "address 192.0.2.11 added");
    assertThat(PlanJson.render(plan))
        .contains("\"code\":\"issuer-changed\",\"message\":\"the CA is being replaced\"")
        .contains("\"code\":\"host-identity-changed\"");
    assertThat(new PlanText(false).render(plan)).contains("address 192.0.2.11 added");
  }

  @Test
  void testPlan_caValidityChangeAloneDoesNotReissue() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();
    CaSpec ca = d.ca();
    DesiredState edited =
        Fixtures.withCa(
            d,
            new CaSpec(
                ca.subject(), ca.key(), Duration.ofDays(7300), ca.renewBefore(),
                ca.rotationOverlap(), ca.policy()));

    assertThat(plan(edited, portal, store).changes()).isEmpty();
  }

  @Test
  void testPlan_defaultCaSubjectIgnoresAHostnameChange() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();

    Plan plan = plan(d, host("other", "example.com", "192.0.2.10"), store);

    assertThat(addresses(plan)).doesNotContain("ca");
  }

  @Test
  void testPlan_serverExpiringIsReplaced() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();
    // 398-day certificate, renewBefore 33% (131 days, less up to 13 days of jitter): due at day 267.
    Plan plan = planner.plan(input(d, portal, store, NOW.plus(Duration.ofDays(267))));

    Change server = change(plan, "server");
    assertThat(codes(server)).containsExactly(ReasonCode.EXPIRING);
    assertThat(server.reasonText())
        .startsWith("expires on ")
        .contains("(in 130 days); renewal due since ")
        // the random key's jitter: under a minute (1 run in 19,000) is not said
        .containsPattern(": renewBefore 33% of 398 days = 131 days(, [^,]+ earlier by jitter)?$");
    assertThat(addresses(plan)).doesNotContain("ca");
  }

  @Test
  void testPlan_caExpiredReplacesCaAndServer() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();

    Plan plan = planner.plan(input(d, portal, store, NOW.plus(Duration.ofDays(3651))));

    assertThat(codes(change(plan, "ca"))).containsExactly(ReasonCode.EXPIRED);
    assertThat(codes(change(plan, "server"))).contains(ReasonCode.ISSUER_CHANGED);
  }

  @Test
  void testPlan_notYetValidServerIsRefusedNotReplaced() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();

    Plan plan = planner.plan(input(d, portal, store, NOW.minus(Duration.ofDays(2))));

    assertThat(plan.changes()).isEmpty();
    assertThat(plan.refusals()).extracting(Refusal::code).containsExactly("clock-behind");
  }

  @Test
  void testPlan_deletedServerKeyReplacesServerWithNewKey() {
    DesiredState d = desired();
    Fixtures.Store s = converged(d, portal);
    s.serverKey = null;

    Plan plan = plan(d, portal, s.observed());

    Change server = change(plan, "server");
    assertThat(server.action()).isEqualTo(Action.REPLACE);
    assertThat(server.reasonText()).isEqualTo("server.key is missing");
    assertThat(((Intent.IssueServer) server.intent()).newKey()).isTrue();
  }

  @Test
  void testPlan_serverCertOfAnotherKeyIsKeyMismatch() {
    DesiredState d = desired();
    Fixtures.Store s = converged(d, portal);
    s.serverKey = Fixtures.key(KeySpec.defaultSpec(), "another");

    Plan plan = plan(d, portal, s.observed());

    Change server = change(plan, "server");
    assertThat(codes(server)).contains(ReasonCode.KEY_MISMATCH);
    assertThat(server.reasonText()).contains("server.crt does not match server.key");
  }

  @Test
  void testPlan_serverNotSignedByCaIsIssuerChanged() {
    DesiredState d = desired();
    Fixtures.Store s = converged(d, portal);
    s.serverSignedByCa = false;

    assertThat(codes(change(plan(d, portal, s.observed()), "server")))
        .containsExactly(ReasonCode.ISSUER_CHANGED);
  }

  @Test
  void testPlan_deletedP12IsTheOnlyChange() {
    DesiredState d = desired();
    Fixtures.Store s = converged(d, portal);
    s.serverP12 = null;

    Plan plan = plan(d, portal, s.observed());

    assertThat(addresses(plan)).containsExactly("output/server.p12");
    assertThat(plan.changes().get(0).action()).isEqualTo(Action.CREATE);
  }

  @Test
  void testPlan_p12ProfileChangeUpdatesServerP12NotTheUnprotectedTruststore() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();
    DesiredState legacy =
        Fixtures.withStore(
            d, new StoreSpec(d.store().path(), d.store().password(), Pkcs12Profile.LEGACY));

    Plan plan = plan(legacy, portal, store);

    assertThat(addresses(plan)).containsExactly("output/server.p12");
    assertThat(plan.changes()).allMatch(c -> c.action() == Action.UPDATE);
  }

  @Test
  void testPlan_noPasswordDeletesPkcs12Files() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();
    DesiredState noPassword =
        Fixtures.withStore(
            d, new StoreSpec(d.store().path(), Optional.empty(), Pkcs12Profile.MODERN));

    Plan plan = plan(noPassword, portal, store);

    assertThat(addresses(plan)).containsExactly("output/server.p12", "output/truststore.p12");
    assertThat(plan.changes()).allMatch(c -> c.action() == Action.DELETE);
  }

  @Test
  void testPlan_staleFullchainIsUpdated() {
    DesiredState d = desired();
    Fixtures.Store s = converged(d, portal);
    s.fullchain = List.of(s.serverCert);

    Plan plan = plan(d, portal, s.observed());

    assertThat(addresses(plan)).containsExactly("output/server-fullchain.crt");
    assertThat(codes(plan.changes().get(0))).containsExactly(ReasonCode.OUT_OF_DATE);
  }

  @Test
  void testPlan_keyRotationNeverKeepsTheKeyOnExpiry() {
    DesiredState d = desired();
    ServerSpec s = d.server();
    DesiredState never =
        Fixtures.withServer(
            d,
            new ServerSpec(
                s.issuer(), s.subject(), s.dnsNames(), s.ipAddresses(), s.includeHostIdentity(),
                s.key(), KeyRotation.NEVER, s.validity(), s.renewBefore(), s.clientAuth(),
                s.allowLongValidity(), s.external(), Optional.empty()));
    ObservedStore store = converged(never, portal).observed();

    Plan plan = planner.plan(input(never, portal, store, NOW.plus(Duration.ofDays(370))));

    assertThat(((Intent.IssueServer) change(plan, "server").intent()).newKey()).isFalse();
  }

  @Test
  void testPlan_keyRotationNeverStillRekeysOnKeySpecChange() {
    DesiredState d = desired();
    ServerSpec s = d.server();
    ObservedStore store = converged(d, portal).observed();
    DesiredState rsa =
        Fixtures.withServer(
            d,
            new ServerSpec(
                s.issuer(), s.subject(), s.dnsNames(), s.ipAddresses(), s.includeHostIdentity(),
                new KeySpec.Rsa(3072), KeyRotation.NEVER, s.validity(), s.renewBefore(),
                s.clientAuth(), s.allowLongValidity(), s.external(), Optional.empty()));

    Change server = change(plan(rsa, portal, store), "server");

    assertThat(codes(server)).containsExactly(ReasonCode.KEY_SPEC_CHANGED);
    assertThat(server.reasonText()).isEqualTo("key EC P-256 → RSA 3072");
    assertThat(((Intent.IssueServer) server.intent()).newKey()).isTrue();
  }

  @Test
  void testPlan_replaceRequestedForcesNewServerKey() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();

    Plan plan =
        planner.plan(
            Fixtures.input(
                d, portal, new TreeMap<>(), store, NOW, Set.of(PlanInput.Replace.SERVER),
                Fixtures.fp("b"), Optional.empty(), Optional.empty()));

    Change server = change(plan, "server");
    assertThat(codes(server)).containsExactly(ReasonCode.REPLACE_REQUESTED);
    assertThat(((Intent.IssueServer) server.intent()).newKey()).isTrue();
    assertThat(addresses(plan)).doesNotContain("ca");
  }

  @Test
  void testPlan_replaceCaCascadesToServer() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();

    Plan plan =
        planner.plan(
            Fixtures.input(
                d, portal, new TreeMap<>(), store, NOW, Set.of(PlanInput.Replace.CA),
                Fixtures.fp("b"), Optional.empty(), Optional.empty()));

    assertThat(codes(change(plan, "ca"))).containsExactly(ReasonCode.REPLACE_REQUESTED);
    assertThat(codes(change(plan, "server"))).containsExactly(ReasonCode.ISSUER_CHANGED);
  }

  @Test
  void testPlan_trustAddReplaceDeleteWithPrune() {
    DesiredState d = desired();
    Fixtures.Store s = converged(d, portal);
    s.trusted.put("keep", Fixtures.trusted("keep", NOW.plus(Duration.ofDays(400))));
    s.trusted.put("change", Fixtures.trusted("old", NOW.plus(Duration.ofDays(400))));
    s.trusted.put("gone", Fixtures.trusted("gone", NOW.plus(Duration.ofDays(400))));
    s.deriveOutputs(d);
    SortedMap<String, CertificateFacts> want = new TreeMap<>();
    want.put("keep", Fixtures.trusted("keep", NOW.plus(Duration.ofDays(400))));
    want.put("change", Fixtures.trusted("new", NOW.plus(Duration.ofDays(400))));
    want.put("ldap", Fixtures.trusted("ldap", NOW.plus(Duration.ofDays(400))));

    Plan plan = planner.plan(input(d, portal, want, s.observed(), NOW));

    assertThat(change(plan, "trust/ldap").action()).isEqualTo(Action.CREATE);
    assertThat(change(plan, "trust/change").action()).isEqualTo(Action.REPLACE);
    assertThat(change(plan, "trust/gone").action()).isEqualTo(Action.DELETE);
    assertThat(addresses(plan)).doesNotContain("trust/keep", "server", "ca");
    assertThat(addresses(plan)).contains("output/trust-bundle.crt", "output/truststore.p12");
  }

  @Test
  void testPlan_trustReasonsShowTheCertificatesFingerprintAsOpensslPrintsIt() {
    DesiredState d = desired();
    Fixtures.Store s = converged(d, portal);
    CertificateFacts old = Fixtures.trusted("old", NOW.plus(Duration.ofDays(400)));
    s.trusted.put("change", old);
    s.deriveOutputs(d);
    CertificateFacts ldap = Fixtures.trusted("ldap", NOW.plus(Duration.ofDays(400)));
    CertificateFacts fresh = Fixtures.trusted("new", NOW.plus(Duration.ofDays(400)));
    SortedMap<String, CertificateFacts> want = new TreeMap<>(Map.of("ldap", ldap, "change", fresh));

    Plan plan = planner.plan(input(d, portal, want, s.observed(), NOW));

    assertThat(change(plan, "trust/ldap").reasonText())
        .isEqualTo("sha256 " + ldap.fingerprint().colonHex().substring(0, 11) + "… CN=ldap");
    assertThat(change(plan, "trust/change").reasonText())
        .isEqualTo(
            "certificate changed: "
                + old.fingerprint().colonHex().substring(0, 11)
                + "… → sha256 "
                + fresh.fingerprint().colonHex().substring(0, 11)
                + "… CN=new");
  }

  @Test
  void testPlan_entryRenamedToItsFingerprintNameSaysWhyOnBothSides() {
    DesiredState d = desired();
    Fixtures.Store s = converged(d, portal);
    CertificateFacts second = Fixtures.trusted("second", NOW.plus(Duration.ofDays(400)));
    s.trusted.put("bundle-2", second); // as a store from before fingerprint names has it
    s.deriveOutputs(d);
    String now = "bundle-" + second.fingerprint().hex().substring(0, 12);

    Plan plan = planner.plan(input(d, portal, new TreeMap<>(Map.of(now, second)), s.observed(), NOW));

    String why = " (each certificate of a file holding several is named by its fingerprint)";
    assertThat(change(plan, "trust/" + now).reasonText()).endsWith("CN=second; was trust/bundle-2" + why);
    assertThat(change(plan, "trust/bundle-2").reasonText()).isEqualTo("no longer declared; now trust/" + now + why);
  }

  @Test
  void testPlan_pruneOffKeepsUnmanagedTrust() {
    DesiredState d =
        Fixtures.withTrust(desired(), new TrustSpec(false, false, List.of(), List.of()));
    Fixtures.Store s = converged(d, portal);
    s.trusted.put("unmanaged", Fixtures.trusted("unmanaged", NOW.plus(Duration.ofDays(400))));
    s.deriveOutputs(d);

    Plan plan = planner.plan(input(d, portal, new TreeMap<>(), s.observed(), NOW));

    assertThat(plan.changes()).isEmpty();
  }

  @Test
  void testPlan_expiringAndDuplicateTrustAreWarnings() {
    DesiredState d = desired();
    Fixtures.Store s = converged(d, portal);
    SortedMap<String, CertificateFacts> want = new TreeMap<>();
    want.put("soon", Fixtures.trusted("soon", NOW.plus(Duration.ofDays(10))));
    want.put("dead", Fixtures.trusted("dead", NOW.minus(Duration.ofDays(1))));
    want.put("twin-a", Fixtures.trusted("twin", NOW.plus(Duration.ofDays(400))));
    want.put("twin-b", Fixtures.trusted("twin", NOW.plus(Duration.ofDays(400))));
    s.trusted.putAll(want);
    s.deriveOutputs(d);

    Plan plan = planner.plan(input(d, portal, want, s.observed(), NOW));

    assertThat(plan.changes()).isEmpty();
    assertThat(plan.warnings()).extracting(Warning::code)
        .containsExactlyInAnyOrder("trust-expiring", "trust-expired", "trust-duplicate");
    assertThat(plan.warnings()).extracting(Warning::message)
        .anySatisfy(m -> assertThat(m).contains("'soon' expires on 2026-06-11", "in 10 days"))
        .anySatisfy(m -> assertThat(m).contains("twin-a, twin-b"));
  }

  /** A device that renewed its self-signed certificate keeping its key: OpenSSL takes only one. */
  @Test
  void testPlan_selfSignedTrustWithOneSubjectAndKeyIsAWarning() {
    DesiredState d = desired();
    Fixtures.Store s = converged(d, portal);
    Instant later = NOW.plus(Duration.ofDays(400));
    KeyFacts bmcKey = Fixtures.key(KeySpec.defaultSpec(), "bmc");
    SortedMap<String, CertificateFacts> want = new TreeMap<>();
    for (String name : List.of("bmc-new", "bmc-old")) {
      want.put(name, Fixtures.cert(name, Subject.commonName("bmc"), "CN=bmc", List.of(), List.of(), bmcKey, true, NOW, later, List.of()));
    }
    // Issued by a CA (not self-issued), one subject and key: OpenSSL builds its chain, no warning.
    for (String name : List.of("leaf-1", "leaf-2")) {
      want.put(name, Fixtures.cert(name, Subject.commonName("leaf"), "CN=Some CA", List.of(), List.of(), bmcKey, false, NOW, later, List.of()));
    }
    s.trusted.putAll(want);
    s.deriveOutputs(d);

    Plan plan = planner.plan(input(d, portal, want, s.observed(), NOW));

    assertThat(plan.warnings()).extracting(Warning::code).containsExactly("trust-same-key");
    assertThat(plan.warnings().get(0).message())
        .contains("bmc-new, bmc-old are self-signed with the same subject (CN=bmc) and key", "accept only 'bmc-new'");
  }

  private static DesiredState server(
      DesiredState d, Duration validity, List<String> dnsNames, List<java.net.InetAddress> ips) {
    ServerSpec s = d.server();
    return Fixtures.withServer(
        d,
        new ServerSpec(
            s.issuer(), s.subject(), dnsNames, ips, s.includeHostIdentity(), s.key(), s.keyRotation(),
            validity, s.renewBefore(), s.clientAuth(), s.allowLongValidity(), s.external(), Optional.empty()));
  }

  @Test
  void testPlan_aShorterServerValidityReissuesTheLongerCertificateButALongerOneWaitsForRenewal() {
    DesiredState long398 = server(desired(), Duration.ofDays(398), List.of(), List.of());
    DesiredState short90 = server(desired(), Duration.ofDays(90), List.of(), List.of());

    Plan shorter = plan(short90, portal, converged(long398, portal).observed());
    Plan longer = plan(long398, portal, converged(short90, portal).observed());

    Change server = change(shorter, "server");
    assertThat(codes(server)).containsExactly(ReasonCode.PROFILE_CHANGED);
    assertThat(server.reasonText()).isEqualTo("lasts 398 days, longer than server.validity 90d");
    assertThat(((Intent.IssueServer) server.intent()).validity()).isEqualTo(Duration.ofDays(90));
    assertThat(longer.changes()).isEmpty();
  }

  @Test
  void testPlan_declaredAndDetectedNamesTogetherBeyondTheLimitAreRefusedWithTheCounts() {
    List<String> dns = new java.util.ArrayList<>();
    for (int i = 0; i < 600; i++) {
      dns.add("n" + i + ".example.com");
    }
    List<java.net.InetAddress> ips = new java.util.ArrayList<>();
    for (int i = 0; i < 400; i++) {
      ips.add(ip("10.0." + i / 256 + "." + i % 256));
    }
    DesiredState d = server(desired(), ServerSpec.defaults().validity(), dns, ips);

    Plan plan = plan(d, portal, ObservedStore.empty());
    Plan atTheLimit = plan(server(desired(), ServerSpec.defaults().validity(), dns, ips.subList(0, 397)), portal,
        ObservedStore.empty());

    assertThat(plan.refusals()).extracting(Refusal::code).containsExactly("too-many-names");
    assertThat(plan.refusals().get(0).message())
        .startsWith(
            "the server certificate would carry 1003 subject alternative names (600 of server.dnsNames,"
                + " 400 of server.ipAddresses, 2 host names and 1 address of the host identity), more"
                + " than the 1000 one certificate can carry")
        .endsWith("or set server.includeHostIdentity: false");
    assertThat(atTheLimit.refusals()).isEmpty();
  }

  /**
   * Found: the probe refused a host with more than 1000 detected addresses outright, so a store
   * whose server certificate leaves the host identity out could not be planned (or its status
   * read) on such a host. The count is the plan's: refused only where the addresses would go.
   */
  @Test
  void testPlan_detectedAddressesBeyondTheLimitAreRefusedOnlyWhenTheCertificateIncludesThem() {
    String[] many = new String[1001];
    for (int i = 0; i < many.length; i++) {
      many[i] = "10.1." + (i / 250) + "." + (i % 250 + 1);
    }
    HostIdentity crowded = host("portal", "example.com", many);
    DesiredState d = desired();
    ServerSpec s = d.server();
    DesiredState without =
        Fixtures.withServer(
            d,
            new ServerSpec(
                s.issuer(), s.subject(), List.of("portal.example.com"), s.ipAddresses(), false,
                s.key(), s.keyRotation(), s.validity(), s.renewBefore(), s.clientAuth(),
                s.allowLongValidity(), s.external(), Optional.empty()));

    Plan included = plan(d, crowded, ObservedStore.empty());
    Plan leftOut = plan(without, crowded, ObservedStore.empty());

    assertThat(included.refusals()).extracting(Refusal::code).containsExactly("too-many-names");
    assertThat(included.refusals().get(0).message())
        .contains("2 host names and 1001 addresses of the host identity")
        .contains("list only the addresses clients connect to in host.addresses");
    assertThat(leftOut.refusals()).isEmpty();
    assertThat(change(leftOut, "server").intent()).isInstanceOf(Intent.IssueServer.class);
  }
}
