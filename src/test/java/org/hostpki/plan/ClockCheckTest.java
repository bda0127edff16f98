package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.converged;
import static org.hostpki.plan.Fixtures.desired;
import static org.hostpki.plan.Fixtures.fp;
import static org.hostpki.plan.Fixtures.host;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.ObservedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** A clock that does not fit the store refuses the plan instead of replacing good certificates. */
@Execution(ExecutionMode.CONCURRENT)
class ClockCheckTest {
  private final Planner planner = new Planner();
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10");
  private final DesiredState d = desired();
  private final ObservedStore store = converged(d, portal).observed();

  private Plan plan(Instant now, Set<PlanInput.Replace> replace, Optional<Instant> lastWritten) {
    return planner.plan(
        Fixtures.input(d, portal, new TreeMap<>(), store, now, replace, fp("basis"), Optional.empty(), lastWritten));
  }

  private Plan plan(Instant now) {
    return plan(now, Set.of(), Optional.of(NOW));
  }

  private static List<String> codes(Plan plan) {
    return plan.refusals().stream().map(Refusal::code).toList();
  }

  @Test
  void testClockOneDayBehind_isRefusedAndReplacesNothing() {
    Plan plan = plan(NOW.minus(Duration.ofDays(1)));

    assertThat(codes(plan)).containsExactly("clock-behind");
    assertThat(plan.changes()).isEmpty();
    assertThat(plan.refusals().get(0).message())
        .startsWith(
            "the clock is behind: ca.crt is valid from 2026-06-01 11:00:00 UTC and server.crt from"
                + " 2026-06-01 11:00:00 UTC, now is 2026-05-31 12:00:00 UTC. Nothing was changed")
        .contains("Set the clock right", "--replace ca");
  }

  @Test
  void testClockBehindTheServerCertificateOnly_namesItAndReplaceServer() {
    Fixtures.Store s = converged(d, portal);
    s.serverCert = Fixtures.serverCert("server", d, portal, s.caCert, s.serverKey, NOW.plus(Duration.ofDays(3)));
    s.deriveOutputs(d);

    Plan plan = planner.plan(Fixtures.input(d, portal, new TreeMap<>(), s.observed(), NOW, Set.of(), fp("basis"), Optional.empty(), Optional.empty()));

    assertThat(plan.refusals()).hasSize(1);
    assertThat(plan.refusals().get(0).message())
        .startsWith("the clock is behind: server.crt is valid from 2026-06-04 11:00:00 UTC, now is 2026-06-01 12:00:00 UTC")
        .endsWith("--replace server");
    assertThat(plan.refusals().get(0).subject()).isEqualTo("server");
  }

  @Test
  void testClockBehindTheCasBirth_isRefusedToo() {
    Plan plan = plan(Instant.parse("2001-01-01T00:00:00Z"));

    assertThat(codes(plan)).containsExactly("clock-behind");
    assertThat(plan.changes()).isEmpty();
  }

  @Test
  void testReplaceCa_liftsTheRefusalAndReplacesTheCaAndServer() {
    Plan plan = plan(NOW.minus(Duration.ofDays(1)), EnumSet.of(PlanInput.Replace.CA), Optional.of(NOW));

    assertThat(plan.refusals()).isEmpty();
    assertThat(plan.changes()).extracting(Change::address).contains("ca", "server");
  }

  @Test
  void testReplaceServer_doesNotLiftTheCasRefusal() {
    Plan plan = plan(NOW.minus(Duration.ofDays(1)), EnumSet.of(PlanInput.Replace.SERVER), Optional.of(NOW));

    assertThat(codes(plan)).containsExactly("clock-behind");
    assertThat(plan.refusals().get(0).message()).startsWith("the clock is behind: ca.crt is valid from").doesNotContain("server.crt");
  }

  @Test
  void testClockFarAhead_isRefusedBeforeAnythingIsReissued() {
    Instant now = NOW.plus(Duration.ofDays(20 * 365));

    Plan plan = plan(now);

    assertThat(codes(plan)).containsExactly("clock-ahead");
    assertThat(plan.refusals().get(0).message())
        .startsWith("the clock may be far ahead: now is 2046-05-27 12:00:00 UTC, every certificate in the store has expired (the last, ca.crt, on 2036-05-29 11:00:00 UTC) and the store was last written on 2026-06-01 12:00:00 UTC, 7300 days before. Nothing was changed.")
        .endsWith("re-issue everything with --replace ca");
    // What apply would do if the clock is right is still shown.
    assertThat(plan.changes()).extracting(Change::address).contains("ca", "server");
  }

  @Test
  void testReplaceCa_liftsTheFarAheadRefusal() {
    Plan plan = plan(NOW.plus(Duration.ofDays(20 * 365)), EnumSet.of(PlanInput.Replace.CA), Optional.of(NOW));

    assertThat(plan.refusals()).isEmpty();
  }

  @Test
  void testReplaceServer_doesNotLiftTheFarAheadRefusalWhileTheCaExpiredToo() {
    Plan plan = plan(NOW.plus(Duration.ofDays(20 * 365)), EnumSet.of(PlanInput.Replace.SERVER), Optional.of(NOW));

    assertThat(codes(plan)).containsExactly("clock-ahead");
  }

  @Test
  void testEverythingExpiredSoonAfterTheLastWrite_isAHostLeftAloneNotAClock() {
    // The CA expires ten years after NOW; the store was last written nine and a half years in.
    Instant now = NOW.plus(Duration.ofDays(3651));

    Plan plan = plan(now, Set.of(), Optional.of(NOW.plus(Duration.ofDays(3470))));

    assertThat(plan.refusals()).isEmpty();
    assertThat(plan.changes()).extracting(Change::address).contains("ca", "server");
  }

  @Test
  void testACertificateStillValid_isNoSignOfAClockAhead() {
    Fixtures.Store s = converged(d, portal);
    Instant now = NOW.plus(Duration.ofDays(1000));

    Plan plan = planner.plan(Fixtures.input(d, portal, new TreeMap<>(), s.observed(), now, Set.of(), fp("basis"), Optional.empty(), Optional.of(NOW)));

    assertThat(plan.refusals()).isEmpty();
    assertThat(plan.changes()).extracting(Change::address).contains("server");
  }

  @Test
  void testEmptyStore_hasNoCertificateToCheckTheClockAgainst() {
    Plan plan =
        planner.plan(
            Fixtures.input(d, portal, new TreeMap<>(), ObservedStore.empty(), ClockCheck.EARLIEST, Set.of(), fp("basis"), Optional.empty(), Optional.empty()));

    assertThat(plan.refusals()).isEmpty();
  }

  /**
   * A board without a battery-backed clock, run before NTP synchronised: a CA made at 1970 ends
   * in 1980, no client accepts its certificates, and the right clock later refuses the store as
   * one far ahead. Found by running the jar under {@code faketime '@1970-01-01 00:05:00'}.
   */
  @Test
  void testEmptyStoreAt1970_isRefusedEvenWithReplace() {
    Plan plan =
        planner.plan(
            Fixtures.input(d, portal, new TreeMap<>(), ObservedStore.empty(), Instant.parse("1970-01-01T00:05:00Z"), Set.of(PlanInput.Replace.CA), fp("basis"), Optional.empty(), Optional.empty()));

    assertThat(codes(plan)).containsExactly("clock-behind");
    assertThat(plan.refusals().get(0).message())
        .startsWith("the clock is behind: now is 1970-01-01 00:05:00 UTC, before this hostpki was released (2026-01-01). Nothing was changed")
        .contains("time-sync.target");
  }
}
