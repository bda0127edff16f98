package org.hostpki.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeySpec;

/**
 * A private key together with its public key: EC on a named curve, RSA, or Ed25519. The public key
 * is always derived from the private one, never trusted from a file. {@link #toString()} shows the
 * kind and the public key's fingerprint only.
 */
public final class KeyMaterial {
  private static final BigInteger RSA_PUBLIC_EXPONENT = BigInteger.valueOf(65537);

  private final PrivateKeyInfo privateKeyInfo;
  private final AsymmetricKeyParameter privateKey;
  private final SubjectPublicKey publicKey;

  private KeyMaterial(
      PrivateKeyInfo privateKeyInfo,
      AsymmetricKeyParameter privateKey,
      SubjectPublicKey publicKey) {
    this.privateKeyInfo = privateKeyInfo;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** Makes a new key pair of the given kind. */
  public static KeyMaterial generate(KeySpec spec, SecureRandom random) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(random, "random");
    AsymmetricCipherKeyPair pair;
    if (spec instanceof KeySpec.Ec ec) {
      ECKeyPairGenerator generator = new ECKeyPairGenerator();
      generator.init(
          new ECKeyGenerationParameters(namedCurve(SubjectPublicKey.oidOf(ec.curve())), random));
      pair = generator.generateKeyPair();
    } else if (spec instanceof KeySpec.Rsa rsa) {
      if (!rsa.canBeMade()) {
        throw new IllegalArgumentException(
            "RSA keys must have at least " + KeySpec.Rsa.MINIMUM_SIZE + " bits, in a multiple of "
                + KeySpec.Rsa.SIZE_STEP + ", not " + rsa.size());
      }
      RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
      generator.init(new RSAKeyGenerationParameters(RSA_PUBLIC_EXPONENT, random, rsa.size(), 100));
      pair = generator.generateKeyPair();
    } else if (spec instanceof KeySpec.Ed25519) {
      Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
      generator.init(new Ed25519KeyGenerationParameters(random));
      pair = generator.generateKeyPair();
    } else {
      throw new IllegalArgumentException("unknown key spec " + spec);
    }
    try {
      return of(privateKeyInfo(pair.getPrivate()), pair.getPrivate());
    } catch (IOException e) {
      throw new IllegalStateException("encoding a fresh key cannot fail", e);
    }
  }

  /**
   * Reads an unencrypted private key from PEM: PKCS#8 ({@code PRIVATE KEY}) or the traditional
   * OpenSSL forms ({@code EC PRIVATE KEY}, {@code RSA PRIVATE KEY}). Certificates in the same file
   * are ignored; there must be exactly one private key.
   */
  public static KeyMaterial fromPem(byte[] pem) throws InvalidMaterialException {
    if (pem.length == 0 || PemText.isBlank(pem)) {
      throw new InvalidMaterialException("is empty");
    }
    PemText.refuseUtf16(pem);
    if (!PemText.hasBeginLine(pem)) {
      throw new InvalidMaterialException(
          PemText.firstBinaryByte(pem, 0, pem.length) >= 0
              ? "is not PEM (binary data, perhaps a DER key); hostpki reads PEM private keys:"
                  + " convert with openssl pkey -inform DER -in KEY -out KEY.pem"
              : "holds no PEM private key: no -----BEGIN PRIVATE KEY----- line");
    }
    List<PemText.Block> blocks = PemText.blocks(pem);
    List<PemText.Block> keys = new ArrayList<>();
    PemText.Block ecParameters = null;
    for (PemText.Block block : blocks) {
      switch (block.label()) {
        case "PRIVATE KEY":
        case "RSA PRIVATE KEY":
        case "EC PRIVATE KEY":
          keys.add(block);
          break;
        case "ENCRYPTED PRIVATE KEY":
          throw encrypted(block);
        case "OPENSSH PRIVATE KEY":
          throw new InvalidMaterialException(
              "holds an OpenSSH private key; hostpki needs PKCS#8 PEM"
                  + " (convert a copy with ssh-keygen -p -m PKCS8 -f KEY)");
        case "EC PARAMETERS":
          ecParameters = block; // openssl ecparam -genkey writes these before the key
          break;
        case "CERTIFICATE":
        case "TRUSTED CERTIFICATE":
        case "X509 CERTIFICATE":
          break; // a combined key-and-certificate file; the key is what is asked for
        default:
          if (block.isPrivateKey()) {
            throw new InvalidMaterialException(
                block.describe() + " is a kind of private key hostpki does not read");
          }
          break;
      }
    }
    if (keys.isEmpty()) {
      throw new InvalidMaterialException(
          "contains no private key; found "
              + describeLabels(blocks)
              + (blocks.stream().anyMatch(b -> b.label().endsWith("CERTIFICATE"))
                  ? " (a certificate, not a private key)"
                  : ""));
    }
    if (keys.size() > 1) {
      throw new InvalidMaterialException(
          "holds "
              + keys.size()
              + " private keys ("
              + keys.get(0).describe()
              + ", "
              + keys.get(1).describe()
              + "); expected exactly one");
    }
    PemText.Block block = keys.get(0);
    PemText.Decoded decoded = PemText.decode(pem, block);
    if (decoded.isEncrypted()) {
      throw encrypted(block);
    }
    String shape = Der.shapeProblem(decoded.content());
    if (shape != null) {
      throw new InvalidMaterialException(
          block.describe() + " is not a valid private key: " + shape);
    }
    PrivateKeyInfo info;
    try {
      info =
          toPkcs8(
              block.label(),
              decoded.content(),
              ecParameters == null ? null : PemText.decode(pem, ecParameters).content());
    } catch (IOException | RuntimeException e) {
      throw new InvalidMaterialException(
          block.describe() + " is not a valid private key: " + Der.reason(e), e);
    }
    return fromPrivateKeyInfo(info, block.describe() + " ");
  }

  private static PrivateKeyInfo toPkcs8(String label, byte[] der, byte[] ecParameters)
      throws IOException, InvalidMaterialException {
    switch (label) {
      case "RSA PRIVATE KEY":
        return new PrivateKeyInfo(
            new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
            RSAPrivateKey.getInstance(Der.parse(der)));
      case "EC PRIVATE KEY":
        ECPrivateKey ec = ECPrivateKey.getInstance(Der.parse(der));
        ASN1Encodable parameters = ec.getParametersObject();
        if (parameters == null && ecParameters != null) {
          parameters = Der.parse(ecParameters);
        }
        if (parameters == null) {
          throw new InvalidMaterialException(
              "holds an EC PRIVATE KEY without its curve; convert it to PKCS#8 with"
                  + " openssl pkey -in KEY -out KEY.pk8");
        }
        return new PrivateKeyInfo(
            new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, parameters), ec);
      default:
        return PrivateKeyInfo.getInstance(Der.parse(der));
    }
  }

  /** A key from a decoded PKCS#8 structure (a PKCS#12 key bag). */
  static KeyMaterial fromPrivateKeyInfo(PrivateKeyInfo info) throws InvalidMaterialException {
    return fromPrivateKeyInfo(info, "");
  }

  private static KeyMaterial fromPrivateKeyInfo(PrivateKeyInfo info, String where)
      throws InvalidMaterialException {
    AsymmetricKeyParameter key;
    try {
      key = PrivateKeyFactory.createKey(info);
    } catch (IOException | RuntimeException e) {
      throw new InvalidMaterialException(
          where
              + "is not a private key hostpki can use: "
              + Der.reason(e)
              + " (supported: EC P-256/P-384/P-521, RSA, Ed25519)",
          e);
    }
    if (!(key instanceof ECPrivateKeyParameters
        || key instanceof RSAPrivateCrtKeyParameters
        || key instanceof Ed25519PrivateKeyParameters)) {
      throw new InvalidMaterialException(
          where
              + "holds a key of algorithm "
              + info.getPrivateKeyAlgorithm().getAlgorithm().getId()
              + "; hostpki uses EC P-256/P-384/P-521, RSA and Ed25519 keys");
    }
    if (key instanceof ECPrivateKeyParameters ec) {
      BigInteger d = ec.getD();
      if (d.signum() <= 0 || d.compareTo(ec.getParameters().getN()) >= 0) {
        throw new InvalidMaterialException(where + "holds an EC private key out of range");
      }
    }
    try {
      return of(normalised(info), key);
    } catch (IOException | RuntimeException e) {
      throw new InvalidMaterialException(where + "is not a valid private key: " + Der.reason(e), e);
    }
  }

  private static PrivateKeyInfo normalised(PrivateKeyInfo info) throws IOException {
    // Re-encode as DER so pkcs8Pem() writes canonical bytes whatever the source was.
    return PrivateKeyInfo.getInstance(info.getEncoded(ASN1Encoding.DER));
  }

  private static KeyMaterial of(PrivateKeyInfo info, AsymmetricKeyParameter privateKey)
      throws IOException {
    return new KeyMaterial(
        info,
        privateKey,
        SubjectPublicKey.of(
            SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(publicKeyOf(privateKey))));
  }

  private static AsymmetricKeyParameter publicKeyOf(AsymmetricKeyParameter privateKey) {
    if (privateKey instanceof ECPrivateKeyParameters ec) {
      ECDomainParameters domain = ec.getParameters();
      return new ECPublicKeyParameters(
          new FixedPointCombMultiplier().multiply(domain.getG(), ec.getD()).normalize(), domain);
    }
    if (privateKey instanceof RSAPrivateCrtKeyParameters rsa) {
      return new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent());
    }
    if (privateKey instanceof Ed25519PrivateKeyParameters ed) {
      return ed.generatePublicKey();
    }
    throw new IllegalArgumentException("unsupported key " + privateKey.getClass().getSimpleName());
  }

  private static PrivateKeyInfo privateKeyInfo(AsymmetricKeyParameter privateKey)
      throws IOException {
    if (privateKey instanceof Ed25519PrivateKeyParameters ed) {
      // PKCS#8 v1 without the public key, as OpenSSL writes it: older JDKs refuse v2.
      return new PrivateKeyInfo(
          new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
          new DEROctetString(ed.getEncoded()));
    }
    return PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey);
  }

  private static ECNamedDomainParameters namedCurve(ASN1ObjectIdentifier oid) {
    X9ECParameters curve = CustomNamedCurves.getByOID(oid); // the faster implementations
    if (curve == null) {
      curve = ECNamedCurveTable.getByOID(oid);
    }
    return new ECNamedDomainParameters(oid, curve);
  }

  private static InvalidMaterialException encrypted(PemText.Block block) {
    return new InvalidMaterialException(
        "holds an encrypted private key ("
            + block.describe()
            + "); hostpki needs it unencrypted: decrypt a copy with"
            + " openssl pkey -in KEY -out KEY.plain and protect that file's permissions");
  }

  private static String describeLabels(List<PemText.Block> blocks) {
    if (blocks.isEmpty()) {
      return "no PEM block";
    }
    return blocks.stream().map(PemText.Block::label).distinct().toList().toString();
  }

  /** The key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
  public byte[] pkcs8Pem() {
    return PemText.encode("PRIVATE KEY", pkcs8Der()).getBytes(StandardCharsets.US_ASCII);
  }

  /** The key as unencrypted PKCS#8 DER. */
  public byte[] pkcs8Der() {
    try {
      return privateKeyInfo.getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("encoding a parsed key cannot fail", e);
    }
  }

  /** The key's kind and its public key's fingerprint. */
  public KeyFacts facts() {
    return publicKey.facts();
  }

  /** The public half. */
  public SubjectPublicKey publicKey() {
    return publicKey;
  }

  /** Whether the certificate certifies this key's public half. */
  public boolean matches(Certificate certificate) {
    return publicKey.sameKey(certificate.publicKey());
  }

  PrivateKeyInfo privateKeyInfo() {
    return privateKeyInfo;
  }

  AsymmetricKeyParameter privateKey() {
    return privateKey;
  }

  /**
   * Equal when they are the same key pair, whatever file form they were read from. The public key
   * decides: it is derived from the private key and encoded the same way every time.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof KeyMaterial other && publicKey.equals(other.publicKey);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return "KeyMaterial["
        + publicKey.facts().description()
        + ", public key "
        + publicKey.fingerprint()
        + "]";
  }
}
