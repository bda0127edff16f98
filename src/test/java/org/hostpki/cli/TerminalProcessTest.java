package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hostpki as a process of its own, in a real terminal ({@code script} gives it a pty) and in
 * pipes: colours only where a terminal shows them, transient progress that the screen does not
 * keep, and in a log that takes standard output and standard error together (journald) the plan
 * before the output of the hooks it ran.
 */
class TerminalProcessTest {
  private static final String RED_ERROR = "\u001b[31merror:\u001b[0m";

  @TempDir Path dir;
  private Path hostpki;

  @BeforeEach
  void launcher() throws Exception {
    hostpki = dir.resolve("hostpki");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(
        hostpki,
        "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '"
            + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(hostpki, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\n"
            + "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}\n"
            // With a file "slow" the hook waits for a file "go": at most as many twentieths of a
            // second as "slow" says, a minute when it is empty.
            + "hooks:\n  afterServerChange:\n    - [sh, -c, 'if [ -e slow ]; then n=$(cat slow); rm slow; "
            + "i=0; while [ ! -e go ] && [ $i -lt ${n:-1200} ]; do sleep 0.05; i=$((i+1)); done; rm -f go; fi; "
            + "echo reloading $HOSTPKI_CHANGED']\n");
  }

  /** Runs a shell command line in a terminal of its own: what the terminal was sent. */
  private String inTerminal(String commandLine) throws Exception {
    new Tool("script", "bsdutils").require();
    return run(List.of("script", "-q", "-e", "-c", commandLine, "/dev/null"));
  }

  private String run(List<String> command) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("TERM", "xterm"); // a terminal hostpki knows, whatever runs the tests
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as(command + ": " + output).isTrue();
    return output;
  }

  @Test
  void testColour_onATerminal_perStream_neverInAPipe() throws Exception {
    String terminal = inTerminal(hostpki + " plan missing.yaml");
    assertThat(terminal).contains(RED_ERROR);

    String noColor = inTerminal(hostpki + " --no-color plan missing.yaml; " + hostpki + " plan missing.yaml --no-color; NO_COLOR=1 " + hostpki + " plan missing.yaml");
    assertThat(noColor).contains("error:").doesNotContain("\u001b[");

    String stderrOnTerminal = inTerminal(hostpki + " plan missing.yaml | cat");
    assertThat(stderrOnTerminal).as("standard error is still the terminal").contains(RED_ERROR);

    String piped = inTerminal(hostpki + " plan missing.yaml 2>&1 | cat");
    assertThat(piped).contains("error:").doesNotContain("\u001b[");

    String plain = run(List.of(hostpki.toString(), "plan", "missing.yaml"));
    assertThat(plain).contains("error:").doesNotContain("\u001b");
  }

  /**
   * A second apply waits for the lock the first holds while its hook waits (for the test to see
   * the second one waiting): on a terminal it
   * shows what it waits for, and leaves nothing of that on the screen; in a pipe it shows nothing.
   */
  @Test
  void testProgress_namesTheSlowStepAndIsErased_onlyOnATerminal() throws Exception {
    assertThat(run(List.of(hostpki.toString(), "apply", "host.yaml"))).contains("Applied:");
    Files.writeString(dir.resolve("slow"), "");
    Process holder =
        new ProcessBuilder(hostpki.toString(), "apply", "host.yaml", "--replace", "server")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("holder.log").toFile())
            .start();
    try {
      while (Files.exists(dir.resolve("slow")) && holder.isAlive()) {
        Thread.sleep(20); // the holder's hook runs, under the lock, until the file "go" appears
      }
      new Tool("script", "bsdutils").require();
      Path typescript = dir.resolve("typescript");
      CompletableFuture<String> waiter =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return run(List.of("script", "-q", "-e", "-f", "-c",
                      hostpki + " apply host.yaml --replace server --lock-timeout 60s",
                      typescript.toString()));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      // The transient line says whom it waits for, cut to the terminal's width.
      String waiting = "hostpki: waiting up to 60s for store ";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!typescriptSays(typescript, waiting) && System.nanoTime() < deadline) {
        Thread.sleep(20); // until the second apply shows how long it has waited for the lock
      }
      Files.writeString(dir.resolve("go"), "");
      String terminal = waiter.get(2, TimeUnit.MINUTES);

      assertThat(terminal).contains(waiting);
      String screen = TerminalScreen.visible(terminal);
      assertThat(screen).doesNotContain("hostpki:").contains("Applied: store");
      assertThat(terminal).as("erased before the plan").contains("\r\u001b[2K\u001b[33m~\u001b[0m server");
    } finally {
      assertThat(holder.waitFor(2, TimeUnit.MINUTES)).isTrue();
    }

    // Slow for a second (twice the delay after which a terminal would show progress), not for
    // the minute the hook waits when nothing tells it to go on.
    Files.writeString(dir.resolve("slow"), "20");
    String piped = run(List.of(hostpki.toString(), "apply", "host.yaml", "--replace", "server"));
    assertThat(piped).doesNotContain("hostpki:").doesNotContain("\u001b");
  }

  private static boolean typescriptSays(Path typescript, String text) throws Exception {
    return Files.exists(typescript)
        && new String(Files.readAllBytes(typescript), StandardCharsets.UTF_8).contains(text);
  }

  /** journald takes both streams in one: the hook's output comes after the plan it follows. */
  @Test
  void testHookOutput_followsThePlanInOneStream() throws Exception {
    String log = run(List.of(hostpki.toString(), "apply", "host.yaml"));

    assertThat(log.lines().toList())
        .containsSubsequence(
            "+ server                       create   no server certificate in the store yet",
            "Plan: 4 to create, 0 to replace, 0 to update, 0 to delete, 0 unchanged.")
        .anyMatch(l -> l.startsWith("Applied: store "));
    int applied = log.indexOf("Applied: store ");
    assertThat(log.indexOf("hook: running sh -c")).isGreaterThan(applied);
    assertThat(log.indexOf("hook output: reloading ca,server")).isGreaterThan(log.indexOf("hook: running"));
    assertThat(log.indexOf("Ran the hooks: afterServerChange.")).isGreaterThan(log.indexOf("hook output:"));
  }
}
