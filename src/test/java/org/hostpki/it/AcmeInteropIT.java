package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import org.hostpki.acme.Pebble;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.Jvm;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tags;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store whose server certificate Debian's pebble issued ({@code server.issuer: acme}, http-01 on
 * 127.0.0.1, real validation), checked against pebble's root only: OpenSSL (verify and s_client,
 * both {@code -x509_strict}), GnuTLS's certtool, NSS's certutil, a new JVM's HttpClient and curl
 * accept it as served by {@code openssl s_server}; curl without that root refuses it.
 */
@Tag(Tags.INTEROP)
class AcmeInteropIT {
  private static final String NAME = "portal.example.test";
  private static final String TRUSTSTORE_PASSWORD = "pebble-root";

  /** curl's exit code for "the server's certificate did not verify". */
  private static final int CURL_PEER_FAILED_VERIFICATION = 60;

  @TempDir Path dir;

  @Test
  void testPebbleIssuedStore_isAcceptedByEveryVerifierTrustingPebblesRootOnly() throws Exception {
    try (Pebble pebble = Pebble.start(Files.createDirectories(dir.resolve("pebble")))) {
      Files.writeString(dir.resolve("host.yaml"),
          pebble.desiredState("[" + NAME + "]", "  key: {algorithm: EC, curve: P-256}\n", pebble.http01()));
      Cli.in(dir).run("apply", "-f", "host.yaml").assertSucceeded().assertNoStackTrace();
      Path root = Files.writeString(dir.resolve("pebble-root.pem"), pebble.root(0), StandardCharsets.US_ASCII);
      Store store = new Store(dir.resolve("pki"));
      assertThat(store.fullchainPem()).hasSize(3); // the leaf and pebble's two intermediates, no root

      // Path validation by OpenSSL (-x509_strict), GnuTLS and NSS.
      assertThat(Verifiers.openssl(store, root, NAME, dir).assertSucceeded().stdout()).contains(": OK");
      assertThat(Verifiers.certtool(store, root, NAME).assertSucceeded().stdout())
          .contains("Chain verification output: Verified.");
      assertThat(nssDatabase(store, root).validateForSslServer("server").assertSucceeded().output())
          .contains("certificate is valid");

      // The store served by s_server: the clients get the intermediates from the handshake.
      try (OpenSslServer server = OpenSslServer.start(store, InetAddress.getByName("127.0.0.1"), dir)) {
        String url = "https://" + NAME + ":" + server.port() + "/";
        String resolve = NAME + ":" + server.port() + ":127.0.0.1";

        ProcessResult sClient =
            Tool.OPENSSL.command("s_client", "-connect", "127.0.0.1:" + server.port(), "-servername", NAME,
                    "-verify_return_error", "-x509_strict", "-verify_hostname", NAME, "-CAfile", root.toString())
                .run();
        assertThat(sClient.assertSucceeded().output()).contains("Verify return code: 0 (ok)");

        assertThat(curl("--cacert", root.toString(), "--resolve", resolve, url).assertSucceeded().stdout())
            .contains(OpenSslServer.PAGE_MARKER);
        ProcessResult withoutRoot = curl("--resolve", resolve, url);
        assertThat(withoutRoot.exitCode()).as(withoutRoot.output()).isEqualTo(CURL_PEER_FAILED_VERIFICATION);

        assertThat(javaProbe(root, url).assertSucceeded().stdout()).contains("status 200");
      }
    }
  }

  /** An NSS database trusting pebble's root, with the store's intermediates and its leaf. */
  private NssDatabase nssDatabase(Store store, Path root) throws Exception {
    NssDatabase database = NssDatabase.create(dir.resolve("nss")).trustCa("pebble-root", root);
    List<String> chain = store.fullchainPem();
    for (int i = 1; i < chain.size(); i++) {
      database.add("intermediate-" + i, Files.writeString(dir.resolve("intermediate-" + i + ".pem"), chain.get(i)));
    }
    return database.add("server", store.serverCertificate());
  }

  private static ProcessResult curl(String... arguments) {
    return Tool.CURL.command("--silent", "--show-error", "--max-time", "20", "--noproxy", "*")
        .with(arguments)
        .run();
  }

  /** {@link HttpsProbe} in a new JVM whose trust store holds pebble's root only. */
  private ProcessResult javaProbe(Path root, String url) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("pebble-root", Store.readCertificate(root));
    Path truststore = dir.resolve("pebble-root.p12");
    try (OutputStream out = Files.newOutputStream(truststore)) {
      trust.store(out, TRUSTSTORE_PASSWORD.toCharArray());
    }
    Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 " + NAME + "\n");
    return Jvm.command(HttpsProbe.class, url)
        .env("JAVA_TOOL_OPTIONS",
            "-Djavax.net.ssl.trustStore=" + truststore + " -Djavax.net.ssl.trustStoreType=PKCS12"
                + " -Djavax.net.ssl.trustStorePassword=" + TRUSTSTORE_PASSWORD + " -Djdk.net.hosts.file=" + hosts)
        .run();
  }
}
