package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.external;
import static org.hostpki.plan.Fixtures.externalChain;
import static org.hostpki.plan.Fixtures.host;
import static org.hostpki.plan.Fixtures.imported;
import static org.hostpki.plan.Fixtures.waiting;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExpiryThreshold;
import org.hostpki.model.ExternalSpec.Fallback;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Percentage;
import org.hostpki.model.RenewBefore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Which certificates nothing renews in time, and when each threshold is crossed. */
@Execution(ExecutionMode.CONCURRENT)
class ExpiriesTest {
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10");
  private final DesiredState internal = Fixtures.desired();
  private final ObservedStore converged = Fixtures.converged(internal, portal).observed();
  private final CertificateFacts server = converged.serverCertificate().orElseThrow();

  private Expiries.Standing standing(DesiredState d, ObservedStore store, Instant now, Optional<String> blocked) {
    return Expiries.standings(d, store, AcmeObservation.NONE, now, blocked).stream()
        .filter(s -> s.certificate().equals("server"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void testStandings_aCertificateHostpkiRenewsIsHandledUntilItsSafetyMargin() {
    // 398 days, renewBefore 33%: due 131 days (less jitter) before expiry, margin 32 days 20 hours
    Instant margin = server.notAfter().minus(Duration.ofDays(32).plusHours(20));

    Expiries.Standing due = standing(internal, converged, server.notAfter().minus(Duration.ofDays(100)), Optional.empty());
    Expiries.Standing late = standing(internal, converged, margin.plusSeconds(60), Optional.empty());

    assertThat(due.unhandled()).isEmpty();
    assertThat(due.safetyMargin()).isBetween(Duration.ofDays(32), Duration.ofDays(33));
    assertThat(late.unhandled()).get().asString()
        .startsWith("its renewal has been due since ")
        .endsWith(" and it was not renewed by its safety margin (32 days before expiry): apply fails, or nothing runs it");
  }

  @Test
  void testStandings_aHoldOrARefusalLeavesEveryCertificateUnhandled() {
    Optional<String> hold = Optional.of("the store is held by the rollback at …");

    List<Expiries.Standing> held = Expiries.standings(internal, converged, AcmeObservation.NONE, NOW, hold);

    assertThat(held).extracting(Expiries.Standing::certificate).containsExactly("ca", "server");
    assertThat(held).allSatisfy(s -> assertThat(s.unhandled()).isEqualTo(hold));
  }

  @Test
  void testStandings_anImportedCertificateIsLeftToTheCaThatSignsItsSuccessor() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store base = waiting(d, portal);
    ServerNames names = ServerNames.of(d.server(), portal);
    List<CertificateFacts> chain =
        externalChain("soon", base.serverKey, names.dnsNames(), names.ipAddresses(),
            NOW.plus(Duration.ofDays(20)), false);
    ObservedStore store = imported(d, portal, chain).observed();

    Expiries.Standing s = standing(d, store, NOW, Optional.empty());

    assertThat(s.unhandled()).get().asString()
        .isEqualTo("it was imported from another CA, which must sign its successor: no newer chain has been"
            + " imported from " + Fixtures.CHAIN_FILE);
  }

  /**
   * Found in the time trial: a chain whose intermediate expired 60 days after import, before the
   * 398-day leaf, left every client refusing the server while check said OK and plan no changes.
   * The chain is judged by when it stops being valid.
   */
  @Test
  void testStandings_anImportedChainIsJudgedByItsIntermediateThatExpiresBeforeTheLeaf() {
    DesiredState d = external(Fallback.NONE);
    Fixtures.Store base = waiting(d, portal);
    ServerNames names = ServerNames.of(d.server(), portal);
    Instant intermediateEnds = NOW.plus(Duration.ofDays(30));
    List<CertificateFacts> chain =
        Fixtures.withIntermediateEnding(
            externalChain("early", base.serverKey, names.dnsNames(), names.ipAddresses(),
                NOW.plus(Duration.ofDays(300)), false),
            intermediateEnds);
    CertificateFacts i = chain.get(1);
    ObservedStore store = imported(d, portal, chain).observed();

    Expiries.Standing s = standing(d, store, NOW, Optional.empty());

    assertThat(s.facts().notAfter()).isEqualTo(intermediateEnds);
    assertThat(s.unhandled()).get().asString()
        .startsWith("its chain stops being valid on " + DateText.of(intermediateEnds) + ", when " + i.subjectDn()
            + " in it expires, before the certificate itself (" + DateText.of(NOW.plus(Duration.ofDays(300))) + ");"
            + " it was imported from another CA");
    assertThat(s.expiring(ExpiryThreshold.DUE, NOW)).isFalse();
    assertThat(s.expiring(ExpiryThreshold.DUE, NOW.plus(Duration.ofDays(25)))).isTrue();
    assertThat(Renewals.of(d, store, AcmeObservation.NONE, NOW.plus(Duration.ofDays(25)), true).get("server").due())
        .isTrue();
  }

  @Test
  void testExpiring_eachThresholdIsCrossedAtItsOwnTime() {
    Expiries.Standing s = standing(internal, converged, NOW, Optional.of("held"));
    Instant notAfter = server.notAfter();
    ExpiryThreshold sevenDays = ExpiryThreshold.of(RenewBefore.of(Duration.ofDays(7)));
    ExpiryThreshold tenth = ExpiryThreshold.of(RenewBefore.of(Percentage.of(10)));

    assertThat(s.before(sevenDays)).isEqualTo(Duration.ofDays(7));
    assertThat(s.before(tenth)).isEqualTo(Duration.ofDays(398).dividedBy(10));
    assertThat(s.before(ExpiryThreshold.DUE)).isEqualTo(Duration.between(s.renewal().dueAt(), notAfter));
    assertThat(s.before(ExpiryThreshold.SAFETY_MARGIN)).isEqualTo(s.safetyMargin());
    assertThat(s.before(new ExpiryThreshold.OfMargin(Percentage.of(50)))).isEqualTo(s.safetyMargin().dividedBy(2));
    assertThat(s.expiring(sevenDays, notAfter.minus(Duration.ofDays(7)).minusSeconds(1))).isFalse();
    assertThat(s.expiring(sevenDays, notAfter.minus(Duration.ofDays(7)))).isTrue();
    assertThat(s.expiring(sevenDays, notAfter.plusSeconds(1))).as("expired").isTrue();
  }

  @Test
  void testExpiring_oneObligationPerCertificateAndThresholdCrossedLeavingOutWhatThisRunRenews() {
    Instant now = server.notAfter().minus(Duration.ofDays(5));
    List<Expiries.Standing> held = Expiries.standings(internal, converged, AcmeObservation.NONE, now, Optional.of("held"));
    List<ExpiryThreshold> thresholds =
        List.of(ExpiryThreshold.of(RenewBefore.of(Duration.ofDays(7))), ExpiryThreshold.of(RenewBefore.of(Duration.ofDays(1))));

    List<Expiries.Expiring> expiring = Expiries.expiring(held, thresholds, now, List.of());
    List<Expiries.Expiring> renewing = Expiries.expiring(held, thresholds, now, List.of("server"));

    assertThat(expiring).singleElement().satisfies(e -> {
      assertThat(e.standing().certificate()).isEqualTo("server");
      assertThat(e.obligation(now).key()).isEqualTo("onExpiring:7d:" + server.fingerprint().hex());
      assertThat(e.obligation(now).expiring().orElseThrow().reason()).isEqualTo("held");
    });
    assertThat(renewing).isEmpty();
  }
}
