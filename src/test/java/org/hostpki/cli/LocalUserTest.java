package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a local user other than the one running hostpki can do to a store on the same host: here a
 * service user an output is handed to ({@code owner: nobody}), who may write that file.
 */
class LocalUserTest {
  @TempDir Path dir;

  /**
   * A service user makes its own output a sparse file of over a gigabyte ({@code truncate -s 2G}):
   * every run used to read it whole and then refuse the store, so the unattended runs stopped
   * renewing anything until someone removed it by hand.
   */
  @Test
  void testApply_anOutputItsOwnerBlewUpIsWrittenAnewAndStopsNoRun() throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\n"
            + "host: {hostname: portal, domain: example.com, detect: false}\n"
            + "outputs:\n  - {format: key, file: svc.key, owner: nobody, group: nogroup, mode: \"0600\"}\n");
    Files.setPosixFilePermissions(dir.resolve("host.yaml"), PosixFilePermissions.fromString("rw-------"));
    Cli.in(dir).run("apply", "host.yaml").assertSucceeded();
    Path output = dir.resolve("pki/svc.key");
    try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "rw")) {
      file.setLength((1L << 30) + 1); // sparse: costs no disk
    }

    CliResult plan = Cli.in(dir).run("plan", "host.yaml");
    CliResult apply = Cli.in(dir).run("apply", "host.yaml");
    CliResult again = Cli.in(dir).run("apply", "host.yaml");

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out())
        .contains("~ output/svc.key  update   holds binary data after block 1 (PRIVATE KEY, line 1)")
        .contains("1 to update, 0 to delete, 4 unchanged");
    apply.assertSucceeded();
    assertThat(Files.size(output)).isLessThan(1000);
    assertThat(Files.getOwner(output).getName()).isEqualTo("nobody");
    assertThat(again.out()).contains("No changes");
  }
}
