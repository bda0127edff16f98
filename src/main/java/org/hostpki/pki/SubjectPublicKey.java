package org.hostpki.pki;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DSAParameter;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeySpec;

/**
 * A public key as certificates and requests carry it: the DER of a SubjectPublicKeyInfo. This is
 * what {@link CertificateIssuer} certifies, whether the key comes from this host's {@link
 * KeyMaterial} or from another host's request ({@link ParsedCsr#publicKey()}).
 */
public final class SubjectPublicKey {
  private final byte[] der;
  private final SubjectPublicKeyInfo info;

  private SubjectPublicKey(byte[] der, SubjectPublicKeyInfo info) {
    this.der = der;
    this.info = info;
  }

  /** Reads a DER SubjectPublicKeyInfo. */
  public static SubjectPublicKey fromDer(byte[] der) throws InvalidMaterialException {
    String problem = Der.shapeProblem(der);
    if (problem != null) {
      throw new InvalidMaterialException("is not a public key: " + problem);
    }
    try {
      return new SubjectPublicKey(der.clone(), SubjectPublicKeyInfo.getInstance(Der.parse(der)));
    } catch (IOException | RuntimeException e) {
      throw new InvalidMaterialException("is not a public key: " + Der.reason(e), e);
    }
  }

  static SubjectPublicKey of(SubjectPublicKeyInfo info) {
    try {
      return new SubjectPublicKey(info.getEncoded(ASN1Encoding.DER), info);
    } catch (IOException e) {
      throw new IllegalStateException("encoding a parsed public key cannot fail", e);
    }
  }

  /** The SubjectPublicKeyInfo DER (a copy). */
  public byte[] der() {
    return der.clone();
  }

  /** SHA-256 of the SubjectPublicKeyInfo DER. */
  public Fingerprint fingerprint() {
    return Fingerprint.sha256(der);
  }

  /** The key's kind, when it is one hostpki makes, and its fingerprint. */
  public KeyFacts facts() {
    Optional<KeySpec> spec = spec();
    return new KeyFacts(spec, fingerprint(), spec.isPresent() ? Optional.empty() : other());
  }

  private static final ASN1ObjectIdentifier RSASSA_PSS = PKCSObjectIdentifiers.id_RSASSA_PSS;

  /**
   * A key of a kind hostpki does not make, named as OpenSSL names it: Ed448, X25519, X448,
   * RSA-PSS of its modulus size, DSA of its prime size, EC on another named curve; empty for any
   * other kind, and for a malformed key.
   */
  private Optional<KeyFacts.Other> other() {
    ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
    try {
      if (algorithm.equals(EdECObjectIdentifiers.id_Ed448)) {
        return Optional.of(new KeyFacts.Other("Ed448", "EdDSA", OptionalInt.of(448), Optional.of("Ed448")));
      }
      if (algorithm.equals(EdECObjectIdentifiers.id_X25519)) {
        return Optional.of(new KeyFacts.Other("X25519", "XDH", OptionalInt.of(255), Optional.of("X25519")));
      }
      if (algorithm.equals(EdECObjectIdentifiers.id_X448)) {
        return Optional.of(new KeyFacts.Other("X448", "XDH", OptionalInt.of(448), Optional.of("X448")));
      }
      if (algorithm.equals(RSASSA_PSS)) {
        int bits = RSAPublicKey.getInstance(info.parsePublicKey()).getModulus().bitLength();
        return Optional.of(new KeyFacts.Other("RSA-PSS " + bits, "RSASSA-PSS", OptionalInt.of(bits), Optional.empty()));
      }
      if (algorithm.equals(X9ObjectIdentifiers.id_dsa)) {
        AlgorithmIdentifier id = info.getAlgorithm();
        OptionalInt bits =
            id.getParameters() == null
                ? OptionalInt.empty()
                : OptionalInt.of(DSAParameter.getInstance(id.getParameters()).getP().bitLength());
        return Optional.of(
            new KeyFacts.Other(
                "DSA" + (bits.isPresent() ? " " + bits.getAsInt() : ""), "DSA", bits, Optional.empty()));
      }
      if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
        X962Parameters parameters = X962Parameters.getInstance(info.getAlgorithm().getParameters());
        if (!parameters.isNamedCurve()) {
          return Optional.of(new KeyFacts.Other("EC explicit curve", "EC", OptionalInt.empty(), Optional.empty()));
        }
        ASN1ObjectIdentifier oid = ASN1ObjectIdentifier.getInstance(parameters.getParameters());
        String name = ECNamedCurveTable.getName(oid);
        X9ECParameters curve = ECNamedCurveTable.getByOID(oid);
        String curveName = name != null ? name : oid.getId();
        return Optional.of(
            new KeyFacts.Other(
                "EC " + curveName,
                "EC",
                curve == null ? OptionalInt.empty() : OptionalInt.of(curve.getCurve().getFieldSize()),
                Optional.of(curveName)));
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // malformed: of no kind it can name
    }
    return Optional.empty();
  }

  /** The key's kind: EC on P-256/384/521, RSA of its modulus size, Ed25519; else empty. */
  public Optional<KeySpec> spec() {
    ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
    try {
      if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
        X962Parameters parameters = X962Parameters.getInstance(info.getAlgorithm().getParameters());
        if (parameters.isNamedCurve()) {
          return curveOf(ASN1ObjectIdentifier.getInstance(parameters.getParameters()))
              .map(KeySpec.Ec::new);
        }
        return Optional.empty(); // explicit curve parameters: not a kind hostpki makes
      }
      if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
        int bits = RSAPublicKey.getInstance(info.parsePublicKey()).getModulus().bitLength();
        return Optional.of(new KeySpec.Rsa(bits));
      }
      if (algorithm.equals(EdECObjectIdentifiers.id_Ed25519)) {
        return Optional.of(new KeySpec.Ed25519());
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // a malformed key is of no kind we make
    }
    return Optional.empty();
  }

  static Optional<KeySpec.Curve> curveOf(ASN1ObjectIdentifier oid) {
    if (oid.equals(SECObjectIdentifiers.secp256r1)) {
      return Optional.of(KeySpec.Curve.P256);
    }
    if (oid.equals(SECObjectIdentifiers.secp384r1)) {
      return Optional.of(KeySpec.Curve.P384);
    }
    if (oid.equals(SECObjectIdentifiers.secp521r1)) {
      return Optional.of(KeySpec.Curve.P521);
    }
    return Optional.empty();
  }

  static ASN1ObjectIdentifier oidOf(KeySpec.Curve curve) {
    switch (curve) {
      case P256:
        return SECObjectIdentifiers.secp256r1;
      case P384:
        return SECObjectIdentifiers.secp384r1;
      case P521:
        return SECObjectIdentifiers.secp521r1;
      default:
        throw new IllegalArgumentException("unknown curve " + curve);
    }
  }

  /**
   * Whether both are the same key, even when encoded differently (a compressed EC point, RSA
   * parameters absent instead of NULL).
   */
  public boolean sameKey(SubjectPublicKey other) {
    if (Arrays.equals(der, other.der)) {
      return true;
    }
    try {
      return Arrays.equals(normalised(), other.normalised());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * A fingerprint that two encodings of one key share, as {@link #sameKey} compares them: SHA-256
   * of the normalised encoding, or of the DER as given when it cannot be normalised.
   */
  public Fingerprint keyFingerprint() {
    try {
      return Fingerprint.sha256(normalised());
    } catch (IOException | RuntimeException e) {
      return fingerprint();
    }
  }

  private byte[] normalised() throws IOException {
    return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(PublicKeyFactory.createKey(info))
        .getEncoded(ASN1Encoding.DER);
  }

  SubjectPublicKeyInfo info() {
    return info;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubjectPublicKey other && Arrays.equals(der, other.der);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(der);
  }

  @Override
  public String toString() {
    return "SubjectPublicKey["
        + facts().description()
        + ", "
        + fingerprint()
        + "]";
  }
}
