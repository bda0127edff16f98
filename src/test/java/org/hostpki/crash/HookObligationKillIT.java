package org.hostpki.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code hostpki apply} killed with SIGKILL after it committed the new set, before its hook
 * could finish — as the OOM killer or a power cut would — leaves the hook pending, and the next
 * real apply runs it: the nginx trial's "83 s of curl error 60 until a person reloaded" cannot
 * happen. The hook writes a line to {@code runs.log} and then waits until {@code release} exists.
 */
class HookObligationKillIT {
  private static final Map<String, String> ENV = Map.of();

  @TempDir Path dir;
  private Path store;

  @BeforeEach
  void writeDesired() throws IOException {
    store = dir.resolve("pki");
    Files.writeString(
        dir.resolve("host.yaml"),
        String.join(
            "\n",
            "apiVersion: hostpki/v1",
            "store: {path: pki}",
            "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}",
            "hooks:",
            "  afterServerChange:",
            "    - [sh, -c, 'echo ran >> runs.log; [ -e release ] || sleep 60']",
            ""));
  }

  private List<String> runs() throws IOException {
    Path log = dir.resolve("runs.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  @Test
  void testKilledRightAfterTheCommit_theNextApplyRunsTheHook() throws Exception {
    HostpkiProcess apply = HostpkiProcess.start(dir, ENV, "apply", "-f", "host.yaml");
    Path data = store.resolve("..data");
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Files.exists(data, LinkOption.NOFOLLOW_LINKS) && apply.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    apply.kill(); // the instant the commit is seen
    assertThat(Files.exists(data, LinkOption.NOFOLLOW_LINKS)).as("the new set was committed").isTrue();
    int ranBeforeTheKill = runs().size();

    // killed before the hook's record was written, or after (the record then says a run started it)
    assertPendingThenRunByTheNextApply(ranBeforeTheKill, List.of(
        ": no run of it ended (hostpki was stopped after writing the store, before the hook ran or while it ran)",
        " recorded no end: that run was killed (or the machine stopped) while the hook ran, or it is still running it"));
  }

  @Test
  void testKilledWhileTheHookRuns_theNextApplyRunsItAgain() throws Exception {
    HostpkiProcess apply = HostpkiProcess.start(dir, ENV, "apply", "-f", "host.yaml");
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (runs().isEmpty() && apply.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    apply.kill(); // with its hook
    assertThat(runs()).as("the hook had started").hasSize(1);

    // the record says the run that started the hook never recorded its end, not an older reason
    assertPendingThenRunByTheNextApply(1, List.of(
        " recorded no end: that run was killed (or the machine stopped) while the hook ran, or it is still running it"));
  }

  /** @param why what the pending line says, in one of these words */
  private void assertPendingThenRunByTheNextApply(int ranBefore, List<String> why) throws Exception {
    HostpkiProcess.Result plan = HostpkiProcess.runHere(dir, ENV, "plan", "-f", "host.yaml", "--detailed-exitcode");
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out()).contains("! hooks pending since ", "No changes: the store matches the desired state");
    assertThat(why).as(plan.out()).anyMatch(w -> plan.out().contains(w));
    HostpkiProcess.Result status = HostpkiProcess.runHere(dir, ENV, "status", "-f", "host.yaml");
    assertThat(status.out()).contains("Drift    none", "! hooks pending since ");

    Files.writeString(dir.resolve("release"), "");
    HostpkiProcess.Result next = HostpkiProcess.run(dir, ENV, "apply", "-f", "host.yaml");

    assertThat(next.exitCode()).as(next.toString()).isZero();
    assertThat(next.out()).contains("Ran the hooks: afterServerChange.");
    assertThat(runs()).hasSize(ranBefore + 1);
    assertThat(HostpkiProcess.runHere(dir, ENV, "plan", "-f", "host.yaml", "--detailed-exitcode").exitCode())
        .isZero();
  }
}
