package org.hostpki.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import org.hostpki.fetch.FetchException.Failure;
import org.hostpki.fetch.LoopbackTcpServer.Behaviour;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.ToolCertificates;
import org.hostpki.testkit.LoopbackPorts;
import org.hostpki.testkit.Tool;

class TlsCertificateFetcherTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SHORT = Duration.ofSeconds(1);
  /** Far above SHORT: only a hang fails it, never a slow machine. */
  private static final Duration HANG = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private static ToolCertificates.Issued ca;
  private static ToolCertificates.Issued leaf;
  private static ToolCertificates.Issued selfSigned;

  private static InetAddress loopback;

  @BeforeAll
  static void makeCertificates() throws UnknownHostException {
    loopback = InetAddress.getByName("127.0.0.1");
    selfSigned = ToolCertificates.keytoolSelfSigned(dir, "appliance", "CN=appliance.test", "dns:appliance.test");
    if (Commands.available("openssl", "version")) {
      ca = ToolCertificates.opensslCa(dir, "ca", "/O=Example Corp/CN=Test Device CA");
      leaf = ToolCertificates.opensslLeaf(dir, "leaf", "/CN=device.test", "ec", "DNS:device.test,IP:127.0.0.1", ca);
    }
  }

  private static TlsCertificateFetcher fetcher(Duration timeout) {
    return new TlsCertificateFetcher(timeout, AddressResolver.system(), new SecureRandom());
  }

  /** Resolves every name to 127.0.0.1, so names work without DNS. */
  private static TlsCertificateFetcher fetcherResolvingToLoopback() {
    return new TlsCertificateFetcher(TIMEOUT, name -> List.of(loopback), new SecureRandom());
  }

  @Test
  void testFetch_returnsTheServedChainLeafFirst() {
    Tool.OPENSSL.require();
    try (LoopbackTlsServer server = LoopbackTlsServer.start(loopback, leaf.keyStore())) {
      PresentedChain chain = fetcher(TIMEOUT).fetch(Endpoint.of("127.0.0.1", server.port()));

      assertThat(chain.certificates()).containsExactly(leaf.load(), ca.load());
      assertThat(chain.handshakeProblem()).isEmpty();
      assertThat(chain.protocol()).hasValueSatisfying(p -> assertThat(p).startsWith("TLSv1."));
      assertThat(chain.address()).isEqualTo(loopback);
    }
  }

  @Test
  void testFetch_selfSignedKeytoolCertificate() {
    try (LoopbackTlsServer server = LoopbackTlsServer.start(loopback, selfSigned.keyStore())) {
      PresentedChain chain = fetcher(TIMEOUT).fetch(Endpoint.of("127.0.0.1", server.port()));

      assertThat(chain.certificates()).containsExactly(selfSigned.load());
    }
  }

  @Test
  void testFetch_sendsTheHostNameAsServerName() {
    try (LoopbackTlsServer server = LoopbackTlsServer.start(loopback, selfSigned.keyStore())) {
      fetcherResolvingToLoopback().fetch(Endpoint.of("appliance", server.port()));

      assertThat(server.nextServerName()).isEqualTo("appliance");
    }
  }

  @Test
  void testFetch_sendsNoServerNameForAnIpAddress() {
    try (LoopbackTlsServer server = LoopbackTlsServer.start(loopback, selfSigned.keyStore())) {
      fetcher(TIMEOUT).fetch(Endpoint.of("127.0.0.1", server.port()));

      assertThat(server.nextServerName()).isEmpty();
    }
  }

  @Test
  void testFetch_sendsTheGivenServerNameForAnIpAddress() {
    try (LoopbackTlsServer server = LoopbackTlsServer.start(loopback, selfSigned.keyStore())) {
      fetcher(TIMEOUT).fetch(Endpoint.of("127.0.0.1", server.port()).withServerName("bmc-01.example.com"));

      assertThat(server.nextServerName()).isEqualTo("bmc-01.example.com");
    }
  }

  @Test
  void testFetch_ipv6Loopback() {
    InetAddress ipv6 = ipv6LoopbackOrSkip();
    try (LoopbackTlsServer server = LoopbackTlsServer.start(ipv6, selfSigned.keyStore())) {
      PresentedChain chain = fetcher(TIMEOUT).fetch(Endpoint.parse("[::1]:" + server.port()));

      assertThat(chain.certificates()).containsExactly(selfSigned.load());
      assertThat(chain.address()).isEqualTo(ipv6);
    }
  }

  @Test
  void testFetch_triesTheNextAddressWhenOneRefuses() throws UnknownHostException {
    InetAddress unused = InetAddress.getByName("127.0.0.2");
    try (LoopbackTlsServer server = LoopbackTlsServer.start(loopback, selfSigned.keyStore())) {
      TlsCertificateFetcher fetcher =
          new TlsCertificateFetcher(TIMEOUT, name -> List.of(unused, loopback), new SecureRandom());

      PresentedChain chain = fetcher.fetch(Endpoint.of("appliance.test", server.port()));

      assertThat(chain.address()).isEqualTo(loopback);
    }
  }

  @Test
  void testFetch_keepsTheChainWhenTheHandshakeFailsAfterIt() {
    // TLS 1.2 with a required client certificate: the server's chain arrives, then the server
    // refuses the client that has none.
    try (LoopbackTlsServer server =
        LoopbackTlsServer.start(
            loopback,
            selfSigned.keyStore(),
            p -> {
              p.setProtocols(new String[] {"TLSv1.2"});
              p.setNeedClientAuth(true);
            })) {
      PresentedChain chain = fetcher(TIMEOUT).fetch(Endpoint.of("127.0.0.1", server.port()));

      assertThat(chain.certificates()).containsExactly(selfSigned.load());
      // Whether the alert or the hang-up reaches us first is a race; either is reported.
      assertThat(chain.handshakeProblem())
          .hasValueSatisfying(p -> assertThat(p).containsAnyOf("alert", "closed the connection"));
      assertThat(chain.protocol()).isEmpty();
    }
  }

  @Test
  void testFetch_unknownHost() {
    TlsCertificateFetcher fetcher =
        new TlsCertificateFetcher(
            TIMEOUT,
            name -> {
              throw new UnknownHostException(name);
            },
            new SecureRandom());

    FetchException e =
        catchThrowableOfType(FetchException.class, () -> fetcher.fetch(Endpoint.parse("no-such-device.test")));

    assertThat(e.failure()).isEqualTo(Failure.UNKNOWN_HOST);
    assertThat(e.getMessage()).contains("unknown host 'no-such-device.test'");
  }

  @Test
  void testFetch_lookupThatNeverAnswersTimesOut() {
    CountDownLatch never = new CountDownLatch(1);
    TlsCertificateFetcher fetcher =
        new TlsCertificateFetcher(
            SHORT,
            name -> {
              try {
                never.await(1, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return List.of(loopback);
            },
            new SecureRandom());

    FetchException e =
        assertTimeoutPreemptively(
            HANG,
            () -> catchThrowableOfType(FetchException.class, () -> fetcher.fetch(Endpoint.parse("slow-dns.test"))));

    assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
    assertThat(e.getMessage()).contains("looking up 'slow-dns.test' timed out after 1s");
  }

  @Test
  void testFetch_connectionRefused() {
    int port = closedPort();

    FetchException e =
        catchThrowableOfType(FetchException.class, () -> fetcher(TIMEOUT).fetch(Endpoint.of("127.0.0.1", port)));

    assertThat(e.failure()).isEqualTo(Failure.REFUSED);
    assertThat(e.getMessage()).isEqualTo(
        "connection to 127.0.0.1:" + port + " refused: nothing listens on port " + port
            + " there, or a firewall rejects it; check the port");
  }

  @Test
  void testFetch_connectThatNeverCompletesTimesOut() throws IOException {
    // A listener that never accepts, with its backlog full: further connects get no answer.
    try (ServerSocket full = new ServerSocket(0, 1, loopback)) {
      List<Socket> queued = fillBacklogOrSkip(full);
      try {
        FetchException e =
            assertTimeoutPreemptively(
                HANG,
                () ->
                    catchThrowableOfType(
                        FetchException.class, () -> fetcher(SHORT).fetch(Endpoint.of("127.0.0.1", full.getLocalPort()))));

        assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
        assertThat(e.getMessage()).startsWith("connecting to 127.0.0.1:" + full.getLocalPort() + " timed out after 1s");
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  @Test
  void testFetch_plainHttpAnswerIsNotTls() {
    try (LoopbackTcpServer server = LoopbackTcpServer.start(Behaviour.ANSWER_HTTP)) {
      FetchException e =
          catchThrowableOfType(
              FetchException.class, () -> fetcher(TIMEOUT).fetch(Endpoint.of("127.0.0.1", server.port())));

      assertThat(e.failure()).isEqualTo(Failure.NOT_TLS);
      assertThat(e.getMessage()).startsWith("127.0.0.1:" + server.port() + " does not speak TLS");
    }
  }

  @Test
  void testFetch_peerThatHangsUpIsAHandshakeFailure() {
    try (LoopbackTcpServer server = LoopbackTcpServer.start(Behaviour.HANG_UP)) {
      FetchException e =
          catchThrowableOfType(
              FetchException.class, () -> fetcher(TIMEOUT).fetch(Endpoint.of("127.0.0.1", server.port())));

      assertThat(e.failure()).isEqualTo(Failure.HANDSHAKE_FAILED);
      assertThat(e.getMessage()).contains("closed the connection during the TLS handshake");
    }
  }

  @Test
  void testFetch_silentPeerTimesOut() {
    try (LoopbackTcpServer server = LoopbackTcpServer.start(Behaviour.SILENT)) {
      FetchException e =
          assertTimeoutPreemptively(
              HANG,
              () ->
                  catchThrowableOfType(
                      FetchException.class, () -> fetcher(SHORT).fetch(Endpoint.of("127.0.0.1", server.port()))));

      assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
      assertThat(e.getMessage()).contains("presented no certificate within 1s");
    }
  }

  @Test
  void testFetch_alertBeforeTheCertificateNamesTheAlert() {
    try (LoopbackTlsServer server =
        LoopbackTlsServer.start(
            loopback,
            selfSigned.keyStore(),
            p -> p.setSNIMatchers(List.of(SNIHostName.createSNIMatcher("appliance\\.test"))))) {
      FetchException e =
          catchThrowableOfType(
              FetchException.class,
              () -> fetcher(TIMEOUT).fetch(Endpoint.of("127.0.0.1", server.port()).withServerName("other.test")));

      assertThat(e.failure()).isEqualTo(Failure.HANDSHAKE_FAILED);
      assertThat(e.getMessage())
          .contains("the server sent the alert 'unrecognized_name'")
          .contains("it does not serve the name 'other.test'");
    }
  }

  @Test
  void testConstructor_timeoutMustBePositive() {
    assertThatThrownBy(() -> new TlsCertificateFetcher(Duration.ZERO, AddressResolver.system(), new SecureRandom()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static InetAddress ipv6LoopbackOrSkip() {
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

  /** Connects until one connect gets no answer; skips where the kernel accepts them all. */
  private static List<Socket> fillBacklogOrSkip(ServerSocket server) throws IOException {
    List<Socket> queued = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(loopback, server.getLocalPort()), 300);
        queued.add(s);
      } catch (SocketTimeoutException unanswered) {
        s.close();
        return queued;
      }
    }
    for (Socket s : queued) {
      s.close();
    }
    assumeTrue(false, "this kernel answers connects beyond a full listen backlog; no way to make a connect hang on loopback");
    return queued;
  }
}
