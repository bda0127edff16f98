package org.hostpki.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcContentSignerBuilder;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.bc.BcRSAContentSignerBuilder;
import org.hostpki.model.Subject;

/**
 * Builds certificates with any profile, including the broken ones a strict importer must refuse
 * (no CA flag, no keyCertSign, SHA-1 signatures, short RSA keys, wrong EKU). For tests only: what
 * hostpki itself issues comes from {@link CertificateIssuer}. Defaults: an end-entity certificate
 * valid for a year from {@link #notBefore}, signed with SHA-256.
 */
public final class TestCertificateBuilder {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong SERIALS = new AtomicLong(1000);

  private final String commonName;
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

  private TestCertificateBuilder(String commonName) {
    this.commonName = commonName;
  }

  /** A certificate with the subject {@code CN=commonName}. */
  public static TestCertificateBuilder certificate(String commonName) {
    return new TestCertificateBuilder(commonName);
  }

  /** An RSA key shorter than hostpki ever makes (KeyMaterial.generate refuses them). */
  public static KeyMaterial shortRsaKey(int bits) {
    RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
    generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(65537), RANDOM, bits, 80));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    try {
      byte[] der = PrivateKeyInfoFactory.createPrivateKeyInfo(pair.getPrivate()).getEncoded();
      return KeyMaterial.fromPem(PemText.encode("PRIVATE KEY", der).getBytes());
    } catch (IOException | InvalidMaterialException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The certified key. */
  public TestCertificateBuilder key(SubjectPublicKey key) {
    this.subjectKey = key;
    return this;
  }

  public TestCertificateBuilder key(KeyMaterial key) {
    return key(key.publicKey());
  }

  /** Signed by itself (sets the key too). */
  public TestCertificateBuilder selfSigned(KeyMaterial key) {
    this.subjectKey = key.publicKey();
    this.signingKey = key;
    this.issuerKey = key.publicKey();
    this.issuerName = null;
    return this;
  }

  /** Signed by {@code issuerKey}, naming {@code issuer}'s subject as issuer. */
  public TestCertificateBuilder issuedBy(Certificate issuer, KeyMaterial issuerKey) {
    this.issuerName = issuer.holder().getSubject();
    this.signingKey = issuerKey;
    this.issuerKey = issuer.publicKey();
    return this;
  }

  public TestCertificateBuilder validity(Instant notBefore, Instant notAfter) {
    this.notBefore = notBefore;
    this.notAfter = notAfter;
    return this;
  }

  /** basicConstraints critical CA:TRUE, with a pathLenConstraint unless null. */
  public TestCertificateBuilder ca(Integer pathLength) {
    this.ca = true;
    this.pathLength = pathLength;
    if (keyUsage == null) {
      keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
    }
    return this;
  }

  /** No basicConstraints extension at all. */
  public TestCertificateBuilder noBasicConstraints() {
    this.ca = null;
    return this;
  }

  /** keyUsage bits ({@link KeyUsage} constants); 0 leaves the extension out. */
  public TestCertificateBuilder keyUsage(int bits) {
    this.keyUsage = bits;
    return this;
  }

  /** The extended key usage; no purposes leaves the extension out. */
  public TestCertificateBuilder extendedKeyUsage(KeyPurposeId... purposes) {
    this.extendedKeyUsage = List.of(purposes);
    return this;
  }

  public TestCertificateBuilder serverAuth() {
    return extendedKeyUsage(KeyPurposeId.id_kp_serverAuth);
  }

  public TestCertificateBuilder dnsNames(List<String> names) {
    dnsNames.addAll(names);
    return this;
  }

  public TestCertificateBuilder ipAddresses(List<InetAddress> addresses) {
    ipAddresses.addAll(addresses);
    return this;
  }

  /** A JCA signature algorithm name such as {@code SHA1withRSA}; default: the key's natural one. */
  public TestCertificateBuilder signatureAlgorithm(String name) {
    this.signatureAlgorithm = name;
    return this;
  }

  public Certificate build() {
    X500Name subject = Names.encode(Subject.commonName(commonName));
    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            issuerName == null ? subject : issuerName,
            BigInteger.valueOf(SERIALS.incrementAndGet()),
            Date.from(notBefore),
            Date.from(notAfter),
            subject,
            subjectKey.info());
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
      SubjectKeyIdentifier ski = CertificateExtensions.keyIdentifier(subjectKey.info());
      builder.addExtension(Extension.subjectKeyIdentifier, false, ski);
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new AuthorityKeyIdentifier(
              CertificateExtensions.keyIdentifier(issuerKey.info()).getKeyIdentifier()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Certificate.of(builder.build(signer()));
  }

  private ContentSigner signer() {
    if (signatureAlgorithm == null) {
      return Signatures.signer(signingKey, RANDOM);
    }
    AlgorithmIdentifier signature = new DefaultSignatureAlgorithmIdentifierFinder().find(signatureAlgorithm);
    AlgorithmIdentifier digest = new DefaultDigestAlgorithmIdentifierFinder().find(signature);
    BcContentSignerBuilder builder =
        signingKey.privateKey() instanceof RSAKeyParameters
            ? new BcRSAContentSignerBuilder(signature, digest)
            : new BcECContentSignerBuilder(signature, digest);
    try {
      return builder.setSecureRandom(RANDOM).build(signingKey.privateKey());
    } catch (OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }
}
