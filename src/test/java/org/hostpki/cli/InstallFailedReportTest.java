package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hostpki.install.InstallRecordFile;
import org.hostpki.install.InstallTargets;
import org.hostpki.model.InstallTarget;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code check} and {@code status} say of a target whose last change failed (frecord15's
 * install record {@code failed}), without a minute-long lock wait: the failure is put on record
 * as apply puts it, and the target lacks its entry so that the plan changes it again. check is
 * WARNING with exit 3 as for an unreadable target (not 2, a pending change Nagios takes for OK),
 * status says so in its text and in JSON ({@code last_failure}).
 */
class InstallFailedReportTest {
  @TempDir Path dir;

  private CliResult run(String... args) {
    CliResult run = Cli.in(dir).clock(Clock.systemUTC()).env(Map.of("HOSTPKI_PASSWORD", "store-secret")).run(args);
    run.assertNoStackTrace();
    return run;
  }

  @Test
  void testRecordedFailure_checkExits3AndStatusShowsItInTextAndJson() throws Exception {
    Path cacerts = dir.resolve("cacerts");
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    try (var out = Files.newOutputStream(cacerts)) {
      empty.store(out, "changeit".toCharArray());
    }
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore:\n  path: pki\n  password: {env: HOSTPKI_PASSWORD}\n"
            + "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}\n"
            + "trust:\n  install:\n    certificates: [ca]\n    java: [" + cacerts + "]\n");
    run("apply", "-f", "host.yaml").assertExitCode(0);
    try (var out = Files.newOutputStream(cacerts)) {
      empty.store(out, "changeit".toCharArray()); // the entry gone: the plan installs it again
    }
    Path store = dir.resolve("pki");
    InstallTarget target = InstallTarget.java(cacerts);
    InstallRecordFile.write(store, InstallRecordFile.read(store)
        .failed(target, Instant.parse("2026-12-07T15:21:14Z"), List.of("install/java:" + cacerts + ": locked by process 4242"))
        .failed(target, Instant.parse("2026-12-07T16:21:14Z"), List.of("install/java:" + cacerts + ": locked by process 4242")));

    CliResult check = run("check", "-f", "host.yaml");
    CliResult status = run("status", "-f", "host.yaml");
    CliResult json = run("status", "-f", "host.yaml", "--output", "json");

    assertThat(check.exitCode()).as(check.toString()).isEqualTo(3);
    assertThat(check.out()).startsWith("WARNING")
        .contains("install/java:" + cacerts + ": the last attempt to change it failed at 2026-12-07 16:21")
        .contains("2 attempts in a row").contains("locked by process 4242");
    assertThat(status.out()).as(status.toString())
        .contains("Install  java:" + cacerts + ": nothing of hostpki's; its last change FAILED at 2026-12-07 16:21")
        .contains("(2 attempt(s) in a row)");
    assertThat(json.out()).as(json.toString())
        .contains("\"last_failure\":{\"since\":\"2026-12-07T15:21:14Z\",\"at\":\"2026-12-07T16:21:14Z\",\"attempts\":2,"
            + "\"error\":[\"install/java:" + cacerts + ": locked by process 4242\"]}");
    assertThat(InstallTargets.storeTag(store)).isNotEmpty();
  }
}
