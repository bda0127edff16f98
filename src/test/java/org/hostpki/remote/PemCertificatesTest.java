package org.hostpki.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemCertificatesTest {
  @TempDir static Path certificates;
  private static X509Certificate device;
  private static X509Certificate other;

  @TempDir Path dir;

  @BeforeAll
  static void makeCertificates() {
    device = TestCertificates.keytoolSelfSigned(certificates, "device", "CN=device.test", "dns:device.test").load();
    other = TestCertificates.keytoolSelfSigned(certificates, "other", "CN=other.test", "dns:other.test").load();
  }

  @Test
  void testEncode_64ColumnLinesWithLfOnly() {
    String pem = PemCertificates.encode(device);

    assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("\n-----END CERTIFICATE-----\n");
    assertThat(pem).doesNotContain("\r");
    List<String> body = pem.lines().filter(l -> !l.startsWith("-----")).toList();
    assertThat(body.subList(0, body.size() - 1)).allSatisfy(l -> assertThat(l).hasSize(64));
    assertThat(body.get(body.size() - 1).length()).isBetween(1, 64);
  }

  @Test
  void testEncode_readsBackAsTheSameCertificates() throws IOException {
    Path file = dir.resolve("chain.pem");
    Files.writeString(file, PemCertificates.encode(List.of(device, other)));

    assertThat(TestCertificates.read(file)).containsExactly(device, other);
  }

  @Test
  void testWrite_writesTheCertificatesReadableByAll() throws IOException {
    Path file = dir.resolve("device.pem");

    PemCertificates.write(file, List.of(device));

    assertThat(Files.readString(file)).isEqualTo(PemCertificates.encode(device));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
  }

  @Test
  void testWrite_replacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("device.pem");
    Files.writeString(file, "old");

    PemCertificates.write(file, List.of(other));

    assertThat(Files.readString(file)).isEqualTo(PemCertificates.encode(other));
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void testWrite_missingDirectoryIsAnErrorNamingIt() {
    Path file = dir.resolve("trusted.d").resolve("device.pem");

    assertThatThrownBy(() -> PemCertificates.write(file, List.of(device)))
        .isInstanceOf(HostpkiException.class)
        .hasMessage("cannot write " + file + ": the directory " + dir.resolve("trusted.d") + " does not exist; create it first");
  }

  @Test
  void testWrite_directoryAsTargetIsAnError() {
    assertThatThrownBy(() -> PemCertificates.write(dir, List.of(device)))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("it is a directory");
  }

  @Test
  void testWrite_worksOnAnyFileSystem() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path file = fs.getPath("/trusted.d/device.pem");
      Files.createDirectories(file.getParent());

      PemCertificates.write(file, List.of(device));

      assertThat(Files.readString(file)).isEqualTo(PemCertificates.encode(device));
    }
  }
}
