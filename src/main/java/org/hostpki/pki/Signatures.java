package org.hostpki.pki;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcContentSignerBuilder;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.bc.BcEdDSAContentVerifierProviderBuilder;
import org.bouncycastle.operator.bc.BcEdECContentSignerBuilder;
import org.bouncycastle.operator.bc.BcRSAContentSignerBuilder;
import org.bouncycastle.operator.bc.BcRSAContentVerifierProviderBuilder;

/** Signing with a {@link KeyMaterial} and verifying with a public key, on the lightweight API. */
final class Signatures {
  private Signatures() {}

  private static final Map<String, String> NAMES =
      Map.ofEntries(
          Map.entry("1.2.840.10045.4.1", "SHA1withECDSA"),
          Map.entry("1.2.840.10045.4.3.1", "SHA224withECDSA"),
          Map.entry("1.2.840.10045.4.3.2", "SHA256withECDSA"),
          Map.entry("1.2.840.10045.4.3.3", "SHA384withECDSA"),
          Map.entry("1.2.840.10045.4.3.4", "SHA512withECDSA"),
          Map.entry("1.2.840.113549.1.1.4", "MD5withRSA"),
          Map.entry("1.2.840.113549.1.1.5", "SHA1withRSA"),
          Map.entry("1.2.840.113549.1.1.11", "SHA256withRSA"),
          Map.entry("1.2.840.113549.1.1.12", "SHA384withRSA"),
          Map.entry("1.2.840.113549.1.1.13", "SHA512withRSA"),
          Map.entry("1.2.840.113549.1.1.14", "SHA224withRSA"),
          Map.entry("1.3.101.112", "Ed25519"),
          Map.entry("1.3.101.113", "Ed448"),
          Map.entry("1.2.840.10040.4.3", "SHA1withDSA"),
          Map.entry("2.16.840.1.101.3.4.3.2", "SHA256withDSA"));

  /** The JCA-style name of a signature algorithm: {@code SHA256withECDSA}, or its OID. */
  static String algorithmName(AlgorithmIdentifier algorithm) {
    String oid = algorithm.getAlgorithm().getId();
    if (algorithm.getAlgorithm().equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
      return pssName(algorithm);
    }
    String name = NAMES.get(oid);
    if (name != null) {
      return name;
    }
    return new DefaultAlgorithmNameFinder().getAlgorithmName(algorithm);
  }

  private static final Map<String, String> DIGESTS =
      Map.of(
          "1.3.14.3.2.26", "SHA1",
          "2.16.840.1.101.3.4.2.4", "SHA224",
          "2.16.840.1.101.3.4.2.1", "SHA256",
          "2.16.840.1.101.3.4.2.2", "SHA384",
          "2.16.840.1.101.3.4.2.3", "SHA512",
          "1.2.840.113549.2.5", "MD5");

  /**
   * RSASSA-PSS named with the hash its parameters give ({@code SHA256withRSASSA-PSS}): the OID
   * alone does not say it, and absent parameters mean SHA-1 (RFC 4055), which the chain checks
   * refuse as they refuse SHA1withRSA.
   */
  private static String pssName(AlgorithmIdentifier algorithm) {
    String digest;
    try {
      RSASSAPSSparams given = RSASSAPSSparams.getInstance(algorithm.getParameters());
      RSASSAPSSparams params = given != null ? given : new RSASSAPSSparams();
      String oid = params.getHashAlgorithm().getAlgorithm().getId();
      digest = DIGESTS.getOrDefault(oid, oid);
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
      // Malformed parameters (an implicitly tagged hash, say): BouncyCastle throws any of these.
      digest = "unknown hash";
    }
    return digest + "withRSASSA-PSS";
  }

  /**
   * The signature algorithm a key signs with: SHA-256/384/512 with ECDSA by the curve's size,
   * SHA-256 with RSA, Ed25519 as is.
   */
  static String algorithmFor(AsymmetricKeyParameter privateKey) {
    if (privateKey instanceof ECKeyParameters ec) {
      int bits = ec.getParameters().getN().bitLength();
      if (bits <= 256) {
        return "SHA256withECDSA";
      }
      return bits <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
    }
    if (privateKey instanceof RSAKeyParameters) {
      return "SHA256withRSA";
    }
    if (privateKey instanceof Ed25519PrivateKeyParameters) {
      return "Ed25519";
    }
    throw new IllegalArgumentException(
        "cannot sign with a " + privateKey.getClass().getSimpleName());
  }

  /** A signer for the key, drawing any per-signature randomness (ECDSA's k) from {@code random}. */
  static ContentSigner signer(KeyMaterial key, SecureRandom random) {
    AsymmetricKeyParameter privateKey = key.privateKey();
    String name = algorithmFor(privateKey);
    BcContentSignerBuilder builder;
    if (name.equals("Ed25519")) {
      builder =
          new BcEdECContentSignerBuilder(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519));
    } else {
      AlgorithmIdentifier signature = new DefaultSignatureAlgorithmIdentifierFinder().find(name);
      AlgorithmIdentifier digest = new DefaultDigestAlgorithmIdentifierFinder().find(signature);
      builder =
          privateKey instanceof RSAKeyParameters
              ? new BcRSAContentSignerBuilder(signature, digest)
              : new BcECContentSignerBuilder(signature, digest);
    }
    try {
      return builder.setSecureRandom(random).build(privateKey);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("no signer for " + name, e);
    }
  }

  /** A verifier for signatures by the given public key; empty for a kind of key we do not check. */
  static Optional<ContentVerifierProvider> verifier(SubjectPublicKeyInfo key) {
    ASN1ObjectIdentifier algorithm = key.getAlgorithm().getAlgorithm();
    try {
      AsymmetricKeyParameter publicKey = PublicKeyFactory.createKey(key);
      if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
        return Optional.of(
            new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder())
                .build(publicKey));
      }
      if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)
          || algorithm.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
        return Optional.of(
            new BcRSAContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder())
                .build(publicKey));
      }
      if (algorithm.equals(EdECObjectIdentifiers.id_Ed25519)
          || algorithm.equals(EdECObjectIdentifiers.id_Ed448)) {
        return Optional.of(new BcEdDSAContentVerifierProviderBuilder().build(publicKey));
      }
    } catch (IOException | OperatorCreationException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** Whether the certificate's signature verifies with the key; false for any failure. */
  static boolean verifies(X509CertificateHolder certificate, SubjectPublicKeyInfo key) {
    Optional<ContentVerifierProvider> verifier = verifier(key);
    if (verifier.isEmpty()) {
      return false;
    }
    try {
      return certificate.isSignatureValid(verifier.get());
    } catch (Exception e) {
      return false; // an algorithm mismatch or a malformed signature is simply "not signed by"
    }
  }
}
