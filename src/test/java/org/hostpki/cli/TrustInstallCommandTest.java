package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hostpki.install.InstallTargets;
import org.hostpki.json.OutputSchemas;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trust.install} as a user meets it in plan, apply and status, into an NSS database in a
 * temporary folder with the real certutil (no system store is touched), and the bad inputs of
 * that target: a database that is not there, one that is damaged.
 */
class TrustInstallCommandTest {
  private static final String HEAD = "apiVersion: hostpki/v1\nstore: {path: pki}\nhost: {hostname: portal, domain: example.com, detect: false}\n";

  @TempDir Path dir;
  private Path db;

  @BeforeEach
  void database() throws IOException {
    db = Files.createDirectories(dir.resolve("nssdb"));
    Tool.CERTUTIL.command("-N", "-d", "sql:" + db, "--empty-password").run().assertSucceeded();
  }

  private void write(String trust) throws IOException {
    Files.writeString(dir.resolve("host.yaml"), HEAD + trust);
  }

  private CliResult run(String... args) {
    return Cli.in(dir).run(args);
  }

  private String listed() {
    return Tool.CERTUTIL.command("-L", "-d", "sql:" + db).run().assertSucceeded().stdout();
  }

  @Test
  void testApplyStatusAndRemoval_installsTheCaShowsItAndRemovesItByTheRecord() throws IOException {
    write("trust:\n  install: {nss: [sql:" + db + "]}\n");

    CliResult validate = run("validate", "host.yaml");
    CliResult apply = run("apply", "-f", "host.yaml");

    String tag = InstallTargets.storeTag(dir.resolve("pki"));
    assertThat(tag).matches("pki-[0-9a-f]{8}");
    assertThat(validate.err() + validate.out()).contains("valid, 0 warnings").doesNotContain("warning:");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("+ install/nss:" + db + "/hostpki-" + tag + "-ca  create   not installed yet: the CA this apply makes");
    assertThat(listed()).containsPattern("hostpki-" + tag + "-ca [0-9a-f]{16} +C,,");
    assertThat(run("apply", "-f", "host.yaml").out()).startsWith("No changes");
    CliResult status = run("status", "-f", "host.yaml");
    assertThat(status.out()).containsPattern("Install  nss:" + db + ": hostpki-" + tag + "-ca [0-9A-F:]+…\n");
    OutputSchemas.valid("status.schema.json", run("status", "-f", "host.yaml", "--output", "json").out());
    assertThat(run("status", "-f", "host.yaml", "--output", "json").out())
        .contains("\"installed\":[{\"target\":\"nss:" + db + "\",\"named\":true,\"entries\":[{\"name\":\"" + tag + "-ca\",\"sha256\":\"");

    write("trust: {}\n");
    CliResult plan = run("plan", "-f", "host.yaml");
    OutputSchemas.valid("plan.schema.json", run("plan", "-f", "host.yaml", "--output", "json").out());
    CliResult removal = run("apply", "-f", "host.yaml", "--output", "json");

    assertThat(plan.out())
        .contains("- install/nss:" + db + "/hostpki-" + tag + "-ca  delete   installed by hostpki (install record); trust.install no longer names nss:" + db);
    assertThat(run("status", "-f", "host.yaml").out()).doesNotContain("Install  ");
    assertThat(removal.exitCode()).as(removal.toString()).isZero();
    OutputSchemas.valid("apply.schema.json", removal.out());
    assertThat(removal.out()).contains("\"changed\":true").contains("\"generation\":null");
    assertThat(listed()).doesNotContain("hostpki-");
    assertThat(run("plan", "-f", "host.yaml").out()).startsWith("No changes");
  }

  @Test
  void testMissingDatabase_failsAloneNamingCertutilNAndTheStoreIsWritten() throws IOException {
    write("trust:\n  install: {nss: [sql:" + dir.resolve("nowhere") + "]}\n");

    CliResult apply = run("apply", "-f", "host.yaml");

    // The target fails alone (exit 3): the store, the host's own identity, does not wait for it.
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(3);
    assertThat(apply.err())
        .contains("error: install/nss:" + dir.resolve("nowhere") + ": ")
        .contains("certutil -d sql:" + dir.resolve("nowhere") + " -N --empty-password")
        .contains("install/nss:" + dir.resolve("nowhere") + " is left as it was; the store is now at generation ");
    assertThat(dir.resolve("pki/ca.crt")).exists();
  }

  @Test
  void testDamagedDatabase_saysWhatItMeansOnLinesOfTheirOwnAndTheStoreGoesAheadWithoutIt() throws IOException {
    write("trust:\n  install: {nss: [sql:" + db + "]}\n");
    run("apply", "-f", "host.yaml");
    Path live = dir.resolve("pki/..data").toRealPath();
    Files.writeString(db.resolve("cert9.db"), "not a database");
    write("trust:\n  install: {certificates: [ca, trusted], nss: [sql:" + db + "]}\n  hashedDirectory: true\n");

    CliResult apply = run("apply", "-f", "host.yaml");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(3);
    assertThat(apply.err())
        .contains("error: install/nss:" + db + ": certutil -d sql:" + db + " -L exited with code 255, printing:\n  stderr: certutil: ")
        .contains("\n  The database is damaged, or a program using it (a browser) holds it locked")
        .doesNotContain("\\n");
    assertThat(dir.resolve("pki/..data").toRealPath()).isNotEqualTo(live);
    assertThat(dir.resolve("pki/trust-hashed")).isDirectory();
  }
}
