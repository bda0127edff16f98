package org.hostpki.pki;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.RFC4519Style;
import org.hostpki.model.Subject;

/** Between the model's {@link Subject} and X.500 names as certificates encode them. */
final class Names {
  private Names() {}

  private static final Map<String, ASN1ObjectIdentifier> TYPES = new LinkedHashMap<>();

  static {
    TYPES.put("C", BCStyle.C);
    TYPES.put("ST", BCStyle.ST);
    TYPES.put("L", BCStyle.L);
    TYPES.put("O", BCStyle.O);
    TYPES.put("OU", BCStyle.OU);
    TYPES.put("CN", BCStyle.CN);
    TYPES.put("emailAddress", BCStyle.EmailAddress);
  }

  /** Keywords RFC 4514 leaves to OIDs but people read by name. */
  private static final Map<String, String> EXTRA_KEYWORDS =
      Map.of(
          BCStyle.EmailAddress.getId(), "emailAddress",
          BCStyle.SERIALNUMBER.getId(), "serialNumber");

  /**
   * Encodes a subject in {@link Subject#rdns()} order, one attribute per RDN: UTF8String values,
   * except the country (PrintableString) and the e-mail address (IA5String), as RFC 5280 asks.
   *
   * @throws IllegalArgumentException when the country is not printable or the e-mail not ASCII
   */
  static X500Name encode(Subject subject) {
    RDN[] rdns =
        subject.rdns().stream()
            .map(rdn -> new RDN(TYPES.get(rdn.type()), value(rdn.type(), rdn.value())))
            .toArray(RDN[]::new);
    return new X500Name(rdns);
  }

  private static ASN1Encodable value(String type, String value) {
    switch (type) {
      case "C":
        return new DERPrintableString(value, true);
      case "emailAddress":
        return new DERIA5String(value, true);
      default:
        return new DERUTF8String(value);
    }
  }

  /** The attributes the model knows, the first of each kind; others are left to the DN string. */
  static Subject decode(X500Name name) {
    Map<ASN1ObjectIdentifier, String> found = new LinkedHashMap<>();
    for (RDN rdn : name.getRDNs()) {
      for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
        if (atv.getValue() instanceof ASN1String s) {
          found.putIfAbsent(atv.getType(), s.getString());
        }
      }
    }
    return new Subject(
        Optional.ofNullable(found.get(BCStyle.CN)),
        Optional.ofNullable(found.get(BCStyle.O)),
        Optional.ofNullable(found.get(BCStyle.OU)),
        Optional.ofNullable(found.get(BCStyle.L)),
        Optional.ofNullable(found.get(BCStyle.ST)),
        Optional.ofNullable(found.get(BCStyle.C)),
        Optional.ofNullable(found.get(BCStyle.EmailAddress)));
  }

  /** The RFC 4514 string: last RDN first, {@code CN=x,O=y,C=US}. */
  static String rfc4514(X500Name name) {
    try {
      return new X500Principal(name.getEncoded(ASN1Encoding.DER))
          .getName(X500Principal.RFC2253, EXTRA_KEYWORDS);
    } catch (java.io.IOException | IllegalArgumentException e) {
      // a name the JDK refuses to parse; BouncyCastle prints anything
      return RFC4519Style.INSTANCE.toString(name);
    }
  }
}
