package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.Pkcs12Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.TestKeys;

/**
 * PKCS#12 files without a password: trust stores in the form of JDK 18+'s own cacerts, and key
 * stores for readers that take no password.
 */
@Execution(ExecutionMode.CONCURRENT)
class UnprotectedPkcs12Test {
  @TempDir Path dir;

  private final Certificate root = TestPki.ca(TestKeys.P256);

  /**
   * The trust store is written in one array around the bags' encodings (a 100,000-certificate
   * store in a 512 MB heap): byte for byte what BouncyCastle's nested encoding made, for lengths
   * of one, two and three octets.
   */
  @Test
  void testTrustStore_isByteForByteBouncyCastlesNestedEncoding() throws Exception {
    for (int n : new int[] {0, 1, 2, 300}) {
      TreeMap<String, Certificate> entries = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        entries.put(String.format("root %03d", i), root);
      }
      org.bouncycastle.asn1.pkcs.Attribute trusted =
          new org.bouncycastle.asn1.pkcs.Attribute(
              Pkcs12.JDK_TRUSTED_KEY_USAGE,
              new org.bouncycastle.asn1.DERSet(org.bouncycastle.asn1.x509.KeyPurposeId.anyExtendedKeyUsage.toOID()));
      org.bouncycastle.asn1.ASN1EncodableVector bags = new org.bouncycastle.asn1.ASN1EncodableVector();
      entries.forEach((alias, c) -> bags.add(Pkcs12.certificateBag(c, Pkcs12.friendlyName(alias), trusted).toASN1Structure()));
      var data = org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.data;
      var safe = new org.bouncycastle.asn1.pkcs.ContentInfo(data, new org.bouncycastle.asn1.DEROctetString(
          new org.bouncycastle.asn1.DLSequence(bags).getEncoded(org.bouncycastle.asn1.ASN1Encoding.DL)));
      var authenticated = new org.bouncycastle.asn1.pkcs.AuthenticatedSafe(new org.bouncycastle.asn1.pkcs.ContentInfo[] {safe});
      byte[] expected = new org.bouncycastle.asn1.pkcs.Pfx(
              new org.bouncycastle.asn1.pkcs.ContentInfo(data, new org.bouncycastle.asn1.DEROctetString(
                  authenticated.getEncoded(org.bouncycastle.asn1.ASN1Encoding.DL))), null)
          .getEncoded(org.bouncycastle.asn1.ASN1Encoding.DL);

      assertThat(UnprotectedPkcs12.trustStore(entries)).as("%d entries", n).isEqualTo(expected);
    }
  }

  /**
   * The encoder apply hands the store (the file made when written, bag by bag: fheap16) checks the
   * aliases when it is made, not when the store writes, and makes the same bytes each time.
   */
  @Test
  void testTrustStoreEncoder_checksAliasesAtOnceAndMakesTheSameBytesEachTime() {
    TreeMap<String, Certificate> entries = new TreeMap<>(Map.of("a", root, "b", TestPki.ca(TestKeys.P256)));
    var encoder = UnprotectedPkcs12.trustStoreEncoder(entries);
    byte[] first = encoder.get();
    assertThat(encoder.get()).isEqualTo(first).isNotSameAs(first);
    assertThat(UnprotectedPkcs12.trustStore(entries)).isEqualTo(first);
    entries.put("A", root);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> UnprotectedPkcs12.trustStoreEncoder(entries))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differ only in case");
  }

  @Test
  void testWrite_theJdkReadsItWithoutAPasswordAsTrustedEntries() throws Exception {
    byte[] store = UnprotectedPkcs12.trustStore(new TreeMap<>(Map.of("Some Root [jdk]", root)));

    KeyStore read = KeyStore.getInstance("PKCS12");
    read.load(new ByteArrayInputStream(store), null);

    assertThat(Collections.list(read.aliases())).containsExactly("some root [jdk]");
    assertThat(read.isCertificateEntry("some root [jdk]")).isTrue();
    assertThat(Fingerprint.sha256(read.getCertificate("some root [jdk]").getEncoded())).isEqualTo(root.fingerprint());
    assertThat(UnprotectedPkcs12.isUnprotected(store)).isTrue();
  }

  @Test
  void testIsUnprotected_aStoreKeytoolWritesWithoutProtection() throws Exception {
    Path pem = Files.writeString(dir.resolve("root.pem"), root.pem());
    Path p12 = dir.resolve("cacerts");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE", "-J-Dkeystore.pkcs12.macAlgorithm=NONE",
                "-importcert", "-noprompt", "-storetype", "pkcs12", "-keystore", p12.toString(),
                "-storepass", "changeit", "-alias", "root", "-file", pem.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();

    assertThat(UnprotectedPkcs12.isUnprotected(Files.readAllBytes(p12))).isTrue();
  }

  @Test
  void testIsUnprotected_notForAPasswordProtectedStore() {
    byte[] protectedStore =
        Pkcs12.trustStore(new TreeMap<>(Map.of("root", root)), "secret".toCharArray(), Pkcs12Profile.MODERN, TestKeys.RANDOM);

    assertThat(UnprotectedPkcs12.isUnprotected(protectedStore)).isFalse();
    assertThat(UnprotectedPkcs12.isUnprotected("garbage".getBytes())).isFalse();
  }

  @Test
  void testKeyStore_opensslReadsKeyAndChainWithAnEmptyPassword() throws Exception {
    Tool.OPENSSL.require();
    KeyMaterial key = TestKeys.key(TestKeys.P256, "server");
    Certificate server = TestPki.server(TestKeys.P256, root, TestKeys.P256);
    Path p12 = Files.write(dir.resolve("vault.p12"), UnprotectedPkcs12.keyStore("portal.example.com", key, List.of(server, root), TestKeys.RANDOM));

    String info = Tool.OPENSSL.command("pkcs12", "-in", p12.toString(), "-info", "-nodes", "-passin", "pass:").in(dir).run().assertSucceeded().output();
    ProcessResult pkeyFromP12 =
        Tool.OPENSSL.command("pkcs12", "-in", p12.toString(), "-nocerts", "-nodes", "-passin", "pass:", "-out", "key.pem").in(dir).run().assertSucceeded();

    assertThat(pkeyFromP12.exitCode()).isZero();
    assertThat(info)
        .contains("MAC is absent", "friendlyName: portal.example.com", "PKCS7 Data", "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC")
        .doesNotContain("PKCS7 Encrypted data");
    assertThat(KeyMaterial.fromPem(Files.readAllBytes(dir.resolve("key.pem")))).isEqualTo(key);
    assertThat(info.indexOf(server.pem().strip())).isLessThan(info.indexOf(root.pem().strip()));
  }

  @Test
  void testKeyStore_javaOpensItWithoutAPassword() throws Exception {
    KeyMaterial key = TestKeys.key(TestKeys.P256, "server");
    Certificate server = TestPki.server(TestKeys.P256, root, TestKeys.P256);
    byte[] p12 = UnprotectedPkcs12.keyStore("portal.example.com", key, List.of(server, root), TestKeys.RANDOM);

    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(new ByteArrayInputStream(p12), null);

    assertThat(Collections.list(store.aliases())).containsExactly("portal.example.com");
    assertThat(store.getKey("portal.example.com", new char[0]).getEncoded())
        .isEqualTo(JcaKeys.keyPair(key).getPrivate().getEncoded());
    assertThat(store.getCertificateChain("portal.example.com"))
        .extracting(c -> Fingerprint.sha256(c.getEncoded()))
        .containsExactly(server.fingerprint(), root.fingerprint());
    assertThat(UnprotectedPkcs12.isUnprotected(p12)).isTrue();
  }

  @Test
  void testKeyStore_readsBackWithTheEmptyPassword() throws Exception {
    KeyMaterial key = TestKeys.key(TestKeys.P256, "server");
    Certificate server = TestPki.server(TestKeys.P256, root, TestKeys.P256);

    Pkcs12Facts facts = Pkcs12.read(UnprotectedPkcs12.keyStore("portal", key, List.of(server, root), TestKeys.RANDOM), new char[0]);

    assertThat(facts)
        .isEqualTo(Pkcs12.keyStoreFacts("portal", key, List.of(server, root), Pkcs12Profile.MODERN));
  }
}
