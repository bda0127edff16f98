package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.Prerequisites;
import org.hostpki.testkit.ToolCertificates;

/**
 * Real TLS on loopback with one store: servers (OpenSSL's s_server, the JDK's HttpsServer) present
 * what hostpki wrote, clients (curl, s_client, the JDK's HttpClient, headless Chromium) trust the
 * store's CA. Every successful connection has a twin that must fail: the client trusts an
 * unrelated CA, or asks for a name or address the certificate does not carry.
 */
class LiveTlsIT {
  private static final String NAME = "portal." + DesiredStateFile.DOMAIN;
  private static final String NAME_NOT_IN_CERTIFICATE = "other." + DesiredStateFile.DOMAIN;
  private static final String IPV4 = "127.0.0.1";
  /** Also loopback on Linux, but not in the certificate. */
  private static final String IPV4_NOT_IN_CERTIFICATE = "127.0.0.2";
  private static final String IPV6 = "::1";
  private static final String IPV6_NOT_IN_CERTIFICATE = "::2";

  /** curl's exit code for "the server's certificate did not verify". */
  private static final int CURL_PEER_FAILED_VERIFICATION = 60;

  @TempDir static Path root;

  private static Store store;
  private static ToolCertificates.Issued unrelatedCa;

  /** Outputs for the servers of {@link ServedFromOutputs}, written by the same apply. */
  private static final String OUTPUTS =
      "outputs:\n"
          + "  - {format: combined-pem, file: combined.pem}\n"
          + "  - {format: jks, file: server.jks, alias: portal}\n"
          + "  - {format: pkcs12, file: open.p12, alias: portal, password: none}\n";

  @BeforeAll
  static void makeStore() throws IOException {
    DesiredStateFile desired = DesiredStateFile.forHost(root.resolve("portal"), "portal").write();
    Files.writeString(desired.file(), OUTPUTS, StandardOpenOption.APPEND);
    Hostpki.run(desired.directory(), "apply", "-f", desired.file().toString()).assertSucceeded();
    store = new Store(desired.storeDirectory());
  }

  private static ToolCertificates.Issued unrelatedCa() {
    if (unrelatedCa == null) {
      unrelatedCa = ToolCertificates.opensslCa(root, "unrelated-ca", "/O=hostpki tests/CN=Unrelated Test CA");
    }
    return unrelatedCa;
  }

  private static OpenSslServer startOpenSslServer(String address) throws IOException {
    return OpenSslServer.start(store, InetAddress.getByName(address), root);
  }

  @Nested
  class Curl {
    @Test
    void testCurl_fetchesPageByDnsName() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult curl = curlByName(server, NAME, store.caCertificate());

        assertThat(curl.assertSucceeded().stdout()).contains(OpenSslServer.PAGE_MARKER);
      }
    }

    @Test
    void testCurl_rejectsServerUnderUnrelatedCa() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult curl = curlByName(server, NAME, unrelatedCa().certificate());

        assertThat(curl.exitCode()).as("%s", curl).isEqualTo(CURL_PEER_FAILED_VERIFICATION);
        assertThat(curl.stdout()).doesNotContain(OpenSslServer.PAGE_MARKER);
      }
    }

    @Test
    void testCurl_rejectsNameNotInCertificate() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult curl = curlByName(server, NAME_NOT_IN_CERTIFICATE, store.caCertificate());

        assertThat(curl.exitCode()).as("%s", curl).isEqualTo(CURL_PEER_FAILED_VERIFICATION);
        assertThat(curl.stderr()).contains("no alternative certificate subject name matches");
      }
    }

    @Test
    void testCurl_fetchesPageByIpv4Address() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult curl = curl(store.caCertificate(), url(server.hostForUrl(), server));

        assertThat(curl.assertSucceeded().stdout()).contains(OpenSslServer.PAGE_MARKER);
      }
    }

    @Test
    void testCurl_rejectsIpv4AddressNotInCertificate() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult curl = curlAsAddress(server, IPV4_NOT_IN_CERTIFICATE);

        assertThat(curl.exitCode()).as("%s", curl).isEqualTo(CURL_PEER_FAILED_VERIFICATION);
        assertThat(curl.stderr()).contains("no alternative certificate subject name matches");
      }
    }

    @Test
    void testCurl_fetchesPageByIpv6Address() throws IOException {
      Prerequisites.assumeIpv6Loopback();
      try (OpenSslServer server = startOpenSslServer(IPV6)) {
        ProcessResult curl = curl(store.caCertificate(), url(server.hostForUrl(), server));

        assertThat(curl.assertSucceeded().stdout()).contains(OpenSslServer.PAGE_MARKER);
      }
    }

    @Test
    void testCurl_rejectsIpv6AddressNotInCertificate() throws IOException {
      Prerequisites.assumeIpv6Loopback();
      try (OpenSslServer server = startOpenSslServer(IPV6)) {
        ProcessResult curl = curlAsAddress(server, "[" + IPV6_NOT_IN_CERTIFICATE + "]");

        assertThat(curl.exitCode()).as("%s", curl).isEqualTo(CURL_PEER_FAILED_VERIFICATION);
        assertThat(curl.stderr()).contains("no alternative certificate subject name matches");
      }
    }

    /** Asks for {@code https://NAME:PORT/}, with NAME resolved to the server by curl itself. */
    private ProcessResult curlByName(OpenSslServer server, String name, Path trustedCa) {
      String resolve = name + ":" + server.port() + ":" + IPV4;
      return curl(trustedCa, "--resolve", resolve, url(name, server));
    }

    /** Asks for {@code https://ADDRESS:PORT/} while connecting to the server's real address. */
    private ProcessResult curlAsAddress(OpenSslServer server, String urlHost) {
      String port = String.valueOf(server.port());
      return curl(
          store.caCertificate(),
          "--connect-to", urlHost + ":" + port + ":" + server.hostForUrl() + ":" + port,
          url(urlHost, server));
    }

    static ProcessResult curl(Path trustedCa, String... arguments) {
      return Tool.CURL.command("--silent", "--show-error", "--max-time", "20",
              "--noproxy", "*", "--cacert", trustedCa.toString())
          .with(arguments)
          .run();
    }

    private String url(String host, OpenSslServer server) {
      return "https://" + host + ":" + server.port() + "/";
    }
  }

  @Nested
  class OpenSslClient {
    @Test
    void testSClient_verifiesDnsName() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult client = sClient(server, store.caCertificate(), "-verify_hostname", NAME);

        assertThat(client.assertSucceeded().stdout()).contains("Verify return code: 0 (ok)");
      }
    }

    @Test
    void testSClient_rejectsServerUnderUnrelatedCa() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult client =
            sClient(server, unrelatedCa().certificate(), "-verify_hostname", NAME);

        assertThat(client.assertFailed().output())
            .contains("verify error")
            .doesNotContain("Verify return code: 0 (ok)");
      }
    }

    @Test
    void testSClient_rejectsNameNotInCertificate() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult client =
            sClient(server, store.caCertificate(), "-verify_hostname", NAME_NOT_IN_CERTIFICATE);

        assertThat(client.assertFailed().output()).contains("hostname mismatch");
      }
    }

    @Test
    void testSClient_verifiesIpv4Address() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult client = sClient(server, store.caCertificate(), "-verify_ip", IPV4);

        assertThat(client.assertSucceeded().stdout()).contains("Verify return code: 0 (ok)");
      }
    }

    @Test
    void testSClient_rejectsIpv4AddressNotInCertificate() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult client =
            sClient(server, store.caCertificate(), "-verify_ip", IPV4_NOT_IN_CERTIFICATE);

        assertThat(client.assertFailed().output()).contains("IP address mismatch");
      }
    }

    @Test
    void testSClient_verifiesIpv6Address() throws IOException {
      Prerequisites.assumeIpv6Loopback();
      try (OpenSslServer server = startOpenSslServer(IPV6)) {
        ProcessResult client = sClient(server, store.caCertificate(), "-verify_ip", IPV6);

        assertThat(client.assertSucceeded().stdout()).contains("Verify return code: 0 (ok)");
      }
    }

    @Test
    void testSClient_rejectsIpv6AddressNotInCertificate() throws IOException {
      Prerequisites.assumeIpv6Loopback();
      try (OpenSslServer server = startOpenSslServer(IPV6)) {
        ProcessResult client =
            sClient(server, store.caCertificate(), "-verify_ip", IPV6_NOT_IN_CERTIFICATE);

        assertThat(client.assertFailed().output()).contains("IP address mismatch");
      }
    }

    /** Connects, verifies strictly (any error ends the handshake), and hangs up at once. */
    private ProcessResult sClient(OpenSslServer server, Path trustedCa, String... check) {
      return Tool.OPENSSL.command("s_client",
              "-connect", server.hostForUrl() + ":" + server.port(),
              "-verify_return_error", "-CAfile", trustedCa.toString())
          .with(check)
          .run();
    }
  }

  @Nested
  class JdkHttps {
    private static final String BODY = "served from server.p12";

    @Test
    void testHttpClient_withTruststoreP12_fetchesFromHttpsServerWithServerP12() throws Exception {
      try (JdkServer server = JdkServer.start()) {
        HttpResponse<String> response =
            get(server.uri(server.addressLiteral()), loadPkcs12(store.truststorePkcs12()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(BODY);
      }
    }

    @Test
    void testHttpClient_rejectsServerUnderUnrelatedCa() throws Exception {
      Path unrelated =
          unrelatedCa()
              .writeTruststore(
                  root.resolve("unrelated-truststore.p12"), Hostpki.PASSWORD.toCharArray());
      try (JdkServer server = JdkServer.start()) {
        URI uri = server.uri(server.addressLiteral());

        assertThatThrownBy(() -> get(uri, loadPkcs12(unrelated)))
            .isInstanceOf(SSLHandshakeException.class)
            .hasStackTraceContaining("unable to find valid certification path");
      }
    }

    @Test
    void testHttpClient_rejectsNameNotInCertificate() throws Exception {
      try (JdkServer server = JdkServer.start()) {
        // localhost resolves to the server's address but is not one of the certificate's names.
        URI uri = server.uri("localhost");

        assertThatThrownBy(() -> get(uri, loadPkcs12(store.truststorePkcs12())))
            .isInstanceOf(SSLHandshakeException.class)
            .hasStackTraceContaining("No subject alternative DNS name matching localhost");
      }
    }

    static HttpResponse<String> get(URI uri, KeyStore trustStore)
        throws IOException, InterruptedException, GeneralSecurityException {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(context)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      return client.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  /** The JDK's HttpsServer with the key and chain from {@code server.p12}, on localhost. */
  private static final class JdkServer implements AutoCloseable {
    private final HttpsServer server;

    private JdkServer(HttpsServer server) {
      this.server = server;
    }

    static JdkServer start() throws IOException, GeneralSecurityException {
      return start(loadPkcs12(store.serverPkcs12()), Hostpki.PASSWORD.toCharArray(), JdkHttps.BODY);
    }

    /** Serves {@code body} with the key entry of {@code keyStore}, the key under {@code keyPassword}. */
    static JdkServer start(KeyStore keyStore, char[] keyPassword, String body)
        throws IOException, GeneralSecurityException {
      InetAddress localhost = InetAddress.getByName("localhost");
      Assumptions.assumeTrue(
          localhost.isLoopbackAddress(), "localhost resolves to " + localhost + ", not loopback");
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(keyStore, keyPassword);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);

      HttpsServer server = HttpsServer.create(new InetSocketAddress(localhost, 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(context));
      server.createContext(
          "/",
          exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          });
      server.start();
      return new JdkServer(server);
    }

    int port() {
      return server.getAddress().getPort();
    }

    String addressLiteral() {
      InetAddress address = server.getAddress().getAddress();
      return address.getAddress().length == 16
          ? "[" + address.getHostAddress() + "]"
          : address.getHostAddress();
    }

    URI uri(String host) {
      return URI.create("https://" + host + ":" + server.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /**
   * The {@code outputs:} a service takes its certificate from, served and checked by each client:
   * OpenSSL's s_server from the combined PEM (key, leaf and chain in one file, as HAProxy and
   * stunnel read it) for curl, gnutls-cli, NSS's tstclnt and s_client; the JDK from the JKS and
   * from the PKCS#12 without a password for curl, gnutls-cli and the JDK's HttpClient; each client
   * trusting the store's CA, and refusing a name the certificate does not carry.
   */
  @Nested
  class ServedFromOutputs {
    @Test
    void testCombinedPem_servedByOpensslIsAcceptedByCurlGnutlsNssAndOpenssl() throws Exception {
      Path nss = root.resolve("nss-outputs");
      NssDatabase.create(nss).trustCa("hostpki-ca", store.caCertificate());
      try (OpenSslServer server =
          OpenSslServer.startWithCombinedPem(store.directory().resolve("combined.pem"), InetAddress.getByName(IPV4))) {
        int port = server.port();

        assertThat(Curl.curl(store.caCertificate(), "--resolve", NAME + ":" + port + ":" + IPV4,
                "https://" + NAME + ":" + port + "/").assertSucceeded().stdout())
            .contains(OpenSslServer.PAGE_MARKER);
        assertThat(gnutlsCli(port, NAME).assertSucceeded().stdout()).contains("The certificate is trusted");
        assertThat(gnutlsCli(port, NAME_NOT_IN_CERTIFICATE).exitCode()).isNotZero();
        tstclnt(nss, port, NAME).assertSucceeded();
        assertThat(tstclnt(nss, port, NAME_NOT_IN_CERTIFICATE).assertFailed().output())
            .contains("SSL_ERROR_BAD_CERT_DOMAIN");
        assertThat(Tool.OPENSSL.command("s_client", "-connect", IPV4 + ":" + port, "-verify_return_error",
                    "-CAfile", store.caCertificate().toString(), "-verify_hostname", NAME)
                .run().assertSucceeded().stdout())
            .contains("Verify return code: 0 (ok)");
      }
    }

    /**
     * NSS imports a PKCS#12 file only with a MAC, so not a {@code password: none} output (OpenSSL
     * 3 and Java read it): the README's table of readers and the validate warning say so. The
     * twin: the store's own server.p12, with the password, imports.
     */
    @Test
    void testNssPk12util_importsTheProtectedPkcs12ButRefusesThePasswordlessOne() throws IOException {
      Path nss = root.resolve("nss-pk12util-import");
      NssDatabase.create(nss);
      Path password = Files.writeString(root.resolve("pk12util-password"), Hostpki.PASSWORD);

      ProcessResult open =
          Tool.PK12UTIL.command("-d", "sql:" + nss, "-i", store.directory().resolve("open.p12").toString(), "-W", "")
              .run();
      ProcessResult server =
          Tool.PK12UTIL.command("-d", "sql:" + nss, "-i", store.serverPkcs12().toString(),
              "-w", password.toString()).run();

      assertThat(open.exitCode()).as(open.toString()).isNotZero();
      assertThat(open.output()).contains("SEC_ERROR_BAD_DER");
      assertThat(server.assertSucceeded().output()).contains("PKCS12 IMPORT SUCCESSFUL");
    }

    @Test
    void testJksAndPasswordlessPkcs12_servedByTheJdkAreAcceptedByCurlGnutlsAndJava() throws Exception {
      KeyStore jks = KeyStore.getInstance("JKS");
      try (InputStream in = Files.newInputStream(store.directory().resolve("server.jks"))) {
        jks.load(in, Hostpki.PASSWORD.toCharArray());
      }
      KeyStore open = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store.directory().resolve("open.p12"))) {
        open.load(in, null); // no password: none to give
      }

      for (Map.Entry<String, KeyStore> served : Map.of("server.jks", jks, "open.p12", open).entrySet()) {
        char[] keyPassword = served.getValue() == jks ? Hostpki.PASSWORD.toCharArray() : new char[0];
        try (JdkServer server = JdkServer.start(served.getValue(), keyPassword, "served from " + served.getKey())) {
          int port = server.port();

          assertThat(Curl.curl(store.caCertificate(), "--resolve", NAME + ":" + port + ":" + server.addressLiteral(),
                      "https://" + NAME + ":" + port + "/")
                  .assertSucceeded().stdout())
              .isEqualTo("served from " + served.getKey());
          assertThat(gnutlsCli(port, NAME).assertSucceeded().stdout()).contains("The certificate is trusted");
          assertThat(JdkHttps.get(server.uri(server.addressLiteral()), loadPkcs12(store.truststorePkcs12())).body())
              .isEqualTo("served from " + served.getKey());
        }
      }
    }

    /** GnuTLS's client: connects to 127.0.0.1, verifies for {@code name}, hangs up. */
    private ProcessResult gnutlsCli(int port, String name) {
      return Tool.GNUTLS_CLI.command("--x509cafile", store.caCertificate().toString(), "--verify-hostname", name,
              "-p", String.valueOf(port), IPV4)
          .input("")
          .timeout(Duration.ofSeconds(20))
          .run();
    }

    /** NSS's client: verifies for {@code name} against the CA trusted in {@code nss}, exits after the handshake. */
    private ProcessResult tstclnt(Path nss, int port, String name) {
      return Tool.TSTCLNT.command("-h", IPV4, "-p", String.valueOf(port), "-d", "sql:" + nss, "-a", name, "-Q")
          .input("")
          .timeout(Duration.ofSeconds(20))
          .run();
    }
  }

  @Nested
  class HeadlessChromium {
    @Test
    void testChromium_withCaInNssDatabase_loadsPage() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult chromium = dumpDom(server, NAME, store.caCertificate(), "trusting-store-ca");

        assertThat(chromium.assertSucceeded().stdout()).contains(OpenSslServer.PAGE_MARKER);
      }
    }

    @Test
    void testChromium_withUnrelatedCaInNssDatabase_showsCertificateError() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult chromium =
            dumpDom(server, NAME, unrelatedCa().certificate(), "trusting-unrelated-ca");

        assertThat(chromium.stdout()).doesNotContain(OpenSslServer.PAGE_MARKER);
        assertThat(chromium.stderr()).contains("ERR_CERT_AUTHORITY_INVALID");
      }
    }

    @Test
    void testChromium_forNameNotInCertificate_showsCertificateError() throws IOException {
      try (OpenSslServer server = startOpenSslServer(IPV4)) {
        ProcessResult chromium =
            dumpDom(server, NAME_NOT_IN_CERTIFICATE, store.caCertificate(), "other-name");

        assertThat(chromium.stdout()).doesNotContain(OpenSslServer.PAGE_MARKER);
        assertThat(chromium.stderr()).contains("ERR_CERT_COMMON_NAME_INVALID");
      }
    }

    /**
     * Loads {@code https://NAME:PORT/} in headless Chromium whose HOME has a fresh NSS database
     * trusting one CA (where Chromium on Linux looks for user-added roots), and prints the DOM.
     */
    private ProcessResult dumpDom(OpenSslServer server, String name, Path trustedCa, String label)
        throws IOException {
      String chromium = Tool.CHROMIUM.require().toString();
      Path home = Files.createDirectories(root.resolve("chromium-" + label));
      NssDatabase.create(home.resolve(".pki/nssdb")).trustCa("hostpki-ca", trustedCa);
      List<String> command =
          new ArrayList<>(
              List.of(
                  chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-proxy-server",
                  "--user-data-dir=" + home.resolve("profile"),
                  "--host-resolver-rules=MAP " + name + " " + IPV4,
                  "--dump-dom", "https://" + name + ":" + server.port() + "/"));
      return Command.of(command).env("HOME", home.toString()).timeout(Duration.ofSeconds(90)).run();
    }
  }

  private static KeyStore loadPkcs12(Path file) throws IOException, GeneralSecurityException {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      keyStore.load(in, Hostpki.PASSWORD.toCharArray());
    }
    return keyStore;
  }
}
