package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.StoreArchives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade from f5405da2 over the store it wrote (checked in as {@code
 * store-f5405da2/store.tar.gz}): an output of every format, a hashed trust folder and generations
 * with a rollback's released hold. The current build reads all of it as that build wrote it: no
 * change planned or applied, its metrics written, and a rollback to that build's first generation.
 */
class StoreOfTheTwelfthSessionTest {
  private static final String FIRST = "..2026_12_07_13_10_14.111306377";

  @TempDir Path dir;

  @Test
  void testPlanApplyAndRollback_overTheStoreThatBuildWrote() throws Exception {
    StoreArchives.unpack("/org/hostpki/cli/store-f5405da2/store.tar.gz", dir);
    Cli hostpki = Cli.in(dir).env(Map.of("HOSTPKI_PASSWORD", "s5-store-password"))
        .clock(Clock.fixed(Instant.parse("2026-12-08T12:00:00Z"), ZoneOffset.UTC));

    CliResult plan = hostpki.run("plan", "host.yaml");
    CliResult apply = hostpki.run("apply", "host.yaml", "--unattended");
    CliResult rollback = hostpki.run("rollback", "host.yaml", "--to", FIRST);

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out()).as(plan.toString())
        .contains("No changes: the store matches the desired state (14 resources checked).");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).as(apply.toString()).contains("No changes");
    assertThat(Files.readString(dir.resolve("metrics/hostpki.prom")))
        .contains("hostpki_certificate_not_after_timestamp_seconds{store=\"" + dir.resolve("pki")
            + "\",certificate=\"server\"}");
    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    assertThat(Files.readSymbolicLink(dir.resolve("pki/..data")).toString()).isEqualTo(FIRST);
  }
}
