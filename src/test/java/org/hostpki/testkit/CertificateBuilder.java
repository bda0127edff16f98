package org.hostpki.testkit;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.SubjectPublicKey;

/**
 * Builds certificates with any profile, including the broken ones a strict importer must refuse
 * (no CA flag, no keyCertSign, SHA-1 signatures, short RSA keys, wrong EKU). Independent of
 * hostpki's own issuer: BouncyCastle's certificate builder, signed by the JDK, from the keys' bytes.
 * Defaults: an end-entity certificate valid for 2026, signed with the key's natural algorithm.
 */
public final class CertificateBuilder {
  private static final AtomicLong SERIALS = new AtomicLong(1000);

  private BigInteger serial;
  private final X500Name subject;
  private SubjectPublicKey subjectKey;
  private X500Name issuerName;
  private KeyMaterial signingKey;
  private SubjectPublicKey issuerKey;
  private Instant notBefore = Instant.parse("2026-01-01T00:00:00Z");
  private Instant notAfter = Instant.parse("2027-01-01T00:00:00Z");
  private Boolean ca = false;
  private Integer pathLength;
  private Integer keyUsage;
  private List<KeyPurposeId> extendedKeyUsage;
  private final List<String> dnsNames = new ArrayList<>();
  private final List<InetAddress> ipAddresses = new ArrayList<>();
  private String signatureAlgorithm;
  private boolean keyIdentifiers = true;
  private final List<String> criticalExtensions = new ArrayList<>();

  private CertificateBuilder(X500Name subject) {
    this.subject = subject;
  }

  /** A certificate with the subject {@code CN=commonName}. */
  public static CertificateBuilder certificate(String commonName) {
    return new CertificateBuilder(new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build());
  }

  /** The certified key. */
  public CertificateBuilder key(SubjectPublicKey key) {
    this.subjectKey = key;
    return this;
  }

  public CertificateBuilder key(KeyMaterial key) {
    return key(key.publicKey());
  }

  /** Signed by itself (sets the key too). */
  public CertificateBuilder selfSigned(KeyMaterial key) {
    this.subjectKey = key.publicKey();
    this.signingKey = key;
    this.issuerKey = key.publicKey();
    this.issuerName = null;
    return this;
  }

  /** Signed by {@code issuerKey}, naming {@code issuer}'s subject as issuer. */
  public CertificateBuilder issuedBy(Certificate issuer, KeyMaterial issuerKey) {
    try {
      this.issuerName = new X509CertificateHolder(issuer.der()).getSubject();
    } catch (IOException e) {
      throw new IllegalArgumentException("not a certificate: " + issuer, e);
    }
    this.signingKey = issuerKey;
    this.issuerKey = issuer.publicKey();
    return this;
  }

  /** A fixed serial number, instead of the next of a counter that depends on which tests ran. */
  public CertificateBuilder serial(long serial) {
    this.serial = BigInteger.valueOf(serial);
    return this;
  }

  public CertificateBuilder validity(Instant from, Instant to) {
    this.notBefore = from;
    this.notAfter = to;
    return this;
  }

  /** basicConstraints critical CA:TRUE, with a pathLenConstraint unless null. */
  public CertificateBuilder ca(Integer maxPathLength) {
    this.ca = true;
    this.pathLength = maxPathLength;
    if (keyUsage == null) {
      keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
    }
    return this;
  }

  /** No subject and authority key identifiers (as a hostile file may leave them out). */
  public CertificateBuilder noKeyIdentifiers() {
    this.keyIdentifiers = false;
    return this;
  }

  /** No basicConstraints extension at all. */
  public CertificateBuilder noBasicConstraints() {
    this.ca = null;
    return this;
  }

  /** keyUsage bits ({@link KeyUsage} constants); 0 leaves the extension out. */
  public CertificateBuilder keyUsage(int bits) {
    this.keyUsage = bits;
    return this;
  }

  /** The extended key usage; no purposes leaves the extension out. */
  public CertificateBuilder extendedKeyUsage(KeyPurposeId... purposes) {
    this.extendedKeyUsage = List.of(purposes);
    return this;
  }

  public CertificateBuilder serverAuth() {
    return extendedKeyUsage(KeyPurposeId.id_kp_serverAuth);
  }

  public CertificateBuilder dnsNames(List<String> names) {
    dnsNames.addAll(names);
    return this;
  }

  public CertificateBuilder dnsNames(String... names) {
    return dnsNames(List.of(names));
  }

  public CertificateBuilder ipAddresses(List<InetAddress> addresses) {
    ipAddresses.addAll(addresses);
    return this;
  }

  /** An extension of this dotted OID marked critical, its value an empty UTF8String. */
  public CertificateBuilder criticalExtension(String oid) {
    criticalExtensions.add(oid);
    return this;
  }

  /** A JCA signature algorithm name such as {@code SHA1withRSA}; default: the key's natural one. */
  public CertificateBuilder signatureAlgorithm(String name) {
    this.signatureAlgorithm = name;
    return this;
  }

  public Certificate build() {
    SubjectPublicKeyInfo subjectInfo = SubjectPublicKeyInfo.getInstance(subjectKey.der());
    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            issuerName == null ? subject : issuerName,
            serial != null ? serial : BigInteger.valueOf(SERIALS.incrementAndGet()),
            Date.from(notBefore),
            Date.from(notAfter),
            subject,
            subjectInfo);
    BcX509ExtensionUtils identifiers = new BcX509ExtensionUtils();
    try {
      if (ca != null) {
        builder.addExtension(
            Extension.basicConstraints,
            true,
            ca && pathLength != null ? new BasicConstraints(pathLength) : new BasicConstraints(ca));
      }
      if (keyUsage != null && keyUsage != 0) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
      }
      if (extendedKeyUsage != null && !extendedKeyUsage.isEmpty()) {
        builder.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(extendedKeyUsage.toArray(KeyPurposeId[]::new)));
      }
      if (!dnsNames.isEmpty() || !ipAddresses.isEmpty()) {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, new DERIA5String(n))));
        ipAddresses.forEach(
            ip -> names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress()))));
        builder.addExtension(
            Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      if (keyIdentifiers) {
        builder.addExtension(
            Extension.subjectKeyIdentifier, false, identifiers.createSubjectKeyIdentifier(subjectInfo));
        builder.addExtension(
            Extension.authorityKeyIdentifier,
            false,
            new AuthorityKeyIdentifier(
                identifiers
                    .createSubjectKeyIdentifier(SubjectPublicKeyInfo.getInstance(issuerKey.der()))
                    .getKeyIdentifier()));
      }
      for (String oid : criticalExtensions) {
        builder.addExtension(
            new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid), true, new org.bouncycastle.asn1.DERUTF8String(""));
      }
      PrivateKey key = jcaPrivateKey(signingKey);
      String algorithm = signatureAlgorithm != null ? signatureAlgorithm : naturalAlgorithm(key);
      return Certificate.fromDer(
          builder.build(signerBuilder(algorithm).setSecureRandom(TestKeys.RANDOM).build(key))
              .getEncoded());
    } catch (IOException | OperatorCreationException | InvalidMaterialException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A signer for a JCA name; {@code SHA1withRSAandMGF1} (BouncyCastle's name; its provider signs it)
   * is RSASSA-PSS with that hash for both the message and MGF1, as openssl's {@code -sigopt
   * rsa_padding_mode:pss} makes it.
   */
  private static JcaContentSignerBuilder signerBuilder(String algorithm) {
    if (!algorithm.endsWith("withRSAandMGF1")) {
      return new JcaContentSignerBuilder(algorithm);
    }
    String hash = algorithm.substring(0, algorithm.indexOf("with")).replace("SHA", "SHA-");
    MGF1ParameterSpec mgf = new MGF1ParameterSpec(hash);
    int saltLength = hash.equals("SHA-1") ? 20 : Integer.parseInt(hash.substring(4)) / 8;
    return new JcaContentSignerBuilder("RSASSA-PSS", new PSSParameterSpec(hash, "MGF1", mgf, saltLength, 1))
        .setProvider(new BouncyCastleProvider());
  }

  /** The JDK's view of a key: from its PKCS#8 bytes. */
  static PrivateKey jcaPrivateKey(KeyMaterial key) {
    byte[] der = key.pkcs8Der();
    String oid = PrivateKeyInfo.getInstance(der).getPrivateKeyAlgorithm().getAlgorithm().getId();
    String algorithm =
        switch (oid) {
          case "1.2.840.10045.2.1" -> "EC";
          case "1.2.840.113549.1.1.1" -> "RSA";
          case "1.3.101.112" -> "Ed25519";
          default -> throw new IllegalArgumentException("a key of algorithm " + oid);
        };
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256/384/512 with ECDSA by the curve's size, SHA-256 with RSA, Ed25519 as is. */
  private static String naturalAlgorithm(PrivateKey key) {
    if (key instanceof java.security.interfaces.ECPrivateKey ec) {
      int bits = ec.getParams().getOrder().bitLength();
      return bits <= 256 ? "SHA256withECDSA" : bits <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
    }
    return key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "Ed25519";
  }
}
