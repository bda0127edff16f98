package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.InstallRecord;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.PasswordSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The install record beside the store's generations. */
class InstallRecordFileTest {
  private static final Fingerprint A = new Fingerprint("a".repeat(64));
  private static final Fingerprint B = new Fingerprint("b".repeat(64));

  @TempDir Path store;

  private final InstallRecord record =
      InstallRecord.empty()
          .with(InstallTarget.system(), new TreeMap<>(Map.of("web-1a2b3c4d-ca", A)), Optional.empty())
          .with(
              InstallTarget.java(Path.of("/opt/app/jre/lib/security/cacerts")),
              new TreeMap<>(Map.of("web-1a2b3c4d-ca", A, "trust-ldap", B)),
              Optional.of(new PasswordSource.Env("CACERTS_PASSWORD")))
          .with(
              InstallTarget.nss(Path.of("/home/app/.pki/nssdb")),
              new TreeMap<>(Map.of("web-1a2b3c4d-ca", A)),
              Optional.of(new PasswordSource.File(Path.of("/etc/hostpki/nss.pass"))));

  @Test
  void testWriteThenRead_givesTheSameRecord() {
    InstallRecordFile.write(store, record);

    assertThat(InstallRecordFile.read(store)).isEqualTo(record);
  }

  @Test
  void testWrite_isPrivateBesideTheGenerationsAndLeavesNoTemporaryFile() throws IOException {
    InstallRecordFile.write(store, record);
    InstallRecordFile.write(store, InstallRecord.empty());

    Path file = store.resolve(".install/record.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    assertThat(file.getParent().toFile().list()).containsExactly("record.json");
    assertThat(InstallRecordFile.read(store)).isEqualTo(InstallRecord.empty());
  }

  /**
   * thostile16: a store path no file can have (a NUL, by hand) stopped every plan with "cannot use
   * the file name", naming no record: such a store is not known, the others are.
   */
  @Test
  void testStores_aPathWithANulIsNoStore() throws IOException {
    InstallRecordFile.write(store, record);
    Path file = store.resolve(".install/record.json");
    Files.writeString(file, Files.readString(file).replace("\"stores\":{", "\"stores\":{\"x_y-12345678\":\"/x\\u0000y\","));

    assertThat(InstallRecordFile.stores(store)).hasSize(1).doesNotContainKey("x_y-12345678");
  }

  @Test
  void testRender_isTheDocumentedFormat() {
    assertThat(InstallRecordFile.render(InstallRecord.empty().with(InstallTarget.system(), new TreeMap<>(Map.of("web-1a2b3c4d-ca", A)), Optional.empty())))
        .isEqualTo(
            "{\"format_version\":\"1\",\"targets\":[{\"target\":\"system\",\"entries\":[{\"name\":\"web-1a2b3c4d-ca\",\"sha256\":\""
                + A.hex() + "\"}]}]}\n");
  }

  /**
   * A failed change is kept beside the targets (frecord15): read back as written, and a record
   * edited to hold a terminal escape gives it escaped; a record without failures renders as an
   * older build wrote it (testRender_isTheDocumentedFormat).
   */
  @Test
  void testFailures_writtenAndReadBackAndEscaped() throws IOException {
    InstallTarget app = InstallTarget.java(Path.of("/opt/app/jre/lib/security/cacerts"));
    java.time.Instant t0 = java.time.Instant.parse("2026-12-07T15:21:14.123Z");
    InstallRecord failing = record.failed(app, t0, java.util.List.of("install/java:/opt/app: locked by 4242"))
        .failed(app, t0.plusSeconds(900), java.util.List.of("install/java:/opt/app: locked by 4243"));
    InstallRecordFile.write(store, failing);

    assertThat(InstallRecordFile.read(store)).isEqualTo(failing);
    assertThat(InstallRecordFile.read(store).failure(app)).hasValueSatisfying(f -> {
      assertThat(f.attempts()).isEqualTo(2);
      assertThat(f.since()).isEqualTo(t0.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)); // to the second
    });
    assertThat(InstallRecordFile.read(store).succeeded(app)).isEqualTo(record);

    Path file = store.resolve(".install/record.json");
    Files.writeString(file, Files.readString(file).replace("locked by 4243", "locked by \\u001b[2J"));
    assertThat(InstallRecordFile.read(store).failure(app).orElseThrow().error())
        .containsExactly("install/java:/opt/app: locked by \\x1b[2J");
  }

  /**
   * A bad failed entry (an edit, a newer build's field) is skipped: the failures only say why a
   * target's last change failed, and the record must still say what was installed where, so
   * that a target no longer named is cleaned up (rvcore15: it made the whole record unreadable).
   */
  @Test
  void testFailures_aBadFailedEntryIsSkippedTheTargetsAndTheGoodFailuresStay() throws IOException {
    InstallTarget app = InstallTarget.java(Path.of("/opt/app/jre/lib/security/cacerts"));
    java.time.Instant t0 = java.time.Instant.parse("2026-12-07T15:21:14Z");
    InstallRecordFile.write(store, record.failed(app, t0, java.util.List.of("install/java:/opt/app: locked by 4242")));
    Path file = store.resolve(".install/record.json");
    String good = Files.readString(file);
    String goodEntry = good.substring(good.indexOf("[", good.indexOf("\"failed\"")) + 1, good.lastIndexOf("]"));
    for (String bad : java.util.List.of(
        "{\"target\":\"floppy:/a\",\"since\":\"2026-12-07T15:21:14Z\",\"at\":\"2026-12-07T15:21:14Z\",\"attempts\":1,\"error\":[\"x\"]}",
        "{\"target\":\"system\",\"since\":\"yesterday\",\"at\":\"2026-12-07T15:21:14Z\",\"attempts\":1,\"error\":[\"x\"]}",
        "{\"target\":\"system\",\"since\":\"2026-12-07T15:21:14Z\",\"at\":\"2026-12-07T15:21:14Z\",\"attempts\":0,\"error\":[]}",
        "{\"target\":\"system\"}",
        // times Instant.parse takes but no date is written for: every plan, check and status said
        // "internal error: DateTimeException" (thostile16)
        "{\"target\":\"system\",\"since\":\"2026-12-07T15:21:14Z\",\"at\":\"+1000000000-12-31T23:59:59Z\",\"attempts\":1,\"error\":[\"x\"]}",
        "{\"target\":\"system\",\"since\":\"-1000000000-01-01T00:00:00Z\",\"at\":\"2026-12-07T15:21:14Z\",\"attempts\":1,\"error\":[\"x\"]}",
        "\"system\"",
        goodEntry)) {
      Files.writeString(file, good.replace(goodEntry, goodEntry + "," + bad));

      InstallRecord read = InstallRecordFile.read(store);

      assertThat(read.targets()).as(bad).isEqualTo(record.targets());
      assertThat(read.failures()).as(bad).containsOnlyKeys(app);
      assertThat(read.failure(app).orElseThrow().error()).containsExactly("install/java:/opt/app: locked by 4242");
    }
    Files.writeString(file, good.replace("\"failed\":[", "\"failed\":{\"no\":[").replace("]}\n", "]}}\n"));
    assertThat(InstallRecordFile.read(store).targets()).isEqualTo(record.targets());
  }

  @Test
  void testRead_noFileIsAnEmptyRecord() {
    assertThat(InstallRecordFile.read(store)).isEqualTo(InstallRecord.empty());
  }

  @Test
  void testRead_aDamagedRecordIsAnErrorThatSaysWhatItIsFor() throws IOException {
    Files.createDirectories(store.resolve(".install"));
    Files.writeString(store.resolve(".install/record.json"), "{\"format_version\":\"1\",\"targets\":[{\"target\":\"floppy:/a\",\"entries\":[]}]}");

    assertThatThrownBy(() -> InstallRecordFile.read(store))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(store.resolve(".install/record.json") + " is not a hostpki install record (unknown target 'floppy:/a')")
        .hasMessageContaining("so that a target no longer named is cleaned up");
  }

  @Test
  void testRead_aRecordThatIsALinkIsRefused() throws IOException {
    Files.createDirectories(store.resolve(".install"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.createSymbolicLink(store.resolve(".install/record.json"), Files.writeString(store.resolve("elsewhere"), "{}"));

    assertThatThrownBy(() -> InstallRecordFile.read(store))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("is a symbolic link; hostpki does not read records through links");
  }
}
