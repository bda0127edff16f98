package org.hostpki.sign;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class IssuedCertificateTest {
  @Test
  void testSerialHex_isUpperCaseWithAnEvenNumberOfDigitsAsOpensslPrintsIt() {
    assertThat(IssuedCertificate.serialHex(BigInteger.ONE)).isEqualTo("01");
    assertThat(IssuedCertificate.serialHex(new BigInteger("abc", 16))).isEqualTo("0ABC");
  }

  @Test
  void testSerialHex_dropsTheSignByteOfALargeSerial() {
    assertThat(IssuedCertificate.serialHex(new BigInteger("80ff", 16))).isEqualTo("80FF");
  }
}
