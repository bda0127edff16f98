package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.hostpki.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class CertificatePoolTest {
  private static final Certificate CA = TestPki.ca(TestKeys.P256);

  @Test
  void testRead_knownDerGivesTheKnownCertificate() throws Exception {
    CertificatePool pool = new CertificatePool(List.of(CA));

    assertThat(pool.read(CA.der())).isSameAs(CA);
    assertThat(pool.size()).isEqualTo(1);
  }

  @Test
  void testRead_newDerIsParsedLikeFromDerAndRemembered() throws Exception {
    CertificatePool pool = new CertificatePool();

    Certificate read = pool.read(CA.der());

    assertThat(read).isEqualTo(Certificate.fromDer(CA.der()));
    assertThat(read.facts()).isEqualTo(Certificate.fromDer(CA.der()).facts());
    assertThat(pool.read(CA.der())).isSameAs(read);
    assertThat(pool.size()).isEqualTo(1);
  }

  @Test
  void testRead_invalidDerIsRefusedAsFromDerRefusesItAndNotRemembered() {
    byte[] truncated = Arrays.copyOf(CA.der(), CA.der().length - 10);
    CertificatePool pool = new CertificatePool(List.of(CA));

    assertThatThrownBy(() -> pool.read(truncated.clone()))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage(messageOf(truncated));
    assertThat(pool.size()).isEqualTo(1);
  }

  private static String messageOf(byte[] der) {
    try {
      Certificate.fromDer(der);
      return "no error";
    } catch (InvalidMaterialException e) {
      return e.getMessage();
    }
  }
}
