package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.converged;
import static org.hostpki.plan.Fixtures.external;
import static org.hostpki.plan.Fixtures.host;
import static org.hostpki.plan.Fixtures.waiting;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalSpec.Fallback;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.SigningPolicy;
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

  static DesiredState fleet(DesiredState d) {
    CaSpec ca = d.ca();
    SigningPolicy policy =
        new SigningPolicy(List.of("*.example.com"), List.of(IpNetwork.parse("192.0.2.0/24").orElseThrow()), Optional.empty());
    return Fixtures.withCa(
        d, new CaSpec(ca.subject(), ca.key(), ca.validity(), ca.renewBefore(), ca.rotationOverlap(), Optional.of(policy)));
  }

  /**
   * Session 14 left: the warning said "the server moves to the new CA" also for a fleet CA, whose
   * hosts move at their next signing (hostpki sign), and whose own server certificate may come from
   * elsewhere. It says what moves, and what clients refuse.
   */
  @Test
  void testWords_sayWhatMovesToTheNewCa() {
    DesiredState server = Fixtures.desired();
    DesiredState both = fleet(server);
    DesiredState hosts = fleet(external(Fallback.NONE));

    String own = of(server, converged(server, portal).observed()).orElseThrow().words(NOW, "host.yaml");
    String fleetToo = of(both, converged(both, portal).observed()).orElseThrow().words(NOW, "host.yaml");
    String fleetOnly = of(hosts, waiting(hosts, portal).observed()).orElseThrow().words(NOW, "host.yaml");

    assertThat(own).contains(": the server moves to the new CA in the same apply, and clients that trust the"
        + " CA by hand (browsers, Java truststores, curl --cacert, a copied trust-bundle.crt) refuse it until");
    assertThat(own).endsWith("move the server later").doesNotContain("hostpki sign");
    assertThat(fleetToo).contains(": the server moves to the new CA in the same apply, and the hosts it signs"
        + " (hostpki sign) at their next signing, and clients that trust the CA by hand");
    assertThat(fleetToo).contains(") refuse them until").endsWith("move to it later");
    assertThat(fleetOnly).contains(": the hosts it signs (hostpki sign) move to the new CA at their next"
        + " signing, and clients").doesNotContain("server");
  }
}
