package org.hostpki.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.ParsedCsr;

/**
 * {@link CertificationRequest#parse(byte[])} on arbitrary bytes: what {@code hostpki sign} and
 * {@code export csr --der} read. A request that was read must give its facts, its signature
 * verdict and its DER.
 */
class CertificationRequestFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void parse(byte[] data) {
    ParsedCsr request;
    try {
      request = CertificationRequest.parse(data);
    } catch (InvalidMaterialException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    request.facts();
    request.signatureValid();
    request.requestsClientAuth();
    assertThat(request.der()).isNotEmpty();
  }
}
