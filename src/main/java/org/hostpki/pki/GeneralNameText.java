package org.hostpki.pki;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * General names (subjectAltName entries, name-constraint bases) and IA5String values as every
 * output shows them, in OpenSSL's words.
 */
final class GeneralNameText {
  private GeneralNameText() {}

  /**
   * An IA5String's text. IA5 is ASCII; a byte above 0x7F (a hostile or broken certificate) is shown
   * as {@code \XX}, upper-case hex, as a subject shows the bytes of a character it escapes ({@code
   * \E2\80\AE}), not read as Latin-1 (which printed {@code Ã¢\x80®}); a backslash is then doubled,
   * so that {@code \E2} written in the value stays told apart (in pure ASCII too: rvfinal17).
   * ASCII without a backslash is returned as it is.
   * Controls are left to the terminal's escaping.
   */
  static String ia5(ASN1Encodable value) {
    byte[] bytes = ASN1IA5String.getInstance(value).getOctets();
    boolean ascii = true;
    for (byte b : bytes) {
      ascii &= b >= 0 && b != '\\';
    }
    if (ascii) {
      return new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
    }
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      if (b < 0) {
        out.append('\\').append(String.format("%02X", b & 0xff));
      } else if (b == '\\') {
        out.append("\\\\");
      } else {
        out.append((char) b);
      }
    }
    return out.toString();
  }

  /**
   * A general name other than a DNS name or an IP address, as OpenSSL prints it: {@code email:x},
   * {@code URI:x}, {@code otherName:1.3.6.1.4.1.311.20.2.3}, {@code dirName:CN=x}, {@code
   * RID:1.2.3}, {@code IP:<5 bytes>}.
   */
  static String other(GeneralName name) {
    return switch (name.getTagNo()) {
      case GeneralName.dNSName -> "DNS:" + ia5(name.getName());
      case GeneralName.iPAddress -> "IP:<" + ASN1OctetString.getInstance(name.getName()).getOctets().length + " bytes>";
      case GeneralName.rfc822Name -> "email:" + ia5(name.getName());
      case GeneralName.uniformResourceIdentifier -> "URI:" + ia5(name.getName());
      case GeneralName.otherName ->
          "otherName:" + ASN1ObjectIdentifier.getInstance(ASN1Sequence.getInstance(name.getName()).getObjectAt(0)).getId();
      case GeneralName.directoryName -> "dirName:" + Names.rfc4514(X500Name.getInstance(name.getName()));
      case GeneralName.registeredID -> "RID:" + ASN1ObjectIdentifier.getInstance(name.getName()).getId();
      case GeneralName.x400Address -> "x400Address";
      case GeneralName.ediPartyName -> "ediPartyName";
      default -> "tag " + name.getTagNo();
    };
  }
}
