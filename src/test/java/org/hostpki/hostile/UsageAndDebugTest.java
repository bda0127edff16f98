package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.hostile.HostileCase.apply;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Command lines that are wrong (exit 64, the usage), and {@code --debug}: the only way to see a
 * stack trace, wherever it is written on the line.
 */
@Tag(Tags.SLOW)
class UsageAndDebugTest {
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

  static Stream<HostileCase> usageErrors() {
    return Stream.of(
        usage("unknown option", "error: unknown option: '--bogus'\nRun 'hostpki apply --help' for its usage.")
            .withArgs("apply", "-f", "host.yaml", "--bogus"),
        usage("no desired-state file", "error: no desired-state file: name one (hostpki apply FILE, or -f FILE)").withArgs("apply"),
        usage("-f without a value", "missing required parameter for option '--file' (FILE)").withArgs("apply", "-f"),
        usage("unknown command", "error: 'deploy' is not a hostpki command", "Run 'hostpki --help' for its usage.").withArgs("deploy"),
        usage("no command", "error: no command given: init, validate, plan", "Run 'hostpki --help' for its usage.").withArgs(),
        usage("unknown output format", "invalid value for option '--output'", "'xml'").withArgs("plan", "-f", "host.yaml", "--output", "xml"),
        usage("validate with an unknown output format", "invalid value for option '--output': 'xml' is not one of text, json, github").withArgs("validate", "host.yaml", "--output", "xml"),
        usage("validate without a file", "error: no desired-state file: name one (hostpki validate FILE)").withArgs("validate"),
        usage("a lock timeout that is no duration", "'forever' is not a duration").withArgs("apply", "-f", "host.yaml", "--lock-timeout", "forever"),
        usage("replace something unknown", "'everything' cannot be replaced; use ca or server").withArgs("apply", "-f", "host.yaml", "--replace", "everything"),
        usage("export something unknown", "'keys' cannot be exported; use ca-cert, ca-next-cert, server-cert, server-chain, csr, trust-bundle, crl or previous-crl")
            .withArgs("export", "-f", "host.yaml", "keys"),
        usage("export without WHAT", "error: missing WHAT: say what to export, one of ca-cert, ca-next-cert, server-cert,"
            + " server-chain, csr, trust-bundle, crl or previous-crl (hostpki export host.yaml ca-cert)").withArgs("export", "-f", "host.yaml"),
        usage("a password on the command line", "unknown option: '--password'").withArgs("apply", "-f", "host.yaml", "--password", "pw"),
        usage("a stray argument", "two desired-state files given, -f host.yaml and extra: give one").withArgs("status", "-f", "host.yaml", "extra"),
        usage("plan --out without a file", "missing required parameter for option '--out'").withArgs("plan", "-f", "host.yaml", "--out"));
  }

  private static HostileCase usage(String name, String... messages) {
    return apply(name, w -> {}, messages).withExitCode(64);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("usageErrors")
  void testUsageError_exits64WithTheUsageAndChangesNothing(HostileCase hostile) throws Exception {
    hostile.check(workspace);
  }

  @Test
  void testError_withoutDebugShowsNoStackTrace() throws Exception {
    Damage.chmod(workspace.store, "rwxrwxrwx");

    CliResult result = workspace.hostpki("apply", "-f", "host.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: store directory ");
    result.assertNoStackTrace();
  }

  @Test
  void testDebugBeforeTheCommand_printsTheStackTrace() throws Exception {
    Damage.chmod(workspace.store, "rwxrwxrwx");

    CliResult result = workspace.hostpki("--debug", "apply", "-f", "host.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("error: store directory ")
        .contains("org.hostpki.model.HostpkiException", "\tat org.hostpki.");
  }

  @Test
  void testDebugAfterTheCommand_printsTheStackTrace() throws Exception {
    Damage.chmod(workspace.store, "rwxrwxrwx");

    CliResult result = workspace.hostpki("apply", "--debug", "-f", "host.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("org.hostpki.model.HostpkiException", "\tat org.hostpki.");
  }

  @Test
  void testDebugOnASuccessfulRun_printsNothingExtra() {
    CliResult result = workspace.hostpki("plan", "--debug", "-f", "host.yaml");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    result.assertNoStackTrace();
  }
}
