package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hostpki.cli.Environment;
import org.hostpki.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Hooks that fail, are killed, hang, daemonise, print secrets, control characters or megabytes,
 * or name programs that are relative, missing or not executable: each run by a real {@code
 * hostpki apply --replace server} on a good store, as an operator's host would run it (from
 * {@code /}, as systemd does), with {@code hooks.timeout: 2s}. The store is always written; what
 * is checked is the exit code (3 when a hook failed), what the log says and never says, and
 * whether the hook is left pending for the next run.
 */
@Tag(Tags.SLOW)
class HookCorpusTest {
  /**
   * The hooks' sleeps carry digits of this run's own, so that cleaning up kills only this run's
   * processes, never those of another suite running on the same machine (it made theirs fail).
   */
  private static final String SLEEP = "99." + new SecureRandom().nextInt(100_000_000, 1_000_000_000);

  @TempDir static Path templateDir;
  @TempDir Path dir;
  private Workspace workspace;

  @BeforeAll
  static void makeGoodStore() throws IOException {
    GoodStore.build(templateDir);
  }

  @BeforeEach
  void copy() {
    workspace = Workspace.copyOf(templateDir, dir, GoodStore.CLOCK, GoodStore.PROBE);
  }

  @AfterEach
  void killWhatTheHooksLeftRunning() {
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("sleep " + SLEEP))
        .forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * One hostile hook.
   *
   * @param commands the afterServerChange commands, each an argv
   * @param exitCode what apply exits with
   * @param said pieces of the log (standard error) there must be, {@code {dir}} filled in
   * @param neverSaid what the log must not hold
   * @param pending whether the hook is left pending: {@code plan --detailed-exitcode} exits 2
   */
  record HookCase(
      String name,
      Setup setup,
      List<List<String>> commands,
      int exitCode,
      List<String> said,
      List<String> neverSaid,
      boolean pending) {
    @Override
    public String toString() {
      return name;
    }
  }

  @FunctionalInterface
  interface Setup {
    void prepare(Path dir) throws Exception;
  }

  private static HookCase fails(String name, List<String> argv, String... said) {
    return new HookCase(name, d -> {}, List.of(argv), 3, List.of(said), List.of(), true);
  }

  private static HookCase succeeds(String name, List<String> argv, String... said) {
    return new HookCase(name, d -> {}, List.of(argv), 0, List.of(said), List.of(), false);
  }

  private static HookCase with(HookCase c, Setup setup) {
    return new HookCase(c.name(), setup, c.commands(), c.exitCode(), c.said(), c.neverSaid(), c.pending());
  }

  private static HookCase never(HookCase c, String... neverSaid) {
    return new HookCase(c.name(), c.setup(), c.commands(), c.exitCode(), c.said(), List.of(neverSaid), c.pending());
  }

  private static List<String> sh(String script) {
    return List.of("sh", "-c", script);
  }

  private static Setup script(String name, String mode, String body) {
    return d -> {
      Path file = d.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "#!/bin/sh\n" + body + "\n");
      Damage.chmod(file, mode);
    };
  }

  static Stream<HookCase> hooks() {
    return Stream.of(
        fails("fails", sh("echo reloading; exit 1"),
            "hook output: reloading",
            "error: afterServerChange hook [sh, -c, echo reloading; exit 1] exited with status 1;"
                + " the store is now at generation ",
            "and matches the desired state. The hook is recorded as pending: the next apply, watch"
                + " tick or timer run runs it again"),
        fails("killed by a signal", sh("kill -9 $$"),
            "ended with status 137 (killed by signal 9, SIGKILL, or exited 137)"),
        fails("killed by SIGTERM", sh("kill -TERM $$"), "killed by signal 15, SIGTERM"),
        fails("hangs", List.of("sleep", SLEEP),
            "afterServerChange hook [sleep, " + SLEEP + "] did not finish within 2s (hooks.timeout): stopped it"),
        fails("hangs forever", List.of("sleep", "infinity"), "did not finish within 2s"),
        fails("hangs with children", sh("sleep " + SLEEP + " & sleep " + SLEEP),
            "did not finish within 2s (hooks.timeout): stopped it and the 2 process(es) it started"),
        succeeds("daemonises and exits 0", sh("sleep " + SLEEP + " & echo started; exit 0"), "hook output: started"),
        never(succeeds("prints the environment", List.of("env"), "hook output: HOSTPKI_STORE={dir}/pki",
                "hook output: HOSTPKI_HOOK=afterServerChange", "hook output: HOSTPKI_GENERATION=..",
                "hook output: HOSTPKI_CHANGED=server,output/server-fullchain.crt,output/server.p12"),
            GoodStore.PASSWORD, "HOSTPKI_PASSWORD"),
        never(succeeds("prints the password variable", sh("echo \"password=[$HOSTPKI_PASSWORD]\""),
                "hook output: password=[]"),
            GoodStore.PASSWORD),
        never(succeeds("prints control characters", sh("printf 'ok\\033[2K\\033[1A\\rforged\\n'"),
                "hook output: ok\\x1b[2K\\x1b[1A\\rforged"),
            "\u001b"),
        never(succeeds("prints a bidi override and NUL", sh("printf 'a\\342\\200\\256b\\000c\\n'"),
                "hook output: a\\u202eb\\x00c"),
            "\u202e", "\u0000"),
        never(succeeds("forges a log line", sh("printf 'x\\nerror: forged\\n'"),
                "hook output: x\nhook output: error: forged"),
            "\nerror: forged"),
        succeeds("prints megabytes", sh("head -c 3000000 /dev/zero | tr '\\0' 'y'"),
            "hook: output cut after 65536 bytes; 2934464 more bytes not shown"),
        with(succeeds("relative path", List.of("./reload.sh", "now"), "hook output: reloaded now in {dir}"),
            script("reload.sh", "rwxr-xr-x", "echo \"reloaded $1 in $(pwd)\"")),
        with(succeeds("relative path in a sub folder", List.of("bin/reload.sh"), "hook output: from bin"),
            script("bin/reload.sh", "rwxr-xr-x", "echo from bin")),
        fails("missing program on PATH", List.of("no-such-reloader"),
            "afterServerChange hook [no-such-reloader] was not started: there is no program"
                + " 'no-such-reloader' on PATH (/usr/local/sbin:"),
        fails("missing program by path", List.of("./missing.sh"),
            "afterServerChange hook [{dir}/missing.sh] was not started: {dir}/missing.sh does not exist"),
        with(fails("program not executable", List.of("./reload.sh"),
                "was not started: {dir}/reload.sh is not an executable file; chmod +x it, or name the"
                    + " interpreter first ([sh, {dir}/reload.sh])"),
            script("reload.sh", "rw-r--r--", "echo hi")),
        succeeds("reads standard input", List.of("cat"), "hook: running cat"),
        new HookCase("first of two fails, the second still runs", d -> {},
            List.of(sh("exit 4"), sh("echo second")), 3,
            List.of("exited with status 4", "hook output: second"), List.of(), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hooks")
  void testHook(HookCase hook) throws Exception {
    hook.setup().prepare(dir);
    StringBuilder yaml = new StringBuilder("hooks:\n  timeout: 2s\n  afterServerChange:\n");
    for (List<String> argv : hook.commands()) {
      yaml.append("    - ").append(json(argv)).append('\n');
    }
    Files.writeString(workspace.yaml, Files.readString(workspace.yaml) + yaml);
    long start = System.nanoTime();

    // From /, as under systemd: relative hook programs must not depend on it.
    CliResult result = hostpkiFromRoot("apply", "-f", workspace.yaml.toString(), "--replace", "server");

    // hung hooks would never end: a guard with room for a loaded machine, not a measure
    assertThat((System.nanoTime() - start) / 1_000_000_000.0).as("seconds").isLessThan(60);
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(hook.exitCode());
    assertThat(result.out()).as(result.toString()).contains("Applied: store");
    for (String piece : hook.said()) {
      assertThat(result.err()).as(result.toString()).contains(workspace.expand(piece));
    }
    for (String piece : hook.neverSaid()) {
      assertThat(result.out() + result.err()).as(result.toString()).doesNotContain(piece);
    }
    result.assertNoStackTrace();
    assertThat(result.err().length()).isLessThan(80_000);
    CliResult plan = hostpkiFromRoot("plan", "-f", workspace.yaml.toString(), "--detailed-exitcode");
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(hook.pending() ? 2 : 0);
    if (hook.pending()) {
      assertThat(plan.out()).contains("! hooks pending since 2026-11-27 08:00 UTC: afterServerChange hook");
    }
  }

  private CliResult hostpkiFromRoot(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> variables = new HashMap<>(GoodStore.ENVIRONMENT);
    variables.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    Environment environment =
        new Environment(dir.getFileSystem(), dir.getFileSystem().getPath("/"), variables,
            GoodStore.CLOCK, GoodStore.PROBE, false);
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), environment, args);
    return new CliResult(code, out.toString(), err.toString());
  }

  private static String json(List<String> argv) {
    List<String> quoted = new ArrayList<>();
    for (String a : argv) {
      StringBuilder sb = new StringBuilder("\"");
      for (char c : a.toCharArray()) {
        if (c == '"' || c == '\\') {
          sb.append('\\');
        }
        sb.append(c);
      }
      quoted.add(sb.append('"').toString());
    }
    return "[" + String.join(", ", quoted) + "]";
  }
}
