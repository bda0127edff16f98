package org.hostpki.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfoBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.hostpki.model.EnumValues;
import org.hostpki.model.KeyEncoding;
import org.hostpki.model.Pkcs12Profile;

/**
 * A private key as a PEM file in the encodings services ask for: PKCS#8, PKCS#1 (RSA) and SEC 1
 * (EC) as OpenSSL writes them ({@code openssl pkey}, {@code openssl rsa -traditional}, {@code
 * openssl ec} give the same bytes), and PKCS#8 encrypted with a password (PBES2: PBKDF2-HMAC-SHA256
 * over {@value #ENCRYPTION_ITERATIONS} iterations, AES-256-CBC), which OpenSSL 1.1 and later, the
 * JDK and every TLS server that takes a key password read.
 */
public final class PrivateKeyPem {
  /**
   * PBKDF2 iterations of an encrypted key: ten times what the store's PKCS#12 files use (the same
   * password protects both, so more here would only move an attacker to those), and small enough
   * that a service decrypting the key at each start waits a few milliseconds (OpenSSL) to a quarter
   * of a second (BouncyCastle on a small VM), as does every plan that reads the key back.
   */
  public static final int ENCRYPTION_ITERATIONS = 10 * Pkcs12.MODERN_ITERATIONS;

  private static final String ENCRYPTED_LABEL = "ENCRYPTED PRIVATE KEY";

  private PrivateKeyPem() {}

  /** What a key file holds: the key, how it is written, and whether it was encrypted. */
  public record Read(KeyMaterial key, KeyEncoding encoding, boolean encrypted) {}

  /**
   * The key in this encoding, unencrypted.
   *
   * @throws IllegalArgumentException when the encoding does not fit the key (PKCS#1 for an EC key,
   *     SEC 1 for RSA or Ed25519); the desired state's check refuses those
   */
  public static byte[] encode(KeyMaterial key, KeyEncoding encoding) {
    Objects.requireNonNull(key, "key");
    byte[] der =
        switch (encoding) {
          case PKCS8 -> key.pkcs8Der();
          case PKCS1 -> pkcs1(key);
          case SEC1 -> sec1(key);
        };
    return PemText.encode(encoding.pemLabel(), der).getBytes(StandardCharsets.US_ASCII);
  }

  /** The key as encrypted PKCS#8 ({@code -----BEGIN ENCRYPTED PRIVATE KEY-----}). */
  public static byte[] encrypted(KeyMaterial key, char[] password, SecureRandom random) {
    return encrypted(key, password, ENCRYPTION_ITERATIONS, random);
  }

  static byte[] encrypted(KeyMaterial key, char[] password, int iterations, SecureRandom random) {
    Objects.requireNonNull(password, "password");
    try {
      byte[] der =
          new PKCS8EncryptedPrivateKeyInfoBuilder(key.privateKeyInfo())
              .build(PasswordEncryption.encryptor(Pkcs12Profile.MODERN, password, iterations, random))
              .getEncoded();
      return PemText.encode(ENCRYPTED_LABEL, der).getBytes(StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException("encrypting a key cannot fail: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a file holding exactly one unencrypted private key (PKCS#8, PKCS#1 or SEC 1), perhaps
   * with certificates.
   *
   * @throws InvalidMaterialException when the file holds no single key hostpki reads, or an
   *     encrypted one
   */
  public static Read read(byte[] pem) throws InvalidMaterialException {
    PemText.Block block = keyBlock(pem);
    if (block.label().equals(ENCRYPTED_LABEL)) {
      throw new InvalidMaterialException("holds an encrypted private key, and no password was given");
    }
    KeyEncoding encoding =
        EnumValues.find(KeyEncoding.class, KeyEncoding::pemLabel, block.label())
            .orElseThrow(
                () -> new InvalidMaterialException(block.describe() + " is a kind of private key hostpki does not read"));
    return new Read(KeyMaterial.fromPem(pem), encoding, false);
  }

  /**
   * Reads a file holding exactly one private key, perhaps with certificates: PKCS#8, PKCS#1, SEC
   * 1, or encrypted PKCS#8, decrypted with {@code password}.
   *
   * @throws WrongPasswordException when an encrypted key does not decrypt with the password
   * @throws InvalidMaterialException when the file holds no single key hostpki reads
   */
  public static Read read(byte[] pem, char[] password)
      throws InvalidMaterialException, WrongPasswordException {
    PemText.Block block = keyBlock(pem);
    if (!block.label().equals(ENCRYPTED_LABEL)) {
      return read(pem);
    }
    byte[] der = PemText.decode(pem, block).content();
    String shape = Der.shapeProblem(der);
    if (shape != null) {
      throw new InvalidMaterialException(block.describe() + " is not a valid encrypted key: " + shape);
    }
    PrivateKeyInfo info;
    try {
      PKCS8EncryptedPrivateKeyInfo encrypted = new PKCS8EncryptedPrivateKeyInfo(der);
      Pkcs12.checkIterations(encrypted.getEncryptionAlgorithm());
      info =
          encrypted.decryptPrivateKeyInfo(
              PasswordEncryption.decryptor(password, Pkcs12::jcaProvider));
    } catch (PKCSException e) {
      throw new WrongPasswordException(
          "cannot be decrypted with this password (a wrong password, or the file was altered)");
    } catch (IOException | RuntimeException e) {
      throw new InvalidMaterialException(block.describe() + " is not a valid encrypted key: " + Der.reason(e), e);
    }
    return new Read(KeyMaterial.fromPrivateKeyInfo(info), KeyEncoding.PKCS8, true);
  }

  private static PemText.Block keyBlock(byte[] pem) throws InvalidMaterialException {
    if (pem.length == 0 || PemText.isBlank(pem) || !PemText.hasBeginLine(pem)) {
      throw new InvalidMaterialException("holds no PEM private key");
    }
    List<PemText.Block> keys = new ArrayList<>();
    for (PemText.Block block : PemText.blocks(pem)) {
      if (block.isPrivateKey()) {
        keys.add(block);
      }
    }
    if (keys.size() != 1) {
      throw new InvalidMaterialException("holds " + keys.size() + " private keys; expected exactly one");
    }
    return keys.get(0);
  }

  private static byte[] pkcs1(KeyMaterial key) {
    PrivateKeyInfo info = key.privateKeyInfo();
    if (!(key.publicKey().spec().orElse(null) instanceof org.hostpki.model.KeySpec.Rsa)) {
      throw new IllegalArgumentException("PKCS#1 holds RSA keys only, not " + key);
    }
    try {
      return RSAPrivateKey.getInstance(info.parsePrivateKey()).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("a parsed RSA key cannot fail to encode", e);
    }
  }

  /** As OpenSSL writes it: the named curve and the public key included. */
  private static byte[] sec1(KeyMaterial key) {
    if (!(key.privateKey() instanceof ECPrivateKeyParameters ec)) {
      throw new IllegalArgumentException("SEC 1 holds EC keys only, not " + key);
    }
    try {
      SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(key.publicKey().der());
      return new ECPrivateKey(
              ec.getParameters().getN().bitLength(),
              ec.getD(),
              publicKey.getPublicKeyData(),
              key.privateKeyInfo().getPrivateKeyAlgorithm().getParameters())
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("a parsed EC key cannot fail to encode", e);
    }
  }
}
