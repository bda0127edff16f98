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
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hostpki.store.StoreLock;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan/apply cycle through the real CLI on real temporary directories. */
class ApplyCommandTest {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "s3cret-pw");

  @TempDir Path dir;
  private Path yaml;
  private Path store;
  private Clock clock = Clock.fixed(Instant.parse("2026-11-27T08:00:00Z"), ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    yaml = dir.resolve("host.yaml");
    store = dir.resolve("pki");
    writeDesired("portal", "192.0.2.10");
  }

  private void writeDesired(String hostname, String address) throws IOException {
    Files.writeString(
        yaml,
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
            "  addresses: [" + address + "]",
            "ca:",
            "  subject: {commonName: Example Portal CA, organization: Example Corp, country: US}",
            ""));
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(clock).env(ENV).run(args);
  }

  private SortedMap<String, byte[]> storeBytes() throws IOException {
    SortedMap<String, byte[]> files = new TreeMap<>();
    if (!Files.exists(store)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(store)) {
      for (Path p : walk.toList()) {
        String rel = store.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          files.put(rel + " -> ", Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.put(rel, Files.readAllBytes(p));
        }
      }
    }
    return files;
  }

  private static void assertSameBytes(SortedMap<String, byte[]> a, SortedMap<String, byte[]> b) {
    assertThat(b.keySet()).isEqualTo(a.keySet());
    a.forEach((k, v) -> assertThat(b.get(k)).as(k).isEqualTo(v));
  }

  @Test
  void testApply_freshStoreThenSecondApplyIsANoOp() throws IOException {
    CliResult first = hostpki("apply", "-f", "host.yaml");
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out()).contains("+ ca", "+ server", "Plan: 6 to create");
    for (String name :
        new String[] {"ca.crt", "ca.key", "server.crt", "server.key", "server-fullchain.crt", "server.p12", "trust-bundle.crt", "truststore.p12"}) {
      assertThat(store.resolve(name)).as(name).exists();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve("server.key"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve("ca.key"))))
        .isEqualTo("rw-------");
    SortedMap<String, byte[]> before = storeBytes();

    CliResult second = hostpki("apply", "-f", "host.yaml");

    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.out()).contains("No changes");
    assertSameBytes(before, storeBytes());
  }

  @Test
  void testApply_hostnameChangeReplacesOnlyTheServer() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    byte[] ca = Files.readAllBytes(store.resolve("ca.crt"));
    byte[] server = Files.readAllBytes(store.resolve("server.crt"));
    writeDesired("portal2", "192.0.2.10");

    CliResult plan = hostpki("plan", "-f", "host.yaml", "--detailed-exitcode");
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out()).contains("~ server", "host identity changed", "name portal2.example.com added");
    CliResult apply = hostpki("apply", "-f", "host.yaml");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(Files.readAllBytes(store.resolve("ca.crt"))).isEqualTo(ca);
    assertThat(Files.readAllBytes(store.resolve("server.crt"))).isNotEqualTo(server);
    assertThat(hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isZero();
  }

  @Test
  void testApply_checkReportsPendingChangesWithExit2AndWritesNothing() {
    CliResult check = hostpki("apply", "-f", "host.yaml", "--check");

    assertThat(check.exitCode()).as(check.toString()).isEqualTo(2);
    assertThat(store.resolve("ca.crt")).doesNotExist();
  }

  @Test
  void testApply_expiringServerIsRenewedWhenTheClockMoves() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    byte[] ca = Files.readAllBytes(store.resolve("ca.crt"));
    clock = Clock.offset(clock, Duration.ofDays(380));

    CliResult apply = hostpki("apply", "-f", "host.yaml");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("~ server", "expires on");
    assertThat(Files.readAllBytes(store.resolve("ca.crt"))).isEqualTo(ca);
  }

  @Test
  void testApply_wrongPkcs12PasswordIsAnErrorAndChangesNothing() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    SortedMap<String, byte[]> before = storeBytes();

    CliResult run = Cli.in(dir).clock(clock).env(Map.of("HOSTPKI_PASSWORD", "wrong")).run("apply", "-f", "host.yaml");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("server.p12", "cannot be opened with the store password");
    assertThat(run.err()).doesNotContain("Exception", "wrong");
    assertSameBytes(before, storeBytes());
  }

  @Test
  void testApply_missingPasswordVariableIsAnError() {
    CliResult run = Cli.in(dir).clock(clock).run("apply", "-f", "host.yaml");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("HOSTPKI_PASSWORD is not set");
    assertThat(store.resolve("ca.crt")).doesNotExist();
  }

  @Test
  void testApply_concurrentApplyIsRefusedNamingTheHolder() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    writeDesired("portal2", "192.0.2.10");
    SortedMap<String, byte[]> before = storeBytes();
    try (StoreLock held = StoreLock.acquire(store, Duration.ZERO, "test holder")) {
      CliResult run = hostpki("apply", "-f", "host.yaml");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("locked", "test holder");
    }
    assertSameBytes(before, storeBytes());
  }

  /** A timer's apply waiting for Ansible's says whom it waits for in the journal, not only at the end. */
  @Test
  void testApply_waitingForTheLockSaysWhomForInALog() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    writeDesired("portal2", "192.0.2.10");
    try (StoreLock held = StoreLock.acquire(store, Duration.ZERO, "test holder")) {
      CliResult run = hostpki("apply", "-f", "host.yaml", "--unattended", "--lock-timeout", "1s");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err())
          .startsWith("hostpki: waiting up to 1s for store ")
          .contains("pki, locked by pid " + ProcessHandle.current().pid() + " (test holder, since ")
          .contains("is locked by pid ", "(waited 1s)");
    }
  }

  @Test
  void testApply_staleSavedPlanIsRefused() throws IOException {
    assertThat(hostpki("plan", "-f", "host.yaml", "--out", "plan.json").exitCode()).isZero();
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    SortedMap<String, byte[]> before = storeBytes();

    CliResult run = hostpki("apply", "-f", "host.yaml", "--plan", "plan.json");

    assertThat(run.exitCode()).isEqualTo(1);
    // Found by a trial (tconc11): it did not say which input changed.
    assertThat(run.err())
        .contains("plan.json is stale: since it was made, the store (generation none → "
            + Files.readSymbolicLink(store.resolve("..data"))
            + ": another apply, a rollback or a revoke wrote it since; 'hostpki history' shows what) changed;"
            + " nothing was applied");
    assertSameBytes(before, storeBytes());
  }

  /** Found by a trial: refused as stale, a plan for a new store still left its folder (and .lock). */
  @Test
  void testApply_stalePlanForANewStoreLeavesNoStoreFolder() throws IOException {
    assertThat(hostpki("plan", "-f", "host.yaml", "--out", "plan.json").exitCode()).isZero();
    writeDesired("portal2", "192.0.2.10");

    CliResult run = hostpki("apply", "-f", "host.yaml", "--plan", "plan.json");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err())
        .contains("plan.json is stale: since it was made, the host identity (its names or addresses) and the"
            + " desired state (its file was edited, or another file was given) changed; nothing was applied");
    assertThat(store).doesNotExist();
  }

  /**
   * Found by a trial: a plan the clock overtook (a renewal fell due) was called stale because the
   * store, host identity, desired state or a trusted certificate had changed, though none had; an
   * edited plan's changes are shown escaped.
   */
  @Test
  void testApply_planTheClockOvertookIsStaleNamingBothChanges() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    assertThat(hostpki("plan", "-f", "host.yaml", "--out", "plan.json").exitCode()).isZero();
    Path edited = dir.resolve("edited.json");
    Files.writeString(edited, Files.readString(dir.resolve("plan.json"))
        .replace("\"changes\":[]", "\"changes\":[{\"address\":\"ca\\u001b[2J\",\"action\":\"create\"}]"));
    SortedMap<String, byte[]> before = storeBytes();

    CliResult tampered = hostpki("apply", "-f", "host.yaml", "--plan", "edited.json");
    clock = Clock.offset(clock, Duration.ofDays(400)); // past the server certificate's 398 days
    CliResult run = hostpki("apply", "-f", "host.yaml", "--plan", "plan.json");

    assertThat(tampered.exitCode()).as(tampered.toString()).isEqualTo(1);
    assertThat(tampered.err()).contains("(saved: ca\\x1b[2J create; now: no changes)").doesNotContain("\u001b");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err())
        .contains("plan.json is stale: the store, the host identity and the desired state are as they were, but a"
            + " plan made now has other changes (saved: no changes; now: server replace, ")
        .contains("time has passed since it was made (a renewal fell due)");
    assertSameBytes(before, storeBytes());
  }

  /**
   * Found by a trial: a plan saved with --replace server was refused as stale ("the store, the host
   * identity, the desired state or a trusted certificate changed") unless --replace was given again.
   */
  @Test
  void testApply_planSavedWithReplaceIsAppliedAsMade_andAnotherReplaceIsRefused() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    byte[] key = Files.readAllBytes(store.resolve("server.key"));
    assertThat(hostpki("plan", "-f", "host.yaml", "--replace", "server", "--out", "plan.json").exitCode()).isZero();

    SortedMap<String, byte[]> before = storeBytes();
    CliResult other = hostpki("apply", "-f", "host.yaml", "--plan", "plan.json", "--replace", "ca");
    SortedMap<String, byte[]> afterOther = storeBytes();
    CliResult run = hostpki("apply", "-f", "host.yaml", "--plan", "plan.json");

    assertThat(other.exitCode()).as(other.toString()).isEqualTo(1);
    assertThat(other.err())
        .contains("plan.json was made with --replace server, and this apply gives --replace ca; nothing was applied")
        .contains("give --plan without --replace");
    assertSameBytes(before, afterOther);
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(Files.readAllBytes(store.resolve("server.key"))).isNotEqualTo(key);
  }

  @Test
  void testApply_planSavedWithAReplaceThatChangedNothingTakesTheSameReplaceAgain() throws IOException {
    // A new store: --replace server asks for what is made anyway, so no change says it was asked.
    assertThat(hostpki("plan", "-f", "host.yaml", "--replace", "server", "--out", "plan.json").exitCode()).isZero();

    CliResult run = hostpki("apply", "-f", "host.yaml", "--plan", "plan.json", "--replace", "server");

    assertThat(Files.readString(dir.resolve("plan.json"))).contains("\"replace\":[\"server\"]");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(store.resolve("server.crt")).exists();
  }

  /** Under sudo, 'apply --plan /etc/shadow' quoted the file's first character. */
  @Test
  void testApply_aPlanFileThatIsNotJsonIsRefusedWithoutQuotingIt() throws IOException {
    Files.writeString(dir.resolve("shadow"), "root:$6$secret:19000:0:99999:7:::\n");

    CliResult run = hostpki("apply", "-f", "host.yaml", "--plan", "shadow");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(dir.resolve("shadow") + ": not a hostpki plan file (not JSON); make one with 'hostpki plan --out FILE'")
        .doesNotContain("'r'", "root", "secret");
    assertThat(store).doesNotExist();
  }

  @Test
  void testApply_planSavedInTheOldFormatIsRefusedWithWhatToDo() throws IOException {
    assertThat(hostpki("plan", "-f", "host.yaml", "--out", "plan.json").exitCode()).isZero();
    Path saved = dir.resolve("plan.json");
    // What hostpki 0.1 saved: format 1, attributes as display strings.
    Files.writeString(
        saved,
        Files.readString(saved).replace("\"format_version\":\"2\"", "\"format_version\":\"1\""));

    CliResult run = hostpki("apply", "-f", "host.yaml", "--plan", "plan.json");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "saved plan " + saved + " is in plan format 1, written by an older hostpki; this hostpki applies"
                + " format 2 only, and nothing was applied. Make the plan again with 'hostpki plan --out'");
    assertThat(store.resolve("server.crt")).doesNotExist();
  }

  @Test
  void testApply_planSavedByAnotherBuildIsRefusedNamingBoth() throws IOException {
    // After a package upgrade: a66e5e8 computed the same basis and changes as this build, and its
    // saved plan was applied; 2d989d9's was called stale though nothing had changed.
    assertThat(hostpki("plan", "-f", "host.yaml", "--out", "plan.json").exitCode()).isZero();
    Path saved = dir.resolve("plan.json");
    String plan = Files.readString(saved);
    String thisBuild = VersionReport.ofThisProcess().build();
    assertThat(plan).contains("\"written_by\":\"" + thisBuild + "\"");

    Files.writeString(saved, plan.replace(thisBuild, "hostpki 0.0.9, commit 0123abc\\u001b[2J"));
    CliResult other = hostpki("apply", "-f", "host.yaml", "--plan", "plan.json");
    Files.writeString(saved, plan.replace("\"written_by\":\"" + thisBuild + "\",", ""));
    CliResult older = hostpki("apply", "-f", "host.yaml", "--plan", "plan.json");

    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(other.err())
        .contains(
            "saved plan " + saved + " was written by hostpki 0.0.9, commit 0123abc\\x1b[2J; this is "
                + thisBuild + ", which applies only the plans it made itself",
            "nothing was applied. Make the plan again with 'hostpki plan --out'")
        .doesNotContain("\u001b");
    assertThat(older.exitCode()).isEqualTo(1);
    assertThat(older.err()).contains("was written by an older hostpki, which did not record its build");
    assertThat(store.resolve("server.crt")).doesNotExist();
  }

  @Test
  void testApply_currentSavedPlanIsApplied() {
    assertThat(hostpki("plan", "-f", "host.yaml", "--out", "plan.json").exitCode()).isZero();

    CliResult run = hostpki("apply", "-f", "host.yaml", "--plan", "plan.json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(store.resolve("server.crt")).exists();
  }

  @Test
  void testApply_deletedServerKeyIsReplaced() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    Files.delete(store.resolve("..data").toRealPath().resolve("server.key"));

    CliResult run = hostpki("apply", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("server.key is missing");
    assertThat(hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isZero();
  }

  @Test
  void testApply_deletedCaKeyIsRefusedWithTheRollbackThatRestoresIt() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    String first = Files.readSymbolicLink(store.resolve("..data")).toString();
    writeDesired("portal", "192.0.2.11");
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    byte[] ca = Files.readAllBytes(store.resolve("ca.crt"));
    Files.delete(store.resolve("..data").toRealPath().resolve("ca.key"));
    SortedMap<String, byte[]> before = storeBytes();

    CliResult timer = hostpki("apply", "-f", "host.yaml", "--unattended");
    CliResult plan = hostpki("plan", "-f", "host.yaml");

    assertThat(timer.exitCode()).as(timer.toString()).isEqualTo(1);
    assertThat(timer.err())
        .contains("ca.key is missing", "break every client", "generation " + first + " still holds it",
            "hostpki rollback -f ", "--to " + first, "--replace ca");
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
    assertSameBytes(before, storeBytes());
    CliResult replaced = hostpki("apply", "-f", "host.yaml", "--replace", "ca");
    assertThat(replaced.exitCode()).as(replaced.toString()).isZero();
    assertThat(Files.readAllBytes(store.resolve("ca.crt"))).isNotEqualTo(ca);
    assertThat(store.resolve("ca.key")).exists();
  }

  @Test
  void testApply_deletedPkcs12IsTheOnlyFileRewritten() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    byte[] server = Files.readAllBytes(store.resolve("server.crt"));
    Files.delete(store.resolve("..data").toRealPath().resolve("server.p12"));

    CliResult run = hostpki("apply", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("+ output/server.p12", "Plan: 1 to create, 0 to replace, 0 to update, 0 to delete");
    assertThat(Files.readAllBytes(store.resolve("server.crt"))).isEqualTo(server);
  }

  @Test
  void testApply_replaceServerMakesANewKey() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    byte[] key = Files.readAllBytes(store.resolve("server.key"));

    CliResult run = hostpki("apply", "-f", "host.yaml", "--replace", "server");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("replacement requested");
    assertThat(Files.readAllBytes(store.resolve("server.key"))).isNotEqualTo(key);
  }

  @Test
  void testApply_unknownReplaceTargetIsAUsageError() {
    CliResult run = hostpki("apply", "-f", "host.yaml", "--replace", "everything");

    assertThat(run.exitCode()).isEqualTo(64);
    assertThat(run.err()).contains("'everything' cannot be replaced; use ca or server");
  }

  @Test
  void testOutput_neverContainsKeyMaterialOrThePassword() throws IOException {
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    for (String[] args :
        new String[][] {
          {"plan", "-f", "host.yaml"}, {"plan", "-f", "host.yaml", "--output", "json"},
          {"status", "-f", "host.yaml"}, {"status", "-f", "host.yaml", "--output", "json"},
          {"apply", "-f", "host.yaml", "--output", "json"}, {"apply", "-f", "host.yaml", "--check"},
          {"export", "-f", "host.yaml", "server-chain"}, {"export", "-f", "host.yaml", "trust-bundle"}
        }) {
      CliResult run = hostpki(args);
      assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run).isZero();
      assertThat(run.out() + run.err()).doesNotContain("PRIVATE KEY", "s3cret-pw");
    }
  }

  @Test
  void testApply_onATerminalLeavesNoProgressOnTheScreen_inAPipeWritesNone() {
    CliResult onTerminal = Cli.in(dir).clock(clock).env(Map.of("HOSTPKI_PASSWORD", "s3cret-pw", "NO_COLOR", "1")).onTerminal().run("apply", "-f", "host.yaml");
    assertThat(onTerminal.exitCode()).as(onTerminal.toString()).isZero();
    assertThat(TerminalScreen.visible(onTerminal.err())).doesNotContain("hostpki:");
    assertThat(onTerminal.out()).contains("Applied: store");

    CliResult scripted = hostpki("apply", "-f", "host.yaml", "--replace", "server");
    assertThat(scripted.exitCode()).isZero();
    assertThat(scripted.err()).doesNotContain("hostpki:").doesNotContain("\u001b");
  }

}
