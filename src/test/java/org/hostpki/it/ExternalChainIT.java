package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.TestCa;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store with {@code server.issuer: external}, its request signed by an outside CA that the real
 * {@code openssl} command line plays: a root and an intermediate (pathlen 0) that signs the leaf,
 * as the README's "A server certificate signed by your CA" does it. The chain comes back as leaf
 * and intermediate in the wrong order, without the root; hostpki imports it, and OpenSSL, GnuTLS,
 * NSS, keytool and a live TLS handshake (s_server and curl) check what it wrote, trusting only the
 * outside root. Twins that must fail: no intermediate, and the store's own CA as the only trust.
 */
class ExternalChainIT {
  private static final String HOSTNAME = "ext";
  private static final String FQDN = HOSTNAME + "." + DesiredStateFile.DOMAIN;
  private static final String ADDRESS = "127.0.0.1";
  private static final int CURL_PEER_FAILED_VERIFICATION = 60;

  @TempDir static Path root;

  private static Path directory;
  private static Path desiredState;
  private static Store store;
  private static TestCa externalCa;
  /** What apply printed when the chain arrived. */
  private static ProcessResult importApply;
  /** The issuer of the server certificate before the import: the store's internal CA. */
  private static String issuerBeforeImport;

  @BeforeAll
  static void makeStoreAndImportExternalChain() {
    Tool.OPENSSL.require();
    directory = root.resolve("ext");
    desiredState = writeDesiredState(directory);
    store = new Store(directory.resolve("pki"));

    hostpki("apply", "-f", desiredState.toString()).assertSucceeded();
    issuerBeforeImport =
        Store.readCertificate(store.serverCertificate()).getIssuerX500Principal().getName();

    externalCa = TestCa.create(root.resolve("outside-ca"));
    Path leaf = externalCa.sign(store.directory().resolve("server.csr"));
    // The intermediate first, then the leaf, and no root: hostpki must put them in order.
    write(
        directory.resolve("incoming/chain.pem"),
        Store.read(externalCa.intermediate()) + Store.read(leaf));

    importApply = hostpki("apply", "-f", desiredState.toString()).assertSucceeded();
  }

  // --- the two applies

  @Test
  void testFirstApply_servedInternalCertificateAndWroteCsr() {
    String internalCa =
        Store.readCertificate(store.caCertificate()).getSubjectX500Principal().getName();

    assertThat(issuerBeforeImport).isEqualTo(internalCa);
    assertThat(Store.read(store.directory().resolve("server.csr")))
        .startsWith("-----BEGIN CERTIFICATE REQUEST-----");
  }

  @Test
  void testImportApply_replacedServerWithTheChain() {
    assertThat(importApply.stdout())
        .containsPattern("(?m)^~ server +replace +import the chain from ")
        .contains("issued by CN=External Test Issuing CA");
  }

  @Test
  void testApplyAgain_printsNoChanges() {
    ProcessResult again = hostpki("apply", "-f", desiredState.toString()).assertSucceeded();

    assertThat(again.stdout()).contains("No changes");
  }

  @Test
  void testFullchain_isLeafThenIntermediateWithoutRoot() {
    assertThat(store.fullchainPem())
        .containsExactly(
            Store.read(store.serverCertificate()), Store.read(externalCa.intermediate()));
    assertThat(Store.readCertificate(store.serverCertificate()).getIssuerX500Principal().getName())
        .isEqualTo("CN=External Test Issuing CA,O=hostpki tests");
  }

  // --- OpenSSL

  @Test
  void testOpensslVerify_acceptsDnsNamesAndAddressUnderOutsideRoot() {
    for (String name : List.of(FQDN, HOSTNAME, ADDRESS)) {
      ProcessResult verify = Verifiers.openssl(store, externalCa.rootCertificate(), name, root);

      assertThat(verify.assertSucceeded().stdout()).as("openssl verify for %s", name)
          .contains(": OK");
    }
  }

  @Test
  void testOpensslVerify_rejectsChainWithoutIntermediate() {
    ProcessResult verify =
        openssl(
            "verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname", FQDN,
            "-CAfile", externalCa.rootCertificate().toString(), store.serverCertificate().toString());

    assertThat(verify.assertFailed().output()).contains("unable to get local issuer certificate");
  }

  @Test
  void testOpensslVerify_rejectsStoreInternalCaAsOnlyTrust() {
    ProcessResult verify = Verifiers.openssl(store, store.caCertificate(), FQDN, root);

    assertThat(verify.assertFailed().output()).contains("unable to get local issuer certificate");
  }

  // --- GnuTLS and NSS

  @Test
  void testCerttoolVerify_acceptsFullchainForDnsNameAndAddress() {
    for (String name : List.of(FQDN, ADDRESS)) {
      ProcessResult verify = Verifiers.certtool(store, externalCa.rootCertificate(), name);

      assertThat(verify.assertSucceeded().stdout())
          .as("certtool --verify for %s", name)
          .contains("Chain verification output: Verified.");
    }
  }

  @Test
  void testNssCertutil_validatesServerUnderOutsideRoot() {
    NssDatabase database =
        NssDatabase.create(root.resolve("nss"))
            .trustCa("outside-root", externalCa.rootCertificate())
            .add("outside-intermediate", externalCa.intermediate())
            .add("server", store.serverCertificate());

    ProcessResult validation = database.validateForSslServer("server");

    assertThat(validation.assertSucceeded().stdout()).contains("certificate is valid");
  }

  // --- server.p12 carries the external chain

  @Test
  void testOpensslPkcs12_holdsKeyAndExternalChain() {
    Path p12 = store.serverPkcs12();
    openssl("pkcs12", "-in", p12.toString(), "-info", "-noout", "-passin", passin())
        .assertSucceeded();
    String certificates =
        openssl("pkcs12", "-in", p12.toString(), "-nokeys", "-passin", passin())
            .assertSucceeded()
            .stdout();
    Path key = root.resolve("key-from-p12.pem");
    openssl(
            "pkcs12", "-in", p12.toString(), "-nocerts", "-nodes", "-passin", passin(),
            "-out", key.toString())
        .assertSucceeded();

    assertThat(certificates).contains("friendlyName: server");
    assertThat(Store.pemCertificates(certificates))
        .containsExactly(
            Store.read(store.serverCertificate()), Store.read(externalCa.intermediate()));
    assertThat(publicKey(key)).isEqualTo(publicKey(store.serverKey()));
  }

  @Test
  void testKeytool_listsServerEntryWithChainOfTwo() {
    String listing =
        Tool.KEYTOOL.command("-list", "-v", "-storetype", "PKCS12",
                "-storepass", Hostpki.PASSWORD, "-keystore", store.serverPkcs12().toString())
            .env("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
            .run()
            .assertSucceeded()
            .stdout();

    assertThat(listing)
        .contains("Alias name: server")
        .contains("Entry type: PrivateKeyEntry")
        .contains("Certificate chain length: 2")
        .contains("Owner: CN=" + FQDN)
        .contains("Owner: CN=External Test Issuing CA, O=hostpki tests");
  }

  // --- live TLS: s_server sends the leaf and the intermediate, curl trusts only the root

  @Test
  void testCurl_fetchesPageTrustingOnlyOutsideRoot() throws IOException {
    try (OpenSslServer server = startServer()) {
      ProcessResult curl = curl(server, externalCa.rootCertificate());

      assertThat(curl.assertSucceeded().stdout()).contains(OpenSslServer.PAGE_MARKER);
    }
  }

  @Test
  void testCurl_rejectsServerTrustingOnlyStoreInternalCa() throws IOException {
    try (OpenSslServer server = startServer()) {
      ProcessResult curl = curl(server, store.caCertificate());

      assertThat(curl.exitCode()).as("%s", curl).isEqualTo(CURL_PEER_FAILED_VERIFICATION);
      assertThat(curl.stdout()).doesNotContain(OpenSslServer.PAGE_MARKER);
    }
  }

  // --- helpers

  private static OpenSslServer startServer() throws IOException {
    // OpenSslServer passes everything after the leaf in server-fullchain.crt as -cert_chain:
    // here that is the intermediate.
    return OpenSslServer.start(store, InetAddress.getByName(ADDRESS), root);
  }

  /** {@code curl https://ext.hostpki.test:PORT/} with the name resolved to the server. */
  private static ProcessResult curl(OpenSslServer server, Path trustedCa) {
    String resolve = FQDN + ":" + server.port() + ":" + ADDRESS;
    return Tool.CURL.command("--silent", "--show-error", "--max-time", "20",
            "--noproxy", "*", "--cacert", trustedCa.toString(), "--resolve", resolve,
            "https://" + FQDN + ":" + server.port() + "/")
        .run();
  }

  private static ProcessResult hostpki(String... arguments) {
    return Hostpki.run(directory, arguments);
  }

  private static ProcessResult openssl(String... arguments) {
    return Tool.OPENSSL.command(arguments).run();
  }

  private static String publicKey(Path key) {
    return openssl("pkey", "-in", key.toString(), "-pubout").assertSucceeded().stdout();
  }

  private static String passin() {
    return "pass:" + Hostpki.PASSWORD;
  }

  /** The desired state: external issuer, host identity fixed, the chain in incoming/. */
  private static Path writeDesiredState(Path directory) {
    String yaml =
        String.join(
            "\n",
            "apiVersion: hostpki/v1",
            "store:",
            "  path: pki",
            "  password: {env: " + Hostpki.PASSWORD_VARIABLE + "}",
            "host:",
            "  detect: false",
            "  hostname: " + HOSTNAME,
            "  domain: " + DesiredStateFile.DOMAIN,
            "  addresses: [\"" + ADDRESS + "\"]",
            "server:",
            "  issuer: external",
            "  external: {chain: incoming/chain.pem}",
            "");
    return write(directory.resolve("hostpki.yaml"), yaml);
  }

  private static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An outside CA made with the {@code openssl} command line: a self-signed root and an issuing
   * intermediate under it (CA:TRUE, pathlen:0, keyCertSign) that signs server requests.
   */
  private record TestCa(
      Path directory, Path rootCertificate, Path intermediate, Path intermediateKey) {
    static TestCa create(Path directory) {
      try {
        Files.createDirectories(directory);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Path rootKey = directory.resolve("root.key");
      Path rootCertificate = directory.resolve("root.pem");
      openssl(
              "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
              "-days", "90", "-subj", "/O=hostpki tests/CN=External Test Root CA",
              "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign",
              "-keyout", rootKey.toString(), "-out", rootCertificate.toString())
          .assertSucceeded();

      Path intermediateKey = directory.resolve("intermediate.key");
      Path intermediateRequest = directory.resolve("intermediate.csr");
      Path intermediate = directory.resolve("intermediate.pem");
      openssl(
              "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
              "-subj", "/O=hostpki tests/CN=External Test Issuing CA",
              "-keyout", intermediateKey.toString(), "-out", intermediateRequest.toString())
          .assertSucceeded();
      Path extensions =
          write(
              directory.resolve("intermediate.ext"),
              "basicConstraints=critical,CA:TRUE,pathlen:0\n"
                  + "keyUsage=critical,keyCertSign,cRLSign\n"
                  + "subjectKeyIdentifier=hash\n"
                  + "authorityKeyIdentifier=keyid:always\n");
      openssl(
              "x509", "-req", "-in", intermediateRequest.toString(),
              "-CA", rootCertificate.toString(), "-CAkey", rootKey.toString(), "-set_serial", "2",
              "-days", "90", "-sha256", "-extfile", extensions.toString(),
              "-out", intermediate.toString())
          .assertSucceeded();
      return new TestCa(directory, rootCertificate, intermediate, intermediateKey);
    }

    /** Signs a request with the intermediate, keeping its SANs, for TLS server use. */
    Path sign(Path request) {
      Path extensions =
          write(
              directory.resolve("leaf.ext"),
              "basicConstraints=critical,CA:FALSE\n"
                  + "keyUsage=critical,digitalSignature\n"
                  + "extendedKeyUsage=serverAuth\n"
                  + "subjectKeyIdentifier=hash\n"
                  + "authorityKeyIdentifier=keyid:always\n");
      Path leaf = directory.resolve("leaf.pem");
      openssl(
              "x509", "-req", "-in", request.toString(),
              "-CA", intermediate.toString(), "-CAkey", intermediateKey.toString(),
              "-set_serial", "3", "-days", "60", "-sha256",
              "-copy_extensions", "copy", "-extfile", extensions.toString(),
              "-out", leaf.toString())
          .assertSucceeded();
      return leaf;
    }
  }
}
