package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * One hook command as a real process ({@code sh}, {@code sleep}, {@code setsid}): the timeout
 * stops it and everything it started, a daemon it leaves behind holds nothing up, its output is
 * relayed escaped and capped. Timeouts are two seconds, the grace before SIGKILL one.
 */
@Tag(Tags.SLOW)
class HookProcessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  /**
   * Far below the 101 to 103 s the hooks' children sleep, far above what a loaded machine takes
   * (2 shared cores under a full build): a run that waited for them fails, a slow one does not.
   */
  private static final Duration GUARD = Duration.ofSeconds(30);
  /**
   * Digits that make this run's {@code sleep} arguments its own ({@code sleep 101.DIGITS} sleeps
   * as long as {@code sleep 101}): the checks for processes left running scan the whole
   * machine's {@code /proc}, where another test run may have its own sleeps.
   */
  private static final String RUN = String.valueOf(new SecureRandom().nextInt(100_000_000, 1_000_000_000));

  @TempDir Path dir;
  private final StringWriter log = new StringWriter();
  private final HookProcess process = new HookProcess(new PrintWriter(log, true), Duration.ofSeconds(1), false);
  /** Processes a test leaves running on purpose, killed after it. */
  private final List<ProcessHandle> leftRunning = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    leftRunning.forEach(ProcessHandle::destroyForcibly);
  }

  private Optional<String> run(String... argv) {
    return process.run(
        new Hooks.Command("afterServerChange", List.of(argv),
            Map.of("PATH", Hooks.DEFAULT_PATH), Optional.of(dir.toFile()), TIMEOUT));
  }

  /** Running (not zombie) processes whose command line mentions {@code marker}. */
  private static List<ProcessHandle> running(String marker) throws IOException {
    List<ProcessHandle> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path p : entries.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline = Files.readString(p.resolve("cmdline"), StandardCharsets.ISO_8859_1);
          String stat = Files.readString(p.resolve("stat"), StandardCharsets.ISO_8859_1);
          boolean zombie = stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
          if (cmdline.replace('\0', ' ').contains(marker) && !zombie) {
            ProcessHandle.of(Long.parseLong(name)).ifPresent(found::add);
          }
        } catch (IOException e) {
          // gone meanwhile
        }
      }
    }
    return found;
  }

  @Test
  void testRun_exitZeroIsSuccess() {
    assertThat(run("true")).isEmpty();
  }

  @Test
  void testRun_exitStatusIsTheFailure() {
    assertThat(run("sh", "-c", "exit 7")).contains("exited with status 7");
  }

  @Test
  void testRun_hookKilledBySignalSaysSo() {
    assertThat(run("sh", "-c", "kill -9 $$"))
        .contains("ended with status 137 (killed by signal 9, SIGKILL, or exited 137)");
  }

  @Test
  void testRun_daemonisingHookReturnsWhenItExitsAndItsChildKeepsRunning() throws Exception {
    long start = System.nanoTime();

    Optional<String> result = run("sh", "-c", "sleep 101." + RUN + " & exit 0");

    assertThat(result).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(GUARD);
    // The shell exits right after its fork: under load the child may not have become `sleep`
    // yet (its command line is still the shell's) when the hook's run returns.
    List<ProcessHandle> daemon = running("sleep 101." + RUN);
    for (int i = 0; i < 200 && daemon.isEmpty(); i++) {
      Thread.sleep(50);
      daemon = running("sleep 101." + RUN);
    }
    leftRunning.addAll(daemon);
    assertThat(daemon).as("the hook's background child is not killed").hasSize(1);
  }

  @Test
  void testRun_daemonThatWritesAfterTheHookExitedNeverBlocks() throws Exception {
    Path done = dir.resolve("writer-done");
    long start = System.nanoTime();

    // 1 MB after the hook has gone: more than a pipe holds, so it ends only if someone reads.
    Optional<String> result =
        run("sh", "-c", "(sleep 0.5; head -c 1000000 /dev/zero; touch " + done + ") & exit 0");

    assertThat(result).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(GUARD);
    for (int i = 0; i < 100 && !Files.exists(done); i++) {
      Thread.sleep(50);
    }
    assertThat(done).as("the background writer finished").exists();
    assertThat(log.toString().length()).isLessThan(1000);
  }

  @Test
  void testRun_hookThatHangsIsStoppedAtTheTimeoutWithEverythingItStarted() throws IOException {
    long start = System.nanoTime();

    Optional<String> result = run("sh", "-c", "sleep 102." + RUN + " & sleep 102." + RUN + " & sleep 102." + RUN);

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(TIMEOUT, GUARD);
    assertThat(result.orElseThrow())
        .startsWith("did not finish within 2s (hooks.timeout): stopped it and the 3 process(es) it started");
    assertThat(running("sleep 102." + RUN)).as("no process of the hook's group is left").isEmpty();
  }

  @Test
  void testRun_sleepInfinityIsStopped() throws IOException {
    assertThat(run("sleep", "infinity", "0." + RUN)).hasValueSatisfying(f -> assertThat(f).contains("did not finish within 2s"));
    assertThat(running("sleep infinity 0." + RUN)).isEmpty();
  }

  @Test
  void testRun_processesThatIgnoreSigtermAreKilled() throws IOException {
    long start = System.nanoTime();

    Optional<String> result = run("sh", "-c", "trap '' TERM; sleep 103." + RUN + " & sleep 103." + RUN);

    assertThat(result.orElseThrow()).contains("did not finish within 2s", "SIGKILL to any still running 1s later");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(GUARD);
    assertThat(running("sleep 103." + RUN)).isEmpty();
  }

  @Test
  void testRun_childThatLeavesTheProcessGroupIsStoppedToo() throws IOException {
    // set -m: the shell puts its background job into a process group of its own; the session
    // stays the hook's.
    assertThat(run("sh", "-c", "set -m; sleep 104." + RUN + " & wait")).isPresent();

    assertThat(running("sleep 104." + RUN)).isEmpty();
  }

  @Test
  void testRun_outputIsRelayedEscapedLineByLine() {
    run("sh", "-c", "printf 'first\\r\\nred \\033[31mX\\033[0m\\nbell \\007 nul \\000 end'");

    assertThat(log.toString().lines())
        .containsExactly(
            "hook output: first",
            "hook output: red \\x1b[31mX\\x1b[0m",
            "hook output: bell \\x07 nul \\x00 end");
  }

  @Test
  void testRun_megabytesOfOutputAreCutAndTheLogSaysSo() {
    Optional<String> result = run("sh", "-c", "head -c 5000000 /dev/zero | tr '\\0' 'a'; echo; seq 1 100000");

    assertThat(result).isEmpty();
    assertThat(log.toString().length()).isLessThan(HookProcess.OUTPUT_LIMIT + 1000);
    assertThat(log.toString()).contains("hook: output cut after 65536 bytes; ", " more bytes not shown");
  }

  @Test
  void testRun_missingProgramIsAFailureNotACrash() {
    assertThat(run(dir.resolve("no-such-program").toString())).isPresent();
  }

  @Test
  void testRun_environmentIsExactlyTheOneGiven() {
    process.run(
        new Hooks.Command("afterServerChange", List.of("sh", "-c", "env"),
            Map.of("PATH", Hooks.DEFAULT_PATH, "ONLY_THIS", "1"), Optional.of(dir.toFile()), TIMEOUT));

    assertThat(log.toString()).contains("hook output: ONLY_THIS=1").doesNotContain("JAVA_HOME", "HOME=");
  }

  @Test
  void testRun_runsInTheDirectoryGiven() throws IOException {
    run("sh", "-c", "pwd");

    assertThat(log.toString()).contains("hook output: " + dir.toRealPath());
  }
}
