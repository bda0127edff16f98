package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.hostpki.model.Fingerprint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.hostpki.testkit.TestKeys;

/** JKS files written here, read by the JDK's KeyStore and keytool. */
@Execution(ExecutionMode.CONCURRENT)
class JavaKeyStoreTest {
  private static final char[] PASSWORD = "correct horse".toCharArray();

  @TempDir Path dir;

  static Certificate ca;
  static Certificate server;
  static KeyMaterial key;

  @BeforeAll
  static void material() {
    ca = TestPki.ca(TestKeys.P256);
    key = TestKeys.key(TestKeys.P256, "server");
    server = TestPki.server(TestKeys.P256, ca, TestKeys.P256);
  }

  @Test
  void testWrite_theJdkLoadsTheKeyAndChainUnderTheAlias() throws Exception {
    byte[] jks = JavaKeyStore.write("portal", key, List.of(server, ca), PASSWORD, TestKeys.RANDOM);

    KeyStore store = KeyStore.getInstance("JKS");
    store.load(new ByteArrayInputStream(jks), PASSWORD);
    PrivateKey privateKey = (PrivateKey) store.getKey("portal", PASSWORD);

    assertThat(Collections.list(store.aliases())).containsExactly("portal");
    assertThat(store.getType()).isEqualTo("JKS");
    assertThat(privateKey.getEncoded()).isEqualTo(JcaKeys.keyPair(key).getPrivate().getEncoded());
    assertThat(store.getCertificateChain("portal"))
        .extracting(c -> Fingerprint.sha256(c.getEncoded()))
        .containsExactly(server.fingerprint(), ca.fingerprint());
    assertThat(store.getCreationDate("portal").toInstant()).isEqualTo(server.facts().notBefore());
  }

  @Test
  void testWrite_keytoolListsTheEntryWithItsDate() throws Exception {
    Path jks = Files.write(dir.resolve("server.jks"), JavaKeyStore.write("Portal", key, List.of(server, ca), PASSWORD, TestKeys.RANDOM));

    String listed =
        Keytool.run("-list", "-v", "-keystore", jks.toString(), "-storetype", "JKS", "-storepass", "correct horse")
            .assertSucceeded()
            .output();

    assertThat(listed)
        .contains("Keystore type: JKS", "Your keystore contains 1 entry", "Alias name: portal", "Entry type: PrivateKeyEntry",
            "Certificate chain length: 2")
        .contains("Creation date: " + DateTimeFormatter.ofPattern("MMM d, yyyy", Locale.US).withZone(ZoneOffset.UTC)
            .format(server.facts().notBefore()));
    assertThat(Keytool.run("-list", "-keystore", jks.toString(), "-storepass", "wrong password").output())
        .contains("password was incorrect");
  }

  @Test
  void testWrite_theSameInputAndRandomGiveTheSameBytes() {
    byte[] first = JavaKeyStore.write("portal", key, List.of(server, ca), PASSWORD, seeded());
    byte[] second = JavaKeyStore.write("portal", key, List.of(server, ca), PASSWORD, seeded());
    byte[] fresh = JavaKeyStore.write("portal", key, List.of(server, ca), PASSWORD, TestKeys.RANDOM);

    assertThat(first).isEqualTo(second).isNotEqualTo(fresh);
  }

  @Test
  void testRead_factsOfAFileTheJdkWrote() throws Exception {
    KeyStore store = KeyStore.getInstance("JKS");
    store.load(null, null);
    store.setKeyEntry("tomcat", JcaKeys.keyPair(key).getPrivate(), PASSWORD,
        new java.security.cert.Certificate[] {JcaKeys.x509(server), JcaKeys.x509(ca)});
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    store.store(bytes, PASSWORD);

    JavaKeyStore.Facts facts = JavaKeyStore.read(bytes.toByteArray(), PASSWORD);

    assertThat(facts).isEqualTo(new JavaKeyStore.Facts("tomcat", key, List.of(server.fingerprint(), ca.fingerprint())));
  }

  @Test
  void testRead_wrongPasswordAlteredFileAndOtherFormatsAreRefused() {
    byte[] jks = JavaKeyStore.write("portal", key, List.of(server, ca), PASSWORD, TestKeys.RANDOM);
    byte[] altered = jks.clone();
    altered[40] ^= 1;

    assertThatThrownBy(() -> JavaKeyStore.read(jks, "wrong".toCharArray()))
        .isInstanceOf(WrongPasswordException.class)
        .hasMessageContaining("integrity check failed");
    assertThatThrownBy(() -> JavaKeyStore.read(altered, PASSWORD)).isInstanceOf(WrongPasswordException.class);
    assertThatThrownBy(() -> JavaKeyStore.read(Pkcs12.keyStore("portal", key, List.of(server), PASSWORD,
            org.hostpki.model.Pkcs12Profile.MODERN, TestKeys.RANDOM), PASSWORD))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage("is not a JKS file (it does not start with FEEDFEED)");
    assertThatThrownBy(() -> JavaKeyStore.read(java.util.Arrays.copyOf(jks, 30), PASSWORD))
        .isInstanceOf(InvalidMaterialException.class);
  }

  @Test
  void testWrite_chainMustCertifyTheKey() {
    assertThatThrownBy(() -> JavaKeyStore.write("portal", key, List.of(ca), PASSWORD, TestKeys.RANDOM))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static SecureRandom seeded() {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(42);
      return random;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
