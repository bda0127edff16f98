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
          .with(InstallTarget.system(), new TreeMap<>(Map.of("ca", A)), Optional.empty())
          .with(
              InstallTarget.java(Path.of("/opt/app/jre/lib/security/cacerts")),
              new TreeMap<>(Map.of("ca", A, "trust-ldap", B)),
              Optional.of(new PasswordSource.Env("CACERTS_PASSWORD")))
          .with(
              InstallTarget.nss(Path.of("/home/app/.pki/nssdb")),
              new TreeMap<>(Map.of("ca", A)),
              Optional.of(new PasswordSource.File(Path.of("/etc/hostpki/nss.pass"))));

  @Test
  void testWriteThenRead_givesTheSameRecord() {
    InstallRecordFile.write(store, record);

    assertThat(InstallRecordFile.read(store)).isEqualTo(record);
  }

  @Test
  void testWrite_isPrivateAndLeavesNoTemporaryFile() throws IOException {
    InstallRecordFile.write(store, record);
    InstallRecordFile.write(store, InstallRecord.empty());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve(".installed.json")))).isEqualTo("rw-------");
    assertThat(store.toFile().list()).containsExactly(".installed.json");
    assertThat(InstallRecordFile.read(store)).isEqualTo(InstallRecord.empty());
  }

  @Test
  void testRender_isTheDocumentedFormat() {
    assertThat(InstallRecordFile.render(InstallRecord.empty().with(InstallTarget.system(), new TreeMap<>(Map.of("ca", A)), Optional.empty())))
        .isEqualTo(
            "{\n  \"format_version\" : \"1\",\n  \"targets\" : [ {\n    \"target\" : \"system\",\n    \"entries\" : [ {\n"
                + "      \"name\" : \"ca\",\n      \"sha256\" : \"" + A.hex() + "\"\n    } ]\n  } ]\n}\n");
  }

  @Test
  void testRead_noFileIsAnEmptyRecord() {
    assertThat(InstallRecordFile.read(store)).isEqualTo(InstallRecord.empty());
  }

  @Test
  void testRead_aDamagedRecordIsAnErrorThatSaysWhatItIsFor() throws IOException {
    Files.writeString(store.resolve(".installed.json"), "{\"format_version\":\"1\",\"targets\":[{\"target\":\"floppy:/a\",\"entries\":[]}]}");

    assertThatThrownBy(() -> InstallRecordFile.read(store))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(store.resolve(".installed.json") + " is not a hostpki install record (unknown target 'floppy:/a')")
        .hasMessageContaining("so that a target no longer named is cleaned up");
  }

  @Test
  void testRead_refusesAFifoInsteadOfBlocking() throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", store.resolve(".installed.json").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    assertThatThrownBy(() -> InstallRecordFile.read(store))
        .hasMessageContaining("is not a regular file (a device, pipe or socket)");
  }
}
