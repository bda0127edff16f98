package org.hostpki.pki;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1UniversalString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.hostpki.model.DistinguishedName;
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

  /**
   * The name as every output shows names ({@link DistinguishedName}): RFC 4514, last RDN first,
   * {@code CN=x,O=y,C=US}, escaped so that it is one line that cannot move a cursor.
   */
  static String rfc4514(X500Name name) {
    return DistinguishedName.format(attributes(name));
  }

  /** The name's RDNs in encoding order, each with its attributes as names show them. */
  static List<List<DistinguishedName.Attribute>> attributes(X500Name name) {
    List<List<DistinguishedName.Attribute>> rdns = new ArrayList<>();
    for (RDN rdn : name.getRDNs()) {
      List<DistinguishedName.Attribute> attributes = new ArrayList<>();
      for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
        attributes.add(
            DistinguishedName.Attribute.of(
                atv.getType().getId(), text(atv.getValue()), der(atv.getValue())));
      }
      rdns.add(attributes);
    }
    return rdns;
  }

  /** The value as text when it is a string type; null otherwise (then it is shown as hex). */
  private static String text(ASN1Encodable value) {
    byte[] octets = asciiTypeOctets(value);
    if (octets != null && !isAscii(octets)) {
      // An ASCII type (IA5, Printable, Visible, Numeric) holding a byte above 0x7F: read as
      // Latin-1 it printed as mojibake (each byte a Latin-1 letter, 0x80 as \C2\80). Bytes that
      // are UTF-8 are read as UTF-8, so a bidi override is \E2\80\AE as in a UTF8String; others
      // are no text, shown as the value's DER in hex (#16...).
      try {
        return java.nio.charset.StandardCharsets.UTF_8
            .newDecoder()
            .decode(java.nio.ByteBuffer.wrap(octets))
            .toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        return null;
      }
    }
    if (value instanceof ASN1String s
        && !(value instanceof ASN1BitString)
        && !(value instanceof ASN1UniversalString)) {
      return s.getString(); // their getString() is "#hex", not text
    }
    return null;
  }

  /** The octets of a string of an ASCII-only type (IA5, Printable, Visible, Numeric); else null. */
  private static byte[] asciiTypeOctets(ASN1Encodable value) {
    if (value instanceof org.bouncycastle.asn1.ASN1IA5String s) {
      return s.getOctets();
    }
    if (value instanceof org.bouncycastle.asn1.ASN1PrintableString s) {
      return s.getOctets();
    }
    if (value instanceof org.bouncycastle.asn1.ASN1VisibleString s) {
      return s.getOctets();
    }
    if (value instanceof org.bouncycastle.asn1.ASN1NumericString s) {
      return s.getOctets();
    }
    return null;
  }

  private static boolean isAscii(byte[] octets) {
    for (byte b : octets) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] der(ASN1Encodable value) {
    try {
      return value.toASN1Primitive().getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("a decoded value encodes", e);
    }
  }
}
