package org.hostpki.pki;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.hostpki.model.CsrFacts;

/**
 * Whatever certificate material a user hands {@code hostpki inspect}, told apart by its content,
 * never by its file name: certificates (one or many, PEM or DER, or a PKCS#7 bundle), a
 * certificate request (PEM or DER), a CRL (PEM or DER), or a key store (PKCS#12, JKS). A private key is never decoded: in a PEM
 * file beside certificates (a combined PEM, as HAProxy takes it) it is only counted; a file of
 * nothing but keys is refused.
 */
public sealed interface Material {

  /**
   * Certificates, in file order.
   *
   * @param privateKeys how many private key blocks the PEM file holds beside them (not read)
   */
  record Certificates(List<Certificate> certificates, Form form, int privateKeys) implements Material {
    public Certificates {
      certificates = List.copyOf(certificates);
    }
  }

  /** One certificate request. */
  record Request(CsrFacts request, Form form) implements Material {}

  /** One certificate revocation list, as {@code hostpki export crl} writes it (its signature is not checked). */
  record Crl(RevocationList crl, Form form) implements Material {}

  /** A key store, PKCS#12 or JKS, opened with its password. */
  record KeyStoreFile(KeyStoreContents contents, Form form) implements Material {}

  /** How the material was encoded. */
  enum Form {
    PEM("pem"),
    DER("der"),
    PKCS7("pkcs7"),
    PKCS12("pkcs12"),
    JKS("jks");

    private final String word;

    Form(String word) {
      this.word = word;
    }

    /** The form JSON uses. */
    public String word() {
      return word;
    }
  }

  /** A key store that was given no password to open it with. */
  final class PasswordNeededException extends Exception {
    private static final long serialVersionUID = 1L;

    PasswordNeededException(String what) {
      super("is " + what + ", which opens only with its password");
    }
  }

  /**
   * Reads {@code data}.
   *
   * @param password for a PKCS#12 file
   * @throws PasswordNeededException when it is a key store (PKCS#12, JKS) and no password was given
   *     (a PKCS#12 file written without one opens without one)
   * @throws WrongPasswordException when a key store does not open with the password
   * @throws InvalidMaterialException when it is none of the above, or damaged; the message
   *     completes "FILE ..."
   */
  static Material read(byte[] data, Optional<char[]> password)
      throws InvalidMaterialException, WrongPasswordException, PasswordNeededException {
    if (data.length == 0 || PemText.isBlank(data)) {
      throw new InvalidMaterialException("is empty");
    }
    if (JavaKeyStore.isJks(data)) {
      if (password.isEmpty()) {
        throw new PasswordNeededException("a Java KeyStore (JKS)");
      }
      return new KeyStoreFile(JavaKeyStore.contents(data, password.get()), Form.JKS);
    }
    if (data.length >= 4 && (data[0] & 0xff) == 0xce && (data[1] & 0xff) == 0xce && (data[2] & 0xff) == 0xce
        && (data[3] & 0xff) == 0xce) {
      throw new InvalidMaterialException(
          "is a JCEKS key store, which hostpki does not read; convert it with keytool -importkeystore"
              + " -srcstoretype JCEKS -deststoretype PKCS12, then inspect the PKCS#12 file");
    }
    PemText.refuseUtf16(data);
    if (PemText.hasBeginLine(data)) {
      List<PemText.Block> blocks = PemText.blocks(data);
      if (blocks.stream().anyMatch(b -> b.label().endsWith("CERTIFICATE REQUEST"))) {
        return new Request(CertificationRequest.read(data), Form.PEM);
      }
      if (blocks.stream().anyMatch(b -> b.label().equals(RevocationList.PEM_LABEL))) {
        return new Crl(RevocationList.parse(data), Form.PEM);
      }
      boolean pkcs7 = blocks.stream().anyMatch(b -> b.label().startsWith("PKCS") || b.label().equals("CMS"));
      int keys = (int) blocks.stream().filter(PemText.Block::isPrivateKey).count();
      if (keys == 0) {
        return new Certificates(Pem.readCertificates(data), pkcs7 ? Form.PKCS7 : Form.PEM, 0);
      }
      return new Certificates(besideKeys(data, blocks), Form.PEM, keys);
    }
    if ((data[0] & 0xff) != 0x30) {
      throw new InvalidMaterialException(
          "is no certificate, certificate request, CRL or PKCS#12 file: it is neither PEM text nor DER");
    }
    String shape = Der.shapeProblem(data);
    if (shape != null) {
      // Cut short or followed by junk: no reader gets further, so say it once.
      throw new InvalidMaterialException(
          "is no certificate, certificate request, CRL or PKCS#12 file hostpki can read: " + shape);
    }
    switch (derKind(data)) {
      case PKCS12:
        if (password.isEmpty()) {
          // One written without a password (no MAC, nothing encrypted) opens as it is, as
          // openssl pkcs12 -passin pass: and keytool with an empty password open it.
          try {
            return new KeyStoreFile(KeyStoreContents.read(data, new char[0]), Form.PKCS12);
          } catch (WrongPasswordException protectedByOne) {
            throw new PasswordNeededException("a PKCS#12 file");
          }
        }
        return new KeyStoreFile(KeyStoreContents.read(data, password.get()), Form.PKCS12);
      case PKCS7:
        return new Certificates(Pem.readCertificates(data), Form.PKCS7, 0);
      default:
        try {
          return new Certificates(Pem.readCertificates(data), Form.DER, 0);
        } catch (InvalidMaterialException notACertificate) {
          try {
            return new Request(CertificationRequest.read(data), Form.DER);
          } catch (InvalidMaterialException notARequest) {
            if (isCrlShaped(data)) {
              return new Crl(RevocationList.parse(data), Form.DER);
            }
            throw new InvalidMaterialException(
                "is no certificate, certificate request, CRL or PKCS#12 file: as a certificate it "
                    + notACertificate.getMessage() + "; as a certificate request it " + notARequest.getMessage());
          }
        }
    }
  }

  /** The certificate blocks of a PEM file that holds private keys too, which are skipped unread. */
  private static List<Certificate> besideKeys(byte[] data, List<PemText.Block> blocks)
      throws InvalidMaterialException {
    List<Certificate> certificates = new ArrayList<>();
    for (PemText.Block block : blocks) {
      if (block.isPrivateKey()) {
        continue;
      }
      if (!block.label().equals("CERTIFICATE")) {
        throw new InvalidMaterialException(
            block.describe() + " is a " + block.label() + ", not a CERTIFICATE (the file holds a private key too)");
      }
      try {
        certificates.add(Certificate.fromDer(PemText.decode(data, block).content()));
      } catch (InvalidMaterialException e) {
        throw new InvalidMaterialException(block.describe() + " " + e.getMessage(), e);
      }
    }
    if (certificates.isEmpty()) {
      throw new InvalidMaterialException(
          "holds a private key and no certificate: inspect shows certificates, certificate requests"
              + " and PKCS#12 files, and never a key");
    }
    return certificates;
  }

  /**
   * Whether DER is shaped as a CRL: CertificateList ::= SEQUENCE { tbsCertList SEQUENCE { version
   * INTEGER OPTIONAL, signature AlgorithmIdentifier (a SEQUENCE), issuer Name (a SEQUENCE),
   * thisUpdate Time, ... }, ... }, where a certificate's TBSCertificate holds a [0] version and a
   * serial before its algorithm, and a request's info an INTEGER, a Name and a SEQUENCE.
   */
  private static boolean isCrlShaped(byte[] data) {
    try {
      if (Der.parse(data) instanceof ASN1Sequence top && top.size() == 3
          && top.getObjectAt(0) instanceof ASN1Sequence tbs && tbs.size() >= 3) {
        int first = tbs.getObjectAt(0) instanceof ASN1Integer ? 1 : 0;
        return tbs.size() >= first + 3
            && tbs.getObjectAt(first) instanceof ASN1Sequence
            && tbs.getObjectAt(first + 1) instanceof ASN1Sequence
            && (tbs.getObjectAt(first + 2) instanceof ASN1UTCTime
                || tbs.getObjectAt(first + 2) instanceof ASN1GeneralizedTime);
      }
    } catch (IOException | RuntimeException e) {
      // not DER: the certificate reader said why
    }
    return false;
  }

  /**
   * What a DER structure's first element says it is: a PKCS#12 PFX starts with its version (an
   * INTEGER), a PKCS#7 ContentInfo with its content type (an OID); a certificate and a request
   * both start with a SEQUENCE, and are told apart by parsing.
   */
  private static Form derKind(byte[] data) {
    try {
      ASN1Primitive top = Der.parse(data);
      if (top instanceof ASN1Sequence sequence && sequence.size() > 0) {
        // PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData OPTIONAL }
        if (sequence.getObjectAt(0) instanceof ASN1Integer version
            && version.hasValue(3)
            && (sequence.size() == 2 || sequence.size() == 3)
            && sequence.getObjectAt(1) instanceof ASN1Sequence) {
          return Form.PKCS12;
        }
        if (sequence.getObjectAt(0) instanceof ASN1ObjectIdentifier) {
          return Form.PKCS7;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not DER at all: the certificate reader says why
    }
    return Form.DER;
  }
}
