package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.converged;
import static org.hostpki.plan.Fixtures.external;
import static org.hostpki.plan.Fixtures.host;
import static org.hostpki.plan.Fixtures.moved;
import static org.hostpki.plan.Fixtures.rotating;
import static org.hostpki.plan.Fixtures.waiting;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalSpec.Fallback;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.ObservedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Session 14 left: a phased rotation's first phase was said only by the plan of the run that
 * started it, while clients that trust the CA by hand must be given ca-next before the move.
 */
@Execution(ExecutionMode.CONCURRENT)
class CaPhasedMoveTest {
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10");
  /** Well inside the CA's renewal time (the fixtures' CA lives ten years). */
  private static final Instant LATE = NOW.plus(Duration.ofDays(3600));

  private static DesiredState overlap(DesiredState d, Duration overlap) {
    CaSpec ca = d.ca();
    return Fixtures.withCa(
        d, new CaSpec(ca.subject(), ca.key(), ca.validity(), ca.renewBefore(), Optional.of(overlap), ca.policy()));
  }

  private static Optional<CaPhasedMove> of(DesiredState d, ObservedStore store, Instant now) {
    return CaPhasedMove.of(d, store, Renewals.of(d, store, AcmeObservation.NONE, now, true), now);
  }

  @Test
  void testOf_theMoveIsOneOverlapAfterTheNewCaWasMadeAndSaysWhatToHandOut() {
    DesiredState d = overlap(Fixtures.desired(), Duration.ofDays(14));
    ObservedStore store = rotating(converged(d, portal), d, portal, LATE).observed();

    CaPhasedMove move = of(d, store, LATE.plus(Duration.ofDays(1))).orElseThrow();
    String words = move.words(LATE.plus(Duration.ofDays(1)), "host.yaml");
    String due = move.words(LATE.plus(Duration.ofDays(15)), "host.yaml");

    assertThat(move.at()).isEqualTo(store.caNextCertificate().orElseThrow().madeAt().plus(Duration.ofDays(14)));
    assertThat(words).startsWith("the new CA of a phased rotation (overlap 14d): the server moves to the new CA on ");
    assertThat(words).contains("(in 13 days), and clients that trust the CA by hand (browsers, Java truststores,"
        + " curl --cacert, a copied trust-bundle.crt) refuse it unless they are given the new CA before: hostpki"
        + " export -f host.yaml ca-next-cert (ca-next.crt, for browsers) or trust-bundle (both CAs)");
    assertThat(due).contains("the server moves to the new CA by the next unattended run (due since ");
  }

  @Test
  void testOf_noneBeforeTheRotationStartsAfterTheMoveWithoutAnOverlapOrForACaClientsDoNotSee() {
    DesiredState d = overlap(Fixtures.desired(), Duration.ofDays(14));
    Fixtures.Store rotated = rotating(converged(d, portal), d, portal, LATE);
    ObservedStore during = rotated.observed();
    DesiredState off = Fixtures.desired();
    DesiredState elsewhere = overlap(external(Fallback.NONE), Duration.ofDays(14));

    assertThat(of(d, converged(d, portal).observed(), LATE)).isEmpty();
    assertThat(of(off, during, LATE)).isEmpty();
    assertThat(of(elsewhere, rotating(waiting(elsewhere, portal), elsewhere, portal, LATE).observed(), LATE)).isEmpty();
    assertThat(of(d, moved(rotated, d, portal, LATE.plus(Duration.ofDays(14))).observed(), LATE.plus(Duration.ofDays(15))))
        .isEmpty();
  }

  @Test
  void testWords_aFleetCasHostsMoveAtTheirNextSigning() {
    DesiredState d = overlap(CaOneStepRenewalTest.fleet(external(Fallback.NONE)), Duration.ofDays(7));
    ObservedStore store = rotating(waiting(d, portal), d, portal, LATE).observed();

    String words = of(d, store, LATE).orElseThrow().words(LATE, "host.yaml");

    assertThat(words).contains("(overlap 7d): the hosts it signs (hostpki sign) move to the new CA at their next"
        + " signing from then on, and clients that trust the CA by hand").contains("refuse them unless");
    assertThat(words).doesNotContain("server");
  }
}
