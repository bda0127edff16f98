package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.StoreArchives;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade from 33d3f24d (the fifteenth session's end) over three stores it wrote (checked in as
 * {@code store-33d3f24d/store.tar.gz}), each with what that build did not know yet: a fleet CA
 * with {@code ca.crl} declared and no CRL (no revoke yet), an external chain imported with no
 * record of its root, and a hook that failed and is pending. The current build plans only the
 * change README's upgrade notes name, records the root, runs the hook once, and nothing else.
 */
class StoreOfTheFifteenthSessionTest {
  private static final String EXTERNAL_ROOT = "ab339527bcc6bc843a8d32861896299c27c35c1676ff2d7185553d3b43cc8689";

  @TempDir Path dir;
  private Cli hostpki;

  @BeforeEach
  void unpack() throws Exception {
    StoreArchives.unpack("/org/hostpki/cli/store-33d3f24d/store.tar.gz", dir);
    hostpki = Cli.in(dir).clock(Clock.fixed(Instant.parse("2026-12-09T12:00:00Z"), ZoneOffset.UTC));
  }

  @Test
  void testFleetCa_getsItsFirstCrlOnceAndNothingElse() {
    CliResult plan = hostpki.run("plan", "-f", "fleet.yaml");
    CliResult apply = hostpki.run("apply", "-f", "fleet.yaml");
    CliResult again = hostpki.run("plan", "-f", "fleet.yaml");

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out()).as(plan.toString())
        .contains("+ ca.crl  create   the CA has no CRL yet and ca.crl is declared")
        .contains("Plan: 1 to create, 0 to replace, 0 to update, 0 to delete, 4 unchanged.");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(dir.resolve("pki-fleet/ca.crl")).exists();
    assertThat(again.out()).as(again.toString()).contains("No changes");
  }

  @Test
  void testExternalChain_importedWithoutARootRecord_isKeptAndItsRootRecorded() throws Exception {
    String ca = Files.readString(dir.resolve("pki-ext2/ca.crt"));
    String served = Files.readString(dir.resolve("pki-ext2/server.crt"));

    CliResult plan = hostpki.run("plan", "-f", "ext2.yaml");
    CliResult apply = hostpki.run("apply", "-f", "ext2.yaml");

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out()).as(plan.toString()).contains("No changes");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).as(apply.toString()).contains("No changes");
    assertThat(Files.readString(dir.resolve("pki-ext2/.external/chain-roots.json")))
        .contains("\"root\":\"" + EXTERNAL_ROOT + "\"").contains("CN=Ext Trial Root");
    assertThat(Files.readString(dir.resolve("pki-ext2/ca.crt"))).isEqualTo(ca);
    assertThat(Files.readString(dir.resolve("pki-ext2/server.crt"))).isEqualTo(served);
  }

  @Test
  void testPendingHook_runsOnceAtTheFirstApply() throws Exception {
    String server = Files.readString(dir.resolve("pki-hook/server.crt"));

    CliResult plan = hostpki.run("plan", "-f", "hook.yaml");
    CliResult apply = hostpki.run("apply", "-f", "hook.yaml");
    CliResult again = hostpki.run("apply", "-f", "hook.yaml");

    assertThat(plan.out()).as(plan.toString())
        .contains("No changes").contains("hooks are pending: the next apply runs them");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).as(apply.toString()).contains("Ran the hooks: afterServerChange.");
    assertThat(again.out()).as(again.toString()).contains("No changes").doesNotContain("Ran the hooks");
    assertThat(Files.readAllLines(dir.resolve("hook.log"))).hasSize(1);
    assertThat(Files.readString(dir.resolve("pki-hook/server.crt"))).isEqualTo(server);
  }
}
