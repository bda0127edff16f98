package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFormat;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.hostpki.install.InstallRecordFile;
import org.hostpki.model.HostpkiException;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.StoreArchives;
import org.hostpki.testkit.StoreTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A downgrade: the store's records in a later format than this build reads, as a newer hostpki
 * would leave them. They are refused as that, naming the file and the fix (the newer hostpki),
 * and the store is left exactly as it was; they were "not what hostpki writes (altered by hand?);
 * remove it", and removing the hook ledger drops its pending hooks.
 */
class StoreOfANewerBuildTest {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "s3-store-password");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void testPlanAndApply_refuseAHookLedgerOfALaterFormatAndChangeNothing() throws Exception {
    StoreArchives.unpack("/org/hostpki/apply/store-a66e5e8/store.tar.gz", dir);
    Path store = dir.resolve("pki");
    Path ledger = store.resolve(Files.readSymbolicLink(store.resolve("..data"))).resolve(".hooks-due.json");
    Files.writeString(ledger, Files.readString(ledger).replace("\"format_version\":\"1\"", "\"format_version\":\"2\""));
    Map<String, String> before = StoreTrees.of(store);

    CliResult plan = Cli.in(dir).clock(CLOCK).env(ENV).run("plan", "host.yaml");
    CliResult apply = Cli.in(dir).clock(CLOCK).env(ENV).run("apply", "host.yaml", "--unattended");

    for (CliResult run : new CliResult[] {plan, apply}) {
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.err())
          .as(run.toString())
          .contains(ledger + " is in record format 2, which a newer hostpki wrote; this one reads format 1"
              + " (was hostpki downgraded?): run a hostpki at least as new as the one that wrote it.")
          .doesNotContain("remove it", "Exception");
    }
    assertThat(StoreTrees.of(store)).isEqualTo(before);
  }

  @Test
  void testInstallRecord_ofALaterFormatIsRefusedAsANewerBuildsNotAsDamaged() throws IOException {
    Path record = Files.createDirectories(dir.resolve(InstallRecordFile.FOLDER)).resolve(InstallRecordFile.FILE);
    Files.writeString(record, "{\"format_version\":\"2\",\"targets\":[],\"installed_by\":\"a later build\"}\n");

    assertThatThrownBy(() -> InstallRecordFile.read(dir))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(record + " is in record format 2, which a newer hostpki wrote;");
  }

  /** A fleet CA store of two generations (its first apply, one member signed); the member's serial. */
  private String caStoreWithOneMember() throws Exception {
    Files.writeString(dir.resolve("ca.yaml"), RevokeCommandTest.CA_YAML);
    assertThat(hostpki("apply", "-f", "ca.yaml").exitCode()).isZero();
    writeRequest("m1");
    CliResult sign = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr", "-o", "m1-chain.pem");
    assertThat(sign.exitCode()).as(sign.toString()).isZero();
    return CertificateFacts.serialHex(
        Pem.readCertificates(Files.readAllBytes(dir.resolve("m1-chain.pem"))).get(0).facts().serialNumber());
  }

  private void writeRequest(String member) throws Exception {
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
    Files.write(
        dir.resolve(member + ".csr"),
        CertificationRequest.create(
            Subject.empty(), List.of(member + ".fleet.test"), List.of(), false, key, new SecureRandom()));
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(CLOCK).env(Map.of()).run(args);
  }

  @Test
  void testStoreMarkedByANewerBuild_isRefusedByEveryCommandAndLeftAsItIs() throws Exception {
    String serial = caStoreWithOneMember();
    Path store = dir.resolve("pki");
    String oldest = new StoreDirectory(store, CLOCK).generations().get(1).name();
    Path marker = store.resolve(StoreFormat.FILE);
    Files.writeString(marker, "{\"format_version\":\"2\",\"written_by\":\"hostpki 9.0, commit abc\"}\n");
    writeRequest("m2");
    Map<String, String> before = StoreTrees.of(store);

    Map<List<String>, Integer> exits = new java.util.LinkedHashMap<>();
    exits.put(List.of("plan", "-f", "ca.yaml"), 1);
    exits.put(List.of("apply", "-f", "ca.yaml"), 1);
    exits.put(List.of("status", "-f", "ca.yaml"), 1);
    exits.put(List.of("check", "-f", "ca.yaml"), 1); // UNKNOWN, exit 1 as any store error
    exits.put(List.of("history", "-f", "ca.yaml"), 1);
    exits.put(List.of("export", "-f", "ca.yaml", "ca-cert", "-o", "ca-out.crt"), 1);
    exits.put(List.of("rollback", "-f", "ca.yaml", "--to", oldest), 1);
    exits.put(List.of("sign", "-f", "ca.yaml", "--csr", "m2.csr", "-o", "m2-chain.pem"), 1);
    exits.put(List.of("revoke", "-f", "ca.yaml", "--serial", serial), 1);
    for (Map.Entry<List<String>, Integer> command : exits.entrySet()) {
      CliResult run = hostpki(command.getKey().toArray(String[]::new));
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(command.getValue());
      assertThat(run.err())
          .as(run.toString())
          .contains(marker + " is in store format 2, which a newer hostpki wrote; this one reads format 1"
              + " (was hostpki downgraded?): run a hostpki at least as new as the one that wrote it.")
          .doesNotContain("Exception");
    }
    assertThat(StoreTrees.of(store)).isEqualTo(before);
    assertThat(dir.resolve("ca-out.crt")).doesNotExist();
    assertThat(dir.resolve("m2-chain.pem")).doesNotExist();
  }

  @Test
  void testStoreWithoutMarker_worksAndItsNextWriteMarksIt_aRollbackAndABackupKeepIt() throws Exception {
    caStoreWithOneMember();
    Path store = dir.resolve("pki");
    Path marker = store.resolve(StoreFormat.FILE);
    assertThat(Files.readString(marker)).startsWith("{\"format_version\":\"1\",\"written_by\":\"hostpki ");
    Files.delete(marker); // as a build before the marker left its store

    assertThat(hostpki("plan", "-f", "ca.yaml").exitCode()).isZero();
    assertThat(hostpki("status", "-f", "ca.yaml").exitCode()).isZero();
    assertThat(marker).as("read-only commands write nothing").doesNotExist();

    writeRequest("m2");
    assertThat(hostpki("sign", "-f", "ca.yaml", "--csr", "m2.csr", "-o", "m2-chain.pem").exitCode()).isZero();
    String written = Files.readString(marker);
    assertThat(written).startsWith("{\"format_version\":\"1\"");

    String oldest = new StoreDirectory(store, CLOCK).generations().get(2).name();
    CliResult rollback = hostpki("rollback", "-f", "ca.yaml", "--to", oldest);
    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    assertThat(Files.readString(marker)).isEqualTo(written);

    // the backup and restore of docs/guide.md: tar keeps the marker with the dot entries
    Path restored = Files.createDirectories(dir.resolve("restored"));
    assertThat(new ProcessBuilder("tar", "czpf", dir.resolve("backup.tgz").toString(), "-C", dir.toString(), "pki")
            .inheritIO().start().waitFor()).isZero();
    assertThat(new ProcessBuilder("tar", "xzpf", dir.resolve("backup.tgz").toString(), "-C", restored.toString())
            .inheritIO().start().waitFor()).isZero();
    assertThat(Files.readString(restored.resolve("pki").resolve(StoreFormat.FILE))).isEqualTo(written);
  }
}
