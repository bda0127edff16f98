package org.hostpki.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hostpki.store.StoreDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code hostpki apply} processes on one store. The first holds the store lock for as long as
 * the test wants: its afterServerChange hook, which apply runs under the lock, waits for a file
 * the test creates. (The lock itself is tested in the store package; this is the command line.)
 */
class ConcurrentApplyIT {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "lock-test-pw");
  /** A guard against a hang, never a measure: a cold JVM on a busy machine is slow. */
  private static final Duration GUARD = Duration.ofSeconds(120);

  @TempDir Path dir;
  private Path started;
  private Path release;
  private final List<HostpkiProcess> children = new ArrayList<>();

  @BeforeEach
  void writeDesiredStateWithAHookThatWaits() throws IOException {
    started = dir.resolve("hook-started");
    release = dir.resolve("hook-release");
    // At most a minute, should the test die before it releases the hook.
    String hook = "touch " + started + "; i=0; while [ ! -e " + release + " ] && [ $i -lt 1200 ];"
        + " do sleep 0.05; i=$((i+1)); done";
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
            "  hostname: portal",
            "  domain: example.com",
            "  addresses: [192.0.2.10]",
            "hooks:",
            "  afterServerChange:",
            "    - [sh, -c, \"" + hook + "\"]",
            ""));
  }

  @AfterEach
  void stopChildren() throws IOException, InterruptedException {
    Files.writeString(release, "");
    for (HostpkiProcess child : children) {
      child.kill();
    }
  }

  private HostpkiProcess start(String... args) throws IOException {
    HostpkiProcess child = HostpkiProcess.start(dir, ENV, args);
    children.add(child);
    return child;
  }

  /** Starts an apply and returns once it holds the lock: its hook has started. */
  private HostpkiProcess startHolder() throws IOException, InterruptedException {
    HostpkiProcess holder = start("apply", "-f", "host.yaml");
    long deadline = System.nanoTime() + GUARD.toNanos();
    while (!Files.exists(started)) {
      if (!holder.isAlive()) {
        throw new AssertionError("the holder ended before its hook ran:\n" + holder.await());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the holder's hook did not start within " + GUARD);
      }
      Thread.sleep(50);
    }
    return holder;
  }

  private String lockFile() throws IOException {
    return Files.readString(dir.resolve("pki").resolve(".lock"), StandardCharsets.UTF_8);
  }

  @Test
  void testSecondApply_exitsOneNamingTheHolderAndChangesNothing() throws Exception {
    HostpkiProcess holder = startHolder();
    String generation = new StoreDirectory(dir.resolve("pki"), java.time.Clock.systemUTC())
        .read().generation().orElseThrow();

    HostpkiProcess.Result second = HostpkiProcess.run(dir, ENV, "apply", "-f", "host.yaml");

    assertThat(second.exitCode()).as(second.toString()).isEqualTo(1);
    assertThat(second.err())
        .contains("is locked by pid " + holder.pid() + " (hostpki apply", "--lock-timeout")
        .doesNotContain("Exception");
    assertThat(new StoreDirectory(dir.resolve("pki"), java.time.Clock.systemUTC()).generations())
        .singleElement()
        .satisfies(g -> assertThat(g.name()).isEqualTo(generation));
    Files.writeString(release, "");
    assertThat(holder.await().exitCode()).isZero();
  }

  @Test
  void testSecondApplyWithLockTimeout_waitsForTheHolderThenFindsNothingToDo() throws Exception {
    HostpkiProcess holder = startHolder();
    HostpkiProcess second = start("apply", "-f", "host.yaml", "--lock-timeout", "30s");
    awaitIdle(second);

    Files.writeString(release, "");

    assertThat(holder.await().exitCode()).isZero();
    HostpkiProcess.Result result = second.await();
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("No changes");
    assertThat(result.err()).doesNotContain("hook: running");
  }

  @Test
  void testKilledHolder_doesNotBlockTheNextApply() throws Exception {
    HostpkiProcess holder = startHolder();
    assertThat(lockFile()).contains("pid: " + holder.pid());

    holder.kill();

    // Its name is still in the lock file; the lock went with the process.
    assertThat(lockFile()).contains("pid: " + holder.pid());
    // The next apply runs the hook the killed one left pending: it is not to wait the minute.
    Files.writeString(release, "");
    HostpkiProcess.Result next = HostpkiProcess.run(dir, ENV, "apply", "-f", "host.yaml");
    assertThat(next.exitCode()).as(next.toString()).isZero();
    assertThat(next.out()).contains("No changes");
  }

  /**
   * Returns once the process has started and then stopped using the CPU: a second apply waiting
   * for the lock sleeps between attempts. A guard, not a check: should it never look idle, the
   * test goes on, and the assertions hold either way.
   */
  private static void awaitIdle(HostpkiProcess process) throws InterruptedException {
    ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Duration previous = Duration.ZERO;
    while (System.nanoTime() < deadline && handle.isAlive()) {
      Thread.sleep(300);
      Duration cpu = handle.info().totalCpuDuration().orElse(Duration.ZERO);
      if (cpu.toMillis() > 300 && cpu.minus(previous).toMillis() < 15) {
        return;
      }
      previous = cpu;
    }
  }
}
