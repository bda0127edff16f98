package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * A good store under a wrong clock: behind by a day (an RTC that lost a day, a VM restored from a
 * snapshot), behind the CA's birth (a dead RTC battery: 2001), and far ahead (2046). Found: with
 * the clock one day behind, {@code plan} said {@code ~ ca replace  not valid before ...} and apply
 * threw away a valid CA. Now every command that would write refuses, exit 1, and nothing changes
 * unless {@code --replace} asks for exactly that.
 */
@Tag(Tags.SLOW)
class ClockCorpusTest {
  private static final Instant DAY_BEHIND = GoodStore.NOW.minus(Duration.ofDays(1));
  private static final Instant BEFORE_BIRTH = Instant.parse("2001-01-01T00:00:00Z");
  private static final Instant FAR_AHEAD = Instant.parse("2046-11-27T08:00:00Z");

  private static final String BEHIND = "the clock is behind: ca.crt is valid from 2026-11-27 07:00:00 UTC";
  private static final String AHEAD = "the clock may be far ahead: now is 2046-11-27 08:00:00 UTC";

  @TempDir static Path templateDir;
  @TempDir Path dir;

  @BeforeAll
  static void makeGoodStore() throws IOException {
    GoodStore.build(templateDir);
  }

  private Workspace workspace(Instant now) {
    return Workspace.copyOf(templateDir, dir, Clock.fixed(now, ZoneOffset.UTC), GoodStore.PROBE);
  }

  private static Arguments at(Instant now, HostileCase hostile) {
    return Arguments.of(now, hostile);
  }

  static Stream<Arguments> wrongClocks() {
    return Stream.of(
        at(DAY_BEHIND, HostileCase.apply("apply, a day behind", w -> {}, BEHIND, "now is 2026-11-26 08:00:00 UTC",
            "Set the clock right", "--replace ca")),
        at(DAY_BEHIND, HostileCase.apply("plan, a day behind", w -> {}, BEHIND).withArgs("plan", "-f", "host.yaml").inThePlan()),
        at(DAY_BEHIND, HostileCase.apply("plan --detailed-exitcode, a day behind", w -> {}, BEHIND)
            .withArgs("plan", "-f", "host.yaml", "--detailed-exitcode").inThePlan()),
        at(DAY_BEHIND, HostileCase.apply("apply --check, a day behind", w -> {}, BEHIND)
            .withArgs("apply", "-f", "host.yaml", "--check").inThePlan()),
        at(DAY_BEHIND, HostileCase.apply("apply --replace server, a day behind: the CA still refuses", w -> {}, BEHIND)
            .withArgs("apply", "-f", "host.yaml", "--replace", "server")),
        at(DAY_BEHIND, HostileCase.apply("apply with a new trusted certificate, a day behind", w -> {
              Files.writeString(w.dir.resolve("trusted.d/new.pem"), GoodStore.trustedCertificate("new.example.com").pem());
            }, BEHIND)),
        at(DAY_BEHIND.plus(Duration.ofMinutes(59)), HostileCase.apply("apply, a day less an hour behind", w -> {},
            "the clock is behind: ca.crt is valid from 2026-11-27 07:00:00 UTC")),
        at(BEFORE_BIRTH, HostileCase.apply("apply in 2001, before the CA was made", w -> {}, BEHIND,
            "now is 2001-01-01 00:00:00 UTC")),
        at(BEFORE_BIRTH, HostileCase.apply("plan in 2001", w -> {}, BEHIND).withArgs("plan", "-f", "host.yaml").inThePlan()),
        at(BEFORE_BIRTH, HostileCase.apply("apply --check in 2001", w -> {}, BEHIND)
            .withArgs("apply", "-f", "host.yaml", "--check").inThePlan()),
        at(FAR_AHEAD, HostileCase.apply("apply in 2046", w -> {}, AHEAD,
            "every certificate in the store has expired (the last, ca.crt, on 2036-11-24 07:00:00 UTC)",
            "the store was last written on 2026-11-27 08:00:00 UTC", "--replace ca")),
        at(FAR_AHEAD, HostileCase.apply("plan in 2046", w -> {}, AHEAD).withArgs("plan", "-f", "host.yaml").inThePlan()),
        at(FAR_AHEAD, HostileCase.apply("apply --check in 2046", w -> {}, AHEAD)
            .withArgs("apply", "-f", "host.yaml", "--check").inThePlan()),
        at(FAR_AHEAD, HostileCase.apply("apply --replace server in 2046: the CA has expired too", w -> {}, AHEAD)
            .withArgs("apply", "-f", "host.yaml", "--replace", "server")));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("wrongClocks")
  void testWrongClock_isRefusedAndChangesNothing(Instant now, HostileCase hostile) throws Exception {
    hostile.check(workspace(now));
  }

  @Test
  void testStatusADayBehind_warnsButShowsTheStore() {
    Workspace w = workspace(DAY_BEHIND);

    CliResult status = w.hostpki("status", "-f", "host.yaml").assertNoStackTrace();

    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("CA       ", "Example Portal CA", "not after 2036-11-24 (not yet valid: from 2026-11-27)")
        .contains("Drift    none found, but apply refuses to run until the error below is fixed")
        .contains("error: " + BEHIND);
  }

  @Test
  void testStatusFarAhead_warnsAndShowsWhatApplyWouldReplace() {
    CliResult status = workspace(FAR_AHEAD).hostpki("status", "-f", "host.yaml").assertNoStackTrace();

    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out()).contains("EXPIRED", "ca: expired on", "error: " + AHEAD);
  }

  @Test
  void testReplaceCaADayBehind_isWhatTheMessageOffersAndIsObeyed() throws IOException {
    Workspace w = workspace(DAY_BEHIND);
    byte[] ca = Files.readAllBytes(w.store.resolve("ca.crt"));

    CliResult applied = w.hostpki("apply", "-f", "host.yaml", "--replace", "ca").assertNoStackTrace();

    assertThat(applied.exitCode()).as(applied.toString()).isZero();
    assertThat(applied.out()).contains("~ ca", "replacement requested (--replace ca)");
    assertThat(Files.readAllBytes(w.store.resolve("ca.crt"))).isNotEqualTo(ca);
    assertThat(w.hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isZero();
  }

  @Test
  void testClockBackInStep_theSameStoreIsConvergedAgain() {
    Workspace w = workspace(DAY_BEHIND);
    assertThat(w.hostpki("apply", "-f", "host.yaml").exitCode()).isEqualTo(1);

    Workspace fixed = new Workspace(dir, GoodStore.CLOCK, GoodStore.PROBE);
    CliResult plan = fixed.hostpki("plan", "-f", "host.yaml", "--detailed-exitcode");

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out()).contains("No changes");
  }

  @Test
  void testSaidOnce_theRefusalNamesEveryCertificateNotYetValid() {
    CliResult plan = workspace(DAY_BEHIND).hostpki("plan", "-f", "host.yaml");

    assertThat(plan.out())
        .contains(BEHIND + " and server.crt from 2026-11-27 07:00:00 UTC, now is 2026-11-26 08:00:00 UTC")
        .contains("No other changes", "Refused: apply changes nothing");
    assertThat(List.of(plan.out().split("\n"))).noneMatch(l -> l.startsWith("~ ca") || l.startsWith("~ server"));
  }
}
