package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.converged;
import static org.hostpki.plan.Fixtures.desired;
import static org.hostpki.plan.Fixtures.host;
import static org.hostpki.plan.Fixtures.input;
import static org.hostpki.testkit.PlanAssert.change;
import static org.hostpki.testkit.PlanAssert.codes;
import static org.hostpki.testkit.PlanAssert.lines;
import static org.hostpki.testkit.PlanAssert.warningMessages;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DurationText;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.KeySpec;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.SigningPolicy;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Subject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Phased CA rotation ({@code ca.rotation.overlap}) through the planner, phase by phase. */
@Execution(ExecutionMode.CONCURRENT)
class CaRotationTest {
  private static final Duration OVERLAP = Duration.ofDays(7);
  /** 50 days before the CA made at NOW expires: within its renewBefore of 90 days. */
  private static final Instant T1 = NOW.plus(Duration.ofDays(3600));
  private static final Instant MOVE = T1.plus(OVERLAP);
  private static final Instant RETIRE = MOVE.plus(OVERLAP);

  private final Planner planner = new Planner();
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10");

  private static DesiredState overlap(Optional<Duration> overlap) {
    return withCa(desired(), Optional.empty(), KeySpec.defaultSpec(), overlap);
  }

  private static DesiredState rotating() {
    return overlap(Optional.of(OVERLAP));
  }

  private static DesiredState withCa(
      DesiredState d, Optional<Subject> subject, KeySpec key, Optional<Duration> overlap) {
    CaSpec ca = d.ca();
    return Fixtures.withCa(
        d, new CaSpec(subject, key, ca.validity(), ca.renewBefore(), overlap, ca.policy()));
  }

  private Plan plan(DesiredState d, ObservedStore observed, Instant now) {
    return planner.plan(input(d, portal, observed, now));
  }

  /** The store converged at NOW, its server certificate renewed since, seen at T1. */
  private Fixtures.Store beforeT1(DesiredState d) {
    Fixtures.Store s = converged(d, portal);
    s.serverCert =
        Fixtures.serverCert("server@T1", d, portal, s.caCert, s.serverKey, T1.minus(Duration.ofDays(30)));
    return s.deriveOutputs(d);
  }

  /** The store after phase 1 at T1. */
  private Fixtures.Store afterPhase1(DesiredState d) {
    return Fixtures.rotating(beforeT1(d), d, portal, T1);
  }

  /** The store after phase 2 at MOVE. */
  private Fixtures.Store afterPhase2(DesiredState d) {
    return Fixtures.moved(afterPhase1(d), d, portal, MOVE);
  }

  // ---- phase 1 --------------------------------------------------------------------------------

  @Test
  void testPlan_expiringCaWithOverlapMakesANewTrustedCaAndKeepsTheServer() {
    DesiredState d = rotating();

    Plan plan = plan(d, beforeT1(d).observed(), T1);

    assertThat(lines(plan))
        .containsExactly("+ca-next", "~output/trust-bundle.crt", "~output/truststore.p12");
    Change next = change(plan, "ca-next");
    assertThat(codes(next)).containsExactly(ReasonCode.EXPIRING, ReasonCode.CA_ROTATION);
    assertThat(next.reasonText())
        .startsWith("ca.crt: expires on")
        .contains("the server moves to it on 2036-04-16 12:00 UTC (overlap 7d)");
    assertThat(next.intent())
        .isEqualTo(new Intent.IssueNextCa(Subject.commonName("portal hostpki CA"), KeySpec.defaultSpec(), d.ca().validity(), Optional.empty(), Optional.empty()));
    assertThat(change(plan, "output/trust-bundle.crt").reasonText())
        .isEqualTo("the new CA joins the trusted certificates");
  }

  @Test
  void testPlan_theTrustOutputsHoldWhatThePlanDecidesInItsOrderAndUnderItsAliases() {
    DesiredState d = rotating();
    java.util.SortedMap<String, CertificateFacts> trust = new TreeMap<>();
    // A declared certificate under the CA's own alias: the internal CA keeps the alias.
    trust.put("hostpki-ca", Fixtures.trusted("other", T1.plus(Duration.ofDays(400))));
    trust.put("ldap", Fixtures.trusted("ldap", T1.plus(Duration.ofDays(400))));

    Plan plan = planner.plan(input(d, portal, trust, beforeT1(d).observed(), T1));

    Intent.WriteOutput bundle = (Intent.WriteOutput) change(plan, "output/trust-bundle.crt").intent();
    assertThat(bundle.certificates())
        .containsExactly(
            Held.Stored.CA, Held.Stored.CA_NEXT, new Held.Trusted("hostpki-ca"), new Held.Trusted("ldap"));
    assertThat(bundle.aliases()).isEmpty();
    Intent.WriteOutput store = (Intent.WriteOutput) change(plan, "output/truststore.p12").intent();
    assertThat(store.aliases())
        .containsExactly(
            java.util.Map.entry("hostpki-ca", Held.Stored.CA),
            java.util.Map.entry("hostpki-ca-next", Held.Stored.CA_NEXT),
            java.util.Map.entry("ldap", new Held.Trusted("ldap")));
  }

  @Test
  void testPlan_afterTheMoveTheServerChainEndsInTheNewCaAndThePreviousCaStaysInTheBundle() {
    DesiredState d = rotating();

    Plan plan = plan(d, afterPhase1(d).observed(), MOVE);

    assertThat(((Intent.WriteOutput) change(plan, "output/server-fullchain.crt").intent()).certificates())
        .containsExactly(Held.Stored.SERVER, Held.Stored.CA);
    assertThat(((Intent.WriteOutput) change(plan, "output/trust-bundle.crt").intent()).certificates())
        .containsExactly(Held.Stored.CA, Held.Stored.CA_PREVIOUS);
  }

  @Test
  void testPlan_caSubjectChangeWithOverlapStartsARotation() {
    DesiredState d = rotating();
    DesiredState named =
        withCa(d, Optional.of(Subject.commonName("Example Portal CA")), KeySpec.defaultSpec(), Optional.of(OVERLAP));

    Plan plan = plan(named, converged(d, portal).observed(), NOW);

    assertThat(lines(plan))
        .containsExactly("+ca-next", "~output/trust-bundle.crt", "~output/truststore.p12");
    Change next = change(plan, "ca-next");
    assertThat(codes(next)).containsExactly(ReasonCode.SUBJECT_CHANGED, ReasonCode.CA_ROTATION);
    assertThat(((Intent.IssueNextCa) next.intent()).subject()).isEqualTo(Subject.commonName("Example Portal CA"));
  }

  @Test
  void testPlan_caKeySpecChangeWithOverlapStartsARotationWithTheNewKey() {
    DesiredState d = rotating();
    DesiredState rsa = withCa(d, Optional.empty(), new KeySpec.Rsa(3072), Optional.of(OVERLAP));

    Plan plan = plan(rsa, converged(d, portal).observed(), NOW);

    Change next = change(plan, "ca-next");
    assertThat(codes(next)).containsExactly(ReasonCode.KEY_SPEC_CHANGED, ReasonCode.CA_ROTATION);
    assertThat(next.reasonText()).startsWith("ca.crt: key EC P-256 → RSA 3072");
    assertThat(((Intent.IssueNextCa) next.intent()).key()).isEqualTo(new KeySpec.Rsa(3072));
    assertThat(lines(plan)).doesNotContain("~ca", "~server");
  }

  @Test
  void testPlan_afterPhase1NothingIsLeftAndAWarningSaysWhenTheServerMoves() {
    DesiredState d = rotating();

    Plan plan = plan(d, afterPhase1(d).observed(), T1);

    assertThat(plan.changes()).isEmpty();
    assertThat(plan.warnings()).extracting(Warning::code).containsExactly("ca-rotation");
    assertThat(warningMessages(plan).get(0))
        .contains(
            "was made on 2036-04-09 12:00 UTC",
            "the server moves to it on 2036-04-16 12:00 UTC (overlap 7d)",
            "the first apply from then on does it",
            "hostpki export ca-next-cert (browsers) or trust-bundle",
            "It replaces ca.crt: expires on");
  }

  @Test
  void testPlan_oneSecondBeforeTheOverlapEndsTheServerStays() {
    DesiredState d = rotating();

    Plan plan = plan(d, afterPhase1(d).observed(), MOVE.minusSeconds(1));

    assertThat(plan.changes()).isEmpty();
  }

  // ---- name constraints -----------------------------------------------------------------------

  private static final NameConstraints FENCE =
      new NameConstraints(
          List.of("example.com", "portal"), List.of(IpNetwork.parse("192.0.2.0/24").orElseThrow()), List.of(), List.of());

  private static DesiredState constrained(Optional<Duration> overlap, Optional<NameConstraints> declared) {
    CaSpec ca = overlap(overlap).ca();
    return Fixtures.withCa(
        desired(),
        new CaSpec(ca.subject(), ca.key(), ca.validity(), ca.renewBefore(), overlap, ca.policy(), Optional.empty(), declared));
  }

  @Test
  void testPlan_declaredNameConstraintsTheCaLacksStartARotationThatMakesTheNewCaWithThem() {
    DesiredState d = constrained(Optional.of(OVERLAP), Optional.of(FENCE));

    Plan plan = plan(d, converged(rotating(), portal).observed(), NOW);

    assertThat(lines(plan)).containsExactly("+ca-next", "~output/trust-bundle.crt", "~output/truststore.p12");
    Change next = change(plan, "ca-next");
    assertThat(codes(next)).containsExactly(ReasonCode.NAME_CONSTRAINTS_CHANGED, ReasonCode.CA_ROTATION);
    assertThat(next.reasonText())
        .startsWith(
            "ca.crt: name constraints none → permitted dnsDomains [example.com, portal]; permitted"
                + " ipRanges [192.0.2.0/24] (ca.nameConstraints)");
    assertThat(((Intent.IssueNextCa) next.intent()).nameConstraints()).contains(FENCE);
    assertThat(next.after().text("name_constraints")).contains(FENCE.toString());
    assertThat(ReasonCode.NAME_CONSTRAINTS_CHANGED.waitsForOverlap()).isTrue();
  }

  @Test
  void testPlan_theServerMovesToTheConstrainedCaOnlyWhenTheOverlapEnds() {
    DesiredState d = constrained(Optional.of(OVERLAP), Optional.of(FENCE));
    Fixtures.Store s = Fixtures.rotating(converged(rotating(), portal), d, portal, NOW);

    Plan waiting = plan(d, s.observed(), NOW.plus(OVERLAP).minusSeconds(1));
    Plan moving = plan(d, s.observed(), NOW.plus(OVERLAP));

    assertThat(waiting.changes()).isEmpty();
    assertThat(warningMessages(waiting).get(0)).contains("It replaces ca.crt: name constraints none → permitted dnsDomains");
    assertThat(lines(moving)).contains("~ca", "+ca-previous", "~server");
    assertThat(change(moving, "ca").intent()).isEqualTo(new Intent.PromoteNextCa(s.caNextCert.fingerprint()));
    assertThat(codes(change(moving, "ca"))).containsExactly(ReasonCode.NAME_CONSTRAINTS_CHANGED, ReasonCode.CA_ROTATION);
  }

  @Test
  void testPlan_aPendingNewCaWithOtherConstraintsIsMadeAgain() {
    DesiredState first = constrained(Optional.of(OVERLAP), Optional.of(FENCE));
    DesiredState changed =
        constrained(
            Optional.of(OVERLAP),
            Optional.of(new NameConstraints(List.of("example.com", "portal"), List.of(), List.of(), List.of())));
    Fixtures.Store s = Fixtures.rotating(converged(rotating(), portal), first, portal, NOW);

    Plan plan = plan(changed, s.observed(), NOW.plus(Duration.ofDays(1)));

    Change next = change(plan, "ca-next");
    assertThat(next.action()).isEqualTo(Action.REPLACE);
    assertThat(next.reasonText())
        .contains(
            "ca-next.crt: name constraints permitted dnsDomains [example.com, portal]; permitted ipRanges"
                + " [192.0.2.0/24] → permitted dnsDomains [example.com, portal] (ca.nameConstraints)");
    assertThat(((Intent.IssueNextCa) next.intent()).nameConstraints().orElseThrow().permittedIpRanges()).isEmpty();
  }

  @Test
  void testPlan_withoutAnOverlapTheCaIsReplacedAtOnceWithTheDeclaredConstraints() {
    DesiredState d = constrained(Optional.empty(), Optional.of(FENCE));

    Plan plan = plan(d, converged(overlap(Optional.empty()), portal).observed(), NOW);

    Change ca = change(plan, "ca");
    assertThat(codes(ca)).containsExactly(ReasonCode.NAME_CONSTRAINTS_CHANGED);
    assertThat(ca.intent()).isEqualTo(new Intent.IssueCa(d.ca().effectiveSubject(portal), KeySpec.defaultSpec(), d.ca().validity(), true, Optional.of(FENCE), Optional.empty()));
    assertThat(lines(plan)).contains("~server");
  }

  @Test
  void testPlan_aCaHoldingTheDeclaredConstraintsStaysAndFalseOnAConstrainedCaRemovesThem() {
    DesiredState d = constrained(Optional.of(OVERLAP), Optional.of(FENCE));
    ObservedStore converged = converged(d, portal).observed();

    Plan same = plan(d, converged, NOW);
    Plan none = plan(constrained(Optional.of(OVERLAP), Optional.of(NameConstraints.NONE)), converged, NOW);

    assertThat(same.changes()).isEmpty();
    assertThat(same.warnings()).isEmpty();
    assertThat(codes(change(none, "ca-next"))).containsExactly(ReasonCode.NAME_CONSTRAINTS_CHANGED, ReasonCode.CA_ROTATION);
    assertThat(((Intent.IssueNextCa) change(none, "ca-next").intent()).nameConstraints()).isEmpty();
  }

  @Test
  void testPlan_theDefaultFromThePolicyWithTheCaHostsOwnNamesGoesIntoANewCaButNeverReissuesAnExistingOne() {
    CaSpec ca = rotating().ca();
    SigningPolicy policy =
        new SigningPolicy(List.of("*.example.com"), List.of(IpNetwork.parse("192.0.2.0/24").orElseThrow()), Optional.empty());
    DesiredState d =
        Fixtures.withCa(
            desired(),
            new CaSpec(ca.subject(), ca.key(), ca.validity(), ca.renewBefore(), ca.rotationOverlap(), Optional.of(policy)));

    Plan existing = plan(d, converged(rotating(), portal).observed(), NOW);
    Plan fresh = plan(d, ObservedStore.empty(), NOW);

    assertThat(existing.changes()).isEmpty();
    // The policy's, and the CA host's own short name, which its server certificate carries.
    assertThat(((Intent.IssueCa) change(fresh, "ca").intent()).nameConstraints())
        .contains(
            new NameConstraints(
                List.of("example.com", "portal"), List.of(IpNetwork.parse("192.0.2.0/24").orElseThrow()), List.of(), List.of()));
    assertThat(fresh.warnings()).isEmpty();
  }

  // ---- phase 2 --------------------------------------------------------------------------------

  @Test
  void testPlan_whenTheOverlapEndsTheNewCaTakesOverAndTheOldStaysTrusted() {
    DesiredState d = rotating();
    Fixtures.Store s = afterPhase1(d);

    Plan plan = plan(d, s.observed(), MOVE);

    assertThat(lines(plan))
        .containsExactly(
            "~ca",
            "+ca-previous",
            "~server",
            "~output/server-fullchain.crt",
            "~output/server.p12",
            "~output/trust-bundle.crt",
            "~output/truststore.p12");
    Change ca = change(plan, "ca");
    assertThat(ca.intent()).isEqualTo(new Intent.PromoteNextCa(s.caNextCert.fingerprint()));
    assertThat(codes(ca)).containsExactly(ReasonCode.EXPIRING, ReasonCode.CA_ROTATION);
    assertThat(ca.reasonText())
        .contains("the overlap of 7d since the new CA was made on 2036-04-09 12:00 UTC ended on 2036-04-16 12:00 UTC");
    Change previous = change(plan, "ca-previous");
    assertThat(previous.intent()).isEqualTo(new Intent.KeepPreviousCa(s.caCert.fingerprint()));
    assertThat(previous.reasonText()).contains("stays trusted until 2036-04-23 12:00 UTC");
    assertThat(codes(change(plan, "server"))).containsExactly(ReasonCode.ISSUER_CHANGED);
  }

  @Test
  void testPlan_afterPhase2NothingIsLeftAndAWarningSaysWhenTheOldCaLeaves() {
    DesiredState d = rotating();

    Plan plan = plan(d, afterPhase2(d).observed(), MOVE);

    assertThat(plan.changes()).isEmpty();
    assertThat(warningMessages(plan))
        .singleElement()
        .asString()
        .contains("the previous CA", "stays trusted until 2036-04-23 12:00 UTC", "the first apply from then on removes it");
  }

  @Test
  void testPlan_aLateMoveDoesNotKeepTheOldCaPastItsOverlap() {
    DesiredState d = rotating();

    Plan plan = plan(d, afterPhase1(d).observed(), RETIRE);

    assertThat(lines(plan)).contains("~ca", "~server").doesNotContain("+ca-previous");
    assertThat(warningMessages(plan)).anySatisfy(w -> assertThat(w).contains("does not stay trusted"));
  }

  // ---- phase 3 --------------------------------------------------------------------------------

  @Test
  void testPlan_oneSecondBeforeTheSecondOverlapEndsTheOldCaStays() {
    DesiredState d = rotating();

    assertThat(plan(d, afterPhase2(d).observed(), RETIRE.minusSeconds(1)).changes()).isEmpty();
  }

  @Test
  void testPlan_whenTheSecondOverlapEndsTheOldCaLeavesTheBundle() {
    DesiredState d = rotating();

    Plan plan = plan(d, afterPhase2(d).observed(), RETIRE);

    assertThat(lines(plan))
        .containsExactly("-ca-previous", "~output/trust-bundle.crt", "~output/truststore.p12");
    assertThat(codes(change(plan, "ca-previous"))).containsExactly(ReasonCode.CA_ROTATION);
    assertThat(change(plan, "output/trust-bundle.crt").reasonText())
        .isEqualTo("the previous CA leaves the trusted certificates");
  }

  @Test
  void testPlan_anExpiredPreviousCaLeavesAtOnce() {
    DesiredState d = rotating();
    Fixtures.Store s = afterPhase2(d);
    CertificateFacts old = s.caPreviousCert;
    s.caPreviousCert =
        Fixtures.cert(
            "short-lived", old.subject(), old.issuerDn(), List.of(), List.of(), old.publicKey(), true,
            old.notBefore(), MOVE.plus(Duration.ofDays(2)), List.of());
    s.deriveOutputs(d);

    Plan plan = plan(d, s.observed(), MOVE.plus(Duration.ofDays(2)));

    assertThat(codes(change(plan, "ca-previous"))).containsExactly(ReasonCode.EXPIRED);
    assertThat(change(plan, "ca-previous").action()).isEqualTo(Action.DELETE);
  }

  // ---- at once ----------------------------------------------------------------------------------

  @Test
  void testPlan_withoutOverlapAnExpiringCaIsReplacedAtOnce() {
    DesiredState d = overlap(Optional.empty());

    Plan plan = plan(d, beforeT1(d).observed(), T1);

    assertThat(lines(plan)).startsWith("~ca", "~server").doesNotContain("+ca-next", "+ca-previous");
    assertThat(change(plan, "ca").intent()).isInstanceOf(Intent.IssueCa.class);
    assertThat(codes(change(plan, "ca"))).containsExactly(ReasonCode.EXPIRING);
  }

  @Test
  void testPlan_aCaReplacedInOneStepWarnsThatClientsTrustingItByHandRefuseTheServer() {
    // tclients14: by default (no ca.rotation) the CA's renewal broke every browser, curl, Java and
    // python client given ca.crt at once, and the plan said only "expires on ...".
    DesiredState d = overlap(Optional.empty());

    Plan plan = plan(d, beforeT1(d).observed(), T1);

    assertThat(plan.warnings()).extracting(Warning::code).containsExactly("ca-rotation");
    assertThat(warningMessages(plan).get(0))
        .contains("replaced in one step (no ca.rotation)", "hostpki export ca-cert", "ca.rotation.overlap");
  }

  @Test
  void testPlan_replaceCaOrAPhasedRotationDoesNotWarnOfTheOneStepReplacement() {
    DesiredState d = overlap(Optional.empty());
    Plan compromise =
        planner.plan(
            Fixtures.input(d, portal, new TreeMap<>(), converged(d, portal).observed(), NOW,
                Set.of(PlanInput.Replace.CA), Fixtures.fp("b"), Optional.empty(), Optional.empty()));
    Plan phased = plan(rotating(), beforeT1(rotating()).observed(), T1);

    assertThat(warningMessages(compromise)).noneMatch(m -> m.contains("one step"));
    assertThat(warningMessages(phased)).noneMatch(m -> m.contains("one step"));
    assertThat(change(phased, "ca-next").reasonText())
        .contains("clients that trust the CA by hand need the new one before then: hostpki export ca-next-cert");
  }

  @Test
  void testPlan_anExpiredCaIsReplacedAtOnceDespiteTheOverlapAndSaysSo() {
    DesiredState d = rotating();
    Instant expired = NOW.plus(Duration.ofDays(3651));

    Plan plan = plan(d, converged(d, portal).observed(), expired);

    Change ca = change(plan, "ca");
    assertThat(ca.intent()).isInstanceOf(Intent.IssueCa.class);
    assertThat(codes(ca)).containsExactly(ReasonCode.EXPIRED, ReasonCode.CA_ROTATION);
    assertThat(ca.reasonText()).contains("at once, without the overlap of 7d: the current CA cannot be used any longer");
    assertThat(lines(plan)).contains("~server").doesNotContain("+ca-next", "+ca-previous");
  }

  @Test
  void testPlan_anExpiredCaWithATrustedNextCaHandsOverAtOnce() {
    DesiredState d = rotating();
    Fixtures.Store s = converged(d, portal);
    Instant expiry = s.caCert.notAfter();
    Fixtures.rotating(s, d, portal, expiry.minus(Duration.ofDays(3)));

    Plan plan = plan(d, s.observed(), expiry);

    Change ca = change(plan, "ca");
    assertThat(ca.intent()).isEqualTo(new Intent.PromoteNextCa(s.caNextCert.fingerprint()));
    assertThat(codes(ca)).containsExactly(ReasonCode.EXPIRED, ReasonCode.CA_ROTATION);
    assertThat(ca.reasonText()).contains("takes over at once, before its overlap ends on");
    assertThat(lines(plan)).contains("~server").doesNotContain("+ca-previous");
  }

  @Test
  void testPlan_aLostCaKeyIsRefusedNotReplacedUnattended() {
    DesiredState d = rotating();
    Fixtures.Store s = converged(d, portal);
    s.caKey = null;
    PlanInput given = input(d, portal, s.observed(), NOW);
    PlanInput kept =
        new PlanInput(
            given.desired(), given.host(), given.desiredTrust(), given.observed(), given.now(), given.replace(),
            given.basis(), given.externalChain(), given.lastWritten(), true, given.crls(), given.installs(),
            given.acme(), given.keptCas(), given.installedCrls(), given.lastWriter(),
            List.of(new PlanInput.KeptKey("..2026_06_01_11_00_00.1", "ca.key")), given.importedOutsideRoots());

    Plan plan = planner.plan(kept);

    assertThat(plan.refusals()).singleElement().satisfies(r -> {
      assertThat(r.kind()).isEqualTo(RefusalCode.KEY_MISSING);
      assertThat(r.message())
          .contains("break every client", "hostpki rollback -f", "--to ..2026_06_01_11_00_00.1", "--replace ca");
      assertThat(r.problems()).singleElement().asString()
          .contains("ca.key is missing", "ca.crt (", "generation ..2026_06_01_11_00_00.1 still holds it");
    });
    assertThat(planner.plan(input(d, portal, s.observed(), NOW)).refusals()).singleElement()
        .satisfies(r -> assertThat(r.message()).contains("from a backup", "hostpki history -f"));
  }

  @Test
  void testPlan_aLostCaKeyWithReplaceCaMakesANewCa() {
    DesiredState d = rotating();
    Fixtures.Store s = converged(d, portal);
    s.caKey = null;

    Plan plan =
        planner.plan(
            Fixtures.input(d, portal, new TreeMap<>(), s.observed(), NOW, Set.of(PlanInput.Replace.CA),
                Fixtures.fp("b"), Optional.empty(), Optional.empty()));

    assertThat(plan.refusals()).isEmpty();
    assertThat(change(plan, "ca").intent()).isInstanceOf(Intent.IssueCa.class);
  }

  @Test
  void testPlan_replaceCaIsImmediateAndNoOldCaStaysTrusted() {
    DesiredState d = rotating();
    Fixtures.Store s = Fixtures.rotating(afterPhase2(d), d, portal, MOVE.plus(Duration.ofDays(1)));

    Plan plan =
        planner.plan(
            Fixtures.input(d, portal, new TreeMap<>(), s.observed(), MOVE.plus(Duration.ofDays(1)),
                Set.of(PlanInput.Replace.CA), Fixtures.fp("b"), Optional.empty(), Optional.empty()));

    assertThat(lines(plan)).startsWith("~ca", "-ca-next", "-ca-previous", "~server");
    Change ca = change(plan, "ca");
    assertThat(ca.intent()).isInstanceOf(Intent.IssueCa.class);
    assertThat(ca.reasonText()).contains("suspected key compromise, which must not wait; no old CA stays trusted");
    assertThat(codes(change(plan, "ca-next"))).containsExactly(ReasonCode.REPLACE_REQUESTED);
    assertThat(codes(change(plan, "ca-previous"))).containsExactly(ReasonCode.REPLACE_REQUESTED);
  }

  // ---- a rotation that changes course -----------------------------------------------------------

  @Test
  void testPlan_aDesiredStateChangeDuringTheOverlapMakesTheNextCaAgain() {
    DesiredState d = rotating();
    Fixtures.Store s = afterPhase1(d);
    DesiredState named =
        withCa(d, Optional.of(Subject.commonName("Example Portal CA")), KeySpec.defaultSpec(), Optional.of(OVERLAP));

    Plan plan = plan(named, s.observed(), T1.plus(Duration.ofDays(3)));

    Change next = change(plan, "ca-next");
    assertThat(next.action()).isEqualTo(Action.REPLACE);
    assertThat(next.reasonText())
        .contains("ca-next.crt: subject changed", "the overlap starts again", "the server moves to it on 2036-04-19 12:00 UTC");
    assertThat(lines(plan)).doesNotContain("~ca", "~server");
  }

  @Test
  void testPlan_theClockSteppedBackBeforeTheCasRenewalKeepsTheNextCa() {
    DesiredState d = rotating();
    Fixtures.Store s = beforeT1(d);
    Instant due = Renewals.issuedHere(d.ca().renewBefore(), d, s.observed().caCertificate().get()).dueAt();
    // Made ten minutes after the CA became due; NTP then steps the clock back to 16 minutes before.
    s = Fixtures.rotating(s, d, portal, due.plus(Duration.ofMinutes(10)));
    Instant back = due.minus(Duration.ofMinutes(16));

    Plan plan = plan(d, s.observed(), back);
    Plan whenDueAgain = plan(d, s.observed(), due);

    assertThat(plan.isEmpty()).as(lines(plan).toString()).isTrue();
    assertThat(warningMessages(plan))
        .anySatisfy(w -> assertThat(w).contains("stays trusted", "the server moves to it when ca.crt is due, on ", "(the first apply or watch look after then)"));
    assertThat(lines(whenDueAgain)).doesNotContain("~ca-next", "+ca-next", "-ca-next");
  }

  @Test
  void testPlan_aRotationTakenOutOfTheDesiredStateDropsTheNextCa() {
    DesiredState d = rotating();
    Fixtures.Store s = Fixtures.rotating(converged(d, portal), d, portal, NOW);

    Plan plan = plan(overlap(Optional.empty()), s.observed(), NOW);

    assertThat(lines(plan))
        .containsExactly("-ca-next", "~output/trust-bundle.crt", "~output/truststore.p12");
    assertThat(codes(change(plan, "ca-next"))).containsExactly(ReasonCode.NOT_WANTED);
  }

  @Test
  void testPlan_overlapRemovedDuringARotationHandsOverAtOnce() {
    DesiredState d = rotating();
    Fixtures.Store s = afterPhase1(d);

    Plan plan = plan(overlap(Optional.empty()), s.observed(), T1.plus(Duration.ofDays(1)));

    Change ca = change(plan, "ca");
    assertThat(ca.intent()).isEqualTo(new Intent.PromoteNextCa(s.caNextCert.fingerprint()));
    assertThat(ca.reasonText()).contains("ca.rotation.overlap is not set");
    assertThat(lines(plan)).doesNotContain("+ca-previous");
  }

  @Test
  void testPlan_overlapRemovedAfterTheMoveDropsThePreviousCa() {
    DesiredState d = rotating();

    Plan plan = plan(overlap(Optional.empty()), afterPhase2(d).observed(), MOVE);

    assertThat(lines(plan))
        .containsExactly("-ca-previous", "~output/trust-bundle.crt", "~output/truststore.p12");
  }

  @Test
  void testPlan_aNextCaWithoutItsKeyIsMadeAgain() {
    DesiredState d = rotating();
    Fixtures.Store s = afterPhase1(d);
    s.caNextKey = null;

    Plan plan = plan(d, s.observed(), MOVE);

    Change next = change(plan, "ca-next");
    assertThat(next.action()).isEqualTo(Action.REPLACE);
    assertThat(next.reasonText()).contains("ca-next.key is missing", "the overlap starts again");
    assertThat(lines(plan)).doesNotContain("~ca", "~server");
  }

  // ---- external issuer --------------------------------------------------------------------------

  @Test
  void testPlan_anImportedServerChainIsNotTouchedWhenTheCaMoves() {
    DesiredState d =
        Fixtures.withExternal(rotating(), ExternalSpec.Fallback.NONE);
    List<CertificateFacts> chain = Fixtures.externalChain("a", d, portal, Fixtures.waiting(d, portal), false);
    Fixtures.Store s = Fixtures.rotating(Fixtures.imported(d, portal, chain), d, portal, T1);

    Plan plan =
        planner.plan(input(d, portal, s.observed(), MOVE, new ExternalChainFile.Absent(Fixtures.CHAIN_FILE)));

    assertThat(lines(plan))
        .containsExactly("~ca", "+ca-previous", "~output/trust-bundle.crt", "~output/truststore.p12");
  }


  @Test
  void testPlan_aNewCaKeySaysEveryWayTheNewCaDiffersTheHostsNameAndTheValidityToo() {
    DesiredState d = overlap(Optional.empty());
    CaSpec ca = d.ca();
    DesiredState p384 =
        Fixtures.withCa(
            d,
            new CaSpec(Optional.empty(), new KeySpec.Ec(KeySpec.Curve.P384), Duration.ofDays(1825),
                ca.renewBefore(), Optional.empty(), ca.policy()));
    HostIdentity renamed = host("gateway", "example.com", "192.0.2.10");

    Plan plan = planner.plan(input(p384, renamed, converged(d, portal).observed(), NOW));

    Change next = change(plan, "ca");
    assertThat(codes(next))
        .containsExactly(ReasonCode.KEY_SPEC_CHANGED, ReasonCode.SUBJECT_CHANGED, ReasonCode.PROFILE_CHANGED);
    assertThat(next.reasonText())
        .isEqualTo(
            "key EC P-256 → EC P-384; subject changed: "
                + d.ca().effectiveSubject(portal)
                + " → "
                + d.ca().effectiveSubject(renamed)
                + " (after the host's name: ca.subject is not set); validity "
                + DurationText.of(ca.validity())
                + " → 1825d (ca.validity)");
  }
}
