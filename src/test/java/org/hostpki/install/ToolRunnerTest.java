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
}
