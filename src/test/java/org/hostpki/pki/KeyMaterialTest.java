package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.testkit.TestKeys.RANDOM;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeySpec;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Execution(ExecutionMode.CONCURRENT)
class KeyMaterialTest {
  @TempDir Path dir;

  static Stream<KeySpec> specs() {
    return TestKeys.ALL_SPECS.stream();
  }

  @ParameterizedTest
  @MethodSource("specs")
  void testGenerate_factsNameTheSpec(KeySpec spec) {
    KeyMaterial key = TestKeys.key(spec, "a");

    assertThat(key.facts().spec()).contains(spec);
    assertThat(key.facts().publicKeyFingerprint())
        .isEqualTo(Fingerprint.sha256(key.publicKey().der()));
  }

  @ParameterizedTest
  @MethodSource("specs")
  void testPkcs8Pem_roundTripKeepsTheKey(KeySpec spec) throws Exception {
    KeyMaterial key = TestKeys.key(spec, "a");

    KeyMaterial read = KeyMaterial.fromPem(key.pkcs8Pem());

    assertThat(read.facts()).isEqualTo(key.facts());
    assertThat(read.pkcs8Pem()).isEqualTo(key.pkcs8Pem());
  }

  @Test
  void testPkcs8Pem_isUnencryptedPkcs8With64Columns() {
    String pem =
        new String(TestKeys.key(TestKeys.RSA2048, "a").pkcs8Pem(), StandardCharsets.US_ASCII);

    assertThat(pem)
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(pem.lines().filter(l -> !l.startsWith("-----"))).allMatch(l -> l.length() <= 64);
    assertThat(pem.lines().skip(1).findFirst().orElseThrow()).hasSize(64);
  }

  @Test
  void testGenerate_twoKeysDiffer() {
    KeyMaterial a = KeyMaterial.generate(TestKeys.P256, RANDOM);
    KeyMaterial b = KeyMaterial.generate(TestKeys.P256, RANDOM);

    assertThat(a.facts().publicKeyFingerprint()).isNotEqualTo(b.facts().publicKeyFingerprint());
  }

  @Test
  void testGenerate_rsaBelow2048IsRefused() {
    assertThatThrownBy(() -> KeyMaterial.generate(new KeySpec.Rsa(1024), RANDOM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2048");
  }

  /** Found: validate let 2049 through, and the generator gave up minutes later. Now at once. */
  @Test
  void testGenerate_rsaSizeOfAnOddBitCountIsRefusedAtOnce() {
    assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> KeyMaterial.generate(new KeySpec.Rsa(2049), RANDOM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RSA keys must have at least 2048 bits, in a multiple of 8, not 2049"));
  }

  /** Every size validation lets through can be made, the unusual ones too. */
  @Test
  void testGenerate_rsaSizeInWholeBytesBesidesTheUsualOnes() {
    KeyMaterial key = KeyMaterial.generate(new KeySpec.Rsa(2056), RANDOM);

    assertThat(key.facts().spec()).contains(new KeySpec.Rsa(2056));
  }

  static Stream<Arguments> opensslKeys() {
    return Stream.of(
        Arguments.of(
            "EC P-256 PKCS#8",
            TestKeys.P256,
            new String[] {
              "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "k.pem"
            }),
        Arguments.of(
            "EC P-521 PKCS#8",
            TestKeys.P521,
            new String[] {
              "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", "k.pem"
            }),
        Arguments.of(
            "EC P-384 traditional with parameters",
            TestKeys.P384,
            new String[] {"ecparam", "-genkey", "-name", "secp384r1", "-out", "k.pem"}),
        Arguments.of(
            "RSA 2048 PKCS#8",
            TestKeys.RSA2048,
            new String[] {
              "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "k.pem"
            }),
        Arguments.of(
            "RSA 2048 traditional",
            TestKeys.RSA2048,
            new String[] {"genrsa", "-traditional", "-out", "k.pem", "2048"}),
        Arguments.of(
            "Ed25519 PKCS#8",
            TestKeys.ED25519,
            new String[] {"genpkey", "-algorithm", "ED25519", "-out", "k.pem"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("opensslKeys")
  void testFromPem_readsOpensslKeysAndDerivesTheirPublicKey(
      String name, KeySpec spec, String[] generate) throws Exception {
    Tool.OPENSSL.require();
    byte[] pem = Tool.OPENSSL.command(generate).in(dir).runAndRead(dir.resolve("k.pem"));
    byte[] publicDer =
        Tool.OPENSSL.command("pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "pub.der").in(dir).runAndRead(dir.resolve("pub.der"));

    KeyMaterial key = KeyMaterial.fromPem(pem);

    assertThat(key.facts().spec()).contains(spec);
    assertThat(key.facts().publicKeyFingerprint()).isEqualTo(Fingerprint.sha256(publicDer));
  }

  @ParameterizedTest
  @MethodSource("specs")
  void testPkcs8Pem_opensslReadsIt(KeySpec spec) throws Exception {
    Tool.OPENSSL.require();
    KeyMaterial key = TestKeys.key(spec, "a");
    Files.write(dir.resolve("k.pem"), key.pkcs8Pem());

    byte[] publicDer =
        Tool.OPENSSL.command("pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "pub.der").in(dir).runAndRead(dir.resolve("pub.der"));

    assertThat(Fingerprint.sha256(publicDer)).isEqualTo(key.facts().publicKeyFingerprint());
  }

  @Test
  void testFromPem_encryptedPkcs8IsRefused() throws Exception {
    Tool.OPENSSL.require();
    byte[] pem =
        Tool.OPENSSL.command("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass", "pass:secret", "-out", "k.pem").in(dir).runAndRead(dir.resolve("k.pem"));

    assertThatThrownBy(() -> KeyMaterial.fromPem(pem))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("encrypted private key")
        .hasMessageContaining("ENCRYPTED PRIVATE KEY");
  }

  @Test
  void testFromPem_encryptedTraditionalKeyIsRefused() throws Exception {
    Tool.OPENSSL.require();
    Tool.OPENSSL.command("genrsa", "-traditional", "-out", "plain.pem", "2048").in(dir).run().assertSucceeded();
    byte[] pem =
        Tool.OPENSSL.command("rsa", "-traditional", "-in", "plain.pem", "-aes256", "-passout", "pass:secret", "-out", "k.pem").in(dir).runAndRead(dir.resolve("k.pem"));
    assertThat(new String(pem, StandardCharsets.US_ASCII)).contains("Proc-Type: 4,ENCRYPTED");

    assertThatThrownBy(() -> KeyMaterial.fromPem(pem))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("encrypted private key");
  }

  @Test
  void testFromPem_certificateIsRefused() {
    byte[] pem = TestPki.ca(TestKeys.P256).pem().getBytes(StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> KeyMaterial.fromPem(pem))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("contains no private key")
        .hasMessageContaining("a certificate, not a private key");
  }

  @Test
  void testFromPem_keyFollowedByCertificateReadsTheKey() throws Exception {
    KeyMaterial key = TestKeys.key(TestKeys.P256, "a");
    byte[] combined =
        (new String(key.pkcs8Pem(), StandardCharsets.US_ASCII) + TestPki.ca(TestKeys.P256).pem())
            .getBytes(StandardCharsets.US_ASCII);

    assertThat(KeyMaterial.fromPem(combined).facts()).isEqualTo(key.facts());
  }

  @Test
  void testFromPem_emptyIsRefused() {
    assertThatThrownBy(() -> KeyMaterial.fromPem(" \n".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage("is empty");
  }

  @Test
  void testFromPem_textWithoutBlockIsRefused() {
    assertThatThrownBy(() -> KeyMaterial.fromPem("hello\n".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("no PEM private key");
  }

  @Test
  void testFromPem_binaryIsRefusedAsNotPem() {
    byte[] der = TestKeys.key(TestKeys.P256, "a").pkcs8Der();

    assertThatThrownBy(() -> KeyMaterial.fromPem(der))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("is not PEM");
  }

  @Test
  void testFromPem_twoKeysAreRefused() {
    String one = new String(TestKeys.key(TestKeys.P256, "a").pkcs8Pem(), StandardCharsets.US_ASCII);
    String two = new String(TestKeys.key(TestKeys.P256, "b").pkcs8Pem(), StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> KeyMaterial.fromPem((one + two).getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("holds 2 private keys");
  }

  @Test
  void testFromPem_garbageInsideTheBlockIsRefused() {
    String pem = "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n";

    assertThatThrownBy(() -> KeyMaterial.fromPem(pem.getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("block 1 (PRIVATE KEY, line 1)")
        .hasMessageContaining("not a valid private key");
  }

  @Test
  void testFromPem_openSshKeyIsRefusedWithAHint() {
    String pem =
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
            + "b3BlbnNzaC1rZXktdjEAAAAA\n"
            + "-----END OPENSSH PRIVATE KEY-----\n";

    assertThatThrownBy(() -> KeyMaterial.fromPem(pem.getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("OpenSSH")
        .hasMessageContaining("ssh-keygen");
  }

  @Test
  void testFromPem_unsupportedAlgorithmIsRefused() throws Exception {
    Tool.OPENSSL.require();
    byte[] pem =
        Tool.OPENSSL.command("genpkey", "-algorithm", "X25519", "-out", "k.pem").in(dir).runAndRead(dir.resolve("k.pem"));

    assertThatThrownBy(() -> KeyMaterial.fromPem(pem))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("EC P-256/P-384/P-521, RSA");
  }

  @Test
  void testEquals_sameKeyFromAnotherFileForm() throws Exception {
    Tool.OPENSSL.require();
    Tool.OPENSSL.command("ecparam", "-genkey", "-name", "prime256v1", "-out", "traditional.pem").in(dir).run()
        .assertSucceeded();
    Tool.OPENSSL.command("pkey", "-in", "traditional.pem", "-out", "pkcs8.pem").in(dir).run().assertSucceeded();

    KeyMaterial traditional =
        KeyMaterial.fromPem(Files.readAllBytes(dir.resolve("traditional.pem")));
    KeyMaterial pkcs8 = KeyMaterial.fromPem(Files.readAllBytes(dir.resolve("pkcs8.pem")));

    assertThat(traditional).isEqualTo(pkcs8).hasSameHashCodeAs(pkcs8);
    assertThat(traditional).isNotEqualTo(TestKeys.key(TestKeys.P256, "a"));
  }

  @Test
  void testToString_showsNoKeyMaterial() {
    KeyMaterial key = TestKeys.key(TestKeys.P256, "a");
    String pkcs8 = Base64.getEncoder().encodeToString(key.pkcs8Der());

    assertThat(key.toString())
        .startsWith("KeyMaterial[EC P-256, public key sha256:")
        .doesNotContain(pkcs8.substring(40, 60))
        .doesNotContain(key.privateKey().toString());
  }

  @Test
  void testMatches_trueForItsCertificateOnly() {
    Certificate ca = TestPki.ca(TestKeys.P256);

    assertThat(TestKeys.key(TestKeys.P256, "ca").matches(ca)).isTrue();
    assertThat(TestKeys.key(TestKeys.P256, "other").matches(ca)).isFalse();
  }
}
