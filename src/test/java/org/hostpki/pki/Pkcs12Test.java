package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.testkit.TestKeys.RANDOM;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@Execution(ExecutionMode.CONCURRENT)
class Pkcs12Test {
  private static final char[] PASSWORD = "correct horse".toCharArray();

  @TempDir Path dir;

  static Certificate ca;
  static Certificate server;
  static KeyMaterial serverKey;
  static Certificate ldap;
  static Certificate bmc;

  @BeforeAll
  static void material() {
    ca = TestPki.ca(TestKeys.P256);
    serverKey = TestKeys.key(TestKeys.P256, "server");
    server = TestPki.server(TestKeys.P256, ca, TestKeys.P256);
    ldap = TestPki.ca(TestKeys.RSA2048);
    bmc = TestPki.ca(TestKeys.ED25519);
  }

  private static byte[] keyStore(Pkcs12Profile profile) {
    return Pkcs12.keyStore("server", serverKey, List.of(server, ca), PASSWORD, profile, RANDOM);
  }

  private static SortedMap<String, Certificate> trusted() {
    return new TreeMap<>(Map.of("ldap", ldap, "bmc-01", bmc, "internal-ca", ca));
  }

  private static byte[] trustStore(Pkcs12Profile profile) {
    return Pkcs12.trustStore(trusted(), PASSWORD, profile, RANDOM);
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testKeyStore_readsBackItsKeyEntryAndProfile(Pkcs12Profile profile) throws Exception {
    Pkcs12Facts facts = Pkcs12.read(keyStore(profile), PASSWORD);

    assertThat(facts.profile()).isEqualTo(profile);
    assertThat(facts.trustedEntries()).isEmpty();
    assertThat(facts.keyEntry())
        .hasValueSatisfying(
            entry -> {
              assertThat(entry.alias()).isEqualTo("server");
              assertThat(entry.publicKeyFingerprint())
                  .isEqualTo(serverKey.facts().publicKeyFingerprint());
              assertThat(entry.chain()).containsExactly(server.fingerprint(), ca.fingerprint());
            });
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testTrustStore_readsBackItsTrustedEntriesAndProfile(Pkcs12Profile profile) throws Exception {
    Pkcs12Facts facts = Pkcs12.read(trustStore(profile), PASSWORD);

    assertThat(facts.profile()).isEqualTo(profile);
    assertThat(facts.keyEntry()).isEmpty();
    assertThat(facts.trustedEntries())
        .containsExactly(
            Map.entry("bmc-01", bmc.fingerprint()),
            Map.entry("internal-ca", ca.fingerprint()),
            Map.entry("ldap", ldap.fingerprint()));
  }

  static Stream<KeySpec> specs() {
    return TestKeys.ALL_SPECS.stream();
  }

  @ParameterizedTest
  @MethodSource("specs")
  void testKeyStore_eachKeySpecRoundTripsAndJdkReadsTheKey(KeySpec spec) throws Exception {
    Certificate specCa = TestPki.ca(spec);
    Certificate leaf = TestPki.server(spec, specCa, spec);
    KeyMaterial key = TestKeys.key(spec, "server");
    byte[] p12 =
        Pkcs12.keyStore(
            "server", key, List.of(leaf, specCa), PASSWORD, Pkcs12Profile.MODERN, RANDOM);

    assertThat(Pkcs12.read(p12, PASSWORD).keyEntry().orElseThrow().publicKeyFingerprint())
        .isEqualTo(key.facts().publicKeyFingerprint());
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(new ByteArrayInputStream(p12), PASSWORD);
    assertThat(store.getKey("server", PASSWORD).getEncoded()).isEqualTo(key.pkcs8Der());
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testRead_wrongPasswordIsReported(Pkcs12Profile profile) {
    byte[] p12 = keyStore(profile);

    assertThatThrownBy(() -> Pkcs12.read(p12, "wrong".toCharArray()))
        .isInstanceOf(WrongPasswordException.class)
        .hasMessageContaining("password");
  }

  @Test
  void testRead_alteredFileFailsTheIntegrityCheck() {
    byte[] p12 = trustStore(Pkcs12Profile.MODERN);
    p12[p12.length / 2] ^= 0x01;

    assertThatThrownBy(() -> Pkcs12.read(p12, PASSWORD))
        .isInstanceOfAny(WrongPasswordException.class, InvalidMaterialException.class);
  }

  @Test
  void testRead_garbageIsRefused() {
    assertThatThrownBy(() -> Pkcs12.read("hello world".getBytes(), PASSWORD))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageStartingWith("is not a PKCS#12 file");
  }

  @Test
  void testRead_emptyIsRefused() {
    assertThatThrownBy(() -> Pkcs12.read(new byte[0], PASSWORD))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage("is empty");
  }

  @Test
  void testRead_truncatedIsRefused() {
    byte[] p12 = keyStore(Pkcs12Profile.MODERN);

    assertThatThrownBy(() -> Pkcs12.read(Arrays.copyOf(p12, p12.length - 20), PASSWORD))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("cut short");
  }

  @Test
  void testRead_certificateIsRefused() {
    assertThatThrownBy(() -> Pkcs12.read(ca.der(), PASSWORD))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageStartingWith("is not a PKCS#12 file");
  }

  @Test
  void testKeyStore_chainMustCertifyTheKey() {
    assertThatThrownBy(
            () ->
                Pkcs12.keyStore(
                    "server", serverKey, List.of(ca), PASSWORD, Pkcs12Profile.MODERN, RANDOM))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void testTrustStore_aliasesDifferingOnlyInCaseAreRefused() {
    SortedMap<String, Certificate> entries = new TreeMap<>(Map.of("LDAP", ldap, "ldap", ca));

    assertThatThrownBy(() -> Pkcs12.trustStore(entries, PASSWORD, Pkcs12Profile.MODERN, RANDOM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("case");
  }

  @Test
  void testTrustStore_tenThousandEntriesRoundTrip() throws Exception {
    SortedMap<String, Certificate> entries = new TreeMap<>();
    for (int i = 0; i < 10_000; i++) {
      entries.put(String.format("host-%05d", i), i % 2 == 0 ? ca : ldap);
    }

    Pkcs12Facts facts =
        Pkcs12.read(Pkcs12.trustStore(entries, PASSWORD, Pkcs12Profile.MODERN, RANDOM), PASSWORD);

    assertThat(facts.trustedEntries()).hasSize(10_000);
    assertThat(facts.trustedEntries().get("host-09999")).isEqualTo(ldap.fingerprint());
  }

  @Test
  void testTrustStore_emptyIsReadable() throws Exception {
    byte[] p12 = Pkcs12.trustStore(new TreeMap<>(), PASSWORD, Pkcs12Profile.MODERN, RANDOM);

    assertThat(Pkcs12.read(p12, PASSWORD).trustedEntries()).isEmpty();
  }

  // --- interop: the JDK ---

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testKeyStore_jdkKeyStoreReadsTheKeyEntry(Pkcs12Profile profile) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(new ByteArrayInputStream(keyStore(profile)), PASSWORD);

    assertThat(Collections.list(store.aliases())).containsExactly("server");
    assertThat(store.isKeyEntry("server")).isTrue();
    assertThat(store.getCertificateChain("server")).hasSize(2);
    assertThat(store.getCertificateChain("server")[0].getEncoded()).isEqualTo(server.der());
    assertThat(store.getCertificateChain("server")[1].getEncoded()).isEqualTo(ca.der());
    PrivateKey key = (PrivateKey) store.getKey("server", PASSWORD);
    assertThat(key.getEncoded()).isEqualTo(serverKey.pkcs8Der());
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testTrustStore_jdkKeyStoreSeesTrustedCertEntries(Pkcs12Profile profile) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(new ByteArrayInputStream(trustStore(profile)), PASSWORD);

    assertThat(Collections.list(store.aliases()))
        .containsExactlyInAnyOrder("ldap", "bmc-01", "internal-ca");
    for (Map.Entry<String, Certificate> entry : trusted().entrySet()) {
      assertThat(store.isCertificateEntry(entry.getKey())).as(entry.getKey()).isTrue();
      assertThat(store.getCertificate(entry.getKey()).getEncoded())
          .isEqualTo(entry.getValue().der());
    }
  }

  @Test
  void testRead_jdkWrittenKeyStore() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    java.security.cert.CertificateFactory factory =
        java.security.cert.CertificateFactory.getInstance("X.509");
    java.security.cert.Certificate jdkServer =
        factory.generateCertificate(new ByteArrayInputStream(server.der()));
    java.security.cert.Certificate jdkCa =
        factory.generateCertificate(new ByteArrayInputStream(ca.der()));
    PrivateKey key =
        java.security.KeyFactory.getInstance("EC")
            .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(serverKey.pkcs8Der()));
    store.setKeyEntry(
        "server", key, PASSWORD, new java.security.cert.Certificate[] {jdkServer, jdkCa});
    store.setCertificateEntry(
        "ldap", factory.generateCertificate(new ByteArrayInputStream(ldap.der())));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    store.store(out, PASSWORD);

    Pkcs12Facts facts = Pkcs12.read(out.toByteArray(), PASSWORD);

    assertThat(facts.profile()).isEqualTo(Pkcs12Profile.MODERN);
    assertThat(facts.keyEntry().orElseThrow().chain())
        .containsExactly(server.fingerprint(), ca.fingerprint());
    assertThat(facts.trustedEntries()).containsExactly(Map.entry("ldap", ldap.fingerprint()));
  }

  @Test
  void testTrustStore_keytoolListsTrustedCertEntries() throws Exception {
    Files.write(dir.resolve("truststore.p12"), trustStore(Pkcs12Profile.MODERN));

    String output =
        Tool.KEYTOOL.command(
                "-J-Duser.language=en", "-J-Duser.country=US", "-list", "-storetype", "PKCS12",
                "-keystore", dir.resolve("truststore.p12").toString(), "-storepass", new String(PASSWORD))
            .run()
            .assertSucceeded()
            .output();

    assertThat(output)
        .contains("Your keystore contains 3 entries")
        .contains("ldap,", "bmc-01,", "internal-ca,")
        .containsPattern("(?s)(trustedCertEntry.*){3}");
  }

  // --- interop: OpenSSL ---

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testKeyStore_opensslReadsIt(Pkcs12Profile profile) throws Exception {
    Tool.OPENSSL.require();
    Files.write(dir.resolve("server.p12"), keyStore(profile));

    String info =
        Tool.OPENSSL.command("pkcs12", "-in", "server.p12", "-info", "-nokeys", "-passin", "pass:correct horse").in(dir).run()
            .assertSucceeded()
            .output();
    byte[] keyPem =
        Tool.OPENSSL.command("pkcs12", "-in", "server.p12", "-nocerts", "-nodes", "-passin", "pass:correct horse", "-out", "key.pem").in(dir).runAndRead(dir.resolve("key.pem"));

    if (profile == Pkcs12Profile.MODERN) {
      assertThat(info)
          .contains("PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256")
          .contains("MAC: sha256, Iteration 10000");
    } else {
      assertThat(info)
          .contains("pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048")
          .contains("MAC: sha1, Iteration 2048");
    }
    assertThat(info).contains("friendlyName: server").contains("subject=CN = portal.example.com");
    assertThat(KeyMaterial.fromPem(keyPem).facts()).isEqualTo(serverKey.facts());
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testTrustStore_opensslReadsIt(Pkcs12Profile profile) throws Exception {
    Tool.OPENSSL.require();
    Files.write(dir.resolve("truststore.p12"), trustStore(profile));

    String info =
        Tool.OPENSSL.command("pkcs12", "-in", "truststore.p12", "-info", "-nokeys", "-passin", "pass:correct horse").in(dir).run()
            .assertSucceeded()
            .output();

    assertThat(info)
        .contains("friendlyName: ldap", "friendlyName: bmc-01", "friendlyName: internal-ca")
        .contains("2.16.840.1.113894.746875.1.1: <Unsupported tag 6>");
  }

  @Test
  void testRead_opensslWrittenFilesInBothProfiles() throws Exception {
    Tool.OPENSSL.require();
    Files.write(dir.resolve("key.pem"), serverKey.pkcs8Pem());
    Files.writeString(dir.resolve("chain.pem"), Pem.certificates(List.of(server, ca)));
    Tool.OPENSSL.command("pkcs12", "-export", "-inkey", "key.pem", "-in", "chain.pem", "-name", "web", "-passout", "pass:correct horse", "-out", "modern.p12").in(dir).run()
        .assertSucceeded();
    Tool.OPENSSL.command("pkcs12", "-export", "-inkey", "key.pem", "-in", "chain.pem", "-name", "web", "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1", "-passout", "pass:correct horse", "-out", "legacy.p12").in(dir).run()
        .assertSucceeded();

    Pkcs12Facts modern = Pkcs12.read(Files.readAllBytes(dir.resolve("modern.p12")), PASSWORD);
    Pkcs12Facts legacy = Pkcs12.read(Files.readAllBytes(dir.resolve("legacy.p12")), PASSWORD);

    assertThat(modern.profile()).isEqualTo(Pkcs12Profile.MODERN);
    assertThat(legacy.profile()).isEqualTo(Pkcs12Profile.LEGACY);
    for (Pkcs12Facts facts : List.of(modern, legacy)) {
      assertThat(facts.keyEntry().orElseThrow().alias()).isEqualTo("web");
      assertThat(facts.keyEntry().orElseThrow().chain())
          .containsExactly(server.fingerprint(), ca.fingerprint());
      assertThat(facts.trustedEntries()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testKeyStoreFacts_equalWhatReadingTheKeyStoreGives(Pkcs12Profile profile)
      throws Exception {
    Pkcs12Facts computed =
        Pkcs12.keyStoreFacts("server", serverKey, List.of(server, ca), profile);

    assertThat(computed).isEqualTo(Pkcs12.read(keyStore(profile), PASSWORD));
  }

  @Test
  void testKeyStoreFacts_chainIsWalkedByIssuerAsReadingDoes() throws Exception {
    // ldap did not issue the leaf: reading stops the chain at the leaf, and so must the facts.
    List<Certificate> chain = List.of(server, ldap);
    byte[] file =
        Pkcs12.keyStore("server", serverKey, chain, PASSWORD, Pkcs12Profile.MODERN, RANDOM);

    Pkcs12Facts computed = Pkcs12.keyStoreFacts("server", serverKey, chain, Pkcs12Profile.MODERN);

    assertThat(computed).isEqualTo(Pkcs12.read(file, PASSWORD));
    assertThat(computed.keyEntry().orElseThrow().chain()).containsExactly(server.fingerprint());
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testTrustStoreFacts_equalWhatReadingTheTrustStoreGives(Pkcs12Profile profile)
      throws Exception {
    Pkcs12Facts computed = Pkcs12.trustStoreFacts(trusted(), profile);

    assertThat(computed).isEqualTo(Pkcs12.read(trustStore(profile), PASSWORD));
  }
}
