package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.RunningProcess;
import org.hostpki.testkit.Tool;

/**
 * The built hostpki under a wrong system clock, made by the real {@code faketime} (libfaketime
 * moves the clock of the whole JVM): a store made at the real time is never replaced because the
 * clock says a day earlier, 2001, or twenty years later. Found with exactly these commands: one
 * day behind, {@code plan} said {@code ~ ca replace not valid before ...} and apply (and watch, at
 * once) threw away a valid CA.
 */
class ClockSkewIT {
  @TempDir Path dir;
  private DesiredStateFile desired;
  private Map<String, String> before;

  @BeforeEach
  void makeStore() throws IOException {
    Tool.FAKETIME.require();
    desired = DesiredStateFile.forHost(dir, "clock");
    Hostpki.apply(desired);
    before = storeState();
  }

  private ProcessResult hostpki(String fakeTime, String... args) {
    String[] all = Stream.concat(Stream.of(args), Stream.of("-f", desired.file().toString())).toArray(String[]::new);
    return Hostpki.underFakeTime(fakeTime, dir, all).run();
  }

  @Test
  void testADayBehind_planApplyAndStatusReplaceNothing() throws IOException {
    ProcessResult plan = hostpki("-1d", "plan");
    ProcessResult apply = hostpki("-1d", "apply");
    ProcessResult status = hostpki("-1d", "status");

    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
    assertThat(plan.stdout()).contains("error: the clock is behind: ca.crt is valid from").doesNotContain("~ ca");
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.stderr()).contains("the clock is behind", "--replace ca");
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.stdout()).contains("error: the clock is behind");
    assertThat(storeState()).isEqualTo(before);
  }

  @Test
  void testBeforeTheCasBirth_applyReplacesNothing() throws IOException {
    ProcessResult apply = hostpki("@2001-01-01 00:00:00", "apply");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.stderr()).contains("the clock is behind", "now is 2001-01-01");
    assertThat(storeState()).isEqualTo(before);
  }

  @Test
  void testTwentyYearsAhead_applyReissuesNothingUntilAskedTo() throws IOException {
    ProcessResult apply = hostpki("+7300d", "apply");
    ProcessResult replaceServer = hostpki("+7300d", "apply", "--replace", "server");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.stderr()).contains("the clock may be far ahead", "--replace ca");
    assertThat(replaceServer.exitCode()).as(replaceServer.toString()).isEqualTo(1);
    assertThat(storeState()).isEqualTo(before);

    ProcessResult replaceCa = hostpki("+7300d", "apply", "--replace", "ca");

    assertThat(replaceCa.exitCode()).as(replaceCa.toString()).isZero();
    assertThat(storeState()).isNotEqualTo(before);
  }

  @Test
  void testWatchADayBehind_logsTheRefusalOnceAndReplacesNothing() throws Exception {
    Command watch =
        Hostpki.underFakeTime(
            "-1d", dir, "watch", "-f", desired.file().toString(), "--interval", "1s", "--debounce", "0s");
    try (RunningProcess running = watch.start()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (running.describe().lines().filter(l -> l.contains("error: the clock is behind")).count() == 0
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      Thread.sleep(3000); // three more ticks
      String log = running.describe();
      assertThat(log.lines().filter(l -> l.contains("error: the clock is behind")).count())
          .as(log)
          .isEqualTo(1);
      assertThat(log).doesNotContain("applied");
    }
    assertThat(storeState()).isEqualTo(before);
  }

  /** Every regular file's bytes and every link's target under the store. */
  private Map<String, String> storeState() throws IOException {
    Map<String, String> state = new TreeMap<>();
    Path store = desired.storeDirectory();
    try (Stream<Path> walk = Files.walk(store)) {
      for (Path p : walk.toList()) {
        String name = store.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          state.put(name, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p)) {
          state.put(name, java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
        }
      }
    }
    return state;
  }
}
