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

  @Test
  void testSerialHex_ofANegativeSerialHasItsMinusSignAsOpensslPrintsIt() {
    // A hostile certificate's -12345 was shown as CFC7 (its two's complement), the serial of
    // another certificate (+0xCFC7); openssl x509 -serial prints -3039.
    assertThat(CertificateFacts.serialHex(BigInteger.valueOf(-12345))).isEqualTo("-3039");
    assertThat(CertificateFacts.serialHex(new BigInteger("cfc7", 16))).isEqualTo("CFC7");
    assertThat(CertificateFacts.serialHex(BigInteger.valueOf(-0x80))).isEqualTo("-80");
    assertThat(CertificateFacts.serialHex(BigInteger.valueOf(-0xabc))).isEqualTo("-0ABC");
  }
}
