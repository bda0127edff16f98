package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion scripts, sourced by the real shells. */
class CompletionCommandTest {
  @TempDir Path dir;

  private Path script(String shell) throws IOException {
    CliRun run = CliRun.run(dir, Clock.systemUTC(), Map.of(), "completion", shell);
    assertThat(run.exitCode).as(run.toString()).isZero();
    Path file = dir.resolve("hostpki." + shell);
    Files.writeString(file, run.out);
    return file;
  }

  private static boolean onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }

  private static String shell(String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }

  /** Completes the words the way bash does on TAB and prints the candidates in brackets. */
  private static final String COMPLETE =
      "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMP_LINE=\"$*\";"
          + " COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _complete_hostpki 2>/dev/null;"
          + " echo \"[${COMPREPLY[*]}]\"; }; ";

  @Test
  void testCompletion_bashCompletesCommandsAndArguments() throws Exception {
    assumeTrue(onPath("bash"), "bash is not installed");
    Path script = script("bash");

    String output =
        shell(
            "bash", "--norc", "-c",
            "source " + script + "; " + COMPLETE
                + "t hostpki ap; t hostpki completion ''; t hostpki validate --output ''; t hostpki watch --debo");

    assertThat(output.lines())
        .containsExactly("[apply]", "[bash zsh]", "[text json github]", "[--debounce]");
  }

  @Test
  void testCompletion_zshRegistersTheBashCompletion() throws Exception {
    assumeTrue(onPath("zsh"), "zsh is not installed");
    Path script = script("zsh");

    String output = shell("zsh", "-f", "-c", "source " + script + " && print -r -- ${_comps[hostpki]}");

    assertThat(output).contains("_complete_hostpki");
  }

  @Test
  void testCompletion_unknownShellIsAUsageError() {
    CliRun run = CliRun.run(dir, Clock.systemUTC(), Map.of(), "completion", "fish");

    assertThat(run.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("fish");
  }
}
