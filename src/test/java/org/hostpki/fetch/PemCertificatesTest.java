package org.hostpki.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;
import org.hostpki.testkit.ToolCertificates;

@Tag(Tags.INTEROP)
class PemCertificatesTest {
  @TempDir static Path certificates;
  private static X509Certificate device;
  private static X509Certificate other;

  @TempDir Path dir;

  @BeforeAll
  static void makeCertificates() {
    device = ToolCertificates.keytoolSelfSigned(certificates, "device", "CN=device.test", "dns:device.test").load();
    other = ToolCertificates.keytoolSelfSigned(certificates, "other", "CN=other.test", "dns:other.test").load();
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

    assertThat(ToolCertificates.read(file)).containsExactly(device, other);
  }
}
