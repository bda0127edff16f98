package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;

/**
 * thostile17/finspect17: an IA5String (or another ASCII-only type) in a name holding bytes above
 * 0x7F was read as Latin-1 and printed as mojibake ({@code emailAddress=a\u00e2\C2\80\u00aeb}),
 * while the same character in a UTF8String prints as {@code \E2\80\AE}.
 */
class NamesAsciiTypesTest {
  private static String rfc4514(byte... ia5Der) throws Exception {
    X500NameBuilder name = new X500NameBuilder();
    name.addRDN(BCStyle.EmailAddress, ASN1Primitive.fromByteArray(ia5Der));
    return Names.rfc4514(name.build());
  }

  @Test
  void testUtf8BytesInAnIa5String_areEscapedAsInAUtf8String() throws Exception {
    assertThat(rfc4514((byte) 0x16, (byte) 5, (byte) 'a', (byte) 0xe2, (byte) 0x80, (byte) 0xae, (byte) 'b'))
        .isEqualTo("emailAddress=a\\E2\\80\\AEb");
  }

  @Test
  void testBytesThatAreNoUtf8_areTheValuesDerInHex() throws Exception {
    assertThat(rfc4514((byte) 0x16, (byte) 3, (byte) 'a', (byte) 0xe9, (byte) 'b'))
        .isEqualTo("emailAddress=#1603" + "61e962");
  }

  @Test
  void testAscii_isAsBefore() throws Exception {
    assertThat(rfc4514((byte) 0x16, (byte) 3, (byte) 'a', (byte) '@', (byte) 'b')).isEqualTo("emailAddress=a@b");
  }
}
