package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hostpki.cli.Main;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.users.ServiceUsers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Users and groups are looked up in the host's user database, as chown does: {@code hostpki
 * validate} in a namespace whose /etc/passwd and /etc/group know the service user accepts the
 * file without a word; on this machine, which lacks them (a CI runner checking files for other
 * hosts), validate accepts it with a warning naming each, and plan refuses it.
 */
@Execution(ExecutionMode.CONCURRENT)
class AccessUsersTest {
  private static final String USER = "svc-hostpki-test";
  private static final String GROUP = "grp-hostpki-test";

  @TempDir Path dir;

  @Test
  void testValidate_aUserThatExistsOnlyInTheHostsDatabaseCopyIsAccepted() throws Exception {
    String reason = ServiceUsers.unavailableReason();
    Assumptions.assumeTrue(reason == null, () -> "AccessUsersTest skipped: " + reason);
    ServiceUsers users = ServiceUsers.copyOfThisMachine(dir.resolve("etc")).group(GROUP).user(USER, GROUP);
    Path yaml =
        Files.writeString(
            dir.resolve("host.yaml"),
            "apiVersion: hostpki/v1\nstore: {path: pki, password: {env: PW}, access: {group: " + GROUP + "}}\n"
                + "outputs:\n  - {format: key, file: svc.key, owner: " + USER + ", mode: \"0600\"}\n");

    ServiceUsers.Result inside = users.run(validate(yaml));
    Process machine = new ProcessBuilder(validate(yaml)).redirectErrorStream(true).start();
    String outside = new String(machine.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    boolean finished = machine.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);

    CliResult plan = Cli.in(dir).run("plan", "-f", yaml.toString());

    assertThat(inside.exitCode()).as(inside.output()).isZero();
    assertThat(inside.output()).doesNotContain("error", "warning:").contains("valid, 0 warnings");
    assertThat(finished).isTrue();
    assertThat(machine.exitValue()).as(outside).isZero();
    assertThat(outside)
        .contains(
            "host.yaml:2:57: warning: store.access.group '" + GROUP + "' is not a group on this host; apply on a"
                + " host without it refuses the file")
        .contains("host.yaml:4:41: warning: outputs[0].owner '" + USER + "' is not a user on this host")
        .contains("valid, 2 warnings")
        .doesNotContain("error");
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
    assertThat(plan.err())
        .contains("error: store.access.group '" + GROUP + "' is not a group on this host; create the group first")
        .contains("error: outputs[0].owner '" + USER + "' is not a user on this host");
  }

  private static List<String> validate(Path yaml) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
    command.add(Main.class.getName());
    command.addAll(List.of("validate", yaml.toString()));
    return command;
  }
}
