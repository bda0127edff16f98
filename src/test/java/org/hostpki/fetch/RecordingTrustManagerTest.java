package org.hostpki.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.ToolCertificates;

class RecordingTrustManagerTest {
  @TempDir static Path dir;
  private static X509Certificate certificate;

  @BeforeAll
  static void makeCertificate() {
    certificate = ToolCertificates.keytoolSelfSigned(dir, "device", "CN=device.test", "dns:device.test").load();
  }

  @Test
  void testPresented_emptyBeforeAnyChain() {
    assertThat(new RecordingTrustManager().presented()).isEmpty();
  }

  @Test
  void testCheckServerTrusted_acceptsAndRecordsTheChain() {
    RecordingTrustManager manager = new RecordingTrustManager();

    manager.checkServerTrusted(new X509Certificate[] {certificate}, "ECDHE_ECDSA");

    assertThat(manager.presented()).hasValueSatisfying(c -> assertThat(c).containsExactly(certificate));
  }

  @Test
  void testCheckClientTrusted_refusesEveryClient() {
    RecordingTrustManager manager = new RecordingTrustManager();

    assertThatThrownBy(() -> manager.checkClientTrusted(new X509Certificate[] {certificate}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void testGetAcceptedIssuers_namesNone() {
    assertThat(new RecordingTrustManager().getAcceptedIssuers()).isEmpty();
  }
}
