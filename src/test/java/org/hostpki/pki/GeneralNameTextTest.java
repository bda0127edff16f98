package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;

import org.bouncycastle.asn1.DERIA5String;
import org.junit.jupiter.api.Test;

/**
 * rvfinal17: a pure-ASCII name holding the text {@code a\E2b} printed exactly like one holding the
 * byte 0xE2 ({@code a<E2>b}): a backslash is doubled whenever it stands in the value.
 */
class GeneralNameTextTest {
  @Test
  void testIa5_aBackslashWrittenInAsciiIsToldApartFromAnEscapedByte() {
    DERIA5String written = new DERIA5String("a\\E2b", false);
    DERIA5String rawByte = (DERIA5String) DERIA5String.getInstance(new byte[] {0x16, 3, 'a', (byte) 0xE2, 'b'});

    assertThat(GeneralNameText.ia5(written)).isEqualTo("a\\\\E2b");
    assertThat(GeneralNameText.ia5(rawByte)).isEqualTo("a\\E2b");
    assertThat(GeneralNameText.ia5(new DERIA5String("portal.example.com"))).isEqualTo("portal.example.com");
  }
}
