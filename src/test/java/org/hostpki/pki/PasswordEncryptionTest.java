package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.SecureRandom;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.crypto.util.PBKDF2Config;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;
import org.hostpki.model.Pkcs12Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lightweight encryption against the JCA path hostpki used before (BouncyCastle's provider):
 * with the same random bytes, the same algorithm parameters and the same ciphertext.
 */
@Execution(ExecutionMode.CONCURRENT)
class PasswordEncryptionTest {
  private static final char[] PASSWORD = "correct horse ä".toCharArray();
  private static final Provider BC = new BouncyCastleProvider();
  private static final byte[] PLAINTEXT =
      "a SafeContents, or a PrivateKeyInfo, of some length".getBytes(StandardCharsets.US_ASCII);

  private static SecureRandom seeded() throws Exception {
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(42);
    return random;
  }

  private static int iterations(Pkcs12Profile profile) {
    return profile == Pkcs12Profile.MODERN ? Pkcs12.MODERN_ITERATIONS : Pkcs12.LEGACY_ITERATIONS;
  }

  /** What Pkcs12 did through the provider before. */
  private static OutputEncryptor jcaEncryptor(Pkcs12Profile profile, SecureRandom random)
      throws Exception {
    JcePKCSPBEOutputEncryptorBuilder builder =
        profile == Pkcs12Profile.MODERN
            ? new JcePKCSPBEOutputEncryptorBuilder(
                new PBKDF2Config.Builder()
                    .withPRF(PBKDF2Config.PRF_SHA256)
                    .withIterationCount(Pkcs12.MODERN_ITERATIONS)
                    .withSaltLength(16)
                    .build(),
                NISTObjectIdentifiers.id_aes256_CBC)
            : new JcePKCSPBEOutputEncryptorBuilder(
                    PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)
                .setIterationCount(Pkcs12.LEGACY_ITERATIONS);
    return builder.setProvider(BC).setRandom(random).build(PASSWORD);
  }

  private static byte[] encrypt(OutputEncryptor encryptor, byte[] plaintext) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream stream = encryptor.getOutputStream(out)) {
      stream.write(plaintext);
    }
    return out.toByteArray();
  }

  private static byte[] decrypt(
      InputDecryptorProvider decryptors, OutputEncryptor encryptor, byte[] ciphertext)
      throws Exception {
    try (InputStream in =
        decryptors
            .get(encryptor.getAlgorithmIdentifier())
            .getInputStream(new ByteArrayInputStream(ciphertext))) {
      return in.readAllBytes();
    }
  }

  private static Provider noProvider() {
    throw new AssertionError("the provider was asked for");
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testEncryptor_writesWhatTheProviderWroteForTheSameRandomBytes(Pkcs12Profile profile)
      throws Exception {
    OutputEncryptor lightweight =
        PasswordEncryption.encryptor(profile, PASSWORD, iterations(profile), seeded());
    OutputEncryptor jca = jcaEncryptor(profile, seeded());

    assertThat(lightweight.getAlgorithmIdentifier().getEncoded())
        .isEqualTo(jca.getAlgorithmIdentifier().getEncoded());
    assertThat(encrypt(lightweight, PLAINTEXT)).isEqualTo(encrypt(jca, PLAINTEXT));
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testDecryptor_readsWhatTheProviderWritesWithoutTheProvider(Pkcs12Profile profile)
      throws Exception {
    OutputEncryptor jca = jcaEncryptor(profile, new SecureRandom());
    byte[] ciphertext = encrypt(jca, PLAINTEXT);

    byte[] plaintext =
        decrypt(
            PasswordEncryption.decryptor(PASSWORD, PasswordEncryptionTest::noProvider),
            jca,
            ciphertext);

    assertThat(plaintext).isEqualTo(PLAINTEXT);
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testEncryptor_providerReadsWhatItWrites(Pkcs12Profile profile) throws Exception {
    OutputEncryptor lightweight =
        PasswordEncryption.encryptor(profile, PASSWORD, iterations(profile), new SecureRandom());
    byte[] ciphertext = encrypt(lightweight, PLAINTEXT);

    byte[] plaintext =
        decrypt(
            new JcePKCSPBEInputDecryptorProviderBuilder().setProvider(BC).build(PASSWORD),
            lightweight,
            ciphertext);

    assertThat(plaintext).isEqualTo(PLAINTEXT);
  }

  @Test
  void testDecryptor_otherSchemesGoToTheProvider() throws Exception {
    OutputEncryptor rc2 =
        new JcePKCSPBEOutputEncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC2_CBC)
            .setProvider(BC)
            .build(PASSWORD);
    byte[] ciphertext = encrypt(rc2, PLAINTEXT);

    assertThat(decrypt(PasswordEncryption.decryptor(PASSWORD, () -> BC), rc2, ciphertext))
        .isEqualTo(PLAINTEXT);
    assertThatThrownBy(
            () ->
                PasswordEncryption.decryptor(PASSWORD, PasswordEncryptionTest::noProvider)
                    .get(rc2.getAlgorithmIdentifier()))
        .isInstanceOf(AssertionError.class);
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testDecryptor_wrongPasswordFailsToDecrypt(Pkcs12Profile profile) throws Exception {
    OutputEncryptor lightweight =
        PasswordEncryption.encryptor(profile, PASSWORD, iterations(profile), new SecureRandom());
    byte[] ciphertext = encrypt(lightweight, PLAINTEXT);
    InputDecryptorProvider wrong =
        PasswordEncryption.decryptor("wrong".toCharArray(), PasswordEncryptionTest::noProvider);

    // A wrong key gives bad padding, or (rarely) garbage: never the plaintext.
    byte[] result;
    try {
      result = decrypt(wrong, lightweight, ciphertext);
    } catch (IOException e) {
      result = null;
    }
    assertThat(result).isNotEqualTo(PLAINTEXT);
  }
}
