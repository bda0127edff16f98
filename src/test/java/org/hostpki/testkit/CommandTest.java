package org.hostpki.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandTest {
  @TempDir Path dir;

  @Test
  void testRun_capturesBothStreamsAndTheExitCode() {
    ProcessResult result =
        Command.of("sh", "-c", "echo out; echo err >&2; cat; exit 3").input("in\n").in(dir).run();

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout()).isEqualTo("out\nin\n");
    assertThat(result.stderr()).isEqualTo("err\n");
    assertThatThrownBy(result::assertSucceeded).hasMessageContaining("exit code 3");
  }

  @Test
  void testRun_environmentAndDirectoryAreTheCommands() throws Exception {
    ProcessResult result = Command.of("sh", "-c", "pwd; echo \"$GREETING\"").env("GREETING", "hello").in(dir).run();

    assertThat(result.stdout()).isEqualTo(dir.toRealPath() + "\nhello\n");
  }

  @Test
  void testRun_overrunningTheTimeoutKillsTheProcessAndWhatItStartedByPid() throws Exception {
    Path pid = dir.resolve("child.pid");
    Command sleeper =
        Command.of("sh", "-c", "sleep 300 & echo $! > " + pid + "; echo started; wait")
            .timeout(Duration.ofSeconds(2));

    assertThatThrownBy(sleeper::run)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("did not finish within 2 s, killed")
        .hasMessageContaining("started");

    long child = Long.parseLong(Files.readString(pid).strip());
    assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
  }

  @Test
  void testKill_endsARunningProcessAtOnce() {
    try (RunningProcess process = Command.of("sleep", "300").start()) {
      assertThat(process.isAlive()).isTrue();

      process.kill();

      assertThat(process.isAlive()).isFalse();
    }
  }

  @Test
  void testRunningProcess_closingStopsIt() {
    RunningProcess process = Command.of("sleep", "300").start();
    long pid = process.pid();

    process.close();

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
  }
}
