package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.converged;
import static org.hostpki.plan.Fixtures.external;
import static org.hostpki.plan.Fixtures.host;
import static org.hostpki.plan.Fixtures.waiting;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalSpec.Fallback;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.ObservedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class CaOneStepRenewalTest {
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10");

  private static Optional<CaOneStepRenewal> of(DesiredState d, ObservedStore store) {
    Instant late = NOW.plus(Duration.ofDays(3000)); // well inside the CA's renewal
    return CaOneStepRenewal.of(d, store, Renewals.of(d, store, AcmeObservation.NONE, late, true));
  }

  @Test
  void testOf_theCaThatSignsTheServerIsWarnedOfAMonthAhead() {
    DesiredState d = Fixtures.desired();

    Optional<CaOneStepRenewal> renewal = of(d, converged(d, portal).observed());

    assertThat(renewal).isPresent();
    assertThat(Duration.between(renewal.get().warnFrom(), renewal.get().at())).isEqualTo(CaOneStepRenewal.WARN_BEFORE);
  }

  /**
   * The lead's read: under an external issuer the internal CA signs nothing clients check (no
   * fleet policy either), and a month of check WARNING for its renewal was a false alarm.
   */
  @Test
  void testOf_aCaThatSignsNothingClientsSeeIsNotWarnedOf() {
    DesiredState d = external(Fallback.NONE);

    assertThat(of(d, waiting(d, portal).observed())).isEmpty();
  }
}
