package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hostpki.fetch.Commands;
import org.hostpki.fetch.LoopbackTcpServer;
import org.hostpki.fetch.LoopbackTcpServer.Behaviour;
import org.hostpki.fetch.LoopbackTlsServer;
import org.hostpki.fetch.OpensslServer;
import org.hostpki.testkit.ToolCertificates;
import org.hostpki.testkit.ToolCertificates.Issued;
import org.hostpki.json.OutputSchemas;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.LoopbackPorts;

/**
 * {@code hostpki fetch-cert} end to end against real servers on loopback: a JDK TLS server
 * presenting an openssl-made chain, {@code openssl s_server}, and plain TCP servers.
 */
class FetchCertCommandTest {
  /** Far above the timeouts the tests set: only a hang fails it, never a slow machine. */
  private static final Duration HANG = Duration.ofSeconds(20);

  @TempDir static Path certificates;
  private static Issued ca;
  private static Issued leaf;
  private static InetAddress loopback;

  @TempDir Path workingDirectory;
  private Clock clock;

  @BeforeAll
  static void makeCertificates() throws UnknownHostException {
    Tool.OPENSSL.require();
    loopback = InetAddress.getByName("127.0.0.1");
    ca = ToolCertificates.opensslCa(certificates, "ca", "/O=Example Corp/CN=Test Device CA");
    leaf = ToolCertificates.opensslLeaf(certificates, "leaf", "/CN=device.test", "ec", "DNS:device.test,IP:127.0.0.1", ca);
  }

  private record Result(int code, String out, String err) {}

  private Result run(String... args) {
    Environment environment =
        new Environment(
            FileSystems.getDefault(),
            workingDirectory,
            Map.of(),
            clock != null ? clock : Clock.fixed(halfADayIn(), ZoneOffset.UTC));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter outWriter = new PrintWriter(out);
    PrintWriter errWriter = new PrintWriter(err);
    CommandLine cl = HostpkiCommand.commandLine(outWriter, errWriter, environment);
    if (!cl.getSubcommands().containsKey("fetch-cert")) {
      // Until fetch-cert is in HostpkiCommand's subcommands, add it the way that registration would.
      cl.addSubcommand(new FetchCertCommand(environment));
      CommandLine sub = cl.getSubcommands().get("fetch-cert");
      sub.setOut(outWriter);
      sub.setErr(errWriter);
      sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
      sub.getCommandSpec().exitCodeOnExecutionException(ExitCodes.ERROR);
    }
    List<String> line = new ArrayList<>(List.of("fetch-cert"));
    line.addAll(List.of(args));
    int code = cl.execute(line.toArray(String[]::new));
    outWriter.flush();
    errWriter.flush();
    return new Result(code, out.toString(), err.toString());
  }

  private static Instant halfADayIn() {
    return leaf.load().getNotBefore().toInstant().plus(Duration.ofHours(12));
  }

  private static LoopbackTlsServer server() {
    return LoopbackTlsServer.start(loopback, leaf.keyStore());
  }

  @Test
  void testFetchCert_showsTheServedChainWithOpensslFingerprints() {
    try (LoopbackTlsServer server = server()) {
      Result r = run("127.0.0.1:" + server.port());

      assertThat(r.code()).isEqualTo(ExitCodes.OK);
      assertThat(r.out())
          .startsWith("127.0.0.1:" + server.port() + " presented 2 certificates, leaf first (TLSv1.")
          .contains("[0] leaf\n    subject      CN=device.test\n    issuer       CN=Test Device CA,O=Example Corp\n")
          .contains("    SHA-256      " + ToolCertificates.opensslFingerprint(leaf.certificate()) + "\n")
          .contains("[1] CA\n    subject      CN=Test Device CA,O=Example Corp\n")
          .contains("    SHA-256      " + ToolCertificates.opensslFingerprint(ca.certificate()) + "\n")
          .contains(" (29 days left)\n");
      assertThat(r.err()).isEmpty();
    }
  }

  @Test
  void testFetchCert_outWritesTheLeafAsPemThatOpensslAccepts() {
    try (LoopbackTlsServer server = server()) {
      Result r = run("127.0.0.1:" + server.port(), "-o", "device.pem");

      Path written = workingDirectory.resolve("device.pem");
      assertThat(r.code()).isEqualTo(ExitCodes.OK);
      assertThat(r.err()).isEqualTo("wrote the leaf certificate as PEM to device.pem\n");
      Commands.run(null, "openssl", "x509", "-noout", "-in", written.toString());
      assertThat(written).hasContent(leaf.pem().strip());
      assertThat(ToolCertificates.opensslFingerprint(written))
          .isEqualTo(ToolCertificates.opensslFingerprint(leaf.certificate()));
    }
  }

  @Test
  void testFetchCert_chainWritesEveryCertificateLeafFirst() throws IOException {
    try (LoopbackTlsServer server = server()) {
      Result r = run("127.0.0.1:" + server.port(), "--chain", "-o", "device-chain.pem");

      Path written = workingDirectory.resolve("device-chain.pem");
      assertThat(r.code()).isEqualTo(ExitCodes.OK);
      assertThat(r.err()).isEqualTo("wrote all 2 certificates, leaf first, as PEM to device-chain.pem\n");
      assertThat(Files.readString(written)).isEqualTo(leaf.pem() + ca.pem());
      assertThat(Commands.run(null, "openssl", "storeutl", "-noout", "-certs", written.toString()))
          .contains("Total found: 2");
    }
  }

  @Test
  void testFetchCert_outIntoAMissingDirectoryIsAnError() {
    try (LoopbackTlsServer server = server()) {
      Result r = run("127.0.0.1:" + server.port(), "-o", "trusted.d/device.pem");

      assertThat(r.code()).isEqualTo(ExitCodes.ERROR);
      assertThat(r.err())
          .isEqualTo(
              "error: cannot write " + workingDirectory.resolve("trusted.d/device.pem") + ": the directory "
                  + workingDirectory.resolve("trusted.d") + " does not exist; create it first (mkdir -p "
                  + workingDirectory.resolve("trusted.d") + ")\n");
    }
  }

  @Test
  void testFetchCert_ipv6Loopback() {
    InetAddress ipv6 = ipv6LoopbackOrSkip();
    try (LoopbackTlsServer server = LoopbackTlsServer.start(ipv6, leaf.keyStore())) {
      Result r = run("[::1]:" + server.port());

      assertThat(r.code()).isEqualTo(ExitCodes.OK);
      assertThat(r.out())
          .startsWith("[::1]:" + server.port() + " presented 2 certificates")
          .contains(ToolCertificates.opensslFingerprint(leaf.certificate()));
    }
  }

  @Test
  void testFetchCert_opensslServerByName() {
    try (OpensslServer server = OpensslServer.start(loopback, leaf.certificate(), leaf.key(), ca.certificate())) {
      Result r = run("localhost:" + server.port());

      assertThat(r.code()).isEqualTo(ExitCodes.OK);
      assertThat(r.out())
          .contains("SNI localhost):\n")
          .contains("    SHA-256      " + ToolCertificates.opensslFingerprint(leaf.certificate()) + "\n")
          .contains("    SHA-256      " + ToolCertificates.opensslFingerprint(ca.certificate()) + "\n");
    }
  }

  @Test
  void testFetchCert_opensslServerOverIpv6() {
    InetAddress ipv6 = ipv6LoopbackOrSkip();
    try (OpensslServer server = OpensslServer.start(ipv6, leaf.certificate(), leaf.key(), ca.certificate())) {
      Result r = run("[::1]:" + server.port(), "--servername", "device.test");

      assertThat(r.code()).isEqualTo(ExitCodes.OK);
      assertThat(r.out()).contains("SNI device.test):\n").contains(ToolCertificates.opensslFingerprint(leaf.certificate()));
    }
  }

  @Test
  void testFetchCert_servernameIsSent() {
    try (LoopbackTlsServer server = server()) {
      run("127.0.0.1:" + server.port(), "--servername", "bmc-01.example.com");

      assertThat(server.nextServerName()).isEqualTo("bmc-01.example.com");
    }
  }

  @Test
  void testFetchCert_jsonOutputParsesAndHasTheFingerprints() {
    try (LoopbackTlsServer server = server()) {
      Result r = run("127.0.0.1:" + server.port(), "--output", "json");

      assertThat(r.code()).isEqualTo(ExitCodes.OK);
      JsonNode json = OutputSchemas.valid("fetch-cert.schema.json", r.out());
      assertThat(json.get("certificates").values())
          .extracting(c -> c.get("sha256").asString())
          .containsExactly(
              ToolCertificates.opensslFingerprint(leaf.certificate()).replace(":", "").toLowerCase(Locale.ROOT),
              ToolCertificates.opensslFingerprint(ca.certificate()).replace(":", "").toLowerCase(Locale.ROOT));
      assertThat(json.get("handshake_complete").asBoolean()).isTrue();
    }
  }

  @Test
  void testFetchCert_expiryIsJudgedByTheInjectedClock() {
    clock = Clock.fixed(leaf.load().getNotAfter().toInstant().plus(Duration.ofDays(3)).plusSeconds(60), ZoneOffset.UTC);
    try (LoopbackTlsServer server = server()) {
      Result r = run("127.0.0.1:" + server.port());

      assertThat(r.out()).contains(leaf.load().getNotAfter().toInstant() + " (EXPIRED 3 days ago)\n");
    }
  }

  @Test
  void testFetchCert_handshakeFailingAfterTheChainWarnsAndStillShowsIt() {
    try (LoopbackTlsServer server =
        LoopbackTlsServer.start(
            loopback,
            leaf.keyStore(),
            p -> {
              p.setProtocols(new String[] {"TLSv1.2"});
              p.setNeedClientAuth(true);
            })) {
      Result r = run("127.0.0.1:" + server.port());

      assertThat(r.code()).isEqualTo(ExitCodes.OK);
      assertThat(r.err()).startsWith("warning: the TLS handshake with 127.0.0.1:" + server.port() + " did not complete: ");
      assertThat(r.out())
          .contains("The handshake did not complete: ")
          .contains(ToolCertificates.opensslFingerprint(leaf.certificate()));
    }
  }

  @Test
  void testFetchCert_connectionRefusedIsExit1WithAMessage() {
    int port = closedPort();

    Result r = run("127.0.0.1:" + port);

    assertThat(r.code()).isEqualTo(ExitCodes.ERROR);
    assertThat(r.err())
        .isEqualTo(
            "error: connection to 127.0.0.1:" + port + " refused: nothing listens on port " + port
                + " there, or a firewall rejects it; check the port\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void testFetchCert_plainTcpServerAnsweringGarbageIsNotTls() {
    try (LoopbackTcpServer server = LoopbackTcpServer.start(Behaviour.ANSWER_HTTP)) {
      Result r = run("127.0.0.1:" + server.port());

      assertThat(r.code()).isEqualTo(ExitCodes.ERROR);
      assertThat(r.err())
          .startsWith("error: 127.0.0.1:" + server.port() + " does not speak TLS")
          .doesNotContain("Exception")
          .hasLineCount(1);
    }
  }

  @Test
  void testFetchCert_serverThatNeverAnswersTimesOut() {
    try (LoopbackTcpServer server = LoopbackTcpServer.start(Behaviour.SILENT)) {
      Result r = assertTimeoutPreemptively(HANG, () -> run("127.0.0.1:" + server.port(), "--timeout", "1s"));

      assertThat(r.code()).isEqualTo(ExitCodes.ERROR);
      assertThat(r.err())
          .startsWith("error: 127.0.0.1:" + server.port() + " accepted the connection but presented no certificate within 1s")
          .hasLineCount(1);
    }
  }

  @Test
  void testFetchCert_unknownHostIsExit1() {
    Result r = assertTimeoutPreemptively(HANG, () -> run("no-such-device.invalid", "--timeout", "5s"));

    assertThat(r.code()).isEqualTo(ExitCodes.ERROR);
    // "unknown host", or a lookup timeout where no name server answers at all.
    assertThat(r.err()).startsWith("error: ").contains("'no-such-device.invalid'").hasLineCount(1);
  }

  @Test
  void testFetchCert_invalidPortIsAUsageError() {
    Result r = run("device.test:99999");

    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("'device.test:99999' has an invalid port '99999': a port is a number from 1 to 65535");
  }

  @Test
  void testFetchCert_urlIsAUsageError() {
    Result r = run("https://device.test/");

    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("not a URL");
  }

  @Test
  void testFetchCert_missingHostIsAUsageError() {
    Result r = run();

    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("error: missing required parameter: 'HOST[:PORT]'");
  }

  @Test
  void testFetchCert_chainWithoutOutIsAUsageError() {
    Result r = run("127.0.0.1:" + closedPort(), "--chain");

    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--chain chooses what -o writes: give -o FILE as well");
  }

  @Test
  void testFetchCert_invalidTimeoutIsAUsageError() {
    assertThat(run("device.test", "--timeout", "0s").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("device.test", "--timeout", "soon").err()).contains("'soon' is not a duration");
  }

  @Test
  void testFetchCert_servernameThatIsAnAddressIsAUsageError() {
    Result r = run("127.0.0.1:" + closedPort(), "--servername", "192.0.2.20");

    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--servername: server name '192.0.2.20' is not a DNS name");
  }

  @Test
  void testFetchCert_invalidOutputFormatIsAUsageError() {
    assertThat(run("device.test", "--output", "yaml").code()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void testFetchCert_helpShowsAnExample() {
    Result r = run("--help");

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.out())
        .contains("Usage: hostpki fetch-cert")
        .contains("Examples:")
        .contains("hostpki fetch-cert 192.0.2.20:8443 --servername bmc-01.example.com\n");
  }

  private static InetAddress ipv6LoopbackOrSkip() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
      return probe.getInetAddress();
    } catch (IOException e) {
      assumeTrue(false, "this machine has no IPv6 loopback (::1): " + e.getMessage());
      throw new AssertionError("unreachable");
    }
  }

  private static int closedPort() {
    return LoopbackPorts.free(loopback);
  }
}
