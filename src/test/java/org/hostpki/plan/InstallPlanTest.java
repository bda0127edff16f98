package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.converged;
import static org.hostpki.plan.Fixtures.desired;
import static org.hostpki.plan.Fixtures.fp;
import static org.hostpki.plan.Fixtures.host;
import static org.hostpki.plan.Fixtures.withCa;
import static org.hostpki.plan.Fixtures.withTrust;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.InstallObservation;
import org.hostpki.model.InstallRecord;
import org.hostpki.model.InstallSpec;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustFilters;
import org.hostpki.model.TrustSpec;
import org.hostpki.testkit.DesiredStates;
import org.junit.jupiter.api.Test;

/** The planner's part for {@code trust.install}: pure, on fixtures. */
class InstallPlanTest {
  private static final InstallTarget SYSTEM = InstallTarget.system();
  private static final InstallTarget NSS = InstallTarget.nss(Path.of("/home/app/.pki/nssdb"));
  private static final Duration OVERLAP = Duration.ofDays(7);
  /** The store's tag: every entry name starts with it. */
  private static final String TAG = "web-1a2b3c4d";

  private final Planner planner = new Planner();
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10");

  private static DesiredState installing(List<InstallSpec.Content> content, boolean systemRoots, TrustFilters filters) {
    InstallSpec spec =
        new InstallSpec(content, true, false, List.of(), Optional.empty(), List.of(Path.of("/home/app/.pki/nssdb")),
            new SourcePosition(Path.of("/etc/hostpki/host.yaml"), 12, 3));
    return withTrust(desired(), new TrustSpec(true, false, List.of(), List.of(), systemRoots, filters, Optional.of(spec), List.of(), Map.of()));
  }

  private static DesiredState installingCa() {
    return installing(List.of(InstallSpec.Content.CA), false, TrustFilters.NONE);
  }

  private static InstallObservation holding(InstallTarget target, Map<String, Fingerprint> entries, String... damaged) {
    return new InstallObservation(target, new TreeMap<>(entries), new TreeSet<>(List.of(damaged)));
  }

  private static InstallInput named(InstallObservation... observations) {
    SortedMap<InstallTarget, InstallObservation> observed = new TreeMap<>();
    for (InstallObservation o : observations) {
      observed.put(o.target(), o);
    }
    return new InstallInput(observed, List.copyOf(observed.keySet()), InstallRecord.empty(), Map.of(), List.of(), TAG);
  }

  private Plan plan(DesiredState d, Fixtures.Store s, SortedMap<String, CertificateFacts> trust, InstallInput installs, Instant now) {
    return planner.plan(
        new PlanInput(d, portal, trust, s.observed(), now, Set.of(), fp("basis"), Optional.empty(), Optional.empty(), false,
            List.of(), installs, AcmeObservation.NONE, List.of(), List.of(),
            Optional.empty(), List.of(), Optional.empty()));
  }

  private Plan plan(DesiredState d, Fixtures.Store s, InstallInput installs) {
    return plan(d, s, new TreeMap<>(), installs, NOW);
  }

  private static String installs(Plan plan) {
    return plan.changes().stream()
        .filter(c -> c.intent() instanceof Intent.InstallTrust)
        .map(c -> c.action().symbol() + c.address())
        .collect(Collectors.joining(" "));
  }

  @Test
  void testNothingInstalledYet_eachTargetGetsTheCa() {
    DesiredState d = installingCa();
    Fixtures.Store s = converged(d, portal);

    Plan plan = plan(d, s, named(InstallObservation.empty(SYSTEM), InstallObservation.empty(NSS)));

    assertThat(installs(plan)).isEqualTo("+install/system/hostpki-web-1a2b3c4d-ca +install/nss:/home/app/.pki/nssdb/hostpki-web-1a2b3c4d-ca");
    assertThat(plan.changes()).hasSize(2);
    Intent.InstallTrust intent = (Intent.InstallTrust) plan.changes().get(0).intent();
    assertThat(intent.target()).isEqualTo(SYSTEM);
    assertThat(intent.entries()).containsExactly(Map.entry(TAG + "-ca", Held.Stored.CA));
    assertThat(plan.changes().get(0).reasonText()).isEqualTo("not installed yet: " + PlanWords.certificate(s.caCert));
    assertThat(plan.changes().get(0).after().toString()).contains(s.caCert.fingerprint().hex());
  }

  @Test
  void testInstalledAsWanted_noChangesAndCountedUnchanged() {
    DesiredState d = installingCa();
    Fixtures.Store s = converged(d, portal);
    Plan bare = plan(d, s, InstallInput.NONE);

    Plan plan = plan(d, s, named(holding(SYSTEM, Map.of(TAG + "-ca", s.caCert.fingerprint()))));

    assertThat(plan.isEmpty()).isTrue();
    assertThat(plan.unchanged()).isEqualTo(bare.unchanged() + 1);
  }

  @Test
  void testAnotherCertificateOrADamagedEntry_isReplaced() {
    DesiredState d = installingCa();
    Fixtures.Store s = converged(d, portal);

    Plan plan = plan(d, s, named(holding(SYSTEM, Map.of(TAG + "-ca", fp("old"))), holding(NSS, Map.of(), TAG + "-ca")));

    assertThat(installs(plan)).isEqualTo("~install/system/hostpki-web-1a2b3c4d-ca ~install/nss:/home/app/.pki/nssdb/hostpki-web-1a2b3c4d-ca");
    assertThat(plan.changes().get(0).reasonText()).startsWith("installed " + fp("old").abbreviatedColonHex() + ", now sha256 ");
    assertThat(plan.changes().get(1).reasonText()).startsWith("installed but not as hostpki puts it");
  }

  @Test
  void testMarkedEntryNoLongerWanted_isDeleted() {
    DesiredState d = installingCa();
    Fixtures.Store s = converged(d, portal);

    Plan plan = plan(d, s, named(holding(SYSTEM, Map.of(TAG + "-ca", s.caCert.fingerprint(), TAG + "-trust-ldap", fp("ldap")))));

    assertThat(installs(plan)).isEqualTo("-install/system/hostpki-web-1a2b3c4d-trust-ldap");
    assertThat(((Intent.InstallTrust) plan.changes().get(0).intent()).entries()).containsOnlyKeys(TAG + "-ca");
  }

  @Test
  void testTargetOnlyInTheRecord_everyEntryGoesWhateverPruneSays() {
    DesiredState d = withTrust(desired(), new TrustSpec(false, false, List.of(), List.of()));
    Fixtures.Store s = converged(d, portal);
    SortedMap<InstallTarget, InstallObservation> observed = new TreeMap<>();
    observed.put(NSS, holding(NSS, Map.of(TAG + "-ca", s.caCert.fingerprint())));

    Plan plan = plan(d, s, new InstallInput(observed, List.of(), InstallRecord.empty(), Map.of(), List.of(), TAG));

    assertThat(installs(plan)).isEqualTo("-install/nss:/home/app/.pki/nssdb/hostpki-web-1a2b3c4d-ca");
    assertThat(plan.changes().get(0).reasonText())
        .isEqualTo("installed by hostpki (install record); trust.install no longer names nss:/home/app/.pki/nssdb");
    assertThat(((Intent.InstallTrust) plan.changes().get(0).intent()).entries()).isEmpty();
  }

  @Test
  void testTargetThisHostCannotInstallInto_refusesNamingTheSetting() {
    DesiredState d = installingCa();
    Fixtures.Store s = converged(d, portal);
    InstallInput problems =
        new InstallInput(new TreeMap<>(), List.of(), InstallRecord.empty(), Map.of(), List.of("trust.install.nss: certutil is not installed"), TAG);

    Plan plan = plan(d, s, problems);

    assertThat(plan.isRefused()).isTrue();
    assertThat(plan.refusals().get(0).kind()).isEqualTo(RefusalCode.INSTALL_REFUSED);
    assertThat(plan.refusals().get(0).message()).startsWith("/etc/hostpki/host.yaml:12:3: trust.install names a target");
    assertThat(plan.refusals().get(0).problems()).containsExactly("trust.install.nss: certutil is not installed");
  }

  @Test
  void testTrusted_eachCertificateOnceAndNeverTheSystemRoots() {
    DesiredState d = installing(List.of(InstallSpec.Content.CA, InstallSpec.Content.TRUSTED), true, TrustFilters.NONE);
    Fixtures.Store s = converged(d, portal);
    SortedMap<String, CertificateFacts> trust = new TreeMap<>();
    trust.put("LDAP", Fixtures.trusted("ldap", NOW.plus(Duration.ofDays(400))));
    trust.put("system-ISRG_Root_X1-96bcec06", Fixtures.trusted("isrg", NOW.plus(Duration.ofDays(400))));
    trust.put("own-ca-again", s.caCert);

    Plan plan = plan(d, s, trust, named(InstallObservation.empty(SYSTEM)), NOW);

    assertThat(installs(plan)).isEqualTo("+install/system/hostpki-web-1a2b3c4d-ca +install/system/hostpki-web-1a2b3c4d-trust-ldap");
  }

  @Test
  void testRotationStart_theNextCaIsInstalledInThePlanThatMakesIt() {
    DesiredState d = withCa(installingCa(), DesiredStates.rotatingCa(Optional.of(Subject.commonName("Example Portal CA")), OVERLAP));
    Fixtures.Store s = converged(installingCa(), portal);

    Plan plan = plan(d, s, new TreeMap<>(), named(holding(SYSTEM, Map.of(TAG + "-ca", s.caCert.fingerprint()))), NOW.plus(Duration.ofDays(1)));

    assertThat(plan.changes().stream().map(Change::address).toList()).contains("ca-next").doesNotContain("ca");
    assertThat(installs(plan)).isEqualTo("+install/system/hostpki-web-1a2b3c4d-ca-next");
    Change next = plan.changes().stream().filter(c -> c.address().endsWith("hostpki-web-1a2b3c4d-ca-next")).findFirst().orElseThrow();
    assertThat(next.reasonText()).isEqualTo("not installed yet: the next CA this apply makes");
    assertThat(((Intent.InstallTrust) next.intent()).entries())
        .containsExactly(Map.entry(TAG + "-ca", Held.Stored.CA), Map.entry(TAG + "-ca-next", Held.Stored.CA_NEXT));
  }

  @Test
  void testRotationMove_entriesFollowTheStoreAndTheOldCaStaysAsPrevious() {
    DesiredState d = withCa(installingCa(), DesiredStates.rotatingCa(Optional.of(Subject.commonName("Example Portal CA")), OVERLAP));
    Instant t1 = NOW.plus(Duration.ofDays(1));
    Fixtures.Store s = Fixtures.rotating(converged(installingCa(), portal), d, portal, t1);
    Fingerprint old = s.caCert.fingerprint();
    Fingerprint next = s.caNextCert.fingerprint();

    Plan plan = plan(d, s, new TreeMap<>(), named(holding(SYSTEM, Map.of(TAG + "-ca", old, TAG + "-ca-next", next))), t1.plus(OVERLAP));

    assertThat(plan.changes().stream().map(Change::address).toList()).contains("ca", "ca-previous");
    assertThat(installs(plan))
        .isEqualTo("~install/system/hostpki-web-1a2b3c4d-ca +install/system/hostpki-web-1a2b3c4d-ca-previous -install/system/hostpki-web-1a2b3c4d-ca-next");
    assertThat(plan.changes().stream().filter(c -> c.address().endsWith("/hostpki-web-1a2b3c4d-ca")).findFirst().orElseThrow().reasonText())
        .startsWith("installed " + old.abbreviatedColonHex() + ", now sha256 " + next.abbreviatedColonHex());
  }

  @Test
  void testExcludeExpired_leavesTheCertificateOutWithAWarning() {
    DesiredState d = installing(List.of(InstallSpec.Content.TRUSTED), false, new TrustFilters(true, false));
    Fixtures.Store s = converged(d, portal);
    SortedMap<String, CertificateFacts> trust = new TreeMap<>();
    trust.put("old", Fixtures.trusted("old", NOW.minus(Duration.ofDays(1))));
    trust.put("ldap", Fixtures.trusted("ldap", NOW.plus(Duration.ofDays(400))));

    Plan plan = plan(d, s, trust, named(InstallObservation.empty(SYSTEM)), NOW);

    assertThat(plan.changes().stream().map(Change::address).toList())
        .contains("trust/ldap", "install/system/hostpki-web-1a2b3c4d-trust-ldap")
        .doesNotContain("trust/old", "install/system/hostpki-web-1a2b3c4d-trust-old");
    assertThat(plan.warnings()).extracting(Warning::code).contains("trust-filtered").doesNotContain("trust-expired");
    assertThat(plan.warnings().stream().filter(w -> w.code().equals("trust-filtered")).findFirst().orElseThrow().message())
        .startsWith("'old' (CN=old) is left out: expired on ");
  }
}
