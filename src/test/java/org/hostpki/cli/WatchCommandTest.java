package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

@Tag(Tags.SLOW)
class WatchCommandTest {
  @TempDir Path dir;

  private CliResult hostpki(String... args) {
    return Cli.in(dir).run(args);
  }

  private void writeDesired(String extra) throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\n"
            + "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}\n"
            + extra);
  }

  @Test
  void testWatch_invalidFileAtStartIsAnError() throws IOException {
    writeDesired("ca: {key: {algorithm: EC, curve: P-257}}\n");

    CliResult run = hostpki("watch", "-f", "host.yaml");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).contains("host.yaml:4:", "P-257", "not a valid desired state (see above); not watching");
    assertThat(dir.resolve("pki")).doesNotExist();
  }

  @Test
  void testWatch_zeroIntervalIsAUsageError() throws IOException {
    writeDesired("");

    CliResult run = hostpki("watch", "-f", "host.yaml", "--interval", "0s");
    // found by a trial: a bare 0 was told to "write it with one: 0ms, 0s, ...", refused in turn
    CliResult bare = hostpki("watch", "-f", "host.yaml", "--interval", "0");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).startsWith("error: invalid value for option '--interval': '0s' must be longer than 0; use e.g. 30s,");
    assertThat(bare.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bare.err()).startsWith("error: invalid value for option '--interval': '0' must be longer than 0; use e.g. 30s,")
        .doesNotContain("0ms").doesNotContain(" 0s,");
  }

  @Test
  void testWatch_malformedDurationIsAUsageError() {
    CliResult run = hostpki("watch", "-f", "host.yaml", "--debounce", "soon");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("'soon' is not a duration");
  }

  /**
   * In a JVM of its own: SIGTERM while a hook of the first apply runs lets the apply finish, logs
   * it, and exits 0.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void testWatch_sigtermFinishesTheApplyInProgressThenExitsZero() throws Exception {
    writeDesired("hooks: {afterServerChange: [[sleep, '2']]}\n");

    List<String> lines = watch("1s", (line, watch) -> {
      if (line.endsWith(" hook: running sleep 2")) {
        watch.toHandle().destroy(); // SIGTERM; Process.destroy() would close our end of the pipe
      }
    });

    assertThat(lines.stream().map(WatchCommandTest::event).filter(e -> !e.isEmpty() && !e.startsWith("hook ")))
        .containsExactly("started", "drift seen", "applied", "hooks ran", "stopped");
    int applied = lines.indexOf(lines.stream().filter(l -> event(l).equals("applied")).findFirst().orElseThrow());
    assertThat(lines.subList(applied, lines.size()))
        .as("the log says what was applied before the hook's output")
        .anyMatch(l -> l.endsWith(" hook: running sleep 2"));
    // Not the journal (standard error is a pipe): the hook's lines carry their time as events do.
    assertThat(lines).filteredOn(l -> l.contains("hook: running"))
        .allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ hook: running sleep 2"));
    assertThat(dir.resolve("pki/server.crt")).exists();
  }

  /**
   * {@code systemctl stop hostpki-watch} as the shipped unit's KillMode= makes systemd send it: its
   * default, control-group, signals every process of the unit at once, the hook's too, and a hook
   * halfway through a reload was killed, logged as failed and run again at the next start, while
   * the unit said SIGTERM lets it finish. KillMode=mixed sends SIGTERM to watch alone.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void testWatch_systemctlStopAsTheShippedUnitSendsItLetsTheHookInProgressFinish() throws Exception {
    String killMode = Files.readAllLines(Cli.projectDir().resolve("examples/systemd/hostpki-watch.service"))
        .stream().filter(l -> l.startsWith("KillMode=")).map(l -> l.substring("KillMode=".length()).strip())
        .reduce((first, last) -> last).orElse("control-group");
    writeDesired("hooks: {afterServerChange: [[sleep, '3']]}\n");

    List<String> lines = watch("1s", (line, watch) -> {
      if (line.endsWith(" hook: running sleep 3")) {
        if (killMode.equals("control-group")) { // SIGTERM to the hook too, once it has started
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (watch.toHandle().descendants().findAny().isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
          }
          watch.toHandle().descendants().forEach(ProcessHandle::destroy);
        }
        watch.toHandle().destroy();
      }
    });

    assertThat(lines).as("KillMode=%s", killMode).noneMatch(l -> l.contains("error:"))
        .anyMatch(l -> event(l).equals("hooks ran"));
  }

  /**
   * In a JVM of its own: SIGHUP (systemctl reload, a stray kill -HUP) looks again at once and
   * watching goes on. The JVM's own answer, exit 0, left a service with Restart=on-failure stopped
   * for good.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void testWatch_sighupLooksAgainAtOnceAndKeepsWatching() throws Exception {
    writeDesired("");

    List<String> lines = watch("1h", (line, watch) -> {
      if (event(line).equals("applied")) {
        signal("-HUP", watch);
      } else if (event(line).equals("reload")) {
        watch.toHandle().destroy();
      }
    });

    assertThat(lines.stream().map(WatchCommandTest::event).filter(e -> !e.isEmpty()))
        .containsExactly("started", "drift seen", "applied", "reload", "stopped");
  }

  /**
   * Found in the watch trial: started under nohup, the JVM leaves SIGHUP ignored and installs no
   * handler, so 'systemctl reload' and 'kill -HUP' were silently lost. Watch says so at start.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void testWatch_underNohupSaysAtStartThatSighupReloadsAreOff() throws Exception {
    writeDesired("");

    List<String> lines = watch(List.of("nohup"), "1h", (line, watch) -> {
      if (event(line).equals("applied")) {
        watch.toHandle().destroy();
      }
    });

    assertThat(lines.stream().map(WatchCommandTest::event).filter(e -> !e.isEmpty()))
        .containsExactly("started", "warning", "drift seen", "applied", "stopped");
    assertThat(lines).anyMatch(l -> l.endsWith(" warning: reloads by SIGHUP are off: SIGHUP was ignored when watch"
        + " started (nohup?), and the JVM leaves it ignored; 'systemctl reload' and 'kill -HUP' do nothing. The desired"
        + " state, the host and the clock are still read every 1h; to run pending hooks at once, restart watch (under"
        + " systemd, or setsid instead of nohup)"));
  }

  private List<String> watch(String interval, BiConsumer<String, Process> onLine) throws Exception {
    return watch(List.of(), interval, onLine);
  }

  /**
   * Runs {@code hostpki watch -f host.yaml --interval INTERVAL} in a JVM of its own, started by
   * {@code launcher} (e.g. nohup) if any, until it ends, handing each line of its log to {@code
   * onLine}; asserts it ended with status 0.
   */
  private List<String> watch(List<String> launcher, String interval, BiConsumer<String, Process> onLine) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(launcher);
    command.addAll(List.of(
        java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "watch", "-f", "host.yaml", "--interval", interval));
    Process watch =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader output =
        new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = output.readLine()) != null) {
        lines.add(line);
        onLine.accept(line, watch);
      }
    } finally {
      watch.destroyForcibly();
    }
    assertThat(watch.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(watch.exitValue()).as(String.join("\n", lines)).isZero();
    return lines;
  }

  private static void signal(String signal, Process process) {
    try {
      new ProcessBuilder("kill", signal, Long.toString(process.pid())).start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * "2026-11-27T08:00:00Z drift seen: ..." gives "drift seen", a hook's "...Z hook: running ..."
   * "hook "; other lines "".
   */
  private static String event(String line) {
    if (!line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ .*")) {
      return "";
    }
    String rest = line.substring(21);
    if (rest.startsWith("hook: ") || rest.startsWith("hook output: ")) {
      return "hook ";
    }
    int colon = rest.indexOf(':');
    return colon < 0 ? rest : rest.substring(0, colon);
  }
}
