package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A hook is a durable obligation: one that did not finish successfully stays pending — recorded
 * with the generation it belongs to, carried into later ones, shown by plan and status, counted
 * as pending work — until an apply runs it successfully; apply exits 3 while it fails. And a
 * rollback holds against unattended runs until a person's apply releases it. Through the real CLI
 * on real folders; the hook is a real {@code sh} that succeeds once the file {@code ok} exists.
 */
class HookObligationTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;
  private Path store;
  private Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    store = dir.resolve("pki");
    writeDesired("192.0.2.10", "");
  }

  private void writeDesired(String address, String extra) throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        String.join(
            "\n",
            "apiVersion: hostpki/v1",
            "store: {path: pki}",
            "host: {detect: false, hostname: portal, domain: example.com, addresses: [" + address + "]}",
            "hooks:",
            "  timeout: 2s",
            "  afterServerChange:",
            "    - [sh, -c, 'echo \"$HOSTPKI_GENERATION $HOSTPKI_CHANGED\" >> runs.log; test -e ok']",
            extra,
            ""));
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(clock).run(args);
  }

  private void later(Duration d) {
    clock = Clock.offset(clock, d);
  }

  private List<String> runs() throws IOException {
    Path log = dir.resolve("runs.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  private void hookSucceeds() throws IOException {
    Files.writeString(dir.resolve("ok"), "");
  }

  private void hookFails() throws IOException {
    Files.deleteIfExists(dir.resolve("ok"));
  }

  private String current() throws IOException {
    return Files.readSymbolicLink(store.resolve("..data")).toString();
  }

  private long generations() throws IOException {
    try (Stream<Path> list = Files.list(store)) {
      return list.filter(p -> p.getFileName().toString().matches("\\.\\.\\d{4}_.*\\d")).count();
    }
  }

  private Object inode(Path file) throws IOException {
    return Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void testFailedHook_exits3AndStaysPendingUntilAnApplyRunsItSuccessfully() throws Exception {
    CliResult first = hostpki("apply", "-f", "host.yaml");

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(3);
    assertThat(first.out()).contains("Applied: store " + store);
    assertThat(first.err()).contains(
        "error: afterServerChange hook [sh, -c, echo \"$HOSTPKI_GENERATION $HOSTPKI_CHANGED\" >>"
            + " runs.log; test -e ok] exited with status 1; the store is now at generation "
            + current() + " and matches the desired state. The hook is recorded as pending");
    String pendingLine =
        "! hooks pending since 2026-11-27 08:00 UTC: afterServerChange hook [sh, -c, echo"
            + " \"$HOSTPKI_GENERATION $HOSTPKI_CHANGED\" >> runs.log; test -e ok] exited with status 1";

    CliResult status = hostpki("status", "-f", "host.yaml");
    assertThat(status.out()).contains("Drift    none", pendingLine);
    JsonNode statusJson = JSON.readTree(hostpki("status", "-f", "host.yaml", "--output", "json").out());
    assertThat(statusJson.get("hooks_pending").get(0).get("hook").asString()).isEqualTo("afterServerChange");
    assertThat(statusJson.get("hooks_pending").get(0).get("last_error").asString()).endsWith("exited with status 1");

    CliResult plan = hostpki("plan", "-f", "host.yaml", "--detailed-exitcode");
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out()).contains(pendingLine,
        "No changes: the store matches the desired state (4 resources checked), but hooks are"
            + " pending: the next apply runs them.");
    JsonNode planJson = JSON.readTree(hostpki("plan", "-f", "host.yaml", "--output", "json").out());
    assertThat(planJson.get("changes")).isEmpty();
    assertThat(planJson.get("changes_pending").asBoolean()).isTrue();
    assertThat(planJson.get("hooks_pending").get(0).get("since").asString()).isEqualTo("2026-11-27T08:00:00Z");
    assertThat(planJson.get("hooks_pending").get(0).get("changed").toString())
        .isEqualTo("[\"ca\",\"server\",\"output/server-fullchain.crt\",\"output/trust-bundle.crt\"]");
    CliResult check = hostpki("apply", "-f", "host.yaml", "--check");
    assertThat(check.exitCode()).isEqualTo(2);
    assertThat(check.out()).contains("but hooks are pending: the next apply runs them.");

    String generation = current();
    CliResult again = hostpki("apply", "-f", "host.yaml");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(3);
    assertThat(again.err()).contains("the store did not change and matches the desired state");
    assertThat(generations()).isEqualTo(1);

    hookSucceeds();
    CliResult fixed = hostpki("apply", "-f", "host.yaml");
    assertThat(fixed.exitCode()).as(fixed.toString()).isZero();
    // Found by a trial: apply said "the next apply runs them" and then ran them itself.
    assertThat(fixed.out())
        .contains(pendingLine, "but hooks are pending: this apply runs them now.", "Ran the hooks: afterServerChange.")
        .doesNotContain("the next apply runs them");
    assertThat(runs()).hasSize(3).allMatch(r -> r.startsWith(generation + " ca,server,"));

    assertThat(hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isZero();
    CliResult converged = hostpki("apply", "-f", "host.yaml");
    assertThat(converged.out()).contains("No changes").doesNotContain("Ran the hooks");
    assertThat(runs()).hasSize(3);
  }

  @Test
  void testApplyJson_reportsTheHooksAndTheirFailure() throws Exception {
    JsonNode failed = JSON.readTree(hostpki("apply", "-f", "host.yaml", "--output", "json").out());
    assertThat(failed.get("changed").asBoolean()).isTrue();
    assertThat(failed.get("hooks_ran")).isEmpty();
    assertThat(failed.get("hook_error").asString()).contains("exited with status 1");

    hookSucceeds();
    JsonNode retried = JSON.readTree(hostpki("apply", "-f", "host.yaml", "--output", "json").out());
    assertThat(retried.get("changed").asBoolean()).as("a hook ran").isTrue();
    assertThat(retried.get("generation").isNull()).isTrue();
    assertThat(retried.get("hooks_ran").get(0).asString()).isEqualTo("afterServerChange");
    assertThat(retried.get("hook_error").isNull()).isTrue();
  }

  @Test
  void testPendingHook_isCarriedIntoTheNextGenerationWithItsFirstTime() throws Exception {
    hostpki("apply", "-f", "host.yaml");
    Path firstGeneration = store.resolve(current());
    later(Duration.ofHours(1));
    writeDesired("192.0.2.11", "");

    CliResult second = hostpki("apply", "-f", "host.yaml");

    assertThat(second.exitCode()).as(second.toString()).isEqualTo(3);
    Path secondGeneration = store.resolve(current());
    assertThat(secondGeneration).isNotEqualTo(firstGeneration);
    assertThat(runs().get(1))
        .isEqualTo(current() + " ca,server,output/server-fullchain.crt,output/trust-bundle.crt");
    assertThat(hostpki("plan", "-f", "host.yaml").out())
        .contains("! hooks pending since 2026-11-27 08:00 UTC:");
    assertThat(inode(secondGeneration.resolve(".hooks-due.json")))
        .isNotEqualTo(inode(firstGeneration.resolve(".hooks-due.json")));
    assertThat(inode(secondGeneration.resolve(".hooks-done.json")))
        .isNotEqualTo(inode(firstGeneration.resolve(".hooks-done.json")));
  }

  @Test
  void testDoneRecord_isNeverCarriedOverByAHardLink() throws Exception {
    hookSucceeds();
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    Path first = store.resolve(current());
    String firstDone = Files.readString(first.resolve(".hooks-done.json"));
    later(Duration.ofHours(1));
    writeDesired("192.0.2.10", "trust: {hashedDirectory: true}");

    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero(); // no server change: no hook
    Path second = store.resolve(current());
    assertThat(inode(second.resolve("ca.crt"))).as("unchanged files are shared")
        .isEqualTo(inode(first.resolve("ca.crt")));
    assertThat(second.resolve(".hooks-done.json")).doesNotExist();
    assertThat(second.resolve(".hooks-due.json")).doesNotExist();

    hookFails();
    later(Duration.ofHours(1));
    writeDesired("192.0.2.12", "trust: {hashedDirectory: true}");
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isEqualTo(3);
    assertThat(Files.readString(first.resolve(".hooks-done.json"))).isEqualTo(firstDone);
    assertThat(hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isEqualTo(2);
  }

  @Test
  void testHookRemovedFromTheDesiredState_isNoLongerPending() throws Exception {
    hostpki("apply", "-f", "host.yaml");
    Files.writeString(dir.resolve("host.yaml"),
        Files.readString(dir.resolve("host.yaml")).replaceAll("(?s)hooks:.*", ""));

    assertThat(hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isZero();
  }

  /** Two generations, the second current: the host's address changed. Hooks succeed. */
  private String twoGenerations() throws IOException {
    hookSucceeds();
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    String first = current();
    later(Duration.ofHours(1));
    writeDesired("192.0.2.11", "");
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    later(Duration.ofHours(1));
    return first;
  }

  @Test
  void testRollback_holdsAgainstUnattendedAppliesUntilAPersonApplies() throws Exception {
    String first = twoGenerations();
    CliResult rollback = hostpki("rollback", "-f", "host.yaml");
    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    assertThat(current()).isEqualTo(first);
    String hold = "! held by rollback at 2026-11-27 10:00 UTC (generation " + first + "): unattended"
        + " runs (watch, apply --unattended) leave the store as it is; run `hostpki apply` to release it";
    assertThat(hostpki("status", "-f", "host.yaml").out()).contains(hold);

    CliResult unattended = hostpki("apply", "-f", "host.yaml", "--unattended");
    assertThat(unattended.exitCode()).as(unattended.toString()).isZero();
    assertThat(unattended.out()).contains(hold, "~ server",
        "Held by rollback at 2026-11-27 10:00 UTC; run `hostpki apply -f host.yaml` to release it."
            + " Nothing above was applied.");
    assertThat(current()).isEqualTo(first);
    assertThat(hostpki("apply", "-f", "host.yaml", "--unattended", "--check").exitCode()).isZero();
    assertThat(hostpki("apply", "-f", "host.yaml", "--check").exitCode()).isEqualTo(2);
    assertThat(hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isEqualTo(2);
    JsonNode json = JSON.readTree(hostpki("apply", "-f", "host.yaml", "--unattended", "--output", "json").out());
    assertThat(json.get("changed").asBoolean()).isFalse();
    assertThat(json.get("held_by_rollback").asString()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(json.get("plan").get("hold").get("to").asString()).isEqualTo(first);

    CliResult person = hostpki("apply", "-f", "host.yaml");
    assertThat(person.exitCode()).as(person.toString()).isZero();
    assertThat(person.out()).contains("Released the hold of the rollback at 2026-11-27 10:00 UTC.", "Applied:");
    assertThat(current()).isNotEqualTo(first);
    assertThat(hostpki("status", "-f", "host.yaml").out()).doesNotContain("held by rollback");
  }

  @Test
  void testRollback_aPersonsApplyWithNothingToChangeReleasesTheHoldToo() throws Exception {
    String first = twoGenerations();
    hostpki("rollback", "-f", "host.yaml");
    writeDesired("192.0.2.10", ""); // the desired state follows the rollback
    // nothing to change but the hold a person's apply releases: a check says a change is pending
    assertThat(hostpki("apply", "-f", "host.yaml", "--check").exitCode()).isEqualTo(2);
    assertThat(hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isEqualTo(2);
    assertThat(hostpki("apply", "-f", "host.yaml", "--unattended", "--check").exitCode()).isZero();

    CliResult person = hostpki("apply", "-f", "host.yaml");

    assertThat(person.out()).contains("No changes", "Released the hold of the rollback");
    assertThat(current()).isEqualTo(first);
    assertThat(store.resolve(first).resolve(".hold.json")).doesNotExist();
    assertThat(hostpki("plan", "-f", "host.yaml").out()).doesNotContain("held by rollback");
  }

  @Test
  void testRollback_hooksThatFailArePendingAndRunEvenWhileHeld() throws Exception {
    String first = twoGenerations();
    hookFails();

    CliResult rollback = hostpki("rollback", "-f", "host.yaml");

    assertThat(rollback.exitCode()).as(rollback.toString()).isEqualTo(3);
    assertThat(hostpki("plan", "-f", "host.yaml").out()).contains("! hooks pending since 2026-11-27 10:00 UTC");
    hookSucceeds();
    CliResult unattended = hostpki("apply", "-f", "host.yaml", "--unattended");
    assertThat(unattended.exitCode()).as(unattended.toString()).isZero();
    assertThat(unattended.out()).contains("Ran the hooks: afterServerChange.", "Nothing above was applied");
    assertThat(current()).isEqualTo(first);
    assertThat(runs().get(runs().size() - 1)).isEqualTo(first + " server,output/server-fullchain.crt"); // as an apply names them
  }

  @Test
  void testRollback_carriesHooksStillPendingFromTheGenerationItLeaves() throws Exception {
    String first = twoGenerations();
    hookFails();
    later(Duration.ofHours(1));
    writeDesired("192.0.2.12", "");
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isEqualTo(3); // pending since 11:00

    later(Duration.ofHours(1));
    hostpki("rollback", "-f", "host.yaml", "--to", first);

    // Not 12:00, the time of the rollback: the hook has been owed since 11:00.
    assertThat(hostpki("plan", "-f", "host.yaml").out()).contains("! hooks pending since 2026-11-27 11:00 UTC");
  }

  /**
   * Found: {@code kill -TERM} of an apply (or Ctrl-C at a terminal) left its hook running, in a
   * session of its own that neither signal reaches, while the store still called the hook due: the
   * next apply ran it a second time beside or after it. A stop of hostpki now stops the hook too,
   * which stays due; the next apply runs it once.
   */
  @Test
  void testApply_stoppedWhileAHookRunsStopsTheHookTooAndItStaysDue() throws Exception {
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\n"
            + "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}\n"
            + "hooks: {afterServerChange: [[sh, -c, 'echo $$ > hook.pid; exec sleep 60']]}\n");
    Path pid = dir.resolve("hook.pid");
    org.hostpki.testkit.ProcessResult stopped;
    long hook = -1;
    try {
      try (org.hostpki.testkit.RunningProcess apply =
          Cli.childJvm(dir, "apply", "-f", "host.yaml").timeout(org.hostpki.testkit.Command.LONG_GUARD).start()) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!(Files.exists(pid) && Files.readString(pid).endsWith("\n")) && apply.isAlive()
            && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        hook = Long.parseLong(Files.readString(pid).strip());
        org.hostpki.testkit.Command.of("kill", "-TERM", Long.toString(apply.pid())).run().assertSucceeded();
        stopped = apply.await(Duration.ofMinutes(1));
      }
      long gone = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (running(hook) && System.nanoTime() < gone) {
        Thread.sleep(20);
      }

      assertThat(running(hook)).as(stopped.toString()).isFalse();
      assertThat(stopped.stderr()).contains("hook: hostpki is being stopped: stopping sh -c echo $$ > hook.pid;");
      assertThat(hostpki("plan", "-f", "host.yaml").out()).contains("! hooks pending since");
    } finally {
      if (hook > 0) {
        ProcessHandle.of(hook).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /**
   * A run killed while its hook runs (kill -9: nothing of it runs after) leaves the record as it
   * was while the hook ran: that is what the hook copies here. The next plan (a restarted watch's
   * "hooks pending" line) says that run recorded no end, not the earlier attempt's failure.
   */
  @Test
  void testHookRecord_whileTheHookRunsSaysARunStartedIt_notTheEarlierFailure() throws Exception {
    writeDesired("192.0.2.10", "");
    Files.writeString(dir.resolve("host.yaml"), Files.readString(dir.resolve("host.yaml")).replace(
        "test -e ok", "cp pki/..data/.hooks-done.json while-running.json 2>/dev/null; test -e ok"));
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isEqualTo(3); // failed: exited with 1
    later(Duration.ofMinutes(5));
    hookSucceeds();
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    Path record = store.resolve("..data").resolve(".hooks-done.json");
    Files.delete(record);
    Files.copy(dir.resolve("while-running.json"), record); // as a kill -9 mid-hook left it

    assertThat(hostpki("plan", "-f", "host.yaml").out()).contains(
        "! hooks pending since 2026-11-27 08:00 UTC: the run that started it at 2026-11-27 08:05 UTC"
            + " recorded no end: that run was killed (or the machine stopped) while the hook ran, or it"
            + " is still running it");
  }

  /** Whether the process runs: not gone, and not a zombie no one has reaped yet. */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }
}
