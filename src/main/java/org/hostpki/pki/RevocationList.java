package org.hostpki.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CertificateList;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.TBSCertList;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.RevokedCertificate;

/**
 * A certificate revocation list (X.509 v2 CRL, RFC 5280 section 5): issuing one for a CA, and
 * reading one.
 *
 * <p>The CRLs hostpki issues carry the issuer's name as the CA certificate spells it (so clients
 * match it byte for byte), thisUpdate and nextUpdate (UTCTime before 2050), the cRLNumber and the
 * AKI naming the CA's SKI (both non-critical, as RFC 5280 and the CA/Browser Forum's profile
 * say), and per entry the serial, the revocation date and a reasonCode unless the reason is
 * unspecified (which is written by leaving the code out). They are signed with the CA key's
 * natural algorithm, which is the CA certificate's own.
 */
public final class RevocationList {
  static final String PEM_LABEL = "X509 CRL";

  private final byte[] der;
  private final X509CRLHolder holder;
  private volatile CrlFacts facts;

  private RevocationList(byte[] der, X509CRLHolder holder) {
    this.der = der;
    this.holder = holder;
  }

  /**
   * Issues a CRL signed by the CA.
   *
   * @param number the cRLNumber: greater than that of every CRL the CA issued before
   * @param revoked the entries, listed in this order
   * @throws IllegalArgumentException when the key is not the CA certificate's, the certificate is
   *     no CA, nextUpdate is not after thisUpdate, or the number is negative
   */
  public static RevocationList issue(
      Certificate ca,
      KeyMaterial caKey,
      BigInteger number,
      Instant thisUpdate,
      Instant nextUpdate,
      List<RevokedCertificate> revoked,
      SecureRandom random) {
    Objects.requireNonNull(random, "random");
    if (!ca.facts().ca()) {
      throw new IllegalArgumentException("a CRL is issued by a CA: " + ca.facts().subjectDn());
    }
    if (!caKey.matches(ca)) {
      throw new IllegalArgumentException("the key does not belong to the CA " + ca.facts().subjectDn());
    }
    if (!nextUpdate.isAfter(thisUpdate)) {
      throw new IllegalArgumentException("nextUpdate " + nextUpdate + " is not after thisUpdate " + thisUpdate);
    }
    if (number.signum() < 0) {
      throw new IllegalArgumentException("a CRL number is not negative: " + number);
    }
    X509v2CRLBuilder builder =
        new X509v2CRLBuilder(ca.holder().getSubject(), date(thisUpdate));
    builder.setNextUpdate(date(nextUpdate));
    for (RevokedCertificate entry : revoked) {
      if (entry.reason() == RevocationReason.UNSPECIFIED) {
        builder.addCRLEntry(entry.serial(), date(entry.revocationDate()), null);
      } else {
        builder.addCRLEntry(entry.serial(), date(entry.revocationDate()), entry.reason().code());
      }
    }
    try {
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
      builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId(ca)));
    } catch (IOException e) {
      throw new IllegalStateException("encoding CRL extensions cannot fail", e);
    }
    X509CRLHolder crl = builder.build(Signatures.signer(caKey, random));
    try {
      return new RevocationList(crl.getEncoded(), crl);
    } catch (IOException e) {
      throw new IllegalStateException("encoding a CRL just built cannot fail", e);
    }
  }

  private static byte[] keyId(Certificate ca) {
    SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(ca.holder().getExtensions());
    return ski != null
        ? ski.getKeyIdentifier()
        : CertificateExtensions.keyIdentifier(ca.holder().getSubjectPublicKeyInfo()).getKeyIdentifier();
  }

  private static Date date(Instant instant) {
    return Date.from(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /**
   * Reads a CRL: one PEM {@code X509 CRL} block, or DER.
   *
   * @throws InvalidMaterialException saying what is wrong (not naming the file)
   */
  public static RevocationList parse(byte[] data) throws InvalidMaterialException {
    if (data.length == 0 || PemText.isBlank(data)) {
      throw new InvalidMaterialException("is empty");
    }
    byte[] der;
    if (PemText.hasBeginLine(data)) {
      PemText.Block found = null;
      for (PemText.Block block : PemText.blocks(data)) {
        if (!block.label().equals(PEM_LABEL)) {
          throw new InvalidMaterialException(
              block.describe() + " is a " + block.label() + ", not an " + PEM_LABEL
                  + (block.isPrivateKey() ? " (a private key!)" : ""));
        }
        if (found != null) {
          throw new InvalidMaterialException(
              "holds more than one CRL (" + found.describe() + ", " + block.describe() + ")");
        }
        found = block;
      }
      if (found == null) {
        throw new InvalidMaterialException("holds no " + PEM_LABEL + " block");
      }
      der = PemText.decode(data, found).content();
    } else if ((data[0] & 0xff) == 0x30) {
      der = data.clone();
    } else {
      throw new InvalidMaterialException("is neither a PEM CRL (-----BEGIN X509 CRL-----) nor DER");
    }
    String problem = Der.shapeProblem(der);
    if (problem != null) {
      throw new InvalidMaterialException("is not a valid CRL: " + problem);
    }
    X509CRLHolder holder;
    try {
      holder = new X509CRLHolder(CertificateList.getInstance(Der.parse(der)));
      RevocationList crl = new RevocationList(der, holder);
      crl.facts(); // every field is read now: a malformed one is a parse error, not a later surprise
      return crl;
    } catch (IOException | RuntimeException e) {
      throw new InvalidMaterialException("is not a valid CRL: " + Der.reason(e), e);
    }
  }

  /**
   * Reads a file of CRLs: PEM {@code X509 CRL} blocks one after the other (as {@code
   * trust-crls.pem} or a CA bundle of CRLs holds them), or one DER CRL.
   *
   * @param max the most CRLs the file may hold
   * @throws InvalidMaterialException saying what is wrong, and which block (not naming the file)
   */
  public static List<RevocationList> parseAll(byte[] data, int max) throws InvalidMaterialException {
    if (data.length == 0 || PemText.isBlank(data) || !PemText.hasBeginLine(data)) {
      return List.of(parse(data));
    }
    List<RevocationList> all = new ArrayList<>();
    for (PemText.Block block : PemText.blocks(data)) {
      if (!block.label().equals(PEM_LABEL)) {
        throw new InvalidMaterialException(
            block.describe() + " is a " + block.label() + ", not an " + PEM_LABEL
                + (block.isPrivateKey() ? " (a private key!)" : ""));
      }
      if (all.size() == max) {
        throw new InvalidMaterialException("holds more than " + max + " CRLs");
      }
      try {
        all.add(parse(PemText.decode(data, block).content()));
      } catch (InvalidMaterialException e) {
        throw new InvalidMaterialException(block.describe() + " " + e.getMessage(), e);
      }
    }
    if (all.isEmpty()) {
      throw new InvalidMaterialException("holds no " + PEM_LABEL + " block");
    }
    return List.copyOf(all);
  }

  /**
   * The number for a CA's next CRL: one more than the highest among its CRLs so far (the live one
   * and those of the kept generations, so that numbers keep rising after a rollback); 1 for the
   * first. A file that is not a CRL is passed over: the others decide.
   */
  public static BigInteger nextNumber(List<byte[]> earlier) {
    BigInteger highest = BigInteger.ZERO;
    for (byte[] file : earlier) {
      try {
        Optional<BigInteger> number = parse(file).facts().number();
        if (number.isPresent() && number.get().compareTo(highest) > 0) {
          highest = number.get();
        }
      } catch (InvalidMaterialException e) {
        // an old generation's damaged CRL
      }
    }
    return highest.add(BigInteger.ONE);
  }

  /** What the CRL says. */
  public CrlFacts facts() {
    CrlFacts result = facts;
    if (result == null) {
      result = computeFacts();
      facts = result;
    }
    return result;
  }

  private CrlFacts computeFacts() {
    CertificateList list = holder.toASN1Structure();
    TBSCertList tbs = list.getTBSCertList();
    Extensions extensions = tbs.getExtensions();
    Optional<BigInteger> number = Optional.empty();
    Optional<String> aki = Optional.empty();
    if (extensions != null) {
      Extension crlNumber = extensions.getExtension(Extension.cRLNumber);
      if (crlNumber != null) {
        number = Optional.of(ASN1Integer.getInstance(crlNumber.getParsedValue()).getValue());
      }
      AuthorityKeyIdentifier authority = AuthorityKeyIdentifier.fromExtensions(extensions);
      if (authority != null && authority.getKeyIdentifierOctets() != null) {
        aki = Optional.of(Certificate.hex(authority.getKeyIdentifierOctets()));
      }
    }
    List<RevokedCertificate> revoked = new ArrayList<>();
    for (TBSCertList.CRLEntry entry : tbs.getRevokedCertificates()) {
      revoked.add(
          new RevokedCertificate(
              entry.getUserCertificate().getValue(),
              Certificate.instant(entry.getRevocationDate()),
              reason(entry)));
    }
    return new CrlFacts(
        Fingerprint.sha256(der),
        Names.rfc4514(holder.getIssuer()),
        number,
        Certificate.instant(tbs.getThisUpdate()),
        Optional.ofNullable(tbs.getNextUpdate()).map(Certificate::instant),
        revoked,
        aki,
        Signatures.algorithmName(list.getSignatureAlgorithm()));
  }

  private static RevocationReason reason(TBSCertList.CRLEntry entry) {
    Extensions extensions = entry.getExtensions();
    Extension code = extensions == null ? null : extensions.getExtension(Extension.reasonCode);
    if (code == null) {
      return RevocationReason.UNSPECIFIED;
    }
    int value = ASN1Enumerated.getInstance(code.getParsedValue()).intValueExact();
    return RevocationReason.byCode(value)
        .orElseThrow(() -> new IllegalArgumentException("unknown CRL reason code " + value));
  }

  /**
   * Whether the CA issued this CRL: the issuer name matches the CA's subject (RFC 5280 name
   * comparison) and the signature verifies with the CA's key. Any mismatch is false.
   */
  public boolean isSignedBy(Certificate ca) {
    return holder.getIssuer().equals(ca.holder().getSubject())
        && Signatures.verifier(ca.holder().getSubjectPublicKeyInfo())
            .map(
                verifier -> {
                  try {
                    return holder.isSignatureValid(verifier);
                  } catch (Exception e) {
                    return false;
                  }
                })
            .orElse(false);
  }

  /** The DER encoding (a copy). */
  public byte[] der() {
    return der.clone();
  }

  /** One PEM {@code X509 CRL} block, as {@code openssl crl} writes it. */
  public String pem() {
    return PemText.encode(PEM_LABEL, der);
  }

  X509CRLHolder holder() {
    return holder;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RevocationList other && java.util.Arrays.equals(der, other.der);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(der);
  }

  @Override
  public String toString() {
    return "RevocationList[" + facts().issuerDn() + ", number " + facts().number().orElse(null) + "]";
  }
}
