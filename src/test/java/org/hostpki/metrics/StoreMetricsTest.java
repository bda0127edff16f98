package org.hostpki.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hostpki.plan.AcmeObservation;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.MetricsSpec;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.RenewalSpec;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;
import org.junit.jupiter.api.Test;

class StoreMetricsTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  private static final HostIdentity HOST = new HostIdentity("portal", Optional.of("example.com"), List.of());

  private static DesiredState desired(String store, boolean perTrust) {
    return new DesiredState(
        Path.of("/etc/hostpki/host.yaml"),
        new StoreSpec(Path.of(store), Optional.empty(), Pkcs12Profile.MODERN),
        HostSpec.defaults(),
        CaSpec.defaults(),
        ServerSpec.defaults(),
        TrustSpec.defaults(),
        HooksSpec.none(),
        RenewalSpec.defaults(),
        new MetricsSpec(Optional.of(Path.of("/var/lib/node-exporter/hostpki.prom")), perTrust), List.of(), List.of());
  }

  private static CertificateFacts cert(String name, long serial, Instant notBefore, Duration validity) {
    return new CertificateFacts(
        Fingerprint.sha256(name.getBytes(StandardCharsets.UTF_8)),
        Subject.commonName(name),
        "CN=" + name,
        "CN=Example CA",
        BigInteger.valueOf(serial),
        notBefore,
        notBefore.plus(validity),
        List.of(),
        List.of(),
        new KeyFacts(Optional.of(KeySpec.defaultSpec()), Fingerprint.sha256(("key" + name).getBytes(StandardCharsets.UTF_8))),
        false,
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        "SHA256withECDSA", Optional.empty());
  }

  private static org.hostpki.model.CrlFacts crl(String issuer, Instant thisUpdate, Duration validity) {
    return new org.hostpki.model.CrlFacts(
        Fingerprint.sha256(issuer.getBytes(StandardCharsets.UTF_8)), issuer,
        Optional.of(java.math.BigInteger.TEN), thisUpdate, Optional.of(thisUpdate.plus(validity)),
        List.of(), Optional.empty(), "SHA256withECDSA");
  }

  /**
   * A fleet CA's CRLs, ca.crl and (after a rotation's move) ca-previous.crl: when each was issued
   * and when clients stop accepting it, which neither the metrics nor check showed before.
   */
  @Test
  void testRender_theFleetCasCrlsTheirUpdateTimes() {
    String text = render("/var/lib/hostpki", false, 0);

    assertThat(text)
        .contains(
            "# TYPE hostpki_crl_next_update_timestamp_seconds gauge\n",
            "hostpki_crl_this_update_timestamp_seconds{store=\"/var/lib/hostpki\",crl=\"ca.crl\"} "
                + NOW.minus(Duration.ofDays(1)).getEpochSecond() + "\n",
            "hostpki_crl_next_update_timestamp_seconds{store=\"/var/lib/hostpki\",crl=\"ca.crl\"} "
                + NOW.plus(Duration.ofDays(6)).getEpochSecond() + "\n",
            "hostpki_crl_next_update_timestamp_seconds{store=\"/var/lib/hostpki\",crl=\"ca-previous.crl\"} "
                + NOW.plus(Duration.ofDays(2998)).getEpochSecond() + "\n");
  }

  private static final CertificateFacts SERVER = cert("server", 2, NOW.minus(Duration.ofDays(100)), Duration.ofDays(398));

  private static ObservedStore store(int trusted) {
    return store(trusted, Optional.empty());
  }

  /** @param externalChain the chain imported last, {@link #SERVER} first when it serves it */
  private static ObservedStore store(int trusted, Optional<List<CertificateFacts>> externalChain) {
    return store(trusted, externalChain, cert("ca", 1, NOW.minus(Duration.ofDays(100)), Duration.ofDays(3650)),
        Optional.empty());
  }

  private static ObservedStore store(
      int trusted, Optional<List<CertificateFacts>> externalChain, CertificateFacts ca,
      Optional<CertificateFacts> caNext) {
    Map<String, CertificateFacts> trust = new TreeMap<>();
    for (int i = 0; i < trusted; i++) {
      trust.put("device-" + i, cert("device-" + i, 100 + i, NOW.minus(Duration.ofDays(10)), Duration.ofDays(30 + i)));
    }
    ObservedStore empty = ObservedStore.empty();
    return new ObservedStore(
        true,
        empty.caKey(),
        Optional.of(ca),
        empty.serverKey(),
        Optional.of(SERVER),
        false,
        empty.serverFullchain(),
        empty.serverCsr(),
        empty.serverPkcs12(),
        trust,
        empty.trustBundle(),
        empty.truststorePkcs12(),
        empty.hashedDirectory(),
        externalChain,
        empty.caNextKey(),
        caNext,
        Optional.of(cert("old ca", 3, NOW.minus(Duration.ofDays(3000)), Duration.ofDays(3650))),
        empty.contentFingerprint(),
        false,
        Optional.empty(),
        Map.of(),
        Optional.of(crl("CN=ca", NOW.minus(Duration.ofDays(1)), Duration.ofDays(7))),
        Optional.of(crl("CN=old ca", NOW.minus(Duration.ofDays(2)), Duration.ofDays(3000))),
        List.of(),
        org.hostpki.model.ObservedOutputs.NONE,
        new java.util.TreeSet<>());
  }

  /** The metrics of a store with a CA, an old CA, a server certificate and {@code trusted} entries. */
  static String render(String storePath, boolean perTrust, int trusted) {
    return StoreMetrics.render(
        desired(storePath, perTrust),
        Optional.of(new StoreState(store(trusted), HOST, AcmeObservation.NONE, NOW, 2, 1, List.of("crl-expired", "trust-expiring", "crl-expired"))),
        Optional.of(new RunOutcome(NOW, true, 3)));
  }

  /** A store one trust.install target of which failed its last change (and an observing run since). */
  static String renderFailingInstall() {
    return StoreMetrics.render(
        desired("/var/lib/hostpki", false),
        Optional.of(new StoreState(store(0), HOST, AcmeObservation.NONE, NOW, 1, 0, List.of("install-failed"),
            List.of("java:/opt/app/\"cacerts"))),
        Optional.of(new RunOutcome(NOW, true, 0)));
  }

  @Test
  void testRender_aFailingInstallTargetHasItsGauge() {
    assertThat(renderFailingInstall())
        .contains("hostpki_install_target_failing{store=\"/var/lib/hostpki\",target=\"java:/opt/app/\\\"cacerts\"} 1")
        .contains("hostpki_warnings{store=\"/var/lib/hostpki\",code=\"install-failed\"} 1");
  }

  @Test
  void testRender_everyCertificateItsDatesAndNextRenewal() {
    String text = render("/var/lib/hostpki", false, 0);

    assertThat(text)
        .contains(
            "hostpki_certificate_not_before_timestamp_seconds{store=\"/var/lib/hostpki\",certificate=\"ca\"} "
                + NOW.minus(Duration.ofDays(100)).getEpochSecond(),
            "hostpki_certificate_not_after_timestamp_seconds{store=\"/var/lib/hostpki\",certificate=\"server\"} "
                + NOW.minus(Duration.ofDays(100)).plus(Duration.ofDays(398)).getEpochSecond(),
            "hostpki_certificate_not_after_timestamp_seconds{store=\"/var/lib/hostpki\",certificate=\"ca-previous\"} ",
            "hostpki_certificate_next_renewal_timestamp_seconds{store=\"/var/lib/hostpki\",certificate=\"server\"} ",
            "hostpki_certificate_renewal_due{store=\"/var/lib/hostpki\",certificate=\"server\"} 0",
            "hostpki_last_apply_timestamp_seconds{store=\"/var/lib/hostpki\"} " + NOW.getEpochSecond(),
            "hostpki_last_apply_success{store=\"/var/lib/hostpki\"} 1",
            "hostpki_last_apply_changes{store=\"/var/lib/hostpki\"} 3",
            "hostpki_hooks_pending{store=\"/var/lib/hostpki\"} 1",
            "hostpki_drifted_resources{store=\"/var/lib/hostpki\"} 2",
            "hostpki_trust_certificates{store=\"/var/lib/hostpki\"} 0",
            "hostpki_warnings{store=\"/var/lib/hostpki\",code=\"crl-expired\"} 2\n"
                + "hostpki_warnings{store=\"/var/lib/hostpki\",code=\"trust-expiring\"} 1\n")
        .doesNotContain("certificate=\"ca-previous\"} 0\nhostpki_certificate_next_renewal")
        .doesNotContain("hostpki_trust_soonest");
  }

  /**
   * Found after the time trial: an imported chain whose intermediate ends before the leaf made
   * check CRITICAL when it expired, while not_after (the leaf's) kept the example alerts quiet.
   * The chain series ends with the intermediate; not_after stays the leaf's.
   */
  @Test
  void testRender_anImportedChainEndsWithItsIntermediateInTheChainSeries() {
    Instant intermediateEnds = NOW.plus(Duration.ofDays(20));
    CertificateFacts intermediate =
        cert("intermediate", 9, NOW.minus(Duration.ofDays(200)), Duration.between(NOW.minus(Duration.ofDays(200)), intermediateEnds));
    String text =
        StoreMetrics.render(
            desired("/var/lib/hostpki", false),
            Optional.of(new StoreState(store(0, Optional.of(List.of(SERVER, intermediate))), HOST,
                AcmeObservation.NONE, NOW, 0, 0, List.of())),
            Optional.empty());

    assertThat(text)
        .contains(
            "hostpki_certificate_chain_not_after_timestamp_seconds{store=\"/var/lib/hostpki\",certificate=\"server\"} "
                + intermediateEnds.getEpochSecond() + "\n",
            "hostpki_certificate_not_after_timestamp_seconds{store=\"/var/lib/hostpki\",certificate=\"server\"} "
                + SERVER.notAfter().getEpochSecond() + "\n",
            "hostpki_certificate_chain_not_after_timestamp_seconds{store=\"/var/lib/hostpki\",certificate=\"ca\"} "
                + NOW.minus(Duration.ofDays(100)).plus(Duration.ofDays(3650)).getEpochSecond() + "\n");
  }

  /**
   * Found in the clients trial: nothing in the metrics said when the CA is replaced in one step
   * (no ca.rotation), moving the server to a new CA that hand-imported clients do not trust. The
   * series is the CA's next renewal, and absent with ca.rotation.
   */
  @Test
  void testRender_theCasOneStepRenewalDateUnlessRotationIsSet() {
    String oneStep = render("/var/lib/hostpki", false, 0);
    DesiredState phased = desired("/var/lib/hostpki", false);
    CaSpec d = CaSpec.defaults();
    phased = new DesiredState(phased.source(), phased.store(), phased.host(),
        new CaSpec(d.subject(), d.key(), d.validity(), d.renewBefore(), Optional.of(Duration.ofDays(14)), d.policy()),
        phased.server(), phased.trust(), phased.hooks(), phased.renewal(), phased.metrics(), List.of(), List.of());
    String rotating = StoreMetrics.render(phased,
        Optional.of(new StoreState(store(0), HOST, AcmeObservation.NONE, NOW, 0, 0, List.of())), Optional.empty());

    String next = oneStep.lines()
        .filter(l -> l.startsWith("hostpki_certificate_next_renewal_timestamp_seconds{store=\"/var/lib/hostpki\",certificate=\"ca\"} "))
        .findFirst().orElseThrow();
    assertThat(oneStep).contains(
        "\nhostpki_ca_one_step_renewal_timestamp_seconds{store=\"/var/lib/hostpki\"} " + next.substring(next.lastIndexOf(' ') + 1) + "\n");
    assertThat(rotating).contains("certificate=\"ca\"").doesNotContain("hostpki_ca_one_step_renewal");
  }

  /** The metrics of a store whose CA is a day into a phased rotation's overlap of 14 days. */
  static String renderPhasedRotation() {
    return StoreMetrics.render(phased(), Optional.of(new StoreState(rotatingStore(), HOST, AcmeObservation.NONE, NOW,
        0, 0, List.of())), Optional.empty());
  }

  private static DesiredState phased() {
    DesiredState d = desired("/var/lib/hostpki", false);
    CaSpec ca = CaSpec.defaults();
    return new DesiredState(d.source(), d.store(), d.host(),
        new CaSpec(ca.subject(), ca.key(), ca.validity(), ca.renewBefore(), Optional.of(Duration.ofDays(14)), ca.policy()),
        d.server(), d.trust(), d.hooks(), d.renewal(), d.metrics(), List.of(), List.of());
  }

  /** A CA within its renewal time (80 days left) and the new CA made a day ago. */
  private static final CertificateFacts NEXT_CA = caCert("ca next", 4, NOW.minus(Duration.ofDays(1)), Duration.ofDays(3650));

  private static ObservedStore rotatingStore() {
    return store(0, Optional.empty(), caCert("ca", 1, NOW.minus(Duration.ofDays(3570)), Duration.ofDays(3650)),
        Optional.of(NEXT_CA));
  }

  private static CertificateFacts caCert(String name, long serial, Instant notBefore, Duration validity) {
    CertificateFacts c = cert(name, serial, notBefore, validity);
    return new CertificateFacts(c.fingerprint(), c.subject(), c.subjectDn(), c.issuerDn(), c.serialNumber(),
        c.notBefore(), c.notAfter(), c.dnsNames(), c.ipAddresses(), c.publicKey(), true, c.pathLength(),
        c.extendedKeyUsages(), c.subjectKeyId(), c.authorityKeyId(), c.signatureAlgorithm(), c.nameConstraints());
  }

  /**
   * Session 14 left: a phased rotation's first phase said nothing outside the plan of the run that
   * started it, while clients that trust the CA by hand must import the new CA before the move.
   * The move's date is a series for the overlap (one overlap after the new CA was made), absent
   * before the rotation starts and without ca.rotation.
   */
  @Test
  void testRender_aPhasedRotationsMoveDateDuringItsOverlap() {
    String rotating = renderPhasedRotation();
    String before = StoreMetrics.render(phased(), Optional.of(new StoreState(store(0), HOST, AcmeObservation.NONE, NOW,
        0, 0, List.of())), Optional.empty());

    assertThat(rotating).contains("\nhostpki_ca_rotation_move_timestamp_seconds{store=\"/var/lib/hostpki\"} "
        + NEXT_CA.madeAt().plus(Duration.ofDays(14)).getEpochSecond() + "\n");
    assertThat(rotating).doesNotContain("hostpki_ca_one_step_renewal");
    assertThat(before).doesNotContain("hostpki_ca_rotation_move");
    assertThat(render("/var/lib/hostpki", false, 0)).doesNotContain("hostpki_ca_rotation_move");
  }

  @Test
  void testRender_eachFamilyOnceWithHelpAndType() {
    String text = render("/var/lib/hostpki", true, 3);

    List<String> types = text.lines().filter(l -> l.startsWith("# TYPE ")).toList();
    assertThat(types).doesNotHaveDuplicates().allSatisfy(t -> assertThat(t).endsWith(" gauge"));
    assertThat(text.lines().filter(l -> l.startsWith("# HELP ")).count()).isEqualTo(types.size());
  }

  @Test
  void testRender_trustedCertificatesAreACountAndTheSoonestUnlessAskedFor() {
    String few = render("/var/lib/hostpki", false, 1000);
    String each = render("/var/lib/hostpki", true, 3);

    assertThat(few.lines().count()).as("1,000 trusted certificates add no series each").isLessThan(60);
    assertThat(few)
        .contains(
            "hostpki_trust_certificates{store=\"/var/lib/hostpki\"} 1000",
            "hostpki_trust_soonest_not_after_timestamp_seconds{store=\"/var/lib/hostpki\"} "
                + NOW.minus(Duration.ofDays(10)).plus(Duration.ofDays(30)).getEpochSecond())
        .doesNotContain("name=\"device-");
    assertThat(each)
        .contains("hostpki_trust_certificate_not_after_timestamp_seconds{store=\"/var/lib/hostpki\",name=\"device-2\"} ");
  }

  @Test
  void testRender_aRunThatCouldNotReadTheStoreStillSaysSo() {
    String text =
        StoreMetrics.render(desired("/var/lib/hostpki", false), Optional.empty(), Optional.of(new RunOutcome(NOW, false, 0)));

    assertThat(text)
        .contains("hostpki_last_apply_success{store=\"/var/lib/hostpki\"} 0")
        .doesNotContain("hostpki_certificate_", "hostpki_drifted_resources", "hostpki_trust_", "hostpki_hooks_pending");
  }

  @Test
  void testLastRun_readsBackWhatRenderWroteForTheSameStoreOnly() {
    String hostile = "/srv/pki \"quoted\" \\ and\nnewline";
    String text = render(hostile, false, 0);

    assertThat(StoreMetrics.lastRun(text, desired(hostile, false))).contains(new RunOutcome(NOW, true, 3));
    assertThat(StoreMetrics.lastRun(text, desired("/srv/pki", false))).isEmpty();
    assertThat(StoreMetrics.lastRun("# another program's file\nfoo 1\n", desired(hostile, false))).isEmpty();
  }

  @Test
  void testLastRun_aTimeNoInstantHoldsIsNoRunKnown() {
    // found by thostile16: check stopped with "internal error: DateTimeException"; rvcore16 L4:
    // the same for a time in Instant's last year (it holds it, but no date is written for it)
    for (String time : List.of("99999999999999999", "31556889864403199")) {
      String text = render("/srv/pki", false, 0)
          .replaceAll("(?m)^(hostpki_last_apply_timestamp_seconds\\S*) \\d+$", "$1 " + time);

      assertThat(text).contains(" " + time);
      assertThat(StoreMetrics.lastRun(text, desired("/srv/pki", false))).isEmpty();
    }
  }

  @Test
  void testRender_aCheckBeforeAnyApplyHasNoLastRunAndPassesPromtool() throws Exception {
    String text =
        StoreMetrics.render(
            desired("/var/lib/hostpki", false),
            Optional.of(new StoreState(store(0), HOST, AcmeObservation.NONE, NOW, 0, 0, List.of())),
            Optional.empty());

    assertThat(text).doesNotContain("hostpki_last_apply_").contains("hostpki_hooks_pending{store=\"/var/lib/hostpki\"} 0");
    Promtool.Result result = Promtool.run(text, "check", "metrics");
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  /**
   * Found by reading watch and the timer with a failing ACME CA: a failed order waits out its
   * back-off, and the runs in between succeed (hostpki_last_apply_success 1), so no alert saw a CA
   * that failed every order for a day. The failures in a row are a series of their own.
   */
  @Test
  void testRender_anAcmeStoreHasItsFailedOrdersInARowAndTheNextAttempt() throws Exception {
    Instant next = NOW.plus(Duration.ofMinutes(40));
    AcmeObservation ordered = new AcmeObservation(
        Optional.of("https://acme.example/acct/1"), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), true, false);

    String text = renderFailingAcme();

    assertThat(text)
        .contains("hostpki_acme_order_failures{store=\"/var/lib/hostpki\"} 3\n")
        .contains("hostpki_acme_next_attempt_timestamp_seconds{store=\"/var/lib/hostpki\"} " + next.getEpochSecond());
    assertThat(renderWith(ordered)).contains("hostpki_acme_order_failures{store=\"/var/lib/hostpki\"} 0\n")
        .doesNotContain("hostpki_acme_next_attempt");
    assertThat(renderWith(AcmeObservation.NONE)).doesNotContain("hostpki_acme_");
    Promtool.Result result = Promtool.run(text, "check", "metrics");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).isEmpty();
  }

  /** The metrics of an ACME store whose last 3 orders failed, the next one 40 minutes on. */
  static String renderFailingAcme() {
    return renderWith(new AcmeObservation(
        Optional.of("https://acme.example/acct/1"), Optional.empty(), Optional.empty(),
        Optional.of(new AcmeObservation.Failure(
            NOW, "connection refused", 3, Optional.empty(), false, NOW.plus(Duration.ofMinutes(40)))),
        Optional.empty(), Optional.empty(), true, false));
  }

  private static String renderWith(AcmeObservation acme) {
    return StoreMetrics.render(
        desired("/var/lib/hostpki", false),
        Optional.of(new StoreState(store(0), HOST, acme, NOW, 0, 0, List.of())),
        Optional.of(new RunOutcome(NOW, true, 0)));
  }

  @Test
  void testEscapeLabel_backslashQuoteAndNewline() {
    assertThat(StoreMetrics.escapeLabel("a\\b\"c\nd")).isEqualTo("a\\\\b\\\"c\\nd");
  }

  @Test
  void testRender_passesPromtoolsCheck() throws Exception {
    String text = render("/srv/pki \"quoted\" \\ and\nnewline", true, 3);

    Promtool.Result result = Promtool.run(text, "check", "metrics");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).as("promtool's lint").isEmpty();
  }

  @Test
  void testRender_aFailedRunPassesPromtoolsCheck() throws Exception {
    String text =
        StoreMetrics.render(desired("/var/lib/hostpki", false), Optional.empty(), Optional.of(new RunOutcome(NOW, false, 0)));

    Promtool.Result result = Promtool.run(text, "check", "metrics");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).isEmpty();
  }
}
