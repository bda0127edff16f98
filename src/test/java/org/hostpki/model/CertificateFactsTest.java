package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class CertificateFactsTest {
  @Test
  void testSerialHex_isUpperCaseWithAnEvenNumberOfDigitsAsOpensslPrintsIt() {
    assertThat(CertificateFacts.serialHex(BigInteger.ONE)).isEqualTo("01");
    assertThat(CertificateFacts.serialHex(new BigInteger("abc", 16))).isEqualTo("0ABC");
  }

  @Test
  void testSerialHex_dropsTheSignByteOfALargeSerial() {
    assertThat(CertificateFacts.serialHex(new BigInteger("80ff", 16))).isEqualTo("80FF");
  }
}
