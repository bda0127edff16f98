package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hostpki.model.KeyEncoding;
import org.hostpki.model.KeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.TestKeys;

/** Private keys in every encoding services ask for, checked against the real openssl. */
@Execution(ExecutionMode.CONCURRENT)
class PrivateKeyPemTest {
  private static final char[] PASSWORD = "correct horse".toCharArray();

  @TempDir Path dir;

  @BeforeAll
  static void openssl() {
    Tool.OPENSSL.require();
  }

  @Test
  void testEncode_pkcs8IsTheStoresOwnFormAndOpensslReadsTheSameKey() throws IOException {
    for (KeySpec spec : new KeySpec[] {TestKeys.P256, TestKeys.RSA2048, TestKeys.ED25519}) {
      KeyMaterial key = TestKeys.key(spec, "server");
      Path pkcs8 = write("key.pem", PrivateKeyPem.encode(key, KeyEncoding.PKCS8));

      byte[] publicKey =
          Tool.OPENSSL.command("pkey", "-in", pkcs8.toString(), "-pubout", "-out", "pub.pem").in(dir).runAndRead(dir.resolve("pub.pem"));

      assertThat(Files.readAllBytes(pkcs8)).as(spec.toString()).isEqualTo(key.pkcs8Pem());
      assertThat(new String(publicKey, StandardCharsets.US_ASCII))
          .as(spec.toString())
          .isEqualTo(PemText.encode("PUBLIC KEY", key.publicKey().der()));
    }
  }

  @Test
  void testEncode_pkcs1IsWhatOpensslRsaTraditionalWrites() throws IOException {
    KeyMaterial key = TestKeys.key(TestKeys.RSA2048, "server");
    Path in = write("in.pem", key.pkcs8Pem());

    byte[] openssl =
        Tool.OPENSSL.command("rsa", "-in", in.toString(), "-traditional", "-out", "out.pem").in(dir).runAndRead(dir.resolve("out.pem"));

    assertThat(new String(PrivateKeyPem.encode(key, KeyEncoding.PKCS1), StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN RSA PRIVATE KEY-----\n")
        .isEqualTo(new String(openssl, StandardCharsets.US_ASCII));
  }

  @Test
  void testEncode_sec1IsWhatOpensslEcWritesOnEveryCurve() throws IOException {
    for (KeySpec spec : new KeySpec[] {TestKeys.P256, TestKeys.P384, TestKeys.P521}) {
      KeyMaterial key = TestKeys.key(spec, "server");
      Path in = write("in.pem", key.pkcs8Pem());

      byte[] openssl = Tool.OPENSSL.command("ec", "-in", in.toString(), "-out", "out.pem").in(dir).runAndRead(dir.resolve("out.pem"));

      assertThat(new String(PrivateKeyPem.encode(key, KeyEncoding.SEC1), StandardCharsets.US_ASCII))
          .as(spec.toString())
          .startsWith("-----BEGIN EC PRIVATE KEY-----\n")
          .isEqualTo(new String(openssl, StandardCharsets.US_ASCII));
    }
  }

  @Test
  void testEncode_anEncodingThatDoesNotFitTheKeyIsAProgrammingError() {
    assertThatThrownBy(() -> PrivateKeyPem.encode(TestKeys.key(TestKeys.P256, "server"), KeyEncoding.PKCS1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PrivateKeyPem.encode(TestKeys.key(TestKeys.ED25519, "server"), KeyEncoding.SEC1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void testEncrypted_opensslDecryptsItWithThePasswordOnly() throws IOException {
    KeyMaterial key = TestKeys.key(TestKeys.P256, "server");
    Path encrypted = write("enc.pem", PrivateKeyPem.encrypted(key, PASSWORD, TestKeys.RANDOM));
    Path password = write("pw", "correct horse\n".getBytes(StandardCharsets.UTF_8));

    String text = Tool.OPENSSL.command("asn1parse", "-in", encrypted.toString()).in(dir).run().assertSucceeded().output();
    byte[] publicKey =
        Tool.OPENSSL.command("pkey", "-in", encrypted.toString(), "-passin", "file:" + password, "-pubout", "-out", "pub.pem").in(dir).runAndRead(dir.resolve("pub.pem"));
    ProcessResult wrong = Tool.OPENSSL.command("pkey", "-in", encrypted.toString(), "-passin", "pass:wrong", "-noout").in(dir).run();

    assertThat(Files.readString(encrypted)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n");
    assertThat(text).contains("PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc");
    assertThat(text).contains("prim: INTEGER           :" + String.format("%06X", PrivateKeyPem.ENCRYPTION_ITERATIONS));
    assertThat(new String(publicKey, StandardCharsets.US_ASCII)).isEqualTo(PemText.encode("PUBLIC KEY", key.publicKey().der()));
    assertThat(wrong.exitCode()).isNotZero();
  }

  @Test
  void testRead_everyEncodingRoundTrips() throws Exception {
    KeyMaterial rsa = TestKeys.key(TestKeys.RSA2048, "server");
    KeyMaterial ec = TestKeys.key(TestKeys.P384, "server");
    KeyMaterial ed = TestKeys.key(TestKeys.ED25519, "server");

    assertThat(PrivateKeyPem.read(PrivateKeyPem.encode(rsa, KeyEncoding.PKCS1)))
        .isEqualTo(new PrivateKeyPem.Read(rsa, KeyEncoding.PKCS1, false));
    assertThat(PrivateKeyPem.read(PrivateKeyPem.encode(ec, KeyEncoding.SEC1)))
        .isEqualTo(new PrivateKeyPem.Read(ec, KeyEncoding.SEC1, false));
    assertThat(PrivateKeyPem.read(PrivateKeyPem.encode(ed, KeyEncoding.PKCS8)))
        .isEqualTo(new PrivateKeyPem.Read(ed, KeyEncoding.PKCS8, false));
    assertThat(PrivateKeyPem.read(PrivateKeyPem.encrypted(ed, PASSWORD, 1000, TestKeys.RANDOM), PASSWORD))
        .isEqualTo(new PrivateKeyPem.Read(ed, KeyEncoding.PKCS8, true));
  }

  @Test
  void testRead_aKeyOpensslEncryptedIsDecrypted() throws Exception {
    KeyMaterial key = TestKeys.key(TestKeys.P256, "server");
    Path in = write("in.pem", key.pkcs8Pem());
    byte[] encrypted =
        Tool.OPENSSL.command("pkcs8", "-topk8", "-in", in.toString(), "-v2", "aes-128-cbc", "-passout", "pass:correct horse", "-out", "enc.pem").in(dir).runAndRead(dir.resolve("enc.pem"));

    assertThat(PrivateKeyPem.read(encrypted, PASSWORD).key()).isEqualTo(key);
  }

  @Test
  void testRead_wrongOrMissingPasswordIsReported() {
    byte[] encrypted = PrivateKeyPem.encrypted(TestKeys.key(TestKeys.P256, "server"), PASSWORD, 1000, TestKeys.RANDOM);

    assertThatThrownBy(() -> PrivateKeyPem.read(encrypted, "wrong".toCharArray()))
        .isInstanceOf(WrongPasswordException.class)
        .hasMessageContaining("cannot be decrypted with this password");
    assertThatThrownBy(() -> PrivateKeyPem.read(encrypted))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage("holds an encrypted private key, and no password was given");
  }

  @Test
  void testRead_twoKeysOrNoneAreRefused() {
    KeyMaterial key = TestKeys.key(TestKeys.P256, "server");
    byte[] two = (new String(key.pkcs8Pem(), StandardCharsets.US_ASCII) + new String(key.pkcs8Pem(), StandardCharsets.US_ASCII))
        .getBytes(StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> PrivateKeyPem.read(two)).hasMessage("holds 2 private keys; expected exactly one");
    assertThatThrownBy(() -> PrivateKeyPem.read(TestPki.ca(TestKeys.P256).pem().getBytes(StandardCharsets.US_ASCII)))
        .hasMessage("holds 0 private keys; expected exactly one");
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }
}
