package org.hostpki.pki;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;

/**
 * Reading certificates from whatever users hand over, and writing PEM bundles. Input is the whole
 * file in memory: PEM with one or many CERTIFICATE blocks, one DER certificate, or a PKCS#7 bundle
 * ({@code .p7b}, PEM or DER, also under a CERTIFICATE label as Windows AD CS writes it), told
 * apart by content, not by file name.
 */
public final class Pem {
  private Pem() {}

  /** How many certificates one input may hold unless the caller says otherwise. */
  public static final int DEFAULT_MAX_CERTIFICATES = 10_000;

  /** Reads the certificates in {@code data}, at most {@link #DEFAULT_MAX_CERTIFICATES}. */
  public static List<Certificate> readCertificates(byte[] data) throws InvalidMaterialException {
    return readCertificates(data, DEFAULT_MAX_CERTIFICATES);
  }

  /**
   * Reads the certificates in {@code data}, in file order. Refuses, with a reason naming the block
   * and line: empty input, input without a certificate, private keys, other PEM blocks, bad or
   * truncated base64, binary garbage outside the blocks, and more than {@code maxCertificates}
   * certificates. Text outside PEM blocks is ignored, as OpenSSL does.
   */
  public static List<Certificate> readCertificates(byte[] data, int maxCertificates)
      throws InvalidMaterialException {
    return readCertificates(data, maxCertificates, new CertificatePool());
  }

  /**
   * Like {@link #readCertificates(byte[], int)}, and the same result, but a certificate whose DER
   * is already in {@code pool} is taken from there instead of being parsed again; the ones parsed
   * are added to it. The checks of the file itself (its PEM blocks, base64, DER shape) are made
   * every time.
   */
  public static List<Certificate> readCertificates(
      byte[] data, int maxCertificates, CertificatePool pool) throws InvalidMaterialException {
    if (maxCertificates < 1) {
      throw new IllegalArgumentException("maxCertificates must be positive: " + maxCertificates);
    }
    if (data.length == 0 || PemText.isBlank(data)) {
      throw new InvalidMaterialException("is empty");
    }
    PemText.refuseUtf16(data);
    List<Certificate> certificates;
    if (PemText.hasBeginLine(data)) {
      certificates = fromPem(data, maxCertificates, pool);
    } else if ((data[0] & 0xff) == 0x30) {
      certificates = fromDer(data, maxCertificates, pool);
    } else if (PemText.firstBinaryByte(data, 0, data.length) >= 0) {
      throw new InvalidMaterialException(
          "is neither PEM text nor a DER certificate (it does not start with a DER SEQUENCE)");
    } else {
      throw new InvalidMaterialException(
          "holds no certificate: there is no -----BEGIN CERTIFICATE----- line");
    }
    if (certificates.isEmpty()) {
      throw new InvalidMaterialException("holds no certificate (the PKCS#7 bundle is empty)");
    }
    return certificates;
  }

  /** The certificates as concatenated PEM blocks (64-column base64, LF line ends). */
  public static String certificates(List<Certificate> certificates) {
    StringBuilder sb = new StringBuilder(certificates.size() * 1200);
    for (Certificate certificate : certificates) {
      sb.append(certificate.pem());
    }
    return sb.toString();
  }

  /**
   * {@link #certificates}' text as its US-ASCII bytes, written straight into one array of the
   * exact length: a trust bundle of 100,000 certificates (75 MB) was a StringBuilder, a String,
   * its bytes and a copy of them, up to three at once (bench/NOTES.md, -Xmx512m).
   */
  public static byte[] certificateBytes(List<Certificate> certificates) {
    long length = 0;
    for (Certificate certificate : certificates) {
      length += certificate.pemLength();
    }
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "the " + certificates.size() + " certificates' PEM text is " + length
              + " bytes, more than one file can hold in memory");
    }
    byte[] pem = new byte[(int) length];
    int at = 0;
    for (Certificate certificate : certificates) {
      at = certificate.pemInto(pem, at);
    }
    if (at != pem.length) {
      throw new IllegalStateException("PEM length " + at + " != " + pem.length);
    }
    return pem;
  }

  private static List<Certificate> fromPem(byte[] data, int max, CertificatePool pool)
      throws InvalidMaterialException {
    List<PemText.Block> blocks = PemText.blocks(data);
    List<Certificate> certificates = new ArrayList<>();
    for (PemText.Block block : blocks) {
      if (block.isPrivateKey()) {
        throw new InvalidMaterialException(
            "contains a PRIVATE KEY, not a certificate ("
                + block.describe()
                + "); keep private keys out of certificate files");
      }
    }
    Object[] ahead = decodeAhead(data, blocks, max, pool);
    for (int i = 0; i < blocks.size(); i++) {
      PemText.Block block = blocks.get(i);
      switch (block.label()) {
        case "CERTIFICATE":
        case "X509 CERTIFICATE":
        case "TRUSTED CERTIFICATE":
          checkLimit(certificates.size() + 1, max);
          if (ahead[i] != null) {
            certificates.add(taken(ahead[i]));
            break;
          }
          byte[] der = PemText.decode(data, block).content();
          if (wrapsPkcs7(block, der)) {
            certificates.addAll(pkcs7Block(der, block, max - certificates.size(), max, pool));
          } else {
            certificates.add(certificate(der, block, pool));
          }
          break;
        case "PKCS7":
        case "PKCS #7 SIGNED DATA":
        case "CMS":
          certificates.addAll(
              pkcs7Block(PemText.decode(data, block).content(), block, max - certificates.size(), max, pool));
          break;
        default:
          throw new InvalidMaterialException(
              block.describe() + " is a " + block.label() + ", not a CERTIFICATE");
      }
    }
    if (certificates.isEmpty()) {
      // Every block a certificate goes into adds one; what is left is PKCS#7 without any (a CRL only).
      throw new InvalidMaterialException(
          blocks.isEmpty()
              ? "holds no certificate: it has no CERTIFICATE block"
              : "holds no certificate (the PKCS#7 bundle is empty)");
    }
    return certificates;
  }

  /** From this many blocks on (a store's bundle holds every trusted certificate), decode ahead. */
  private static final int DECODE_AHEAD_BLOCKS = 64;

  /**
   * The certificate blocks of a large file decoded on every core: for block i, its certificate
   * or the exception decoding it threw; null where the caller decodes it itself. The caller still
   * meets the blocks, their errors and the limit in file order, as without this.
   */
  private static Object[] decodeAhead(
      byte[] data, List<PemText.Block> blocks, int max, CertificatePool pool) {
    Object[] ahead = new Object[blocks.size()];
    if (blocks.size() < DECODE_AHEAD_BLOCKS) {
      return ahead;
    }
    // Only the first max blocks: a hostile file's blocks beyond the limit are never decoded.
    // Each index is written by one task; the stream's end makes the writes visible here.
    IntStream.range(0, Math.min(blocks.size(), max))
        .parallel()
        .forEach(
            i -> {
              PemText.Block block = blocks.get(i);
              switch (block.label()) {
                case "CERTIFICATE":
                case "X509 CERTIFICATE":
                case "TRUSTED CERTIFICATE":
                  try {
                    byte[] der = PemText.decode(data, block).content();
                    // A PKCS#7 bundle under this label is left to the caller, in file order.
                    ahead[i] = wrapsPkcs7(block, der) ? null : certificate(der, block, pool);
                  } catch (InvalidMaterialException | RuntimeException e) {
                    ahead[i] = e;
                  }
                  break;
                default:
                  break;
              }
            });
    return ahead;
  }

  /** A block decoded ahead: its certificate, or the exception that decoding it threw. */
  private static Certificate taken(Object decoded) throws InvalidMaterialException {
    if (decoded instanceof InvalidMaterialException e) {
      throw e;
    }
    if (decoded instanceof RuntimeException e) {
      throw e;
    }
    return (Certificate) decoded;
  }

  /** The PKCS#7 signed-data OID's DER (1.2.840.113549.1.7.2), as a ContentInfo starts with it. */
  private static final byte[] SIGNED_DATA_OID = {
    0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x07, 0x02
  };

  /**
   * A PKCS#7 bundle under a CERTIFICATE label: what Windows AD CS's web enrollment saves as
   * {@code certnew.p7b} ("Base 64 encoded", "Download certificate chain"), and what OpenSSL reads
   * as PKCS#7 ("some CAs use PKCS#7 with CERTIFICATE headers"). A certificate starts with a
   * SEQUENCE, never with this OID.
   */
  private static boolean wrapsPkcs7(PemText.Block block, byte[] der) {
    if (!block.label().equals("CERTIFICATE") || der.length < 2 || der[0] != 0x30) {
      return false;
    }
    int lengthBytes = (der[1] & 0x80) == 0 ? 0 : der[1] & 0x7f;
    int start = 2 + lengthBytes;
    return der.length >= start + SIGNED_DATA_OID.length
        && Arrays.equals(der, start, start + SIGNED_DATA_OID.length, SIGNED_DATA_OID, 0, SIGNED_DATA_OID.length);
  }

  private static List<Certificate> pkcs7Block(
      byte[] content, PemText.Block block, int room, int max, CertificatePool pool)
      throws InvalidMaterialException {
    String shape = Der.shapeProblem(content);
    if (shape != null) {
      throw new InvalidMaterialException(block.describe() + " is not valid PKCS#7: " + shape);
    }
    return pkcs7(content, block.describe() + " ", room, max, pool);
  }

  private static Certificate certificate(byte[] der, PemText.Block block, CertificatePool pool)
      throws InvalidMaterialException {
    if (block.label().equals("TRUSTED CERTIFICATE")) {
      // OpenSSL's form: the certificate followed by its trust settings; keep the certificate.
      long length = Der.declaredLength(der, 0);
      if (length > 0 && length < der.length) {
        der = Arrays.copyOf(der, (int) length);
      }
    }
    String shape = Der.shapeProblem(der);
    if (shape != null) {
      throw new InvalidMaterialException(
          block.describe()
              + " is "
              + (shape.startsWith("it is cut short") ? "truncated: " : "not a valid certificate: ")
              + shape);
    }
    try {
      return pool.read(der); // der was just decoded: nobody else holds it
    } catch (InvalidMaterialException e) {
      throw new InvalidMaterialException(block.describe() + " " + e.getMessage(), e);
    }
  }

  /**
   * PKCS#10's CertificationRequestInfo: SEQUENCE { INTEGER 0, Name, SubjectPublicKeyInfo, [0]
   * attributes }. A certificate's TBSCertificate has six or more elements.
   */
  private static boolean isCertificationRequestInfo(ASN1Encodable element) {
    return element instanceof ASN1Sequence info
        && info.size() == 4
        && info.getObjectAt(0) instanceof ASN1Integer version
        && version.hasValue(0)
        && info.getObjectAt(3) instanceof org.bouncycastle.asn1.ASN1TaggedObject;
  }

  private static List<Certificate> fromDer(byte[] data, int max, CertificatePool pool)
      throws InvalidMaterialException {
    String shape = Der.shapeProblem(data);
    if (shape != null) {
      throw new InvalidMaterialException("is not a valid DER certificate: " + shape);
    }
    ASN1Primitive object;
    try {
      object = Der.parse(data);
    } catch (IOException | RuntimeException e) {
      throw new InvalidMaterialException("is not a valid DER certificate: " + Der.reason(e), e);
    }
    if (object instanceof ASN1Sequence sequence && sequence.size() >= 2) {
      ASN1Encodable first = sequence.getObjectAt(0);
      if (first instanceof ASN1ObjectIdentifier type) {
        if (type.equals(CMSObjectIdentifiers.signedData)) {
          return pkcs7(data, "", max, max, pool);
        }
        throw new InvalidMaterialException(
            "is a DER " + type.getId() + " structure, not a certificate or PKCS#7 bundle");
      }
      if (isCertificationRequestInfo(first)) {
        throw new InvalidMaterialException(
            "is a certificate request (CSR), not a certificate; have it signed, then use the"
                + " certificate");
      }
      if (first instanceof ASN1Integer version) {
        throw new InvalidMaterialException(
            version.hasValue(3)
                ? "is a PKCS#12 file, not a certificate"
                : "contains a PRIVATE KEY, not a certificate (DER); keep private keys out of"
                    + " certificate files");
      }
    }
    return List.of(pool.read(data.clone())); // the caller's array stays the caller's
  }

  private static List<Certificate> pkcs7(
      byte[] der, String where, int room, int max, CertificatePool pool)
      throws InvalidMaterialException {
    ASN1Set set;
    try {
      ContentInfo info = ContentInfo.getInstance(Der.parse(der));
      if (!info.getContentType().equals(CMSObjectIdentifiers.signedData)) {
        throw new InvalidMaterialException(
            where + "is PKCS#7 of type " + info.getContentType().getId() + ", not signed data");
      }
      set = SignedData.getInstance(info.getContent()).getCertificates();
    } catch (IOException | RuntimeException e) {
      throw new InvalidMaterialException(where + "is not valid PKCS#7: " + Der.reason(e), e);
    }
    List<Certificate> certificates = new ArrayList<>();
    if (set == null) {
      return certificates;
    }
    for (int i = 0; i < set.size(); i++) {
      ASN1Encodable element = set.getObjectAt(i);
      if (!(element instanceof ASN1Sequence)) {
        continue; // an attribute certificate or other choice: not an X.509 certificate
      }
      checkLimit(max - room + certificates.size() + 1, max);
      try {
        certificates.add(
            pool.read(element.toASN1Primitive().getEncoded(ASN1Encoding.DER)));
      } catch (IOException e) {
        throw new InvalidMaterialException(
            where
                + "certificate "
                + (i + 1)
                + " in the PKCS#7 bundle"
                + " cannot be encoded: "
                + Der.reason(e),
            e);
      } catch (InvalidMaterialException e) {
        throw new InvalidMaterialException(
            where + "certificate " + (i + 1) + " in the PKCS#7 bundle " + e.getMessage(), e);
      }
    }
    return certificates;
  }

  private static void checkLimit(int count, int max) throws InvalidMaterialException {
    if (count > max) {
      throw new InvalidMaterialException(
          "holds more than " + max + " certificates, the limit for one file");
    }
  }
}
