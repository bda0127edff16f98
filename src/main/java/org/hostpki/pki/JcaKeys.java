package org.hostpki.pki;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Objects;
import org.hostpki.model.KeySpec;

/**
 * Keys and certificates as the JDK's own types, for the APIs that take nothing else: JSSE (a TLS
 * listener's key) and JWS signing of ACME requests. The JDK's default providers (SunEC, SunRsaSign)
 * are used; no provider is installed.
 */
public final class JcaKeys {
  private JcaKeys() {}

  /** The key pair as {@link java.security} keys, by way of their standard encodings. */
  public static KeyPair keyPair(KeyMaterial key) {
    Objects.requireNonNull(key, "key");
    String algorithm =
        key.publicKey().spec().map(JcaKeys::algorithm).orElseThrow(
            () -> new IllegalArgumentException("a key of an unknown kind: " + key));
    try {
      KeyFactory factory = KeyFactory.getInstance(algorithm);
      return new KeyPair(
          factory.generatePublic(new X509EncodedKeySpec(key.publicKey().der())),
          factory.generatePrivate(new PKCS8EncodedKeySpec(key.pkcs8Der())));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot take a " + algorithm + " key it supports", e);
    }
  }

  /** The certificate as an {@link X509Certificate}. */
  public static X509Certificate x509(Certificate certificate) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(certificate.der()));
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK cannot read a certificate BouncyCastle parsed", e);
    }
  }

  /** A certificate from the JDK's type (a server's chain), checked as any other. */
  public static Certificate fromX509(X509Certificate certificate) throws InvalidMaterialException {
    try {
      return Certificate.fromDer(certificate.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new InvalidMaterialException("cannot be encoded: " + e.getMessage(), e);
    }
  }

  private static String algorithm(KeySpec spec) {
    if (spec instanceof KeySpec.Ec) {
      return "EC";
    }
    if (spec instanceof KeySpec.Rsa) {
      return "RSA";
    }
    return "Ed25519";
  }
}
