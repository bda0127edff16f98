package org.hostpki.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;

/**
 * {@link Pem#readCertificates(byte[])} on arbitrary bytes: the reader behind trusted certificate
 * files, trust directories and every certificate in the store. Anything but a certificate list or
 * an {@link InvalidMaterialException} with a reason is a finding, and so is a certificate whose
 * facts cannot be read or that does not survive a PEM round trip.
 *
 * <p>Runs over the seeds in {@code PemFuzzTestInputs/} in every build; see the README for fuzzing.
 */
class PemFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void readCertificates(byte[] data) {
    List<Certificate> certificates;
    try {
      certificates = Pem.readCertificates(data, 64);
    } catch (InvalidMaterialException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(certificates).isNotEmpty().hasSizeLessThanOrEqualTo(64);
    for (Certificate certificate : certificates) {
      certificate.facts(); // what the planner and status read from every certificate
    }
    byte[] again = Pem.certificates(certificates).getBytes(StandardCharsets.US_ASCII);
    try {
      assertThat(Pem.readCertificates(again, 64)).isEqualTo(certificates);
    } catch (InvalidMaterialException e) {
      throw new AssertionError("certificates read once cannot be read again: " + e.getMessage(), e);
    }
  }
}
