package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The platform's tools run as root with hostpki's environment: update-ca-certificates runs every
 * script of /etc/ca-certificates/update.d, which had HOSTPKI_PASSWORD as the hooks no longer do.
 */
class ToolRunnerTest {
  @Test
  void testWithholding_theToolsRunWithoutTheVariablesSecretsAreReadFrom() throws Exception {
    // A variable this JVM has stands for the store password's (the tests' JVM has none).
    assumeTrue(System.getenv("HOME") != null, "the test JVM has a HOME");
    ToolRunner tools = new ToolRunner(List.of(Path.of("/bin")), Duration.ofMinutes(2));

    ToolRunner.Result withheld = tools.withholding(List.of("HOME")).run(List.of("sh", "-c", "echo ${HOME-none}"), "");
    ToolRunner.Result kept = tools.run(List.of("sh", "-c", "echo ${HOME-none}"), "");

    assertThat(withheld.stdout().strip()).isEqualTo("none");
    assertThat(kept.stdout().strip()).isEqualTo(System.getenv("HOME"));
  }

  /**
   * tinstall12: a failure read "... exited with code 1:" with the tool's stderr, then its stdout, on
   * the lines below, unmarked; a caller going on after the first line made "exited with code 1:;".
   */
  @Test
  void testFailure_theFirstLineReadsOnItsOwnAndEachLineSaysItsStream() throws Exception {
    ToolRunner tools = new ToolRunner(List.of(Path.of("/bin")), Duration.ofMinutes(2));

    ToolRunner.Result talking =
        tools.run(List.of("sh", "-c", "echo 'adding 2 entries'; echo 'E: disk full' >&2; echo 'gave up' >&2; exit 1"), "");
    ToolRunner.Result silent = tools.run(List.of("sh", "-c", "exit 3"), "");

    assertThat(talking.failure())
        .isEqualTo(
            "sh -c echo 'adding 2 entries'; echo 'E: disk full' >&2; echo 'gave up' >&2; exit 1 exited with code 1,"
                + " printing:\n    stdout: adding 2 entries\n    stderr: E: disk full\n    stderr: gave up");
    assertThat(silent.failure()).isEqualTo("sh -c exit 3 exited with code 3, printing nothing");
  }
}
