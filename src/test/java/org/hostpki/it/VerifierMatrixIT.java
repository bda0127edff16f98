package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.ToolCertificates;

/**
 * Every store of the key-algorithm matrix ({@link StoreCase}), made by the built CLI, verified by
 * OpenSSL, GnuTLS and NSS, and its PKCS#12 files read by OpenSSL, GnuTLS, NSS, keytool and the
 * JDK's KeyStore. Each check has a twin that must fail: another CA, a name the certificate does not
 * carry, a wrong password.
 *
 * <p>One instance for the whole class, so each row's store is made once (the CLI's JVM start and
 * RSA key generation are the slow part) and every test of that row reads it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VerifierMatrixIT {
  private static final String NAME_NOT_IN_CERTIFICATE = "other." + DesiredStateFile.DOMAIN;
  private static final String ADDRESS_NOT_IN_CERTIFICATE = "127.0.0.2";

  @TempDir static Path root;

  private final Map<StoreCase, Store> stores = new EnumMap<>(StoreCase.class);
  private ToolCertificates.Issued unrelatedCa;

  // --- the keys are what the desired state asked for

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testKeys_haveTheAlgorithmAndSizeAsked(StoreCase row) {
    Store store = store(row);

    assertThat(x509Text(store.caCertificate()))
        .contains("Public Key Algorithm: " + row.caKey().opensslAlgorithm())
        .contains(row.caKey().opensslSize());
    assertThat(x509Text(store.serverCertificate()))
        .contains("Public Key Algorithm: " + row.serverKey().opensslAlgorithm())
        .contains(row.serverKey().opensslSize());
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testKeyFiles_arePkcs8KeysOfTheirCertificates(StoreCase row) {
    Store store = store(row);

    assertThat(Store.read(store.serverKey())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Store.read(store.caKey())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(publicKeyOfKey(store.serverKey()))
        .startsWith("-----BEGIN PUBLIC KEY-----")
        .isEqualTo(publicKeyOfCertificate(store.serverCertificate()));
    assertThat(publicKeyOfKey(store.caKey()))
        .startsWith("-----BEGIN PUBLIC KEY-----")
        .isEqualTo(publicKeyOfCertificate(store.caCertificate()));
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testFullchain_isServerCertificateThenCa(StoreCase row) {
    Store store = store(row);

    assertThat(store.fullchainPem())
        .containsExactly(
            Store.read(store.serverCertificate()), Store.read(store.caCertificate()));
  }

  // --- OpenSSL

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testOpensslVerify_acceptsEveryHostNameAndAddress(StoreCase row) {
    Store store = store(row);

    for (String name : namesInCertificate(row)) {
      ProcessResult verify = Verifiers.openssl(store, store.caCertificate(), name, scratch(row));

      assertThat(verify.assertSucceeded().stdout())
          .as("openssl verify for %s", name)
          .contains(": OK");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testOpensslVerify_rejectsNameNotInCertificate(StoreCase row) {
    Store store = store(row);
    Path ca = store.caCertificate();

    ProcessResult name = Verifiers.openssl(store, ca, NAME_NOT_IN_CERTIFICATE, scratch(row));
    ProcessResult address = Verifiers.openssl(store, ca, ADDRESS_NOT_IN_CERTIFICATE, scratch(row));

    assertThat(name.assertFailed().output()).contains("hostname mismatch");
    assertThat(address.assertFailed().output()).contains("IP address mismatch");
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testOpensslVerify_rejectsUnrelatedCa(StoreCase row) {
    Store store = store(row);

    assertThat(
            Verifiers.openssl(store, unrelatedCa().certificate(), fqdn(row), scratch(row))
                .assertFailed()
                .output())
        .contains("unable to get local issuer certificate");
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testOpensslVerify_acceptsServerWithTrustBundleAsCaFile(StoreCase row) {
    Store store = store(row);

    ProcessResult verify = Verifiers.openssl(store, store.trustBundle(), fqdn(row), scratch(row));

    assertThat(verify.assertSucceeded().stdout()).contains(": OK");
  }

  // --- GnuTLS

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testCerttoolVerify_acceptsFullchainForEveryHostNameAndAddress(StoreCase row) {
    Store store = store(row);

    for (String name : namesInCertificate(row)) {
      assertThat(Verifiers.certtool(store, store.caCertificate(), name).assertSucceeded().stdout())
          .as("certtool --verify for %s", name)
          .contains("Chain verification output: Verified.");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testCerttoolVerify_rejectsNameNotInCertificate(StoreCase row) {
    Store store = store(row);

    for (String name : List.of(NAME_NOT_IN_CERTIFICATE, ADDRESS_NOT_IN_CERTIFICATE)) {
      assertThat(Verifiers.certtool(store, store.caCertificate(), name).assertFailed().stdout())
          .as("certtool --verify for %s", name)
          .contains("Chain verification output: Not verified.")
          .contains("does not match");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testCerttoolVerify_rejectsUnrelatedCa(StoreCase row) {
    Store store = store(row);

    ProcessResult verify = Verifiers.certtool(store, unrelatedCa().certificate(), fqdn(row));

    assertThat(verify.assertFailed().stdout())
        .contains("Chain verification output: Not verified.")
        .contains("issuer is unknown");
  }

  // --- NSS

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testNssCertutil_validatesServerCertificateForSslServer(StoreCase row) {
    Store store = store(row);
    NssDatabase database =
        NssDatabase.create(scratch(row).resolve("nss-trusting-store-ca"))
            .trustCa("ca", store.caCertificate())
            .add("server", store.serverCertificate());

    assertThat(database.validateForSslServer("server").assertSucceeded().output())
        .contains("certificate is valid");
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testNssCertutil_rejectsServerCertificateUnderUnrelatedCa(StoreCase row) {
    Store store = store(row);
    NssDatabase database =
        NssDatabase.create(scratch(row).resolve("nss-trusting-unrelated-ca"))
            .trustCa("ca", unrelatedCa().certificate())
            .add("server", store.serverCertificate());

    assertThat(database.validateForSslServer("server").assertFailed().output())
        .contains("certificate is invalid")
        .contains("issuer is not recognized");
  }

  // --- PKCS#12 read by OpenSSL (as a user of OpenSSL 3 would: no -legacy option)

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testOpensslPkcs12_readsServerP12WithKeyAndChain(StoreCase row) {
    Store store = store(row);
    Path p12 = store.serverPkcs12();

    openssl("pkcs12", "-in", p12.toString(), "-info", "-noout", "-passin", passin());
    String certificates =
        openssl("pkcs12", "-in", p12.toString(), "-nokeys", "-passin", passin()).stdout();
    Path key = scratch(row).resolve("key-from-p12.pem");
    openssl(
        "pkcs12", "-in", p12.toString(), "-nocerts", "-nodes", "-passin", passin(),
        "-out", key.toString());

    assertThat(certificates).contains("friendlyName: server");
    assertThat(Store.pemCertificates(certificates))
        .containsExactly(Store.read(store.serverCertificate()), Store.read(store.caCertificate()));
    assertThat(publicKeyOfKey(key)).isEqualTo(publicKeyOfKey(store.serverKey()));
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testOpensslPkcs12_readsTruststoreP12WithTheCa(StoreCase row) {
    Store store = store(row);
    Path p12 = store.truststorePkcs12();

    openssl("pkcs12", "-in", p12.toString(), "-info", "-noout", "-passin", passin());
    String certificates =
        openssl("pkcs12", "-in", p12.toString(), "-nokeys", "-passin", passin()).stdout();

    assertThat(certificates).contains("friendlyName: hostpki-ca");
    assertThat(Store.pemCertificates(certificates))
        .containsExactly(Store.read(store.caCertificate()));
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testOpensslPkcs12_rejectsWrongPassword(StoreCase row) {
    Store store = store(row);

    // truststore.p12 has no password: any opens it.
    openssl("pkcs12", "-in", store.truststorePkcs12().toString(), "-info", "-noout", "-passin", "pass:not-the-password");
    for (Path p12 : List.of(store.serverPkcs12())) {
      assertThat(
              Tool.OPENSSL.command("pkcs12", "-in", p12.toString(), "-info", "-noout",
                      "-passin", "pass:not-the-password")
                  .run()
                  .assertFailed()
                  .output())
          .as("openssl pkcs12 of %s with a wrong password", p12.getFileName())
          .contains("Mac verify error");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testOpensslPkcs12_encryptionFollowsProfile(StoreCase row) {
    Store store = store(row);
    boolean modern = row.pkcs12Profile().equals("modern");

    assertThat(openssl("pkcs12", "-in", store.truststorePkcs12().toString(), "-info", "-noout", "-passin", passin()).output())
        .contains("MAC is absent")
        .doesNotContain("Encrypted data");
    for (Path p12 : List.of(store.serverPkcs12())) {
      String info =
          openssl("pkcs12", "-in", p12.toString(), "-info", "-noout", "-passin", passin()).output();
      if (modern) {
        assertThat(info)
            .as(p12.getFileName().toString())
            .contains("MAC: sha256")
            .contains("AES-256-CBC");
      } else {
        // 3DES, not RC2-40: old readers take it, and OpenSSL 3 needs no legacy provider for it.
        assertThat(info)
            .as(p12.getFileName().toString())
            .contains("MAC: sha1")
            .contains("pbeWithSHA1And3-KeyTripleDES-CBC")
            .doesNotContain("AES");
      }
    }
  }

  // --- PKCS#12 read by GnuTLS and NSS

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testCerttoolP12Info_readsServerKeyAndChain(StoreCase row) {
    String info =
        certtoolP12Info(store(row).serverPkcs12(), Hostpki.PASSWORD).assertSucceeded().stdout();

    assertThat(info)
        .contains("Type: PKCS #8 Encrypted key")
        .contains("Friendly name: server")
        .containsPattern("(?s)(BEGIN CERTIFICATE.*){2}");
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testCerttoolP12Info_readsTruststoreCa(StoreCase row) {
    // GnuTLS lists it, then fails for the MAC it lacks (truststore.p12 has no password); GnuTLS
    // and NSS clients take trust-bundle.crt.
    String info = certtoolP12Info(store(row).truststorePkcs12(), Hostpki.PASSWORD).output();

    assertThat(info).contains("Friendly name: hostpki-ca").doesNotContain("PRIVATE KEY");
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testCerttoolP12Info_rejectsWrongPassword(StoreCase row) {
    ProcessResult info = certtoolP12Info(store(row).serverPkcs12(), "not-the-password");

    assertThat(info.assertFailed().output())
        .contains("Message Authentication Code verification failed");
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testNssPk12util_listsServerKeyAndChain(StoreCase row) {
    String listing =
        pk12utilList(row, store(row).serverPkcs12(), Hostpki.PASSWORD).assertSucceeded().stdout();

    assertThat(listing)
        .contains("Certificate(has private key):")
        .contains("Key(shrouded):")
        .contains("Friendly Name: server");
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testNssPk12util_rejectsWrongPassword(StoreCase row) {
    ProcessResult listing = pk12utilList(row, store(row).serverPkcs12(), "not-the-password");

    assertThat(listing.assertFailed().output()).contains("SEC_ERROR_BAD_PASSWORD");
  }

  // --- PKCS#12 read by Java: keytool, and the KeyStore API a server uses

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testKeytool_listsServerKeyEntry(StoreCase row) {
    String listing =
        keytoolList(store(row).serverPkcs12(), Hostpki.PASSWORD).assertSucceeded().stdout();

    assertThat(listing)
        .contains("Your keystore contains 1 entry")
        .containsPattern("(?m)^server, .*PrivateKeyEntry");
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testKeytool_listsCaAsTrustedEntry(StoreCase row) {
    String listing =
        keytoolList(store(row).truststorePkcs12(), Hostpki.PASSWORD).assertSucceeded().stdout();

    assertThat(listing)
        .contains("Your keystore contains 1 entry")
        .containsPattern("(?m)^hostpki-ca, .*trustedCertEntry");
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testKeytool_rejectsWrongPassword(StoreCase row) {
    assertThat(keytoolList(store(row).serverPkcs12(), "not-the-password").assertFailed().output())
        .contains("password was incorrect");
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testJdkKeyStore_serverKeySignsWhatServerCertificateVerifies(StoreCase row) throws Exception {
    Store store = store(row);
    KeyStore keyStore = loadPkcs12(store.serverPkcs12());

    PrivateKey key = (PrivateKey) keyStore.getKey("server", Hostpki.PASSWORD.toCharArray());
    Certificate[] chain = keyStore.getCertificateChain("server");

    assertThat(chain)
        .containsExactly(
            Store.readCertificate(store.serverCertificate()),
            Store.readCertificate(store.caCertificate()));
    assertThat(signsForCertificate(key, (X509Certificate) chain[0])).isTrue();
  }

  @ParameterizedTest
  @EnumSource(StoreCase.class)
  void testJdkKeyStore_truststoreHoldsCaAsTrustedCertificate(StoreCase row) throws Exception {
    Store store = store(row);
    KeyStore trustStore = loadPkcs12(store.truststorePkcs12());

    assertThat(trustStore.isCertificateEntry("hostpki-ca")).isTrue();
    assertThat(trustStore.getCertificate("hostpki-ca"))
        .isEqualTo(Store.readCertificate(store.caCertificate()));
  }

  // --- helpers

  /** Makes each row's store once, on first use, with the built CLI. */
  private Store store(StoreCase row) {
    return stores.computeIfAbsent(
        row, r -> Hostpki.apply(r.desiredState(root.resolve(r.name().toLowerCase()))));
  }

  private ToolCertificates.Issued unrelatedCa() {
    if (unrelatedCa == null) {
      unrelatedCa = ToolCertificates.opensslCa(root, "unrelated-ca", "/O=hostpki tests/CN=Unrelated Test CA");
    }
    return unrelatedCa;
  }

  private Path scratch(StoreCase row) {
    return root.resolve(row.name().toLowerCase());
  }

  private String fqdn(StoreCase row) {
    return row.desiredState(scratch(row)).fqdn();
  }

  /** The names and addresses the desired state's host identity must put into the certificate. */
  private List<String> namesInCertificate(StoreCase row) {
    DesiredStateFile desired = row.desiredState(scratch(row));
    return List.of(desired.fqdn(), desired.hostname(), "127.0.0.1", "::1");
  }

  private static String passin() {
    return "pass:" + Hostpki.PASSWORD;
  }

  private static ProcessResult openssl(String... arguments) {
    return Tool.OPENSSL.command(arguments).run().assertSucceeded();
  }

  private static String publicKeyOfKey(Path key) {
    return openssl("pkey", "-in", key.toString(), "-pubout").stdout();
  }

  private static String publicKeyOfCertificate(Path certificate) {
    return openssl("x509", "-in", certificate.toString(), "-noout", "-pubkey").stdout();
  }

  private static String x509Text(Path certificate) {
    return openssl("x509", "-in", certificate.toString(), "-noout", "-text").stdout();
  }

  private static ProcessResult certtoolP12Info(Path p12, String password) {
    return Tool.CERTTOOL.command("--p12-info", "--inder", "--infile", p12.toString(),
            "--password", password)
        .run();
  }

  /** {@code pk12util -l}, which needs a database: a fresh, empty one. */
  private ProcessResult pk12utilList(StoreCase row, Path p12, String password) {
    Path database = scratch(row).resolve("nss-for-pk12util");
    if (!Files.isDirectory(database)) {
      NssDatabase.create(database);
    }
    return Tool.PK12UTIL.command("-d", "sql:" + database, "-l", p12.toString(),
            "-W", password)
        .run();
  }

  private static ProcessResult keytoolList(Path p12, String password) {
    return Tool.KEYTOOL.command("-list", "-storetype", "PKCS12", "-storepass", password,
            "-keystore", p12.toString())
        .env("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .run();
  }

  private static KeyStore loadPkcs12(Path file) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, Hostpki.PASSWORD.toCharArray());
    }
    return store;
  }

  private static boolean signsForCertificate(PrivateKey key, X509Certificate certificate)
      throws GeneralSecurityException {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] message = "hostpki interop".getBytes(StandardCharsets.UTF_8);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(message);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(message);
    return verifier.verify(signature);
  }
}
