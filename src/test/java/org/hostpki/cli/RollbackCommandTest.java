package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.hostpki.model.Fingerprint;
import org.hostpki.pki.Pem;
import org.hostpki.json.OutputSchemas;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.store.StoreLock;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code hostpki rollback} on real temporary directories. */
class RollbackCommandTest {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "s3cret-pw");
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final String FIRST = "..2026_11_27_08_00_00.000000000";
  private static final String SECOND = "..2026_11_27_09_00_00.000000000";

  @TempDir Path dir;
  private Path store;
  private Path hookLog;
  private Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    store = dir.resolve("pki");
    hookLog = dir.resolve("hook.log");
    writeDesired("portal", "", "echo reload >> " + hookLog);
  }

  private void writeDesired(String hostname, String trust, String hook) throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        String.join(
            "\n",
            "apiVersion: hostpki/v1",
            "store:",
            "  path: pki",
            "  password: {env: HOSTPKI_PASSWORD}",
            "host:",
            "  detect: false",
            "  hostname: " + hostname,
            "  domain: example.com",
            "  addresses: [192.0.2.10]",
            trust,
            "hooks:",
            "  afterServerChange: [[sh, -c, \"" + hook + "\"]]",
            ""));
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(clock).env(ENV).run(args);
  }

  /** Applies, then moves the clock on an hour: generations FIRST, SECOND … */
  private void apply() {
    CliResult run = hostpki("apply", "-f", "host.yaml");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    clock = Clock.offset(clock, Duration.ofHours(1));
  }

  /** Two generations with different server certificates (the host was renamed); hook log reset. */
  private void applyTwiceRenamingTheHost() throws IOException {
    apply();
    writeDesired("portal2", "", "echo reload >> " + hookLog);
    apply();
    Files.deleteIfExists(hookLog);
  }

  private String current() throws IOException {
    return store.resolve("..data").toRealPath().getFileName().toString();
  }

  private byte[] serverCertificateOf(String generation) throws IOException {
    return Files.readAllBytes(store.resolve(generation).resolve("server.crt"));
  }

  private List<String> hookRuns() throws IOException {
    return Files.exists(hookLog) ? Files.readAllLines(hookLog) : List.of();
  }

  @Test
  void testRollback_goesBackToThePreviousGenerationAndRunsTheHooks() throws IOException {
    applyTwiceRenamingTheHost();

    CliResult run = hostpki("rollback", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(current()).isEqualTo(FIRST);
    assertThat(Files.readAllBytes(store.resolve("server.crt")))
        .isEqualTo(serverCertificateOf(FIRST));
    assertThat(hookRuns()).containsExactly("reload");
    assertThat(run.out())
        .contains(
            "Rolled back store " + store + " from generation " + SECOND + " to generation "
                + FIRST + ", written 2026-11-27 08:00:00 UTC.",
            "The server certificate changed: sha256 ",
            "Ran 1 afterServerChange hook.");
  }

  /**
   * A service its output's own hook reloads (HAProxy's combined PEM) hears of a rollback too, or
   * it keeps serving the certificate rolled away from; an output the switch leaves as it was
   * (the CA as DER) runs nothing.
   */
  @Test
  void testRollback_runsTheHooksOfTheOutputsItChanges() throws IOException {
    String outputs =
        "outputs:\n"
            + "  - {format: combined-pem, file: svc.pem, afterChange: [[sh, -c, \"echo svc >> " + hookLog + "\"]]}\n"
            + "  - {format: der, file: ca.der, certificate: ca, afterChange: [[sh, -c, \"echo ca >> " + hookLog + "\"]]}";
    writeDesired("portal", outputs, "echo reload >> " + hookLog);
    apply();
    writeDesired("portal2", outputs, "echo reload >> " + hookLog);
    apply();
    Files.deleteIfExists(hookLog);

    CliResult run = hostpki("rollback", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(hookRuns()).containsExactly("reload", "svc");
    assertThat(run.out()).contains("Ran 1 afterServerChange hook, 1 afterChange:svc.pem hook.");
  }

  @Test
  void testRollback_saysWhatTheNextApplyWouldRedo() throws IOException {
    applyTwiceRenamingTheHost();

    CliResult run = hostpki("rollback", "-f", "host.yaml");

    assertThat(run.out())
        .contains(
            "Held: until a person runs 'hostpki apply -f host.yaml', unattended runs",
            "unless the desired state is changed first, that apply releases the hold and makes"
                + " these changes:",
            "! held by rollback at 2026-11-27 10:00 UTC",
            "~ server",
            "name portal2.example.com added",
            "Plan: 0 to create, 1 to replace");
  }

  @Test
  void testRollback_thenApplyReappliesTheDesiredState() throws IOException {
    applyTwiceRenamingTheHost();
    assertThat(hostpki("rollback", "-f", "host.yaml").exitCode()).isZero();

    apply();

    assertThat(current()).isEqualTo("..2026_11_27_10_00_00.000000000");
    assertThat(hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isZero();
  }

  @Test
  void testRollback_toANamedGenerationGoesForwardAgainAndSaysNothingIsLeftToDo()
      throws IOException {
    applyTwiceRenamingTheHost();
    assertThat(hostpki("rollback", "-f", "host.yaml").exitCode()).isZero();

    CliResult run = hostpki("rollback", "-f", "host.yaml", "--to", SECOND);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(current()).isEqualTo(SECOND);
    assertThat(run.out())
        .contains("The store matches the desired state: the next 'hostpki apply' changes nothing.");
  }

  /**
   * Trial: an apply killed just before its commit (its generation complete, ..data_tmp linking
   * to it), then the current generation deleted. The error of plan, history's hint and a rollback
   * without --to all took the interrupted write's generation, the newest by name, for the one to
   * restore; now the newest committed one, and the rollback to it works.
   */
  @Test
  void testRollback_ofADanglingDataLinkRestoresTheNewestCommittedGenerationNotAnInterruptedWrites()
      throws IOException {
    applyTwiceRenamingTheHost();
    writeDesired("portal3", "", "echo reload >> " + hookLog);
    apply();
    String interrupted = "..2026_11_27_10_00_00.000000000";
    Files.delete(store.resolve("..data"));
    Files.createSymbolicLink(store.resolve("..data"), Path.of(SECOND));
    Files.createSymbolicLink(store.resolve("..data_tmp"), Path.of(interrupted));
    try (var files = Files.list(store.resolve(SECOND))) { // no folders in it: no trust here
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(store.resolve(SECOND));

    CliResult plan = hostpki("plan", "-f", "host.yaml");
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
    assertThat(plan.err())
        .contains("--to " + FIRST + "; the newer " + interrupted
            + " is what an interrupted write left, never current")
        .doesNotContain("--to " + interrupted);
    assertThat(hostpki("history", "-f", "host.yaml").out())
        .contains("'hostpki rollback -f host.yaml' activates " + FIRST + " (not the newest, "
            + interrupted + ", which an interrupted write left and never made current).");

    CliResult run = hostpki("rollback", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(current()).isEqualTo(FIRST);
    assertThat(run.out())
        .contains("Rolled back store " + store + " (no generation was current) to generation " + FIRST);
    assertThat(store.resolve("..data_tmp")).doesNotExist();
    assertThat(hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isEqualTo(2);
  }

  @Test
  void testRollback_acceptsTheGenerationNameWithoutItsLeadingDots() throws IOException {
    applyTwiceRenamingTheHost();

    CliResult run = hostpki("rollback", "-f", "host.yaml", "--to", FIRST.substring(2));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(current()).isEqualTo(FIRST);
  }

  @Test
  void testRollback_sameServerCertificateRunsNoHooks() throws Exception {
    apply();
    Path trusted = Files.createDirectories(dir.resolve("trusted.d"));
    SecureRandom random = new SecureRandom();
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), random);
    Files.writeString(
        trusted.resolve("ldap.pem"),
        new CertificateIssuer(random)
            .selfSignedCa(Subject.commonName("LDAP CA"), key, T0, Duration.ofDays(30)).pem());
    writeDesired("portal", "trust: {directories: [trusted.d]}", "echo reload >> " + hookLog);
    apply();
    Files.deleteIfExists(hookLog);

    CliResult run = hostpki("rollback", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(current()).isEqualTo(FIRST);
    assertThat(run.out()).contains("The server certificate is the same", "no hooks ran");
    assertThat(hookRuns()).isEmpty();
    assertThat(store.resolve("trust")).doesNotExist();
  }

  @Test
  void testRollback_unknownGenerationIsAnErrorListingTheKeptOnes() throws IOException {
    applyTwiceRenamingTheHost();

    CliResult run = hostpki("rollback", "-f", "host.yaml", "--to", "..2020_01_01_00_00_00.000000000");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "keeps no generation ..2020_01_01_00_00_00.000000000",
            "the kept ones, newest first: " + SECOND + " (current), " + FIRST);
    assertThat(current()).isEqualTo(SECOND);
    assertThat(hookRuns()).isEmpty();
  }

  @Test
  void testRollback_oldestGenerationHasNoneBeforeIt() throws IOException {
    apply();

    CliResult run = hostpki("rollback", "-f", "host.yaml");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("is the oldest kept one: there is none before it");
    assertThat(current()).isEqualTo(FIRST);
  }

  @Test
  void testRollback_storeNeverWrittenIsAnErrorAndCreatesNothing() {
    CliResult run = hostpki("rollback", "-f", "host.yaml");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("has no generations to roll back to");
    assertThat(store).doesNotExist();
  }

  @Test
  void testRollback_currentGenerationAsTargetDoesNothing() throws IOException {
    applyTwiceRenamingTheHost();

    CliResult run = hostpki("rollback", "-f", "host.yaml", "--to", SECOND);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("Generation " + SECOND + " is already current; nothing to do.");
    assertThat(hookRuns()).isEmpty();
  }

  @Test
  void testRollback_lockedStoreIsRefusedAndUnchanged() throws IOException {
    applyTwiceRenamingTheHost();
    StoreLock held = StoreLock.acquire(store, Duration.ZERO, "hostpki apply (test)");
    CliResult run;
    try {
      run = hostpki("rollback", "-f", "host.yaml");
    } finally {
      held.close();
    }

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("is locked by", "hostpki apply (test)");
    assertThat(current()).isEqualTo(SECOND);
  }

  @Test
  void testRollback_failingHookIsAnErrorAfterTheSwitch() throws IOException {
    applyTwiceRenamingTheHost();
    writeDesired("portal2", "", "exit 3");

    CliResult run = hostpki("rollback", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
    assertThat(run.err()).contains("exited with status 3", "the store was rolled back to generation "
        + FIRST, "recorded as pending");
    assertThat(current()).isEqualTo(FIRST);
  }

  @Test
  void testRollback_jsonReportsTheSwitchAndTheNextApplysPlan() throws Exception {
    applyTwiceRenamingTheHost();

    CliResult run = hostpki("rollback", "-f", "host.yaml", "--output", "json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode root = JsonMapper.builder().build().readTree(run.out());
    assertThat(root.get("rolled_back").asBoolean()).isTrue();
    assertThat(root.get("from").asString()).isEqualTo(SECOND);
    assertThat(root.get("to").asString()).isEqualTo(FIRST);
    assertThat(root.get("server_changed").asBoolean()).isTrue();
    assertThat(root.get("ca_changed").asBoolean()).as("the host renamed, the CA kept").isFalse();
    assertThat(root.get("hooks_ran").toString()).isEqualTo("[\"afterServerChange\"]");
    assertThat(root.get("next_apply").get("changes_pending").asBoolean()).isTrue();
    assertThat(root.get("next_apply").get("changes").get(0).get("address").asString())
        .isEqualTo("server");
  }

  /**
   * Rolled back after its server certificate expired (398 days by default), a generation serves
   * an expired certificate until a person's apply releases the hold: rollback says so, in text
   * and in JSON, and a rollback to a generation still valid says nothing.
   */
  @Test
  void testRollback_toAGenerationWhoseServerCertificateExpiredWarnsAndNamesTheApplyThatRenewsIt()
      throws IOException {
    applyTwiceRenamingTheHost();
    CliResult valid = hostpki("rollback", "-f", "host.yaml");
    clock = Clock.offset(clock, Duration.ofDays(400));

    CliResult text = hostpki("rollback", "-f", "host.yaml", "--to", SECOND);
    CliResult json = hostpki("rollback", "-f", "host.yaml", "--to", FIRST, "--output", "json");

    assertThat(valid.err()).doesNotContain("expired");
    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.err())
        .contains(
            "warning: generation " + SECOND + " holds a server certificate that expired at 2027-12-",
            store.resolve("server.crt") + "): clients refuse it, and unattended runs leave it",
            "Run 'hostpki apply -f host.yaml' to release the hold and issue a new one");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    assertThat(JsonMapper.builder().build().readTree(json.out()).get("notices").get(0).asString())
        .startsWith("generation " + FIRST + " holds a server certificate that expired at 2027-12-");
  }

  /**
   * {@code apply --replace ca} is for a suspected key compromise; a rollback to a generation from
   * before it makes the replaced CA sign again, and the next plain apply keeps it (the desired
   * state does not name a CA): rollback says so and names the way to replace it again. A
   * rollback forward to the replacing generation says nothing.
   */
  @Test
  void testRollback_pastARequestedCaReplacementWarnsThatTheReplacedCaSignsAgain() throws IOException {
    apply(); // FIRST
    CliResult replaced = hostpki("apply", "-f", "host.yaml", "--replace", "ca"); // SECOND
    assertThat(replaced.exitCode()).as(replaced.toString()).isZero();

    CliResult back = hostpki("rollback", "-f", "host.yaml", "--to", FIRST);
    CliResult forward = hostpki("rollback", "-f", "host.yaml", "--to", SECOND, "--output", "json");

    assertThat(back.exitCode()).as(back.toString()).isZero();
    assertThat(back.err())
        .contains(
            "warning: generation " + SECOND + " replaced the CA on request (--replace ca, which is"
                + " for a suspected key compromise); generation " + FIRST + " holds the CA it"
                + " replaced (CN=portal hostpki CA, sha256 ",
            "), which now signs again and stays after the next 'hostpki apply -f host.yaml'. If"
                + " its key may have been compromised, run 'hostpki apply -f host.yaml --replace"
                + " ca' again");
    assertThat(forward.exitCode()).as(forward.toString()).isZero();
    assertThat(JsonMapper.builder().build().readTree(forward.out()).get("notices").toString())
        .doesNotContain("--replace ca");
  }

  /**
   * Found by a trial: a rollback that changed the CA said only that the server certificate
   * changed, while the trust outputs and every signature from then on carry the other CA. It says
   * so, in text and in JSON, forward past the replacement too (where no warning is due).
   */
  @Test
  void testRollback_thatChangesTheCaSaysFromWhichToWhich() throws Exception {
    apply(); // FIRST
    String first = Pem.readCertificates(Files.readAllBytes(store.resolve("ca.crt"))).get(0).fingerprint().colonHex();
    hostpki("apply", "-f", "host.yaml", "--replace", "ca").assertSucceeded(); // SECOND
    Fingerprint second = Pem.readCertificates(Files.readAllBytes(store.resolve("ca.crt"))).get(0).fingerprint();
    hostpki("rollback", "-f", "host.yaml", "--to", FIRST).assertSucceeded();

    CliResult forward = hostpki("rollback", "-f", "host.yaml", "--to", SECOND);
    CliResult back = hostpki("rollback", "-f", "host.yaml", "--to", FIRST, "--output", "json");
    CliResult same = hostpki("rollback", "-f", "host.yaml", "--to", FIRST, "--output", "json");

    assertThat(forward.exitCode()).as(forward.toString()).isZero();
    assertThat(forward.out())
        .contains(
            "The CA changed: CN=portal hostpki CA (sha256 " + first + ") -> CN=portal hostpki CA"
                + " (sha256 " + second.colonHex() + ").\n");
    JsonNode json = OutputSchemas.valid("rollback.schema.json", back.out());
    assertThat(json.get("ca_changed").asBoolean()).isTrue();
    assertThat(json.get("ca_sha256").asString()).isEqualTo(
        Pem.readCertificates(Files.readAllBytes(store.resolve("ca.crt"))).get(0).fingerprint().hex());
    assertThat(json.get("ca_sha256").asString()).isNotEqualTo(second.hex());
    JsonNode unchanged = OutputSchemas.valid("rollback.schema.json", same.out());
    assertThat(unchanged.get("ca_changed").asBoolean()).isFalse();
    assertThat(unchanged.get("ca_sha256").asString()).isEqualTo(json.get("ca_sha256").asString());
  }

  /** ({@code hostpki rollback --help} prints the same, through the store commands' help option.) */
  @Test
  void testHelp_showsAnExample() {
    CliResult run = hostpki("help", "rollback");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Examples:", "hostpki rollback -f /etc/hostpki/host.yaml");
  }
}
