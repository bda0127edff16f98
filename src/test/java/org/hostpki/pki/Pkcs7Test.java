package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.pki.TestPki.NOW;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.TestCa;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class Pkcs7Test {
  private static final TestCa CA = TestCa.create(NOW);

  @TempDir Path dir;

  @Test
  void testCertificatesOnly_readsBackAsTheSameCertificates() throws Exception {
    byte[] p7b = Pkcs7.certificatesOnly(List.of(CA.intermediate(), CA.root()));

    assertThat(Pem.readCertificates(p7b)).containsExactlyInAnyOrder(CA.intermediate(), CA.root());
  }

  @Test
  void testCertificatesOnly_opensslPrintsEveryCertificate() throws Exception {
    Tool.OPENSSL.require();
    Files.write(dir.resolve("chain.p7b"), Pkcs7.certificatesOnly(List.of(CA.intermediate(), CA.root())));

    ProcessResult result =
        Tool.OPENSSL.command("pkcs7", "-inform", "DER", "-in", "chain.p7b", "-print_certs", "-noout").in(dir).run().assertSucceeded();

    assertThat(result.output()).contains("subject=CN = Example Issuing CA 2", "subject=CN = Example Root CA");
  }

  @Test
  void testCertificatesOnly_needsACertificate() {
    assertThatThrownBy(() -> Pkcs7.certificatesOnly(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
