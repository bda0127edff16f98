package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.IpAddresses;

import org.hostpki.pki.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import org.hostpki.testkit.CertificateBuilder;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.TestCa;

/**
 * {@code hostpki check} through the CLI on real stores with an injected clock: each exit code of
 * the contract and of the Nagios convention, the summary line, JSON against its schema, and that
 * it changes nothing but the metrics file.
 */
class CheckCommandTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final HostIdentityProbe PROBE = spec -> portal("192.0.2.10");

  @TempDir Path dir;
  private HostIdentityProbe probe = PROBE;

  private static HostIdentity portal(String address) {
    return new HostIdentity("portal", Optional.of("example.com"), List.of(IpAddresses.parse(address).orElseThrow()));
  }

  private void desired(String extra) throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\nserver: {validity: 6d}\n"
            + "metrics: {textfile: hostpki.prom}\n" + extra);
  }

  private CliResult hostpki(Instant now, String... args) {
    return Cli.in(dir).clock(Clock.fixed(now, ZoneOffset.UTC)).env(Map.of()).probe(probe).run(args);
  }

  private CliResult check(Instant now, String... options) {
    String[] args = Stream.concat(Stream.of("check", "-f", "host.yaml"), Stream.of(options)).toArray(String[]::new);
    return hostpki(now, args);
  }

  /** The JSON output, checked against schema/check.schema.json (and its plan against the plan's). */
  private JsonNode checkJson(Instant now, String... options) {
    String[] args = Stream.concat(Stream.of("--output", "json"), Stream.of(options)).toArray(String[]::new);
    CliResult run = check(now, args);
    JsonNode json = org.hostpki.json.OutputSchemas.valid("check.schema.json", run.out());
    assertThat(json.get("exit_code").asInt()).isEqualTo(run.exitCode());
    return json;
  }

  private void applied(Instant now) {
    CliResult apply = hostpki(now, "apply", "-f", "host.yaml");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
  }

  @Test
  void testCheck_nothingDueIsOkWithTheNextRenewalAndTheNearestExpiry() throws IOException {
    desired("");
    applied(T0);

    CliResult run = check(T0.plus(Duration.ofDays(1)));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
    assertThat(run.out().lines().findFirst().orElseThrow())
        .matches("OK: nothing due; next renewal server 2026-12-0[01] \\d\\d:\\d\\d UTC \\(in [23] days\\);"
            + " nearest expiry server 2026-12-03 0\\d:\\d\\d UTC \\(in 4 days\\)");
    assertThat(run.out()).contains("\nca       OK        expires 2036-", "\nserver   OK        expires 2026-12-03 ");
    assertThat(checkJson(T0.plus(Duration.ofDays(1))).get("status").asString()).isEqualTo("ok");
  }

  @Test
  void testCheck_aRenewalDueIsAPendingChangeExit2AndStillOk() throws IOException {
    desired("");
    applied(T0);

    CliResult run = check(T0.plus(Duration.ofHours(100)));
    CliResult nagios = check(T0.plus(Duration.ofHours(100)), "--nagios");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.CHANGES_PENDING);
    assertThat(run.out()).startsWith(
        "OK: 2 changes pending: server replace, output/server-fullchain.crt update; next renewal ca ");
    assertThat(nagios.exitCode()).as("Nagios: OK, the next run renews it").isZero();
  }

  @Test
  void testCheck_aRenewalWaitingForItsWindowIsNothingDue() throws IOException {
    desired("renewal:\n  windows: [{start: \"12:00\", end: \"15:00\"}]\n");
    applied(T0);

    // The 6-day certificate falls due on 2026-12-01 between 02:44 and 07:29; the window is at noon.
    CliResult run = check(Instant.parse("2026-12-01T09:00:00Z"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).containsPattern(
        "^OK: nothing due; next renewal server 2026-12-01 1\\d:\\d\\d UTC \\(in [2-5]h( \\d+m)?\\), waiting for the window daily 12:00–15:00 UTC;");
  }

  /**
   * Found in the clients trial: without ca.rotation the first unattended run from the CA's renewal
   * time on replaces it and moves the server to the new CA at once, so every client that imported
   * the CA by hand refuses the server; nine days before, check said "OK: nothing due". Now the ca
   * line is WARNING from 30 days before (exit 1, Nagios 1), status says it under the CA, and with
   * ca.rotation.overlap (a phased renewal) neither warns.
   */
  @Test
  void testCheck_aOneStepCaRenewalIsAWarningAMonthAheadUnlessRotationIsSet() throws IOException {
    // A 200-day CA is renewed 90 days before its end: from about day 110 (jitter makes it earlier).
    desired("ca: {validity: 200d}\n");
    applied(T0);
    CliResult early = check(T0.plus(Duration.ofDays(60))); // more than 30 days ahead
    Instant close = T0.plus(Duration.ofDays(100));
    applied(close.minus(Duration.ofDays(1))); // the 6-day server certificate, renewed

    CliResult run = check(close);
    CliResult nagios = check(close, "--nagios");
    CliResult status = hostpki(close, "status", "-f", "host.yaml");

    assertThat(early.out()).as(early.toString()).contains("\nca       OK  ");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.out()).startsWith("WARNING: ca is replaced in one step (no ca.rotation) on 2027-0");
    assertThat(run.out()).contains(
        "\nca       WARNING   ca is replaced in one step (no ca.rotation) on ",
        "clients that trust the CA by hand (browsers, Java truststores, curl --cacert, a copied"
            + " trust-bundle.crt) refuse it until they are given the new one; set ca.rotation.overlap"
            + " (e.g. 14d) in " + dir.resolve("host.yaml") + " before then");
    assertThat(nagios.exitCode()).isEqualTo(1);
    assertThat(checkJson(close).get("status").asString()).isEqualTo("warning");
    assertThat(status.out()).as(status.toString()).contains("\n         warning: the CA is replaced in one step (no ca.rotation) on ");

    desired("ca: {validity: 200d, rotation: {overlap: 14d}}\n");
    CliResult phased = check(close);
    assertThat(phased.exitCode()).as(phased.toString()).isEqualTo(ExitCodes.OK);
    assertThat(phased.out()).startsWith("OK: nothing due;");
    assertThat(hostpki(close, "status", "-f", "host.yaml").out()).doesNotContain("one step");
  }

  /**
   * Session 14 left: a phased rotation's first phase said nothing outside the plan of the run that
   * started it ("OK: nothing due" all through the overlap), while clients that trust the CA by hand
   * must be given the new CA before the server moves to it. The ca-next line is WARNING for the
   * whole overlap (exit 1, as the one-step renewal), saying what to hand out and by when; status
   * says it under the CA; after the move check is OK again.
   */
  @Test
  void testCheck_aPhasedRotationsOverlapIsAWarningSayingWhatToHandOutByTheMove() throws IOException {
    desired("ca: {validity: 200d, rotation: {overlap: 14d}}\n");
    applied(T0);
    Instant started = T0.plus(Duration.ofDays(112)); // the CA is due from about day 110
    applied(started); // the rotation starts: ca-next is made and trusted
    Instant during = started.plus(Duration.ofDays(1));

    CliResult run = check(during);
    CliResult nagios = check(during, "--nagios");
    CliResult status = hostpki(during, "status", "-f", "host.yaml");
    CliResult due = check(started.plus(Duration.ofDays(14)).plus(Duration.ofHours(1)));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.out()).startsWith("WARNING: ca-next is the new CA of a phased rotation (overlap 14d): the"
        + " server moves to the new CA on 2027-0");
    assertThat(run.out()).contains(
        "\nca-next  WARNING   ca-next is the new CA of a phased rotation (overlap 14d): the server moves to",
        " (in 13 days), and clients that trust the CA by hand (browsers, Java truststores, curl --cacert, a"
            + " copied trust-bundle.crt) refuse it unless they are given the new CA before: hostpki export -f "
            + dir.resolve("host.yaml") + " ca-next-cert (ca-next.crt, for browsers) or trust-bundle (both CAs)");
    assertThat(nagios.exitCode()).isEqualTo(1);
    assertThat(checkJson(during).get("status").asString()).isEqualTo("warning");
    assertThat(status.out()).as(status.toString())
        .contains("\n         warning: ca-next is the new CA of a phased rotation (overlap 14d): the server moves to");
    assertThat(due.out()).as(due.toString()).contains("the server moves to the new CA by the next unattended run (due since ");
    // fsmall15 h: what comes next for ca.crt is the move, not a renewal waiting for the catch-up hour
    assertThat(run.out()).contains("; renewal by the phased rotation: the move to the new CA (ca-next) 2027-0")
        .doesNotContain("catch-up hour");
    assertThat(status.out()).contains("\n         renewal by the phased rotation: the move to the new CA (ca-next) 2027-0")
        .doesNotContain("catch-up hour");

    Instant moved = started.plus(Duration.ofDays(15));
    applied(moved);
    CliResult after = check(moved.plus(Duration.ofHours(1)));
    assertThat(after.exitCode()).as(after.toString()).isEqualTo(ExitCodes.OK);
    assertThat(after.out()).doesNotContain("ca-next");
  }

  /**
   * Found by a trial: a store no apply ever wrote (a timer never enabled) said "OK: 4 changes
   * pending" to Nagios, while nothing was going to make them. It is WARNING, saying what to run,
   * as the metrics' HostpkiNeverApplied rule (severity warning) says; still exit 2 without --nagios.
   */
  @Test
  void testCheck_aStoreNeverWrittenIsAWarningWithChangesPendingAndIsNotCreated() throws IOException {
    desired("");

    CliResult run = check(T0);
    CliResult nagios = check(T0, "--nagios");
    JsonNode json = checkJson(T0);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.CHANGES_PENDING);
    assertThat(run.out()).startsWith("WARNING: never applied: no apply or watch has run for the store "
            + dir.resolve("pki") + ": run hostpki apply (and enable its timer, or run hostpki watch);"
            + " 4 changes pending: ca create, server create, output/server-fullchain.crt create and 1 more;")
        .contains("; no certificate in the store yet");
    assertThat(nagios.exitCode()).as(nagios.toString()).isEqualTo(Status.WARNING);
    assertThat(nagios.out()).startsWith("WARNING: never applied: ");
    assertThat(json.get("status").asString()).isEqualTo("warning");
    assertThat(json.get("problems").get(0).asString()).startsWith("never applied: ");
    assertThat(dir.resolve("pki")).doesNotExist();
  }

  @Test
  void testCheck_aPendingHookExits3AndIsAWarningAlsoWithAChangePending() throws IOException {
    desired("hooks:\n  timeout: 5s\n  afterServerChange: [[sh, -c, 'test -e ok || exit 1']]\n");
    assertThat(hostpki(T0, "apply", "-f", "host.yaml").exitCode()).isEqualTo(ExitCodes.HOOK_FAILED);

    CliResult run = check(T0.plus(Duration.ofHours(1)));
    CliResult both = check(T0.plus(Duration.ofHours(100)));
    CliResult nagios = check(T0.plus(Duration.ofHours(100)), "--nagios");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.HOOK_FAILED);
    assertThat(run.out()).startsWith(
        "WARNING: afterServerChange hook pending since 2026-11-27 08:00 UTC: afterServerChange hook"
            + " [sh, -c, test -e ok || exit 1] exited with status 1; next renewal");
    assertThat(both.exitCode()).as("the more severe of 3 and 2").isEqualTo(ExitCodes.HOOK_FAILED);
    assertThat(both.out().lines().findFirst().orElseThrow())
        .startsWith("WARNING: afterServerChange hook pending since ")
        .contains("; 2 changes pending: server replace, output/server-fullchain.crt update;");
    assertThat(nagios.exitCode()).isEqualTo(Status.WARNING);
    // Found by a trial: Nagios cuts the line at its first '|', the hook's, and read the rest as data.
    assertThat(nagios.out()).contains("[sh, -c, test -e ok \u00a6\u00a6 exit 1]");
    assertThat(nagios.out().chars().filter(c -> c == '|')).hasSize(1);
    assertThat(checkJson(T0.plus(Duration.ofHours(100))).get("plan").get("hooks_pending")).hasSize(1);
  }

  /**
   * An external issuer's store applied at T0, and a chain for its request put in place, the leaf
   * made by {@code leaf} from the request; returns the environment the store needs.
   */
  private Map<String, String> externalChainDelivered(UnaryOperator<CertificateBuilder> leaf) throws IOException {
    ExternalSetup.write(dir, "192.0.2.10", "none");
    Map<String, String> env = Map.of("HOSTPKI_PASSWORD", "pw");
    assertThat(Cli.in(dir).clock(Clock.fixed(T0, ZoneOffset.UTC)).env(env).probe(PROBE).run("apply", "-f", "host.yaml").exitCode()).isZero();
    TestCa ca = TestCa.create(T0);
    Path chain = dir.resolve(ExternalSetup.CHAIN);
    Files.createDirectories(chain.getParent());
    Files.writeString(
        chain,
        Pem.certificates(List.of(
            leaf.apply(ca.request(Files.readAllBytes(dir.resolve("pki/server.csr")))).build(),
            ca.intermediate(), ca.root())),
        StandardCharsets.US_ASCII);
    return env;
  }

  @Test
  void testCheck_anImportedCertificateNobodyRenewsIsWarningThenCriticalThenExpired() throws IOException {
    // a fixed serial: the renewal jitter below is drawn from it (and the host name)
    Map<String, String> env =
        externalChainDelivered(leaf -> leaf.validity(T0, T0.plus(Duration.ofDays(30))).serial(0x1517));
    assertThat(Cli.in(dir).clock(Clock.fixed(T0, ZoneOffset.UTC)).env(env).probe(PROBE).run("apply", "-f", "host.yaml").exitCode()).isZero();

    // Due 14 days before expiry (a third of 30 days, raised for a chain another CA signs), give or
    // take a day of jitter.
    CliResult early = Cli.in(dir).clock(Clock.fixed(T0.plus(Duration.ofDays(13)), ZoneOffset.UTC)).env(env).probe(PROBE).run("check", "-f", "host.yaml");
    CliResult due = Cli.in(dir).clock(Clock.fixed(T0.plus(Duration.ofDays(21)), ZoneOffset.UTC)).env(env).probe(PROBE).run("check", "-f", "host.yaml");
    CliResult fourteen = Cli.in(dir).clock(Clock.fixed(T0.plus(Duration.ofDays(17)), ZoneOffset.UTC)).env(env).probe(PROBE).run("check", "-f", "host.yaml", "--warning", "14d", "--critical", "3d");
    CliResult close = Cli.in(dir).clock(Clock.fixed(T0.plus(Duration.ofDays(29)), ZoneOffset.UTC)).env(env).probe(PROBE).run("check", "-f", "host.yaml", "--nagios");
    CliResult expired = Cli.in(dir).clock(Clock.fixed(T0.plus(Duration.ofDays(31)), ZoneOffset.UTC)).env(env).probe(PROBE).run("check", "-f", "host.yaml", "--nagios");

    assertThat(early.exitCode()).as(early.toString()).isEqualTo(ExitCodes.OK);
    assertThat(early.out()).contains(
        "\nserver   OK        expires 2026-12-27 08:00 UTC (in 17 days); nothing renews it in time (it was imported"
            + " from another CA, which must sign its successor: no newer chain has been imported from "
            + dir.resolve(ExternalSetup.CHAIN) + "); WARNING from 2026-12-1");
    assertThat(due.exitCode()).as(due.toString()).isEqualTo(ExitCodes.ERROR);
    // A third of 30 days is 10 days, raised to 14 for a chain another CA signs (fext17: a person
    // must get the next one signed), give or take a day of jitter (from the certificate).
    assertThat(due.out()).matches(
        "(?s)WARNING: server expires 2026-12-27 08:00 UTC \\(in 9 days\\), within its renewal time \\((13|14|15) days before expiry\\).*");
    assertThat(fourteen.out()).startsWith("WARNING: server expires 2026-12-27 08:00 UTC (in 13 days), within 14d,");
    assertThat(close.exitCode()).as(close.toString()).isEqualTo(Status.CRITICAL);
    assertThat(close.out())
        .startsWith("CRITICAL: server expires 2026-12-27 08:00 UTC (in 1d)")
        .contains("within 50% of its safety margin (1d 18h)");
    assertThat(close.out().lines().findFirst().orElseThrow()).containsPattern(" \\| 'ca'=\\d+s;\\d+:;\\d+: 'server'=86400s;\\d+:;151200:$");
    assertThat(expired.exitCode()).as(expired.toString()).isEqualTo(Status.CRITICAL);
    assertThat(expired.out()).startsWith("CRITICAL: ").contains("server expired on 2026-12-27 08:00 UTC");
    // Below 0 when expired; no minimum of 0 says otherwise.
    assertThat(expired.out().lines().findFirst().orElseThrow()).containsPattern(" 'server'=-86400s;\\d+:;151200:$");
  }

  /**
   * Found in the time trial (a chain valid only later): the summary ended "Fix or replace the file
   * (or remove it to keep waiting):;", the problem it announced left out. (Two days later: within
   * a day it waits instead, below.)
   */
  @Test
  void testCheck_aRefusedChainSaysItsProblemInTheSummary() throws IOException {
    Map<String, String> env =
        externalChainDelivered(leaf -> leaf.validity(T0.plus(Duration.ofDays(2)), T0.plus(Duration.ofDays(90))));

    CliResult run = Cli.in(dir).clock(Clock.fixed(T0, ZoneOffset.UTC)).env(env).probe(PROBE).run("check", "-f", "host.yaml");

    assertThat(run.out().lines().findFirst().orElseThrow())
        .startsWith("CRITICAL: apply refuses to change the store: cannot import the chain in ")
        .contains("(or remove it to keep waiting): certificate 1 of 3 (CN=portal.example.com) is not valid"
            + " before 2026-11-29 08:00 UTC;");
  }

  /**
   * Found in the time trial: a chain from a CA whose clock runs 3 minutes ahead was refused as an
   * error (CRITICAL, "Fix or replace the file") until its notBefore passed, then imported by
   * itself. It waits: WARNING, the apply before then changes nothing and fails nothing, the one
   * after imports it.
   */
  @Test
  void testCheck_aChainValidInMinutesWaitsAndIsImportedThen() throws IOException {
    Map<String, String> env =
        externalChainDelivered(leaf -> leaf.validity(T0.plus(Duration.ofMinutes(3)), T0.plus(Duration.ofDays(90))));
    Cli at = Cli.in(dir).clock(Clock.fixed(T0, ZoneOffset.UTC)).env(env).probe(PROBE);
    Cli later = Cli.in(dir).clock(Clock.fixed(T0.plus(Duration.ofMinutes(4)), ZoneOffset.UTC)).env(env).probe(PROBE);

    CliResult check = at.run("check", "-f", "host.yaml");
    CliResult nagios = at.run("check", "-f", "host.yaml", "--nagios");
    CliResult apply = at.run("apply", "-f", "host.yaml");
    CliResult imported = later.run("apply", "-f", "host.yaml");

    assertThat(check.exitCode()).as(check.toString()).isEqualTo(ExitCodes.CHANGES_PENDING);
    assertThat(check.out().lines().findFirst().orElseThrow())
        .startsWith("WARNING: the chain in " + dir.resolve(ExternalSetup.CHAIN)
            + " passes every check but is not valid before 2026-11-27 08:03:00 UTC (in 3m; the clock of the"
            + " CA that signed it runs ahead of this host's): it waits until then");
    assertThat(nagios.exitCode()).isEqualTo(Status.WARNING);
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out() + apply.err()).contains("is not valid before 2026-11-27 08:03:00 UTC").doesNotContain("Waiting for a signed chain");
    assertThat(imported.exitCode()).as(imported.toString()).isZero();
    assertThat(Files.readString(dir.resolve("pki/server.crt"))).isEqualTo(Files.readString(dir.resolve(ExternalSetup.CHAIN)).substring(0, Files.readString(dir.resolve("pki/server.crt")).length()));
  }

  @Test
  void testCheck_aClockBehindTheStoreIsCriticalAndReplacesNothing() throws IOException {
    desired("");
    applied(T0);

    CliResult run = check(T0.minus(Duration.ofDays(30)));
    CliResult nagios = check(T0.minus(Duration.ofDays(30)), "--nagios");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.out()).startsWith("CRITICAL: apply refuses to change the store: ");
    // Found after the time trial: each certificate's line said OK under the CRITICAL summary.
    assertThat(run.out().lines().skip(1).toList())
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).containsPattern("^(ca|server) +CRITICAL +(ca|server) is not valid before "
            + "2026-11-27 07:00 UTC \\(in 29 days\\): clients refuse it until then"));
    assertThat(nagios.exitCode()).isEqualTo(Status.CRITICAL);
    assertThat(checkJson(T0.minus(Duration.ofDays(30))).get("plan").get("errors").get(0).get("code").asString())
        .isEqualTo("clock-behind");
  }

  @Test
  void testCheck_aDesiredStateApplyRefusesForItsModeIsCriticalNotAPendingRenewal() throws IOException {
    desired("");
    applied(T0);
    // Upgraded from a build that checked only files with hooks: every unattended apply now refuses
    // this one, so the renewal the plan shows never happens. Nagios must not hear OK.
    Path yaml = dir.resolve("host.yaml");
    Files.setPosixFilePermissions(yaml, PosixFilePermissions.fromString("rw-rw-rw-"));
    Instant due = T0.plus(Duration.ofHours(100));

    CliResult run = check(due);
    CliResult nagios = check(due, "--nagios");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.out()).startsWith("CRITICAL: apply refuses to change the store: " + yaml
            + " says who gets the keys and what is trusted, but it has mode 0666: every user can change it")
        .contains("Fix it: chmod go-w " + yaml + "; 2 changes pending: server replace");
    assertThat(nagios.exitCode()).isEqualTo(Status.CRITICAL);
    assertThat(checkJson(due).get("status").asString()).isEqualTo("critical");
    assertThat(hostpki(due, "apply", "--unattended", "-f", "host.yaml").exitCode()).isEqualTo(ExitCodes.ERROR);
  }

  @Test
  void testCheck_anInvalidDesiredStateIsUnknownWithTheProblemInTheSummary() throws IOException {
    Files.writeString(dir.resolve("host.yaml"), "apiVersion: hostpki/v2\nstore: {path: pki}\n");

    CliResult run = check(T0);
    CliResult nagios = check(T0, "--nagios");
    JsonNode json = checkJson(T0);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.out()).startsWith("UNKNOWN: cannot check: " + dir.resolve("host.yaml") + ":1:13: error: apiVersion");
    assertThat(run.err()).contains(":1:13: error: apiVersion").doesNotContain("error: " + dir.resolve("host.yaml"));
    assertThat(run.err().lines().filter(l -> l.contains(":1:13: error: apiVersion"))).hasSize(1);
    assertThat(nagios.exitCode()).isEqualTo(Status.UNKNOWN);
    assertThat(json.get("status").asString()).isEqualTo("unknown");
    assertThat(json.get("plan").isNull()).isTrue();
  }

  @Test
  void testCheck_aHeldStoreWithDriftIsAWarningThatWaitsForAPerson() throws IOException {
    Instant later = heldWithDrift();

    CliResult run = check(later.plus(Duration.ofMinutes(5)));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.CHANGES_PENDING);
    assertThat(run.out()).startsWith("WARNING: held by rollback at 2026-11-27 09:00 UTC")
        .contains("; 2 changes wait for a person's apply: server replace, output/server-fullchain.crt update;");
  }

  /**
   * Found by a trial: an unattended apply on a store a rollback holds applied nothing, and the
   * metrics file said it made its plan's 2 changes and that nothing drifted, while check said
   * WARNING. The held changes are drift; the run made none.
   */
  @Test
  void testCheck_aHeldStoresUnattendedApplyWritesItsChangesAsDriftNotAsMade() throws IOException {
    Instant later = heldWithDrift();

    CliResult unattended = hostpki(later.plus(Duration.ofMinutes(15)), "apply", "--unattended", "-f", "host.yaml");

    assertThat(unattended.exitCode()).as(unattended.toString()).isZero();
    String store = dir.resolve("pki").toString();
    assertThat(Files.readString(dir.resolve("hostpki.prom")))
        .contains("hostpki_last_apply_changes{store=\"" + store + "\"} 0")
        .contains("hostpki_drifted_resources{store=\"" + store + "\"} 2");
  }

  /**
   * Found by a trial: with its ACME CA unreachable, the store served the internal fallback
   * certificate, which clients that trust only the CA's roots refuse, and check --nagios said "OK:
   * nothing due". It is a WARNING with the CA's error until an order succeeds.
   */
  @Test
  void testCheck_anAcmeOrderWaitingWhileTheFallbackServesIsAWarning() throws IOException {
    int closed = org.hostpki.testkit.LoopbackPorts.free();
    desired("server:\n  issuer: acme\n  dnsNames: [portal.example.com]\n  acme:\n"
        + "    directory: https://127.0.0.1:" + closed + "/dir\n");
    // one server section: the ACME one
    Files.writeString(dir.resolve("host.yaml"), Files.readString(dir.resolve("host.yaml")).replace("server: {validity: 6d}\n", ""));
    CliResult apply = hostpki(T0, "apply", "-f", "host.yaml");
    assertThat(apply.err()).as(apply.toString()).contains("internal CA serves meanwhile");

    CliResult nagios = check(T0.plus(Duration.ofMinutes(1)), "--nagios");

    assertThat(nagios.exitCode()).as(nagios.toString()).isEqualTo(Status.WARNING);
    assertThat(nagios.out()).startsWith("WARNING: the last ACME order failed at ");
    // Without --nagios it exited 2, "changes pending", while the unattended plan was empty (the
    // order waits for its back-off) and apply would change nothing: clients refuse what serves
    // now, which is an error to look at, exit 1, as a certificate that is WARNING.
    CliResult text = check(T0.plus(Duration.ofMinutes(1)));
    assertThat(text.exitCode()).as(text.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(text.out()).startsWith("WARNING: the last ACME order failed at ");
  }

  /**
   * Found by a trial: with {@code fallback: none}, the ACME CA down (a failed order recorded, the
   * next waiting for its back-off) and a name added to the desired state, the CA's certificate
   * kept serving without it and check said "OK: nothing due". Clients that ask for the new name
   * refuse the server: WARNING with the failed order and the name, as when the fallback serves.
   */
  @Test
  void testCheck_anAcmeOrderWaitingWhileFallbackNoneKeepsACertificateWithoutANameIsAWarning()
      throws IOException {
    String acme = "metrics: {textfile: hostpki.prom}\nserver:\n  issuer: acme\n  acme:\n"
        + "    directory: https://127.0.0.1:" + org.hostpki.testkit.LoopbackPorts.free() + "/dir\n"
        + "    termsOfServiceAgreed: true\n    fallback: none\n";
    java.time.Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    org.hostpki.testkit.TestAcmeCa ca = new org.hostpki.testkit.TestAcmeCa(TestCa.create(T0), clock);
    org.hostpki.apply.Reconciler engine =
        new org.hostpki.apply.Reconciler(
                PROBE, clock, new java.security.SecureRandom(),
                new org.hostpki.apply.Secrets(Map.of()),
                new org.hostpki.apply.Hooks(new java.io.PrintWriter(new java.io.StringWriter(), true)))
            .orderingFrom(ca);
    Files.writeString(dir.resolve("host.yaml"), "apiVersion: hostpki/v1\nstore: {path: pki}\n" + acme
        + "  dnsNames: [portal.example.com]\n");
    engine.apply(loaded(), java.util.EnumSet.noneOf(org.hostpki.plan.PlanInput.Replace.class), Optional.empty(), Duration.ZERO);
    assertThat(ca.orders()).hasSize(1);
    ca.failWith(Optional.of(new org.hostpki.acme.AcmeFailure(
        org.hostpki.acme.AcmeFailure.Kind.CA_PROBLEM, "serverInternal: try later")));
    Files.writeString(dir.resolve("host.yaml"), "apiVersion: hostpki/v1\nstore: {path: pki}\n" + acme
        + "  dnsNames: [portal.example.com, www.example.com]\n");
    try {
      engine.apply(loaded(), java.util.EnumSet.noneOf(org.hostpki.plan.PlanInput.Replace.class), Optional.empty(), Duration.ZERO);
    } catch (RuntimeException e) {
      // the order failed, and is recorded with its back-off
    }
    assertThat(ca.orders()).hasSize(2);

    CliResult text = check(T0.plus(Duration.ofMinutes(1)));
    CliResult nagios = check(T0.plus(Duration.ofMinutes(1)), "--nagios");
    JsonNode json = checkJson(T0.plus(Duration.ofMinutes(1)));

    assertThat(nagios.exitCode()).as(nagios.toString()).isEqualTo(Status.WARNING);
    assertThat(nagios.out()).startsWith("WARNING: the last ACME order failed at 2026-11-27 08:00 UTC: ")
        .contains("serverInternal: try later", "(server.acme.fallback: none) although it does not cover",
            "www.example.com");
    assertThat(text.out()).startsWith("WARNING: the last ACME order failed at ");
    // clients refuse what serves, and an unattended apply changes nothing before the back-off ends:
    // an error to look at (1, as a certificate that is WARNING), not changes pending (2)
    assertThat(text.exitCode()).as(text.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(json.get("exit_code").asInt()).isEqualTo(ExitCodes.ERROR);
    assertThat(json.get("status").asString()).isEqualTo("warning");
    assertThat(json.get("problems").get(0).asString()).contains("www.example.com");
  }

  private org.hostpki.model.DesiredState loaded() {
    return new org.hostpki.config.DesiredStateLoader().load(dir.resolve("host.yaml")).desiredState().orElseThrow();
  }

  @Test
  void testCheck_changesNothingButTheMetricsFileWhichKeepsTheLastApply() throws IOException {
    desired("");
    applied(T0);
    SortedMap<String, byte[]> before = storeFiles();

    CliResult run = check(T0.plus(Duration.ofHours(100)));

    assertThat(run.exitCode()).isEqualTo(ExitCodes.CHANGES_PENDING);
    SortedMap<String, byte[]> after = storeFiles();
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach((name, bytes) -> assertThat(after.get(name)).as(name).isEqualTo(bytes));
    String store = dir.resolve("pki").toString();
    assertThat(Files.readString(dir.resolve("hostpki.prom")))
        .contains("hostpki_last_apply_timestamp_seconds{store=\"" + store + "\"} " + T0.getEpochSecond())
        .contains("hostpki_last_apply_changes{store=\"" + store + "\"} 4")
        .contains("hostpki_certificate_renewal_due{store=\"" + store + "\",certificate=\"server\"} 1")
        .contains("hostpki_drifted_resources{store=\"" + store + "\"} 2");
  }

  @Test
  void testCheck_thresholdsThatAreNoneAreUsageErrors() throws IOException {
    desired("");

    CliResult zero = check(T0, "--warning", "0d");
    CliResult word = check(T0, "--critical", "soon");
    CliResult whole = check(T0, "--critical", "100%");

    assertThat(List.of(zero.exitCode(), word.exitCode(), whole.exitCode())).containsOnly(ExitCodes.USAGE);
    assertThat(zero.err()).contains("'0d' must be longer than zero");
    assertThat(word.err()).contains("'soon' is not a threshold; write a time before expiry (14d, 36h), a share");
    assertThat(whole.err()).contains("'100%' is not a threshold; write a time before expiry (14d, 36h)");
    assertThat(check(T0, "--warning", "margin", "--critical", "25%margin").exitCode()).isEqualTo(ExitCodes.CHANGES_PENDING);
  }

  /**
   * Found by a contract audit: --warning 3d --critical 14d was accepted, and WARNING could never
   * show. Monitoring plugins take the warning threshold first (check_http -C 30,14); equal ones
   * mean no WARNING stage, and forms that compare per certificate (14d, 10%) are taken as given.
   */
  @Test
  void testCheck_aCriticalFurtherFromExpiryThanTheWarningIsAUsageError() throws IOException {
    desired("");

    CliResult days = check(T0, "--warning", "3d", "--critical", "14d");
    CliResult shares = check(T0, "--warning", "5%", "--critical", "10%");
    CliResult margins = check(T0, "--nagios", "--warning", "50%margin", "--critical", "margin");

    assertThat(List.of(days.exitCode(), shares.exitCode())).containsOnly(ExitCodes.USAGE);
    assertThat(days.err()).startsWith("error: --critical 14d is further from expiry than --warning 3d, so WARNING"
        + " could never show; give --warning the larger value (--warning 14d --critical 3d), or the same one for"
        + " no warning stage\n");
    assertThat(shares.err()).contains("--critical 10% is further from expiry than --warning 5%");
    assertThat(margins.exitCode()).isEqualTo(Status.UNKNOWN);
    assertThat(margins.out()).startsWith("UNKNOWN: --critical margin is further from expiry than --warning 50%margin");
    assertThat(check(T0, "--warning", "14d", "--critical", "14d").exitCode()).isEqualTo(ExitCodes.CHANGES_PENDING);
    assertThat(check(T0, "--warning", "1d", "--critical", "10%").exitCode()).isEqualTo(ExitCodes.CHANGES_PENDING);
  }

  /**
   * Found by a trial: with --nagios, a usage error (NRPE's command line, no desired state yet)
   * exited 64 with nothing on standard output, which Nagios shows as "out of bounds" and Icinga as
   * a broken plugin; the plugin convention is UNKNOWN (3), said on standard output.
   */
  @Test
  void testCheck_aUsageErrorWithNagiosIsUnknownOnStandardOutput() throws IOException {
    desired("");

    CliResult text = check(T0, "--nagios", "--critical", "soon");
    CliResult json = check(T0, "--nagios", "--output", "json", "--critical", "soon");

    assertThat(text.exitCode()).isEqualTo(Status.UNKNOWN);
    assertThat(text.out()).isEqualTo("UNKNOWN: invalid value for option '--critical': 'soon' is not a threshold;"
        + text.out().substring(text.out().indexOf(" write a time")));
    assertThat(text.out().lines()).hasSize(1);
    assertThat(text.err()).contains("Run 'hostpki check --help' for its usage.");
    assertThat(json.exitCode()).isEqualTo(Status.UNKNOWN);
    // standard output is JSON only: the error document, as for every usage error under --output json
    assertThat(org.hostpki.json.OutputSchemas.valid("error.schema.json", json.out()).get("diagnostics").get(0)
        .get("message").asString()).startsWith("invalid value for option '--critical': 'soon' is not a threshold;");
    // picocli reads --nagios=true as --nagios: so does the usage error
    assertThat(check(T0, "--nagios=true", "--critical", "soon").out()).isEqualTo(text.out());
  }

  /**
   * Found by a trial: Icinga 2 reads a plugin's standard error into the same pipe as its output
   * and shows the first line as the status. check --nagios wrote its warnings and errors to
   * standard error before the status line: "warning: the metrics file was not written" above "OK:
   * ...", "error: ..." above "UNKNOWN: ...". The status line now comes first, the rest after it.
   */
  @Test
  void testCheck_withNagiosTheStatusLineComesFirstWhenStandardErrorIsMergedIn() throws IOException {
    desired("");
    applied(T0);
    Files.delete(dir.resolve("hostpki.prom"));
    Files.createDirectories(dir.resolve("hostpki.prom/in-the-way"));
    Cli nagios = Cli.in(dir).clock(Clock.fixed(T0, ZoneOffset.UTC)).env(Map.of()).probe(probe);

    CliResult unwritable = nagios.runMerged("check", "-f", "host.yaml", "--nagios");
    CliResult usage = nagios.runMerged("check", "-f", "host.yaml", "--nagios", "--critical", "soon");
    Files.writeString(dir.resolve("pki/server.crt"), "-----BEGIN CERTIFICATE-----\nMII\n");
    CliResult broken = nagios.runMerged("check", "-f", "host.yaml", "--nagios");
    Files.writeString(dir.resolve("host.yaml"), "apiVersion: hostpki/v2\nstore: {path: pki}\n");
    CliResult invalid = nagios.runMerged("check", "-f", "host.yaml", "--nagios");

    assertThat(unwritable.exitCode()).as(unwritable.toString()).isZero();
    assertThat(unwritable.out()).startsWith("OK: nothing due;").contains("\nwarning: the metrics file was not written");
    assertThat(usage.exitCode()).isEqualTo(Status.UNKNOWN);
    assertThat(usage.out()).startsWith("UNKNOWN: invalid value for option '--critical'").contains("\nerror: invalid value");
    assertThat(broken.exitCode()).isEqualTo(Status.UNKNOWN);
    assertThat(broken.out()).startsWith("UNKNOWN: cannot check: " + dir.resolve("pki/server.crt"))
        .contains("\nerror: " + dir.resolve("pki/server.crt"));
    assertThat(invalid.exitCode()).isEqualTo(Status.UNKNOWN);
    assertThat(invalid.out()).startsWith("UNKNOWN: cannot check: " + dir.resolve("host.yaml") + ":1:13: error:")
        .contains("\n" + dir.resolve("host.yaml") + ":1:13: error:");
  }

  /**
   * A store applied at T0, applied again an hour later for a new address, and rolled back then:
   * held, with 2 changes (server, its full chain) the unattended runs leave alone.
   *
   * @return when it was rolled back
   */
  private Instant heldWithDrift() throws IOException {
    desired("");
    applied(T0);
    Instant later = T0.plus(Duration.ofHours(1));
    probe = spec -> portal("192.0.2.11");
    applied(later);
    CliResult rollback = hostpki(later, "rollback", "-f", "host.yaml");
    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    return later;
  }

  /** Every regular file of the store, by path, without following links; the lock file too. */
  private SortedMap<String, byte[]> storeFiles() throws IOException {
    SortedMap<String, byte[]> files = new TreeMap<>();
    Path store = dir.resolve("pki");
    try (Stream<Path> walk = Files.walk(store)) {
      for (Path p : walk.toList()) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.put(store.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    }
    return files;
  }

  /** The Nagios plugin codes, for readable assertions. */
  private static final class Status {
    static final int WARNING = 1;
    static final int CRITICAL = 2;
    static final int UNKNOWN = 3;
  }
}
