package org.hostpki.pki;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.ASN1BMPString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1PrintableString;
import org.bouncycastle.asn1.ASN1T61String;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.ASN1UniversalString;
import org.bouncycastle.asn1.ASN1VisibleString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * The name OpenSSL looks a CA up by in a {@code -CApath} directory ({@code HASH.0}): what {@code
 * openssl x509 -noout -subject_hash} prints, OpenSSL's {@code X509_NAME_hash_ex}; and the name it
 * looks a CA's CRL up by there ({@code HASH.r0}), the same hash of the CRL's issuer, which {@code
 * openssl crl -noout -hash} prints.
 */
public final class SubjectHash {
  private SubjectHash() {}

  /**
   * The 8 lower-case hex digits of the subject hash: the first four bytes, little-endian, of the
   * SHA-1 of the subject's canonical encoding. The canonical encoding (OpenSSL's {@code
   * x509_name_canon}) is each RDN's SET re-encoded with its string values as UTF8String, ASCII
   * lower-cased, leading and trailing white space removed and inner runs of white space folded to
   * one space; the outer SEQUENCE header is left out.
   */
  public static String opensslSubjectHash(Certificate certificate) {
    return hash(certificate.holder().getSubject());
  }

  /**
   * The 8 hex digits OpenSSL names a CRL by in a hashed directory, {@code HASH.r0}: the hash of
   * its issuer, computed as for a certificate's subject, so it equals the issuing CA's {@link
   * #opensslSubjectHash}.
   */
  public static String opensslIssuerHash(RevocationList crl) {
    return hash(crl.holder().getIssuer());
  }

  private static String hash(X500Name name) {
    ByteArrayOutputStream canonical = new ByteArrayOutputStream();
    try {
      for (RDN rdn : name.getRDNs()) {
        ASN1EncodableVector entries = new ASN1EncodableVector();
        for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
          entries.add(
              new DERSequence(new ASN1Encodable[] {atv.getType(), canonical(atv.getValue())}));
        }
        canonical.write(new DERSet(entries).getEncoded(ASN1Encoding.DER)); // DER sorts the SET
      }
    } catch (IOException e) {
      throw new IllegalStateException("encoding a parsed name cannot fail", e);
    }
    byte[] digest = sha1(canonical.toByteArray());
    long hash =
        (digest[0] & 0xffL)
            | (digest[1] & 0xffL) << 8
            | (digest[2] & 0xffL) << 16
            | (digest[3] & 0xffL) << 24;
    return String.format("%08x", hash);
  }

  private static ASN1Encodable canonical(ASN1Encodable value) {
    String text = text(value.toASN1Primitive());
    if (text == null) {
      return value; // not a string type OpenSSL canonicalises: kept as it is
    }
    byte[] in = text.getBytes(StandardCharsets.UTF_8);
    int start = 0;
    int end = in.length;
    while (start < end && isSpace(in[start])) {
      start++;
    }
    while (end > start && isSpace(in[end - 1])) {
      end--;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(end - start);
    for (int i = start; i < end; ) {
      byte b = in[i];
      if (isSpace(b)) {
        out.write(' ');
        while (isSpace(in[i])) {
          i++; // the last byte is not a space, so this stops inside the range
        }
      } else {
        out.write(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b); // ASCII only, bytes >= 0x80 kept
        i++;
      }
    }
    return new DERUTF8String(new String(out.toByteArray(), StandardCharsets.UTF_8));
  }

  /** The value as text when it is one of the string types OpenSSL canonicalises, else null. */
  private static String text(ASN1Primitive value) {
    if (value instanceof ASN1UTF8String s) {
      return s.getString();
    }
    if (value instanceof ASN1PrintableString s) {
      return s.getString();
    }
    if (value instanceof ASN1IA5String s) {
      return s.getString();
    }
    if (value instanceof ASN1VisibleString s) {
      return s.getString();
    }
    if (value instanceof ASN1BMPString s) {
      return s.getString();
    }
    if (value instanceof ASN1T61String s) {
      return s.getString(); // OpenSSL reads T61String as Latin-1, as BouncyCastle does
    }
    if (value instanceof ASN1UniversalString s) {
      byte[] octets = s.getOctets(); // UCS-4, big-endian
      StringBuilder sb = new StringBuilder(octets.length / 4);
      for (int i = 0; i + 3 < octets.length; i += 4) {
        int codePoint =
            (octets[i] & 0xff) << 24
                | (octets[i + 1] & 0xff) << 16
                | (octets[i + 2] & 0xff) << 8
                | (octets[i + 3] & 0xff);
        if (!Character.isValidCodePoint(codePoint)) {
          return null; // OpenSSL fails to canonicalise it too; keep the value as it is
        }
        sb.appendCodePoint(codePoint);
      }
      return sb.toString();
    }
    return null;
  }

  /** C's isspace in the "C" locale, as OpenSSL's ossl_isspace. */
  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == 0x0b || b == '\f' || b == '\r';
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }
}
