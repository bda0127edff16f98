package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.hostpki.acme.AcmeFailure;
import org.hostpki.apply.Hooks;
import org.hostpki.apply.Progress;
import org.hostpki.apply.Reconciler;
import org.hostpki.apply.Secrets;
import org.hostpki.cli.Watcher.Settings;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.plan.PlanInput;
import org.hostpki.store.StoreLock;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.TestAcmeCa;
import org.hostpki.testkit.TestCa;
import org.hostpki.testkit.TestKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch loop on a real store, with a host probe, a clock and a sleeper the test drives. */
class WatcherTest {
  private static final Instant START = Instant.parse("2026-11-27T08:00:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(30);
  private static final Duration DEBOUNCE = Duration.ofMinutes(2);

  @TempDir Path dir;

  private final MovableClock clock = new MovableClock(START);
  private final StringWriter log = new StringWriter();
  private HostIdentity identity = identity("192.0.2.10");
  private Reconciler reconciler;
  private DesiredState desired;

  @BeforeEach
  void setUp() throws IOException {
    Path yaml = dir.resolve("host.yaml");
    Files.writeString(yaml, "apiVersion: hostpki/v1\nstore: {path: pki}\n");
    desired = new DesiredStateLoader().load(yaml).desiredState().orElseThrow();
    reconciler =
        new Reconciler(
            spec -> identity,
            clock,
            TestKeys.seeded(0x1517L), // the same serial numbers, so the same renewal jitter, each run
            new Secrets(Map.of()),
            new Hooks(new PrintWriter(log, true)));
  }

  private static HostIdentity identity(String address) {
    try {
      return new HostIdentity("portal", Optional.of("example.com"), List.of(InetAddress.getByName(address)));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private void applyNow() {
    reconciler.apply(desired, EnumSet.noneOf(PlanInput.Replace.class), Optional.empty(), Duration.ZERO);
  }

  private Watcher watcher(Supplier<DesiredState> source, ScriptedSleeper sleeper) {
    return watcher(source, sleeper, new PrintWriter(log, true));
  }

  private Watcher watcher(Supplier<DesiredState> source, ScriptedSleeper sleeper, PrintWriter watchLog) {
    return new Watcher(
        source,
        reconciler,
        clock,
        sleeper,
        watchLog,
        new Watcher.Settings(INTERVAL, DEBOUNCE, Duration.ZERO),
        "host.yaml");
  }

  private Watcher watcher(ScriptedSleeper sleeper) {
    return watcher(() -> desired, sleeper);
  }

  /** The log without the hooks' lines, each as "HH:MM:SS event". */
  private List<String> events() {
    return log.toString()
        .lines()
        .filter(l -> !l.startsWith("hook"))
        .map(l -> l.substring(11, 19) + " " + l.substring(21, l.indexOf(':', 20) < 0 ? l.length() : l.indexOf(':', 20)))
        .toList();
  }

  private byte[] serverCertificate() throws IOException {
    return Files.readAllBytes(dir.resolve("pki/server.crt"));
  }

  @Test
  void testRun_aLogLineQuotingAHostileSubjectIsOneLineWithoutControls() throws IOException {
    // A device certificate dropped into a trust directory names itself what it likes.
    Files.createDirectories(dir.resolve("trusted.d"));
    Files.writeString(
        dir.resolve("trusted.d/dev.pem"),
        new CertificateIssuer(new SecureRandom())
            .selfSignedCa(
                Subject.commonName("dev\n2026-11-27T08:00:00Z applied: nothing\u001b[1A\u001b[2K\u202e"),
                KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom()), START, Duration.ofDays(365))
            .pem());
    Path yaml = dir.resolve("host.yaml");
    applyNow(); // without trust: a store with certificates to keep while the new one is debounced
    Files.writeString(yaml, "apiVersion: hostpki/v1\nstore: {path: pki}\ntrust: {directories: [trusted.d]}\n");
    desired = new DesiredStateLoader().load(yaml).desiredState().orElseThrow();

    watcher(new ScriptedSleeper(clock)).run();

    assertThat(log.toString())
        .contains("trust/dev create (sha256 ")
        .contains("CN=dev\\0A2026-11-27T08:00:00Z applied: nothing\\1B[1A\\1B[2K\\E2\\80\\AE)")
        .doesNotContain("\u001b", "\u202e", "\n2026-11-27T08:00:00Z applied: nothing");
    // a new trusted certificate waits for the debounce
    assertThat(events()).containsExactly("08:00:00 started", "08:00:00 drift seen", "08:00:00 stopped");
  }

  /**
   * Found in the watch trial (a trust store of 1,500 certificates): "drift seen" and "applied"
   * listed every change, two lines of 105 KB, which journald cuts into 48K pieces. A line
   * describes the first changes and counts the rest.
   */
  @Test
  void testRun_aDriftOfManyChangesIsLoggedOnAShortLine() throws IOException {
    Files.createDirectories(dir.resolve("trusted.d"));
    CertificateIssuer issuer = new CertificateIssuer(new SecureRandom());
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
    for (int i = 0; i < 30; i++) {
      Files.writeString(
          dir.resolve("trusted.d/r" + i + ".pem"),
          issuer.selfSignedCa(Subject.commonName("root " + i), key, START, Duration.ofDays(365)).pem());
    }
    Files.writeString(
        dir.resolve("host.yaml"), "apiVersion: hostpki/v1\nstore: {path: pki}\ntrust: {directories: [trusted.d]}\n");
    desired = new DesiredStateLoader().load(dir.resolve("host.yaml")).desiredState().orElseThrow();

    watcher(new ScriptedSleeper(clock)).run();

    String seen = log.toString().lines().filter(l -> l.contains(" drift seen: ")).findFirst().orElseThrow();
    assertThat(seen)
        .startsWith("2026-11-27T08:00:00Z drift seen: ca create (no CA in the store yet); server create")
        .containsPattern("; and \\d+ more \\(\\d+ create; 'hostpki plan' lists each\\)")
        .endsWith("; applying now"); // an empty store has no certificate to keep meanwhile
    assertThat(seen.length()).isLessThan(4000);
  }

  @Test
  void testRun_emptyStoreIsAppliedAtOnce() {
    watcher(new ScriptedSleeper(clock)).run();

    assertThat(events())
        .containsExactly("08:00:00 started", "08:00:00 drift seen", "08:00:00 applied", "08:00:00 stopped");
    assertThat(log.toString()).contains("drift seen: ca create (no CA in the store yet);", "; applying now");
    assertThat(dir.resolve("pki/server.crt")).exists();
  }

  /**
   * An address that comes and goes every minute is never applied, and is not logged every minute
   * either: once when it is back within the debounce, a count every ten minutes, and once when it
   * has stayed away for the debounce.
   */
  @Test
  void testRun_flappingAddressIsNeverApplied_andLoggedAsACountNotEachTime() throws IOException {
    applyNow();
    byte[] before = serverCertificate();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock);
    for (int i = 0; i < 26; i++) { // 08:00:30 to 08:13:00: there for a minute, gone for one
      String address = i % 4 < 2 ? "192.0.2.99" : "192.0.2.10";
      sleeper.then(() -> identity = identity(address));
    }
    for (int i = 0; i < 5; i++) { // 08:13:30 to 08:15:30: gone for the debounce
      sleeper.then(() -> identity = identity("192.0.2.10"));
    }

    watcher(sleeper).run();

    assertThat(events())
        .containsExactly(
            "08:00:00 started", "08:00:30 drift seen", "08:01:30 drift gone", "08:02:30 drift flapping",
            "08:13:00 drift flapping", "08:15:30 drift settled", "08:15:30 stopped");
    assertThat(log.toString())
        .contains("08:02:30Z drift flapping: server replace (host identity changed: address 192.0.2.10 removed, address 192.0.2.99 added)")
        .contains("; back 1m after it went: while it comes and goes, a count every 10m instead of each change, until it stays or stays away for 2m\n")
        .contains("08:13:00Z drift flapping: came back 6 times since 2026-11-27T08:01:30Z; there since 2026-11-27T08:12:30Z\n")
        .contains("08:15:30Z drift settled: came back 6 times since 2026-11-27T08:01:30Z; gone since 2026-11-27T08:13:30Z: the store matches the desired state\n");
    assertThat(serverCertificate()).isEqualTo(before);
  }

  /** Another drift arriving soon after one went is a new drift, debounced anew, not the first flapping. */
  @Test
  void testRun_aDifferentDriftSoonAfterOneWentIsANewDriftNotFlapping() throws IOException {
    applyNow();
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock)
            .then(() -> identity = identity("192.0.2.99")) // 08:00:30
            .then(() -> identity = identity("192.0.2.10")) // 08:01:00: gone
            .then(() -> identity = identity("192.0.2.77")); // 08:01:30: another
    for (int i = 0; i < 4; i++) { // to 08:03:30
      sleeper.then(() -> {});
    }

    watcher(sleeper).run();

    assertThat(events())
        .containsExactly(
            "08:00:00 started", "08:00:30 drift seen", "08:01:00 drift gone", "08:01:30 drift seen",
            "08:03:30 applied", "08:03:30 stopped");
    assertThat(log.toString())
        .contains("08:01:30Z drift seen: server replace (host identity changed: address 192.0.2.10 removed,"
            + " address 192.0.2.77 added)")
        .contains("applying if it persists until 2026-11-27T08:03:30Z\n")
        .doesNotContain("flapping");
  }

  @Test
  void testRun_driftThatPersistsForTheDebounceIsApplied() throws IOException {
    applyNow();
    byte[] before = serverCertificate();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock).then(() -> identity = identity("192.0.2.11"));
    for (int i = 0; i < 6; i++) {
      sleeper.then(() -> {});
    }

    watcher(sleeper).run();

    assertThat(events())
        .containsExactly(
            "08:00:00 started", "08:00:30 drift seen", "08:02:30 applied", "08:03:30 stopped");
    assertThat(log.toString())
        .contains(
            "08:00:30Z drift seen: server replace (host identity changed: address 192.0.2.10"
                + " removed, address 192.0.2.11 added); output/server-fullchain.crt follows;"
                + " applying if it persists until 2026-11-27T08:02:30Z\n");
    assertThat(serverCertificate()).isNotEqualTo(before);
  }

  /** A debounce that is no multiple of the interval: applied when the log said, not an interval later. */
  @Test
  void testRun_driftIsAppliedAtTheTimeTheLogSaidNotAtTheNextIntervalAfterIt() throws IOException {
    applyNow();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock).then(() -> identity = identity("192.0.2.11"));
    for (int i = 0; i < 3; i++) {
      sleeper.then(() -> {});
    }

    new Watcher(() -> desired, reconciler, clock, sleeper, new PrintWriter(log, true),
        new Watcher.Settings(INTERVAL, Duration.ofSeconds(45), Duration.ZERO), "host.yaml").run();

    assertThat(log.toString()).contains("applying if it persists until 2026-11-27T08:01:15Z\n");
    assertThat(events())
        .containsExactly("08:00:00 started", "08:00:30 drift seen", "08:01:15 applied", "08:01:45 stopped");
  }

  @Test
  void testRun_networkDownLongerThanTheDebounce_keepsTheCertificateAndSaysSoOnce() throws IOException {
    applyNow();
    byte[] before = serverCertificate();
    HostIdentity down =
        new HostIdentity(
            "portal", Optional.of("example.com"), List.of(),
            List.of(new HostIdentity.Note(HostIdentity.Note.Kind.NO_ADDRESS, "no address detected on the host")));
    ScriptedSleeper sleeper = new ScriptedSleeper(clock).then(() -> identity = down);
    for (int i = 0; i < 6; i++) {
      sleeper.then(() -> {});
    }
    sleeper.then(() -> identity = identity("192.0.2.10"));

    watcher(sleeper).run();

    assertThat(events()).containsExactly("08:00:00 started", "08:00:30 warning", "08:04:00 stopped");
    assertThat(log.toString())
        .contains("08:00:30Z warning: no address detected on the host; the server certificate keeps its"
            + " addresses 192.0.2.10 until one is");
    assertThat(serverCertificate()).isEqualTo(before);
  }

  @Test
  void testRun_aTrustInstallTargetThatCannotBeReadIsLoggedOnceAsAnError() throws IOException {
    // rvcore14: with nothing else to do, watch never applied and never said a word about it.
    Path yaml = dir.resolve("host.yaml");
    Files.writeString(
        yaml,
        "apiVersion: hostpki/v1\nstore: {path: pki}\ntrust:\n  install:\n    certificates: [ca]\n"
            + "    java: [" + dir.resolve("cacerts") + "]\n");
    desired = new DesiredStateLoader().load(yaml).desiredState().orElseThrow();
    Files.writeString(dir.resolve("cacerts"), "garbage\n");
    applyNow();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock);
    for (int i = 0; i < 3; i++) {
      sleeper.then(() -> {});
    }

    watcher(sleeper).run();

    assertThat(events()).containsExactly("08:00:00 started", "08:00:00 error", "08:01:30 stopped");
    assertThat(log.toString())
        .contains("08:00:00Z error: install/java:" + dir.resolve("cacerts") + ": ")
        .contains("this target is left as it is");
  }

  @Test
  void testRun_declaredOutputsConvergeAndAnAccessNoLongerDeclaredIsNarrowedUnattended() throws IOException {
    String outputs = "outputs:\n  - {format: combined-pem, file: haproxy.pem}\n  - {format: der, file: ca.der, certificate: ca}\n";
    desired = load("store: {path: pki, access: {group: ssl-cert}}\n" + outputs);
    DesiredState narrowed = load("store: {path: pki}\n" + outputs);
    ScriptedSleeper sleeper = new ScriptedSleeper(clock).then(() -> {}).then(() -> desired = narrowed);
    for (int i = 0; i < 5; i++) {
      sleeper.then(() -> {});
    }

    watcher(sleeper).run();

    assertThat(events())
        .containsExactly(
            "08:00:00 started", "08:00:00 drift seen", "08:00:00 applied", "08:01:00 drift seen",
            "08:03:00 applied", "08:03:30 stopped");
    assertThat(log.toString())
        .contains("drift seen: output/haproxy.pem update (haproxy.pem is 0640 root:ssl-cert; declared 0600");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("pki/haproxy.pem"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("pki/server.key"))))
        .isEqualTo("rw-------");
    assertThat(dir.resolve("pki/ca.der")).exists();
  }

  /** A desired state of {@code host.yaml} with this after its apiVersion line. */
  private DesiredState load(String yaml) throws IOException {
    Path file = dir.resolve("host.yaml");
    Files.writeString(file, "apiVersion: hostpki/v1\n" + yaml);
    return new DesiredStateLoader().load(file).desiredState().orElseThrow();
  }

  @Test
  void testRun_driftThatChangesStartsTheDebounceAgain() {
    applyNow();
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock)
            .then(() -> identity = identity("192.0.2.11"))
            .then(() -> {})
            .then(() -> identity = identity("192.0.2.12"));
    for (int i = 0; i < 4; i++) {
      sleeper.then(() -> {});
    }

    watcher(sleeper).run();

    assertThat(events())
        .containsExactly(
            "08:00:00 started",
            "08:00:30 drift seen",
            "08:01:30 drift changed",
            "08:03:30 applied",
            "08:03:30 stopped");
  }

  /**
   * Found in the watch trial: an expired certificate beside an address change waited out the
   * debounce, and each new address restarted it, so a churning address kept the host on an expired
   * certificate. An urgent reason applies the whole plan at once.
   */
  @Test
  void testRun_anExpiredCertificateIsRenewedAtOnceThoughAnAddressKeepsChanging() throws Exception {
    applyNow();
    byte[] before = serverCertificate();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock).then(() -> {
      clock.advance(Duration.ofDays(420));
      identity = identity("192.0.2.50");
    });
    for (int i = 0; i < 3; i++) { // another address each tick
      String address = "192.0.2." + (51 + i);
      sleeper.then(() -> identity = identity(address));
    }

    watcher(sleeper).run();

    assertThat(log.toString()).contains("08:00:30Z drift seen: server replace (host identity changed: address 192.0.2.10"
        + " removed, address 192.0.2.50 added; expired on 2027-12-30 07:00 UTC); output/server-fullchain.crt follows;"
        + " applying now\n");
    assertThat(events()).contains("08:00:30 drift seen", "08:00:30 applied");
    assertThat(serverCertificate()).isNotEqualTo(before);
    assertThat(org.hostpki.pki.Pem.readCertificates(serverCertificate()).get(0).facts().notAfter())
        .isAfter(clock.instant());
  }

  /**
   * A drift that never holds for the debounce (an address added every tick) and holds a renewal
   * the clock made due (the fleet CA's CRL, a third of its validity left) is applied {@link
   * Watcher#MAX_POSTPONEMENT} debounces after it was first seen, not postponed for ever.
   */
  @Test
  void testRun_aDriftWithADueRenewalThatNeverHoldsIsAppliedAtTheLatestFiveDebouncesAfterItWasFirstSeen()
      throws IOException {
    fleetCaWithARevocation();
    byte[] before = Files.readAllBytes(dir.resolve("pki/ca.crl"));
    ScriptedSleeper sleeper = new ScriptedSleeper(clock);
    for (int i = 0; i < 24; i++) { // another address every 30 s; the CRL due from the first
      String address = "192.0.2." + (100 + i);
      sleeper.then(() -> {
        if (address.equals("192.0.2.100")) {
          clock.advance(Duration.ofDays(2));
        }
        identity = identity(address);
      });
    }

    watcher(sleeper).run();

    assertThat(log.toString()).contains("drift changing: changed 20 times since it was first seen at 2026-11-29T08:00:30Z"
        + " without holding for 2m; applying it now: a drift waits at most 5 times 2m\n");
    assertThat(events()).contains("08:10:30 applied");
    assertThat(Files.readAllBytes(dir.resolve("pki/ca.crl"))).isNotEqualTo(before);
  }

  /**
   * A drift of the host's identity alone that never holds (an address added every tick: a VPN's or
   * container's interface) waits until it holds: re-keying the host, with ACME ordering, every few
   * debounces would be worse (rvfinal15).
   */
  @Test
  void testRun_anIdentityDriftThatNeverHoldsWaitsUntilItHolds() throws IOException {
    applyNow();
    byte[] before = serverCertificate();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock);
    for (int i = 0; i < 24; i++) { // 08:00:30 to 08:12:00, another address every 30 s
      String address = "192.0.2." + (100 + i);
      sleeper.then(() -> identity = identity(address));
    }

    watcher(sleeper).run();

    assertThat(events()).doesNotContain("08:10:30 applied").last().isEqualTo("08:12:00 stopped");
    assertThat(log.toString()).doesNotContain("applying it now");
    assertThat(serverCertificate()).isEqualTo(before);
  }

  /**
   * A drift that keeps changing (addresses added one by one, a burst of netlink changes): after its
   * first change, a line when it changes again and then a count every ten minutes, not a line of
   * all its addresses each interval; applied once it holds for the debounce.
   */
  @Test
  void testRun_driftThatKeepsChangingIsCountedNotLoggedEachTime_andAppliedOnceItHolds() throws IOException {
    applyNow();
    byte[] before = serverCertificate();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock);
    for (int i = 0; i < 11; i++) { // 08:02 to 08:16 another address every 2m, then it holds
      String address = "192.0.2." + (100 + Math.min(i, 7));
      sleeper.then(() -> identity = identity(address));
    }
    Settings everyTwoMinutes = new Settings(Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ZERO);

    new Watcher(() -> desired, reconciler, clock, sleeper, new PrintWriter(log, true), everyTwoMinutes, "host.yaml").run();

    assertThat(log.toString())
        .contains("08:06:00Z drift changing: changed 2 times since 2026-11-27T08:04:00Z without holding for 5m:"
            + " while it keeps changing, a count every 10m instead of each change, until it holds for 5m (then applied) or goes\n")
        .contains("08:16:00Z drift changing: changed 7 times since 2026-11-27T08:04:00Z; applying it once it holds for 5m\n")
        .contains("08:21:00Z applied: server replace (host identity changed: address 192.0.2.10 removed, address 192.0.2.107 added)");
    assertThat(events())
        .containsExactly(
            "08:00:00 started", "08:02:00 drift seen", "08:04:00 drift changed", "08:06:00 drift changing",
            "08:16:00 drift changing", "08:21:00 applied", "08:21:00 stopped");
    assertThat(serverCertificate()).isNotEqualTo(before);
  }

  /**
   * The count of a drift that kept changing ends with a line of its final count when it is
   * applied, goes, or watch stops — found: changes after the last ten-minute count were never
   * logged.
   */
  @Test
  void testRun_aDriftThatKeptChangingLogsItsFinalCountWhenAppliedOrWhenWatchStops() throws IOException {
    applyNow();
    Settings everyTwoMinutes = new Settings(Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ZERO);
    ScriptedSleeper settles = new ScriptedSleeper(clock);
    for (int i = 0; i < 10; i++) { // 08:02 to 08:12 another address every 2m, then it holds
      String address = "192.0.2." + (100 + Math.min(i, 5));
      settles.then(() -> identity = identity(address));
    }

    new Watcher(() -> desired, reconciler, clock, settles, new PrintWriter(log, true), everyTwoMinutes, "host.yaml").run();

    assertThat(log.toString())
        .contains("08:17:00Z drift changing: changed 5 times since 2026-11-27T08:04:00Z in all; applying it now\n"
            + "2026-11-27T08:17:00Z applied: ");
    assertThat(events()).containsExactly("08:00:00 started", "08:02:00 drift seen", "08:04:00 drift changed",
        "08:06:00 drift changing", "08:17:00 drift changing", "08:17:00 applied", "08:19:00 stopped");

    log.getBuffer().setLength(0);
    ScriptedSleeper stops = new ScriptedSleeper(clock);
    for (int i = 0; i < 4; i++) { // another address every 2m until watch stops
      String address = "192.0.2." + (20 + i);
      stops.then(() -> identity = identity(address));
    }

    new Watcher(() -> desired, reconciler, clock, stops, new PrintWriter(log, true), everyTwoMinutes, "host.yaml").run();

    assertThat(log.toString()).contains("08:27:00Z drift changing: changed 3 times since 2026-11-27T08:23:00Z in all;"
        + " still changing when watch stopped\n2026-11-27T08:27:00Z stopped");
  }

  @Test
  void testRun_expiringCertificateIsAppliedAtOnce() throws IOException {
    applyNow();
    byte[] before = serverCertificate();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock).then(() -> clock.advance(Duration.ofDays(380)));

    watcher(sleeper).run();

    assertThat(events()).contains("08:00:30 drift seen", "08:00:30 applied");
    assertThat(log.toString()).contains("expires on", "; applying now");
    assertThat(serverCertificate()).isNotEqualTo(before);
  }

  /** A fleet CA host's store with a CRL of 3 days: m1 signed and revoked (at START). */
  private void fleetCaWithARevocation() throws IOException {
    desired(
        "apiVersion: hostpki/v1\nstore: {path: pki}\nca:\n  policy: {allowedDomains: [\"*.example.com\"]}\n"
            + "  crl: {validity: 3d}\n");
    applyNow();
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
    Files.write(
        dir.resolve("m1.csr"),
        org.hostpki.pki.CertificationRequest.create(
            Subject.empty(), List.of("m1.example.com"), List.of(), false, key, new SecureRandom()));
    Clock at = Clock.fixed(START, ZoneOffset.UTC);
    Cli.in(dir).clock(at).run("sign", "-f", "host.yaml", "--csr", "m1.csr", "-o", "m1.pem").assertSucceeded();
    Cli.in(dir).clock(at).run("revoke", "-f", "host.yaml", "--cert", "m1.pem").assertSucceeded();
  }

  @Test
  void testRun_aFleetCasCrlIsRenewedAtOnceWhenAThirdOfItsValidityIsLeft() throws Exception {
    fleetCaWithARevocation();
    byte[] before = Files.readAllBytes(dir.resolve("pki/ca.crl"));
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock).then(() -> clock.advance(Duration.ofDays(1))).then(() -> clock.advance(Duration.ofDays(1)));

    watcher(sleeper).run();

    // Number START in nanoseconds plus one: apply made the first (empty) CRL in the same second.
    assertThat(log.toString()).contains("drift seen: ca.crl update (ca.crl number 1795766400000000001 expires on 2026-11-30 08:00 UTC (in 23h 59m): renewed once a third of its validity is left); applying now");
    assertThat(events()).containsOnlyOnce("08:01:00 applied");
    assertThat(Files.readAllBytes(dir.resolve("pki/ca.crl"))).isNotEqualTo(before);
  }

  @Test
  void testRun_applyThatFailsIsTriedAgainAtTheNextObservation() throws IOException {
    applyNow();
    clock.advance(Duration.ofDays(380));
    StoreLock held = StoreLock.acquire(dir.resolve("pki"), Duration.ZERO, "test holder");
    ScriptedSleeper sleeper = new ScriptedSleeper(clock).then(held::close);

    watcher(sleeper).run();

    assertThat(events()).containsExactly(
        "08:00:00 started", "08:00:00 drift seen", "08:00:00 error", "08:00:30 applied", "08:00:30 error cleared",
        "08:00:30 stopped");
    assertThat(log.toString()).contains("test holder");
  }

  @Test
  void testRun_errorsAreLoggedOnceAndWatchingGoesOn() {
    Deque<Supplier<DesiredState>> sources = new ArrayDeque<>();
    Supplier<DesiredState> broken =
        () -> {
          throw new HostpkiException("host.yaml:3:5: error: something is wrong");
        };
    sources.add(broken);
    sources.add(broken);
    sources.add(() -> desired);
    ScriptedSleeper sleeper = new ScriptedSleeper(clock).then(() -> {}).then(() -> {});

    watcher(() -> sources.remove().get(), sleeper).run();

    assertThat(events())
        .containsExactly(
            "08:00:00 started",
            "08:00:00 error",
            "08:01:00 drift seen",
            "08:01:00 applied",
            "08:01:00 error cleared",
            "08:01:00 stopped");
    assertThat(log.toString()).contains("error: host.yaml:3:5: error: something is wrong")
        .contains("08:01:00Z error cleared: the error logged at 2026-11-27T08:00:00Z no longer occurs\n");
  }

  /** Found in the watch trial (twatch17): a clock behind was logged, and nothing when it was right again. */
  @Test
  void testRun_anErrorThatClears_isSaidOnceWhenItClears() throws IOException {
    applyNow();
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock)
            .then(() -> clock.advance(Duration.ofDays(-1))) // 08:00:30 a day behind
            .then(() -> {}) // 08:01:00 still: not logged again
            .then(() -> clock.advance(Duration.ofDays(1))) // 08:01:30 right again
            .then(() -> {}); // 08:02:00 nothing more to say

    watcher(sleeper).run();

    assertThat(events()).containsExactly(
        "08:00:00 started", "08:00:30 error", "08:01:30 error cleared", "08:02:00 stopped");
    assertThat(log.toString()).contains("error cleared: the error logged at 2026-11-26T08:00:30Z no longer occurs\n");
  }

  /**
   * Found in the watch trial (twatch17): the timer's apply took the drift watch was debouncing, and
   * watch said the store matched again as if the drift had gone by itself.
   */
  @Test
  void testRun_aDriftAnotherRunAppliedDuringTheDebounce_saysAnotherRunAppliedIt() throws IOException {
    applyNow();
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock)
            .then(() -> identity = identity("192.0.2.99")) // 08:00:30 drift seen
            .then(this::applyNow); // 08:01:00 the timer applied it

    watcher(sleeper).run();

    assertThat(events()).containsExactly("08:00:00 started", "08:00:30 drift seen", "08:01:00 drift gone", "08:01:00 stopped");
    String generation = Files.readSymbolicLink(dir.resolve("pki/..data")).toString();
    assertThat(log.toString()).contains("08:01:00Z drift gone: another run (a timer's apply, a person's) applied it"
        + " meanwhile: the store is at generation " + generation + " and matches the desired state; nothing applied here\n");
  }

  /**
   * Found in the watch trial (twatch17): a store on a full file system named the generation folder
   * each try was writing, a new name each time, so its error was logged again at every observation
   * for as long as the disk stayed full.
   */
  @Test
  void testRun_aStoreWriteFailingAtEveryObservationIsLoggedOnceThoughItNamesANewFolderEachTime() {
    Deque<Supplier<DesiredState>> sources = new ArrayDeque<>();
    for (String generation : List.of("..2026_12_08_00_03_08.146449391", "..2026_12_08_00_03_09.333660663")) {
      sources.add(() -> {
        throw new HostpkiException("cannot write store /var/lib/hostpki/pki: /var/lib/hostpki/pki/" + generation
            + ".partial/server-fullchain.crt: no space is left on the tmpfs file system at /var/lib/hostpki");
      });
    }
    sources.add(() -> desired);
    ScriptedSleeper sleeper = new ScriptedSleeper(clock).then(() -> {}).then(() -> {});

    watcher(() -> sources.remove().get(), sleeper).run();

    assertThat(events())
        .containsExactly(
            "08:00:00 started", "08:00:00 error", "08:01:00 drift seen", "08:01:00 applied", "08:01:00 error cleared",
            "08:01:00 stopped");
    assertThat(log.toString()).contains("/var/lib/hostpki/pki/..2026_12_08_00_03_08.146449391.partial/server-fullchain.crt");
  }

  @Test
  void testRun_stopEndsTheLoopAfterTheCurrentObservation() throws InterruptedException {
    applyNow();
    Watcher watcher = watcher(new ScriptedSleeper(clock).then(() -> {}).then(() -> {}));
    watcher.stop();

    watcher.run();

    assertThat(events()).containsExactly("08:00:00 started", "08:00:00 stopped");
    assertThat(watcher.awaitFinished(Duration.ZERO)).isTrue();
  }

  /** The desired state with a hook that succeeds once the file {@code ok} exists. */
  private DesiredState withHook() throws IOException {
    Path yaml = dir.resolve("hooked.yaml");
    Files.writeString(
        yaml,
        "apiVersion: hostpki/v1\nstore: {path: pki}\nhooks:\n  timeout: 2s\n"
            + "  afterServerChange: [[sh, -c, 'echo ran >> runs.log; test -e ok']]\n");
    return new DesiredStateLoader().load(yaml).desiredState().orElseThrow();
  }

  private long hookRuns() throws IOException {
    Path runs = dir.resolve("runs.log");
    return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
  }

  @Test
  void testRun_failingHookIsRetriedBackingOffUntilItSucceeds() throws IOException {
    desired = withHook();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock);
    for (int i = 0; i < 4; i++) {
      sleeper.then(() -> {});
    }
    sleeper.then(() -> Files.writeString(dir.resolve("ok"), ""));
    for (int i = 0; i < 3; i++) {
      sleeper.then(() -> {});
    }

    watcher(sleeper).run();

    // Failures 1, 2, 3 pause 30 s, 1 min, 2 min: tries at 08:00:00, 08:00:30, 08:01:30, 08:03:30.
    assertThat(events()).containsExactlyElementsOf(afterTwoFailures("08:01:30 error", "08:03:30 hooks ran", "08:04:00 stopped"));
    assertThat(hookRuns()).isEqualTo(4);
    assertThat(log.toString())
        .contains("exited with status 1; recorded as pending, trying again in 30s",
            "trying again in 1m", "trying again in 2m");
    assertThat(reconciler.plan(desired, EnumSet.noneOf(PlanInput.Replace.class)).plan().hasPendingHooks())
        .isFalse();
  }

  /**
   * An install target whose change keeps failing (found: an app user held its lock; each tick then
   * waited a minute for it, the store locked meanwhile) is tried again after the hooks' growing
   * pause, not at every tick; once it can be changed, it is.
   */
  @Test
  void testRun_installTargetThatKeepsFailingIsRetriedBackingOffNotEveryTick() throws Exception {
    desired = withJavaTargetThatCannotBeLocked();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock);
    for (int i = 0; i < 7; i++) {
      sleeper.then(() -> {});
    }
    sleeper.then(() -> Files.delete(dir.resolve(".cacerts.hostpki.lock")));
    for (int i = 0; i < 7; i++) {
      sleeper.then(() -> {});
    }

    watcher(sleeper).run();

    // Failures 1, 2, 3 pause 30 s, 1 min, 2 min: tries at 08:00:00, 08:00:30, 08:01:30, 08:03:30,
    // then (failure 4: 4 min) 08:07:30, when it can be changed.
    List<String> tries = log.toString().lines().filter(l -> l.contains(" error: install/java:")).toList();
    assertThat(tries).extracting(l -> l.substring(11, 19)).containsExactly("08:00:00", "08:00:30", "08:01:30", "08:03:30");
    assertThat(tries.get(2)).endsWith("; this target is left as it was, the store went ahead; trying it again in 2m"
        + " (sooner on SIGHUP)");
    // A try that failed is no "applied" (it said "applied ...; no new generation" before its error).
    assertThat(events()).contains("08:07:30 applied")
        .doesNotContain("08:00:30 applied", "08:03:30 applied", "08:04:00 applied", "08:05:00 drift seen");
    // Nor did the drift go at a failed try (rvcore15: "drift gone ... another run applied it").
    assertThat(log.toString()).doesNotContain("drift gone");
    assertThat(java.util.Collections.list(
            java.security.KeyStore.getInstance(dir.resolve("cacerts").toFile(), "changeit".toCharArray()).aliases()))
        .hasSize(1);
  }

  /**
   * A target that failed three times and was then changed by a person's apply is no longer backed
   * off: when it fails again, much later, the first pause is the first one again (it was 4 min,
   * where the old run of failures had left off).
   */
  @Test
  void testRun_installTargetSettledOutsideTheWatchStartsItsBackoffAgain() throws Exception {
    desired = withJavaTargetThatCannotBeLocked();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock);
    for (int i = 0; i < 3; i++) {
      sleeper.then(() -> {});
    }
    sleeper.then(() -> {
      Files.delete(dir.resolve(".cacerts.hostpki.lock"));
      reconciler.apply(desired, EnumSet.noneOf(PlanInput.Replace.class), Optional.empty(), Duration.ZERO);
    });
    for (int i = 0; i < 3; i++) {
      sleeper.then(() -> {});
    }
    byte[] emptyStore = Files.readAllBytes(dir.resolve("cacerts"));
    sleeper.then(() -> {
      Files.write(dir.resolve("cacerts"), emptyStore);
      Files.deleteIfExists(dir.resolve(".cacerts.hostpki.lock"));
      Files.createDirectory(dir.resolve(".cacerts.hostpki.lock"));
    });
    for (int i = 0; i < 8; i++) {
      sleeper.then(() -> {});
    }

    watcher(sleeper).run();

    List<String> tries = log.toString().lines().filter(l -> l.contains(" error: install/java:")).toList();
    assertThat(tries).hasSizeGreaterThan(3);
    assertThat(tries.get(3)).endsWith("trying it again in 30s (sooner on SIGHUP)");
  }

  /**
   * A target its owner makes unreadable for a tick (rvsec15 L2) has not settled: its back-off goes
   * on where it was, not from the first pause (each try may hold the store's lock a whole minute).
   */
  @Test
  void testRun_installTargetUnreadableForATickKeepsItsBackoff() throws Exception {
    desired = withJavaTargetThatCannotBeLocked();
    byte[] emptyStore = Files.readAllBytes(dir.resolve("cacerts"));
    ScriptedSleeper sleeper = new ScriptedSleeper(clock);
    sleeper.then(() -> Files.writeString(dir.resolve("cacerts"), "not a keystore"));
    sleeper.then(() -> Files.write(dir.resolve("cacerts"), emptyStore));
    for (int i = 0; i < 6; i++) {
      sleeper.then(() -> {});
    }

    watcher(sleeper).run();

    List<String> tries = log.toString().lines()
        .filter(l -> l.contains(" error: install/java:") && l.contains("trying it again in")).toList();
    assertThat(tries).hasSizeGreaterThan(1);
    assertThat(tries.get(0)).endsWith("trying it again in 30s (sooner on SIGHUP)");
    assertThat(tries.get(1)).endsWith("trying it again in 1m (sooner on SIGHUP)");
  }

  /**
   * An empty Java trust store {@code cacerts} in trust.install whose lock file cannot be opened (a
   * folder in its place): its change fails at once, as a lock held for a minute does after that
   * minute.
   */
  private DesiredState withJavaTargetThatCannotBeLocked() throws Exception {
    java.security.KeyStore empty = java.security.KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    try (var out = Files.newOutputStream(dir.resolve("cacerts"))) {
      empty.store(out, "changeit".toCharArray());
    }
    Files.createDirectory(dir.resolve(".cacerts.hostpki.lock"));
    Path yaml = dir.resolve("installs.yaml");
    Files.writeString(yaml, "apiVersion: hostpki/v1\nstore: {path: pki}\ntrust:\n  install:\n"
        + "    certificates: [ca]\n    java: [" + dir.resolve("cacerts") + "]\n");
    return new DesiredStateLoader().load(yaml).desiredState().orElseThrow();
  }

  /** The events of {@link #withHook()} applied at 08:00 and failing twice, then {@code more}. */
  private static List<String> afterTwoFailures(String... more) {
    List<String> events = new ArrayList<>(
        List.of("08:00:00 started", "08:00:00 drift seen", "08:00:00 applied", "08:00:00 error", "08:00:30 error"));
    events.addAll(List.of(more));
    return events;
  }

  /** SIGHUP (systemctl reload) after the service a hook failed on was fixed: no back-off wait. */
  @Test
  void testRun_reloadLooksAtOnceAndRunsPendingHooksWithoutWaitingForTheirBackoff() throws IOException {
    desired = withHook();
    Watcher[] watcher = new Watcher[1];
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock)
            .then(() -> {})
            .then(() -> {
              Files.writeString(dir.resolve("ok"), "");
              watcher[0].reload();
            })
            .then(() -> {});
    watcher[0] = watcher(sleeper);

    watcher[0].run();

    // Failure 2 (08:00:30) pauses 1 min: without the reload, the hook would run at 08:01:30.
    assertThat(events())
        .containsExactlyElementsOf(
            afterTwoFailures("08:01:00 reload", "08:01:00 hooks pending", "08:01:00 hooks ran", "08:01:30 stopped"));
    assertThat(hookRuns()).isEqualTo(3);
  }

  /**
   * fsmall15 g: a timer's apply ran the hooks that failed twice under watch: a later failure (the
   * next change's hook) starts the back-off from its first pause again and says the hooks are
   * pending, not where the old run of failures left off (failure 3: 2 min, and no "hooks pending").
   */
  @Test
  void testRun_hooksRunByAnotherRunStartTheirBackoffAgain() throws IOException {
    desired = withHook();
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock)
            .then(() -> {})
            .then(() -> {
              Files.writeString(dir.resolve("ok"), "");
              reconciler.apply(desired, EnumSet.noneOf(PlanInput.Replace.class), Optional.empty(), Duration.ZERO);
            })
            .then(() -> {
              Files.delete(dir.resolve("ok"));
              reconciler.apply(desired, EnumSet.of(PlanInput.Replace.SERVER), Optional.empty(), Duration.ZERO);
            })
            .then(() -> {});

    watcher(sleeper).run();

    assertThat(events()).containsExactlyElementsOf(
        afterTwoFailures("08:01:30 hooks pending", "08:01:30 error", "08:02:00 error", "08:02:00 stopped"));
    assertThat(log.toString().lines().filter(l -> l.contains("08:01:30") && l.contains(" error: ")))
        .singleElement().asString().contains("recorded as pending, trying again in 30s");
  }

  /** A reload ends the wait between observations, as a stop does. */
  @Test
  @org.junit.jupiter.api.Timeout(20)
  void testReload_wakesTheLoopFromItsWait() throws InterruptedException {
    Watcher watcher =
        new Watcher(() -> desired, reconciler, clock, Watcher.Sleeper.REAL, new PrintWriter(log, true),
            new Watcher.Settings(Duration.ofHours(1), DEBOUNCE, Duration.ZERO), "host.yaml");
    Thread loop = new Thread(watcher::run);
    loop.start();
    try {
      while (!log.toString().contains(" applied: ")) {
        Thread.sleep(10);
      }
      watcher.reload();
      while (!log.toString().contains(" reload: ")) {
        Thread.sleep(10);
      }
    } finally {
      watcher.stop();
      loop.join(10_000);
    }
    assertThat(loop.isAlive()).isFalse();
    assertThat(events()).containsExactly("08:00:00 started", "08:00:00 drift seen", "08:00:00 applied",
        "08:00:00 reload", "08:00:00 stopped");
  }

  @Test
  void testBackoff_doublesFromTheIntervalUpToAQuarterOfAnHour() {
    Watcher watcher = watcher(new ScriptedSleeper(clock));

    assertThat(List.of(1, 2, 3, 5, 6, 30).stream().map(watcher::backoff).toList())
        .containsExactly(
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
            Duration.ofMinutes(8), Duration.ofMinutes(15), Duration.ofMinutes(15));
  }

  @Test
  void testRun_hookThatAnEarlierRunLeftPendingIsRunAtOnce() throws IOException {
    desired = withHook();
    applyNow(); // the hook fails: pending
    assertThat(hookRuns()).isEqualTo(1);
    Files.writeString(dir.resolve("ok"), "");
    log.getBuffer().setLength(0);

    watcher(new ScriptedSleeper(clock).then(() -> {})).run();

    assertThat(events())
        .containsExactly(
            "08:00:00 started", "08:00:00 hooks pending", "08:00:00 hooks ran", "08:00:30 stopped");
    assertThat(log.toString()).contains("hooks pending: hooks pending since 2026-11-27 08:00 UTC:"
        + " afterServerChange hook [sh, -c, echo ran >> runs.log; test -e ok] exited with status 1;"
        + " running them now");
    assertThat(hookRuns()).isEqualTo(2);
  }

  /**
   * Found in a namespace trial: a timer's apply wrote the store and was running its hook when watch
   * looked; watch said hostpki had been stopped before the hook ran, and said nothing once the
   * other run had done it.
   */
  @Test
  void testRun_hookAnotherRunIsRunningMeanwhile_isNotRunTwiceAndTheLogSaysSo() throws IOException {
    desired = withHook();
    Files.writeString(dir.resolve("ok"), "");
    Reconciler stoppedAfterCommit =
        new Reconciler(spec -> identity, clock, TestKeys.seeded(0x1517L), new Secrets(Map.of()),
            new Hooks(new PrintWriter(log, true)), new Progress() {
              @Override
              public void step(String description) {}

              @Override
              public void committed(Reconciler.Result beforeHooks) {
                throw new IllegalStateException("stopped before its hooks");
              }
            });
    try {
      stoppedAfterCommit.apply(desired, EnumSet.noneOf(PlanInput.Replace.class), Optional.empty(), Duration.ZERO);
    } catch (IllegalStateException expected) {
      // the store is written, its hook pending without a run
    }
    log.getBuffer().setLength(0);
    // The timer's run takes the store between watch's look and its apply: as watch logs what it saw.
    watcher(() -> desired, new ScriptedSleeper(clock).then(() -> {}), logThat("running them now", this::applyNow)).run();

    assertThat(hookRuns()).isEqualTo(1);
    assertThat(log.toString())
        .contains("no run of it ended (hostpki was stopped after writing the store, before the hook ran or while"
            + " it ran), or another hostpki run is running it now; running them now")
        .contains("hooks done: another run ran them meanwhile\n");
  }

  /**
   * Found in a trial (faketime stepping the clock 400 days ahead and back): watch saw the server
   * certificate expired, and by the time it held the store the clock was back; it said another run
   * had applied the change, and none had.
   */
  @Test
  void testRun_driftGoneByTheTimeTheStoreIsLocked_saysSoWithoutBlamingAnotherRun() throws IOException {
    applyNow();
    byte[] before = serverCertificate();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock).then(() -> clock.advance(Duration.ofDays(400)));

    watcher(() -> desired, sleeper, logThat("applying now", () -> clock.advance(Duration.ofDays(-400)))).run();

    assertThat(log.toString())
        .contains("drift gone: nothing left to apply once the store was locked (another run applied it,"
            + " or the drift went away)\n");
    assertThat(serverCertificate()).isEqualTo(before);
  }

  /**
   * Found in a trial: watch made the link {@code rm pki/server.crt} removed again at its next
   * tick, and logged "drift gone: nothing left to apply", as if it had done nothing.
   */
  @Test
  void testRun_removedLinkIsMadeAgainAtTheNextTickAndLoggedAsApplied() throws IOException {
    applyNow();
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock).then(() -> Files.delete(dir.resolve("pki/server.crt")));

    watcher(sleeper).run();

    assertThat(log.toString())
        .contains("applying now")
        .contains("applied: link/server.crt update (the link server.crt -> ..data/server.crt is missing"
            + " (removed by hand)); no new generation\n")
        .doesNotContain("drift gone");
    assertThat(Files.readSymbolicLink(dir.resolve("pki/server.crt"))).hasToString("..data/server.crt");
  }

  /** A log that does {@code then} as soon as a line with {@code trigger} is written to it. */
  private PrintWriter logThat(String trigger, Runnable then) {
    return new PrintWriter(new java.io.Writer() {
      @Override
      public void write(char[] text, int offset, int length) {
        log.write(text, offset, length);
        if (new String(text, offset, length).contains(trigger)) {
          then.run();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    }, true);
  }

  @Test
  void testRun_rollbackHoldIsHonouredUntilAPersonsApplyReleasesIt() throws IOException {
    Files.writeString(dir.resolve("host.yaml"), "apiVersion: hostpki/v1\nstore: {path: pki}\n");
    applyNow();
    byte[] first = serverCertificate();
    identity = identity("192.0.2.11");
    clock.advance(Duration.ofMinutes(1));
    applyNow();
    CliResult rollback =
        Cli.in(dir).clock(clock).probe(spec -> identity).run("rollback", "-f", "host.yaml");
    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    assertThat(serverCertificate()).isEqualTo(first);
    ScriptedSleeper sleeper = new ScriptedSleeper(clock);
    for (int i = 0; i < 8; i++) {
      sleeper.then(() -> {}); // four minutes: twice the debounce
    }
    sleeper.then(
        () -> reconciler.apply(desired, EnumSet.noneOf(PlanInput.Replace.class), Optional.empty(),
            Duration.ZERO)); // a person's apply
    sleeper.then(() -> {});

    watcher(sleeper).run();

    assertThat(events())
        .containsExactly(
            "08:01:00 started", "08:01:00 held", "08:05:30 hold released", "08:06:00 stopped");
    assertThat(log.toString())
        .contains("held: held by rollback at 2026-11-27 08:01 UTC (generation ..2026_11_27_08_00_00"
            + ".000000000): unattended runs (watch, apply --unattended) leave the store as it is;"
            + " run `hostpki apply` to release it; not applying drift until then");
  }

  @Test
  void testRun_aRenewalAHoldKeepsBackRunsOnExpiringOnceAndIsLogged() throws IOException {
    Path yaml = dir.resolve("host.yaml");
    Files.writeString(
        yaml,
        "apiVersion: hostpki/v1\nstore: {path: pki}\nserver: {validity: 6d}\nhooks:\n  timeout: 5s\n"
            + "  onExpiring: [[sh, -c, 'echo \"$HOSTPKI_CERTIFICATE $HOSTPKI_WITHIN\" >> expiring.log']]\n");
    desired = new DesiredStateLoader().load(yaml).desiredState().orElseThrow();
    applyNow();
    identity = identity("192.0.2.11");
    clock.advance(Duration.ofMinutes(1));
    applyNow();
    CliResult rollback = Cli.in(dir).clock(clock).probe(spec -> identity).run("rollback", "-f", "host.yaml");
    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    // The held certificate fell due on day 4; a day later it waits for the catch-up hour as well,
    // unless its random key put that hour around 08:01 (1 run in 24): then it is simply due.
    clock.advance(Duration.ofDays(5));
    ScriptedSleeper sleeper = new ScriptedSleeper(clock).then(() -> {}).then(() -> {});

    watcher(sleeper).run();

    assertThat(events())
        .isIn(
            List.of("08:01:00 started", "08:01:00 renewal waiting", "08:01:00 held", "08:01:00 expiring",
                "08:01:00 hooks ran", "08:02:00 stopped"),
            List.of("08:01:00 started", "08:01:00 held", "08:01:00 expiring", "08:01:00 hooks ran",
                "08:02:00 stopped"));
    assertThat(log.toString())
        .contains("expiring: server expires 2026-12-03 0", ", within due, and nothing renews it in time: the"
            + " store is held by the rollback at 2026-11-27 08:01 UTC: unattended runs leave it as it is"
            + " until a person runs hostpki apply; running onExpiring (server, within due)")
        .contains("hooks ran: onExpiring (server, within due)");
    assertThat(Files.readAllLines(dir.resolve("expiring.log"))).containsExactly("server due");
  }

  @Test
  void testRun_aDueRenewalWaitsForTheWindowAndIsAppliedInIt() throws IOException {
    Path yaml = dir.resolve("host.yaml");
    // a 6-day certificate is due on Tuesday between 02:44 and 07:29 (jitter), before the window
    Files.writeString(
        yaml,
        "apiVersion: hostpki/v1\nstore: {path: pki}\nserver: {validity: 6d}\n"
            + "renewal:\n  windows: [{start: \"12:00\", end: \"15:00\"}]\n"
            + "metrics: {textfile: metrics/hostpki.prom}\n");
    Files.createDirectories(dir.resolve("metrics"));
    desired = new DesiredStateLoader().load(yaml).desiredState().orElseThrow();
    applyNow();
    byte[] before = serverCertificate();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock);
    for (int hour = 0; hour < 5 * 24; hour++) {
      sleeper.then(() -> {});
    }

    new Watcher(
            () -> desired, reconciler, clock, sleeper, new PrintWriter(log, true),
            new Watcher.Settings(Duration.ofHours(1), DEBOUNCE, Duration.ZERO), "host.yaml")
        .run();

    List<String> waits = log.toString().lines().filter(l -> l.contains(" renewal waiting: ")).toList();
    List<String> applied = log.toString().lines().filter(l -> l.contains(" applied: ")).toList();
    assertThat(waits).singleElement().asString()
        .contains("server: renewal due since 2026-12-01 0", "waiting for the window daily 12:00–15:00 UTC until 2026-12-01 1");
    assertThat(applied).singleElement().asString()
        .startsWith("2026-12-01T1")
        .contains("server replace (expires on 2026-12-03 07:00 UTC (in 1d 1", "); renewal due since ",
            "; in the window daily 12:00–15:00 UTC)");
    assertThat(serverCertificate()).isNotEqualTo(before);
    // every tick rewrites the metrics file: the last one, after the renewal, with nothing due
    String store = dir.resolve("pki").toString();
    assertThat(Files.readString(dir.resolve("metrics/hostpki.prom")))
        .contains("hostpki_last_apply_timestamp_seconds{store=\"" + store + "\"} " + clock.instant().getEpochSecond() + "\n")
        .contains("hostpki_certificate_renewal_due{store=\"" + store + "\",certificate=\"server\"} 0\n")
        .contains("hostpki_last_apply_success{store=\"" + store + "\"} 1\n");
  }

  @Test
  void testRun_clockSteppedBackADay_replacesNothingAndSaysWhy() throws IOException {
    applyNow();
    byte[] ca = Files.readAllBytes(dir.resolve("pki/ca.crt"));
    byte[] server = serverCertificate();
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock).then(() -> clock.advance(Duration.ofDays(-1))).then(() -> {});

    watcher(sleeper).run();

    assertThat(events())
        .containsExactly("08:00:00 started", "08:00:30 error", "08:01:00 stopped");
    assertThat(log.toString())
        .contains("error: the clock is behind: ca.crt is valid from 2026-11-27 07:00:00 UTC")
        .contains("now is 2026-11-26 08:00:30 UTC");
    assertThat(Files.readAllBytes(dir.resolve("pki/ca.crt"))).isEqualTo(ca);
    assertThat(serverCertificate()).isEqualTo(server);
  }

  /**
   * Found in a namespace trial (faketime stepping the wall clock back 50 minutes while a changed
   * address was being debounced): the drift was applied only after the debounce and the step.
   */
  @Test
  void testRun_clockSteppedBackDuringTheDebounce_appliesWhenTheDebounceHasPassed() throws IOException {
    applyNow();
    byte[] before = serverCertificate();

    watchAnAddressChangeAndAStep(Duration.ofMinutes(-50), 3);

    assertThat(events())
        .containsExactly(
            "08:00:00 started", "08:00:30 drift seen", "07:11:00 clock stepped back",
            "07:12:30 applied", "07:12:30 stopped");
    assertThat(log.toString())
        .contains("clock stepped back: by about 50m (it was 2026-11-27T08:00:30Z one interval ago);"
            + " applying the drift if it persists until 2026-11-27T07:12:30Z\n");
    assertThat(serverCertificate()).isNotEqualTo(before);
  }

  /** Found in the watch trial: a step back of two weeks was logged as "by about 20159m". */
  @Test
  void testRun_clockSteppedBackByDays_saysDays() {
    applyNow();

    watchAnAddressChangeAndAStep(Duration.ofDays(-14).minusHours(1), 1);

    assertThat(log.toString())
        .contains("clock stepped back: by about 14d (it was 2026-11-27T08:00:30Z one interval ago)");
  }

  /**
   * Found in the time trial (the real watch under faketime, the wall clock stepped a day forward
   * while a changed address was being debounced, as a suspend does): the drift was applied at the
   * first look after the step, seen for 28 seconds of a one-minute debounce. Time nobody watched
   * does not count: the debounce starts again.
   */
  @Test
  void testRun_clockSteppedForwardDuringTheDebounce_debouncesAgainFromTheStep() throws IOException {
    applyNow();
    byte[] before = serverCertificate();

    watchAnAddressChangeAndAStep(Duration.ofHours(8), 4);

    assertThat(events())
        .containsExactly(
            "08:00:00 started", "08:00:30 drift seen", "16:01:00 clock stepped forward",
            "16:03:00 applied", "16:03:00 stopped");
    assertThat(log.toString())
        .contains("clock stepped forward: by about 8h (a suspend, or the clock set ahead: the 30s wait"
            + " began at 2026-11-27T08:00:30Z); the drift was not watched meanwhile: applying it if"
            + " it persists until 2026-11-27T16:03:00Z\n");
    assertThat(serverCertificate()).isNotEqualTo(before);
  }

  /**
   * Found in the watch trial: a wait cut short to end with the debounce lasts milliseconds, and a
   * step of the clock after it was logged as "the 963818ms wait began at ...".
   */
  @Test
  void testRun_clockSteppedForwardAfterAWaitCutShort_saysTheWaitInSeconds() throws IOException {
    applyNow();
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock)
            .then(() -> identity = identity("192.0.2.11"))
            .then(() -> {})
            .then(() -> clock.advance(Duration.ofHours(8)));

    new Watcher(() -> desired, reconciler, clock, sleeper, new PrintWriter(log, true),
            new Watcher.Settings(INTERVAL, Duration.ofMillis(45_500), Duration.ZERO), "host.yaml")
        .run();

    assertThat(log.toString())
        .contains("clock stepped forward: by about 8h (a suspend, or the clock set ahead: the 15s wait"
            + " began at 2026-11-27T08:01:00Z)");
  }

  /**
   * Found in the time trial (SIGSTOP of the real watch under faketime, the clock set weeks ahead,
   * SIGCONT): the stop fell between the observation's reading of the clock and its plan, so the
   * log line carried the time before the suspend while its words (from the plan) came after it,
   * and a drift first seen in that plan was debounced from before the suspend: applied at the
   * next look, seen once. The observation's time is the one its plan was made at.
   */
  @Test
  void testRun_aSuspendBetweenTheClockAndThePlan_logsAndDebouncesFromThePlansTime() throws IOException {
    applyNow();
    byte[] before = serverCertificate();
    boolean[] suspended = {false};
    Supplier<DesiredState> suspendsOnceTheAddressChanged =
        () -> {
          if (identity.addresses().toString().contains("192.0.2.11") && !suspended[0]) {
            suspended[0] = true;
            clock.advance(Duration.ofHours(8)); // SIGSTOP here, the clock jumps, SIGCONT
          }
          return desired;
        };
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock).then(() -> identity = identity("192.0.2.11")).then(() -> {});

    watcher(suspendsOnceTheAddressChanged, sleeper).run();

    assertThat(events()).containsExactly("08:00:00 started", "16:00:30 drift seen", "16:01:00 stopped");
    assertThat(log.toString()).contains("applying if it persists until 2026-11-27T16:02:30Z");
    assertThat(serverCertificate()).isEqualTo(before);
  }

  /**
   * Watches: the address changes at the first tick, the clock steps by {@code step} during the
   * second wait, then {@code quietTicks} ticks.
   */
  private void watchAnAddressChangeAndAStep(Duration step, int quietTicks) {
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock)
            .then(() -> identity = identity("192.0.2.11"))
            .then(() -> clock.advance(step));
    for (int i = 0; i < quietTicks; i++) {
      sleeper.then(() -> {});
    }
    watcher(sleeper).run();
  }

  /** The same for a failing hook's pause: it counts time that passed, not the clock's step. */
  @Test
  void testRun_clockSteppedBackWhileAHookBacksOff_runsItAfterThePause() throws IOException {
    watchFailingHook(
        () -> clock.advance(Duration.ofMinutes(-50)), () -> Files.writeString(dir.resolve("ok"), ""));

    // Failures 1 and 2 pause 30 s and 1 min, counted across the step.
    assertThat(events())
        .containsExactly(
            "08:00:00 started", "08:00:00 drift seen", "08:00:00 applied", "08:00:00 error",
            "07:10:30 error", "07:11:30 hooks ran", "07:12:00 stopped");
    assertThat(hookRuns()).isEqualTo(3);
  }

  /**
   * A clock stepped forward (a suspend) while a hook backs off: the overdue retry runs once at the
   * first look after the step, and its failure backs off again from there (neither lost nor run at
   * every look).
   */
  @Test
  void testRun_clockSteppedForwardWhileAHookBacksOff_retriesOnceThenBacksOffAgain() throws IOException {
    watchFailingHook(
        () -> clock.advance(Duration.ofHours(5)), () -> {}, () -> Files.writeString(dir.resolve("ok"), ""));

    // Failure 1 pauses 30 s: overdue after the step, tried at once; failure 2 pauses 1 min (not
    // tried at the look at 13:01:00).
    assertThat(events())
        .containsExactly(
            "08:00:00 started", "08:00:00 drift seen", "08:00:00 applied", "08:00:00 error",
            "13:00:30 error", "13:01:30 hooks ran", "13:02:30 stopped");
    assertThat(hookRuns()).isEqualTo(3);
  }

  /** Watches a failing hook through these steps (one after each wait), then two quiet waits. */
  private void watchFailingHook(ScriptedSleeper.Step... steps) throws IOException {
    desired = withHook();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock);
    for (ScriptedSleeper.Step step : steps) {
      sleeper.then(step);
    }
    sleeper.then(() -> {}).then(() -> {});
    watcher(sleeper).run();
  }

  @Test
  void testRun_dataLinkRemoved_makesNoNewCa() throws IOException {
    applyNow();
    Path store = dir.resolve("pki");
    String generation = Files.readSymbolicLink(store.resolve("..data")).toString();
    Files.delete(store.resolve("..data"));

    watcher(new ScriptedSleeper(clock)).run();

    assertThat(events()).containsExactly("08:00:00 started", "08:00:00 error", "08:00:00 stopped");
    assertThat(log.toString())
        .contains("has no ..data link to its current generation, but keeps 1 generation, the newest " + generation)
        .contains("hostpki rollback -f " + dir.resolve("host.yaml") + " --to " + generation);
    try (var entries = Files.list(store)) {
      assertThat(entries.filter(p -> p.getFileName().toString().startsWith("..2")).count()).isEqualTo(1);
    }
  }

  /**
   * Found in the watch trial: the store's folder gone under watch (an unmounted volume, a moved
   * folder) made the next tick create a new CA at once. Watch refuses, names the CA it saw, goes on
   * when the store is back, and makes a new one only after SIGHUP.
   */
  @Test
  void testRun_aStoreThatVanishesIsNotMadeAgainWithANewCaUntilSighup() throws Exception {
    applyNow();
    Path store = dir.resolve("pki");
    Path away = dir.resolve("pki.away");
    byte[] ca = Files.readAllBytes(store.resolve("ca.crt"));
    String caFingerprint = org.hostpki.pki.Pem.readCertificates(ca).get(0).fingerprint().colonHex();
    Watcher[] watcher = new Watcher[1];
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock)
            .then(() -> Files.move(store, away)) // 08:00:30
            .then(() -> {})
            .then(() -> Files.createDirectory(store)) // 08:01:30: an empty mount point
            .then(() -> {
              Files.delete(store);
              Files.move(away, store); // 08:02:00: mounted again
            })
            .then(() -> Files.move(store, away)) // 08:02:30
            .then(() -> watcher[0].reload()); // 08:03:00: a person accepts it
    watcher[0] = watcher(sleeper);

    watcher[0].run();

    assertThat(events())
        .containsExactly(
            "08:00:00 started", "08:00:30 error", "08:02:00 error cleared", "08:02:30 error", "08:03:00 reload",
            "08:03:00 drift seen", "08:03:00 applied", "08:03:00 error cleared", "08:03:00 stopped");
    assertThat(log.toString())
        .contains("08:00:30Z error: the store " + store + " has no generation now, but this watch saw it at generation ..")
        .contains(" with the CA 'CN=portal hostpki CA' (sha256 " + caFingerprint + "), seen 2026-11-27T08:00:00Z (an unmounted"
            + " volume? a moved or removed folder?): not making a new store or CA there; looking again every 30s."
            + " Mount or move it back, or, if a new store is meant, send SIGHUP (systemctl reload hostpki-watch)"
            + " or restart watch\n")
        .contains("the store that went is not waited for: a new one is made");
    assertThat(Files.readAllBytes(away.resolve("ca.crt"))).isEqualTo(ca);
    assertThat(Files.readAllBytes(store.resolve("ca.crt"))).isNotEqualTo(ca);
  }

  /**
   * store.path edited while watch runs to a place without a store (rvfinal15 L1): watch fails
   * closed there too, and says that the path changed, not that the store it saw went.
   */
  @Test
  void testRun_storePathEditedToAnEmptyPlaceIsSaidAsSuch() throws Exception {
    applyNow();
    ScriptedSleeper sleeper = new ScriptedSleeper(clock)
        .then(() -> desired("apiVersion: hostpki/v1\nstore: {path: pki2}\n"))
        .then(() -> {});
    watcher(sleeper).run();

    assertThat(log.toString()).contains("08:00:30Z error: store.path changed from " + dir.resolve("pki") + " to "
        + dir.resolve("pki2") + ", which holds no store: not making a new store or CA there;");
    assertThat(dir.resolve("pki2").resolve("ca.crt")).doesNotExist();
  }

  /**
   * {@code server.issuer: acme} under watch, with a test CA in place of the network: an empty
   * store orders at once, an identity change orders after the debounce, and a failing CA is asked
   * again only when the recorded back-off says (5 minutes, then 10), not every 30 s.
   */
  @Test
  void testRun_acmeOrdersWhenDueAfterTheDebounceAndBacksOffAfterAFailure() throws Exception {
    TestAcmeCa ca = new TestAcmeCa(TestCa.create(START), clock);
    reconciler = reconciler.orderingFrom(ca);
    desired(
        "apiVersion: hostpki/v1\nstore: {path: pki}\nserver:\n  issuer: acme\n  acme:\n"
            + "    directory: https://acme.test/directory\n    termsOfServiceAgreed: true\n");
    ScriptedSleeper sleeper =
        new ScriptedSleeper(clock)
            .then(() -> identity = named("kiosk")) // 08:00:30
            .then(() -> {})
            .then(() -> {})
            .then(() -> {})
            .then(() -> {}) // 08:02:30: the debounce is over
            .then(() -> {
              ca.failWith(Optional.of(new AcmeFailure(AcmeFailure.Kind.CA_PROBLEM, "serverInternal: try later")));
              identity = named("till"); // 08:03:00
            });
    for (int i = 0; i < 23; i++) { // to 08:14:30
      sleeper.then(() -> {});
    }
    sleeper.then(() -> ca.failWith(Optional.empty())); // 08:15:00: the CA is back
    for (int i = 0; i < 11; i++) { // to 08:20:30
      sleeper.then(() -> {});
    }

    watcher(sleeper).run();

    assertThat(ca.orders())
        .as("at once, after the debounce, then after 5 and 10 minutes of back-off")
        .containsExactly(
            START, START.plusSeconds(150), START.plusSeconds(300), START.plusSeconds(600),
            START.plusSeconds(1200));
    assertThat(events())
        .containsSubsequence(
            "08:05:00 error", "08:05:30 order waiting", "08:10:00 error", "08:10:30 order waiting",
            "08:20:00 applied")
        .doesNotContain("08:05:30 drift gone", "08:10:30 drift gone");
    assertThat(org.hostpki.pki.Pem.readCertificates(serverCertificate()).get(0).facts().dnsNames())
        .containsExactly("till.example.com");
  }

  /** Writes host.yaml and makes it the desired state. */
  private void desired(String yaml) throws IOException {
    Path file = dir.resolve("host.yaml");
    Files.writeString(file, yaml);
    desired = new DesiredStateLoader().load(file).desiredState().orElseThrow();
  }

  private static HostIdentity named(String hostname) {
    return new HostIdentity(hostname, Optional.of("example.com"), identity("192.0.2.10").addresses());
  }

  /** Each sleep moves the clock by the interval and then runs the next step; no steps left: stop. */
  private static final class ScriptedSleeper implements Watcher.Sleeper {
    private final MovableClock clock;
    private final Deque<Runnable> steps = new ArrayDeque<>();

    ScriptedSleeper(MovableClock clock) {
      this.clock = clock;
    }

    ScriptedSleeper then(Step step) {
      steps.add(() -> {
        try {
          step.run();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      return this;
    }

    /** A step, which may write files. */
    interface Step {
      void run() throws IOException;
    }

    @Override
    public boolean sleep(Duration duration, java.util.concurrent.CountDownLatch stopRequested) {
      if (steps.isEmpty() || stopRequested.getCount() == 0) {
        return true;
      }
      clock.advance(duration);
      steps.remove().run();
      return false;
    }
  }

  private static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
