package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.hostpki.apply.Hooks;
import org.hostpki.apply.Reconciler;
import org.hostpki.apply.Secrets;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.HostIdentity;
import org.hostpki.pki.Pem;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.TestAcmeCa;
import org.hostpki.testkit.TestCa;
import org.hostpki.model.AcmeChallenge;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ListenAddress;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.JcaKeys;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.ServerProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Debian's pebble 2.4.0 cannot show: ACME Renewal Information (RFC 9773), profiles and
 * rate-limit problems, against a small ACME server stub (JDK HttpsServer) that answers just the
 * requests these need, as Let's Encrypt does.
 */
class AcmeStubServerTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;
  @TempDir Path store;

  private HttpsServer server;
  private String base;
  private final List<String> orderClaims = new CopyOnWriteArrayList<>();
  private final AtomicLong nonce = new AtomicLong();
  private final List<String> acceptEncodings = new CopyOnWriteArrayList<>();
  private volatile Duration ariDelay = Duration.ZERO;
  /** The Retry-After of the stub's rate limit on new orders. */
  private volatile String orderRetryAfter = "7200";
  /** The suggested window the stub's renewal information gives: start, end. */
  private volatile List<String> ariWindow = List.of("2026-06-20T00:00:00Z", "2026-06-22T00:00:00Z");
  /** How long the stub takes for every request: a CA that answers each one just in time. */
  private volatile Duration requestDelay = Duration.ZERO;
  /** Where {@code /dir-away} redirects to: another server (port) with the same certificate. */
  private volatile String elsewhere = "https://127.0.0.1:1";
  /** True: new orders are issued (their authorizations valid already) instead of rate limited. */
  private volatile boolean issuing;
  /** How many alternate chains the issued certificate's download links to. */
  private volatile int alternates;
  /** The alternate chains downloaded, by number. */
  private final List<Integer> alternatesRead = new CopyOnWriteArrayList<>();
  private final TestCa issuingCa = TestCa.create(Instant.now());
  private volatile Certificate issuedLeaf;
  /** A hostile answer the stub gives in place of its usual one ({@link #misbehave}); empty: none. */
  private volatile String misbehaving = "";
  private Certificate ca;
  private KeyMaterial caKey;
  private SSLContext ssl;

  @BeforeEach
  void startStub() throws Exception {
    caKey = KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);
    CertificateIssuer issuer = new CertificateIssuer(RANDOM);
    ca = issuer.selfSignedCa(Subject.commonName("stub CA"), caKey, Instant.now(), Duration.ofDays(1));
    KeyMaterial tlsKey = KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);
    Certificate tls =
        issuer.server(new ServerProfile(Subject.empty(), List.of(), List.of(InetAddress.getLoopbackAddress()),
            Duration.ofDays(1), false), tlsKey, ca, caKey, Instant.now());
    Files.writeString(dir.resolve("ca.pem"), ca.pem());
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("tls", JcaKeys.keyPair(tlsKey).getPrivate(), new char[0],
        new java.security.cert.Certificate[] {JcaKeys.x509(tls)});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, RANDOM);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl));
    base = "https://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stopStub() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      exchange.getRequestHeaders().getOrDefault("Accept-Encoding", List.of()).forEach(acceptEncodings::add);
      try {
        Thread.sleep(requestDelay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (hostile(exchange, path) || misbehave(exchange, path)) {
        return;
      }
      exchange.getResponseHeaders().set("Replay-Nonce", "bm9uY2U" + nonce.incrementAndGet());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      switch (path) {
        case "/dir" -> json(exchange, 200,
            "{\"newNonce\":\"" + base + "/nonce\",\"newAccount\":\"" + base + "/account\",\"newOrder\":\"" + base
                + "/order\",\"revokeCert\":\"" + base + "/revoke\",\"renewalInfo\":\"" + base + "/ari/\","
                + "\"meta\":{\"profiles\":{\"classic\":\"the 90-day profile\",\"shortlived\":\"6-day certificates\"}}}");
        case "/nonce" -> {
          exchange.sendResponseHeaders(200, -1);
        }
        case "/account" -> {
          exchange.getResponseHeaders().set("Location", base + "/account/1");
          json(exchange, 201, "{\"status\":\"valid\"}");
        }
        case "/order" -> {
          if (issuing) {
            exchange.getResponseHeaders().set("Location", base + "/order/1");
            json(exchange, 201, order("ready"));
            return;
          }
          orderClaims.add(payload(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          exchange.getResponseHeaders().set("Retry-After", orderRetryAfter);
          exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
          byte[] body = ("{\"type\":\"urn:ietf:params:acme:error:rateLimited\",\"detail\":\"too many new orders"
              + " (300) recently\",\"subproblems\":[{\"type\":\"urn:ietf:params:acme:error:rateLimited\","
              + "\"detail\":\"too many certificates for this name\",\"identifier\":{\"type\":\"dns\",\"value\":"
              + "\"stub.example.com\"}}]}").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(429, body.length);
          exchange.getResponseBody().write(body);
        }
        case "/order/1" -> json(exchange, 200, order(issuedLeaf == null ? "ready" : "valid"));
        case "/authz/1" -> json(exchange, 200,
            "{\"status\":\"valid\",\"identifier\":{\"type\":\"dns\",\"value\":\"stub.example.com\"},"
                + "\"challenges\":[]}");
        case "/finalize/1" -> {
          String csr = payload(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          csr = csr.substring(csr.indexOf(":\"") + 2, csr.lastIndexOf('"'));
          issuedLeaf = issuingCa.sign(Base64.getUrlDecoder().decode(csr), Instant.now(), Duration.ofDays(6));
          json(exchange, 200, order("valid"));
        }
        case "/cert/0" -> {
          for (int i = 1; i <= alternates; i++) {
            exchange.getResponseHeaders().add("Link", "<" + base + "/cert/" + i + ">;rel=\"alternate\"");
          }
          chain(exchange, issuedLeaf.pem() + issuingCa.intermediate().pem());
        }
        default -> {
          if (path.startsWith("/cert/")) {
            int n = Integer.parseInt(path.substring("/cert/".length()));
            alternatesRead.add(n);
            chain(exchange, issuedLeaf.pem() + TestCa.selfSignedRoot("Alternate Root " + n).pem());
          } else if (path.startsWith("/ari/")) {
            try {
              Thread.sleep(ariDelay.toMillis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            exchange.getResponseHeaders().set("Retry-After", "21600");
            json(exchange, 200,
                "{\"suggestedWindow\":{\"start\":\"" + ariWindow.get(0) + "\",\"end\":\"" + ariWindow.get(1) + "\"},"
                    + "\"explanationURL\":\"https://ca.example/incident-42\"}");
          } else {
            exchange.sendResponseHeaders(404, -1);
          }
        }
      }
    }
  }

  /**
   * A hostile CA's directory: headers, then a body streamed without end ({@code /dir-endless}), or
   * gzip-compressed unasked ({@code /dir-gzip}).
   */
  private boolean hostile(HttpExchange exchange, String path) throws IOException {
    switch (path) {
      case "/dir-endless" -> {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        exchange.getResponseBody().write('{');
        try {
          for (long sent = 0; sent < 1L << 32; sent += chunk.length) { // until the client hangs up
            exchange.getResponseBody().write(chunk);
          }
        } catch (IOException e) {
          // the client gave up: what a bounded client does
        }
        return true;
      }
      case "/dir-http" -> {
        String plain = "http://127.0.0.1:" + server.getAddress().getPort();
        json(exchange, 200, "{\"newNonce\":\"" + plain + "/nonce\",\"newAccount\":\"" + plain + "/account\"}");
        return true;
      }
      case "/dir-away", "/dir-plain", "/dir-moved" -> {
        String to = switch (path) {
          case "/dir-away" -> elsewhere + "/dir";
          case "/dir-plain" -> "http://127.0.0.1:" + server.getAddress().getPort() + "/dir";
          default -> "/dir";
        };
        exchange.getResponseHeaders().set("Location", to);
        exchange.sendResponseHeaders(path.equals("/dir-moved") ? 301 : 302, -1);
        return true;
      }
      case "/dir-gzip" -> {
        java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(packed)) {
          gzip.write(("{\"newNonce\":\"" + base + "/nonce\",\"newAccount\":\"" + base + "/account\"}")
              .getBytes(StandardCharsets.UTF_8));
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        exchange.sendResponseHeaders(200, packed.size());
        exchange.getResponseBody().write(packed.toByteArray());
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /** The hostile answer {@link #misbehaving} names, for the request it replaces: true when it answered. */
  private boolean misbehave(HttpExchange exchange, String path) throws IOException {
    String esc = "\u001b]0;owned\u0007\u001b[2J";
    exchange.getResponseHeaders().set("Replay-Nonce", "bm9uY2U" + nonce.incrementAndGet());
    switch (misbehaving + " " + path) {
      case "problem-escapes /order" -> problem(exchange, 400, "{\"type\":\"urn:ietf:params:acme:error:malformed"
          + "\",\"detail\":\"bad " + esc + "\",\"subproblems\":[{\"type\":\"x\",\"detail\":\"" + esc
          + "\",\"identifier\":{\"type\":\"dns\",\"value\":\"" + esc + "\"}}]}");
      case "problem-not-json /order" -> problem(exchange, 400, "{\"type\": not json " + esc);
      case "no-cert-url /order/1" -> json(exchange, 200, order("valid").replaceAll(",\"certificate\":\"[^\"]*\"", ""));
      case "status-odd /order/1" -> json(exchange, 200, order("valid").replace("\"valid\"", "\"" + esc + "\""));
      case "header-escapes /cert/0" -> {
        byte[] body = issuedLeaf.pem().getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().set("Content-Type", "application/pem-certificate-chain" + esc);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
      case "poll-later /order/1" -> {
        exchange.getResponseHeaders().set("Retry-After", "3600");
        json(exchange, 200, order("processing"));
      }
      case "poll-much-later /order/1" -> {
        exchange.getResponseHeaders().set("Retry-After", "2592000"); // 30 days
        json(exchange, 200, order("processing"));
      }
      case "type-escapes /order" -> problem(exchange, 400, "{\"type\":\"urn:x" + esc + "\",\"detail\":\"d\"}");
      case "authz-other /authz/1" -> json(exchange, 200,
          "{\"status\":\"pending\",\"identifier\":{\"type\":\"dns\",\"value\":\"victim.example.org\"},"
              + "\"challenges\":[{\"type\":\"dns-01\",\"url\":\"" + base + "/chall/1\",\"status\":\"pending\","
              + "\"token\":\"dG9rZW4tMQ\"}]}");
      case "authz-other /chall/1" -> json(exchange, 200,
          "{\"type\":\"dns-01\",\"url\":\"" + base + "/chall/1\",\"status\":\"valid\",\"token\":\"dG9rZW4tMQ\"}");
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void problem(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /**
   * A CA whose order lists an authorization for a name the order did not ask for: the dns-01
   * hook published a TXT record for it (_acme-challenge.victim.example.org) and the order went on.
   * Now nothing is presented, and the failure says why.
   */
  @Test
  void testOrder_anAuthorizationForANameNotOrderedIsNotAnswered() {
    issuing = true;
    misbehaving = "authz-other";
    List<String> hookRuns = new CopyOnWriteArrayList<>();
    AcmeSpec spec = new AcmeSpec(
        URI.create(base + "/dir"), Optional.of(dir.resolve("ca.pem")), List.of(), true, Optional.empty(), Optional.empty(),
        new AcmeChallenge.Dns01Hook(List.of("/bin/true"), Duration.ofSeconds(5)), false, AcmeSpec.IdentifierScope.PUBLIC,
        Optional.empty(), Duration.ofSeconds(20), org.hostpki.model.ExternalSpec.Fallback.NONE);
    AcmeIssuer issuer = new AcmeIssuer(AcmeSettings.of(spec), store, Clock.systemUTC(), RANDOM,
        (argv, variables, timeout, setting) -> {
          hookRuns.add(variables.get("HOSTPKI_ACME_DNS_NAME"));
          return Optional.empty();
        });

    assertThatThrownBy(() -> issuer.order(request(Optional.empty())))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.PROTOCOL);
          assertThat(f.getMessage()).isEqualTo("the CA at " + base + "/dir asked to validate dns:victim.example.org,"
              + " which this order did not ask for (it asked for dns:stub.example.com); hostpki answers no challenge"
              + " for it. Is server.acme.directory the CA you mean?");
        });
    assertThat(hookRuns).as("no TXT record for a name not ordered").isEmpty();
    assertThat(issuer.accountState().failure()).isPresent();
  }

  /**
   * A CA asking to be polled again after server.acme.timeout runs out: the order slept away the
   * rest of the timeout and failed, its next attempt five minutes on; now it fails at once, and the
   * next attempt waits for the CA's time.
   */
  @Test
  void testOrder_aRetryAfterPastTheTimeoutFailsAtOnceAndIsTheNextAttempt() {
    issuing = true;
    misbehaving = "poll-later";
    AcmeIssuer issuer = issuer(Optional.empty(), Duration.ofSeconds(20));

    assertThatThrownBy(() -> issuer.order(request(Optional.empty())))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.TIMEOUT);
          assertThat(f.getMessage()).startsWith("waiting for the certificate: still processing, and the CA at " + base
              + "/dir asked to be asked again at ").endsWith(", after server.acme.timeout (20s) runs out; the next"
              + " order is tried from then");
        });
    AccountState.LastFailure failure = issuer.accountState().failure().orElseThrow();
    assertThat(failure.nextAttempt()).isEqualTo(failure.retryAfter().orElseThrow());
    assertThat(Duration.between(failure.at(), failure.nextAttempt())).isGreaterThan(Duration.ofMinutes(50));
  }

  /**
   * rvcore12: a Retry-After 30 days away was named as when the next order is tried, though hostpki
   * believes one for 7 days at most (BackOff.LONGEST_RETRY_AFTER) and tries again then.
   */
  @Test
  void testOrder_aRetryAfterBeyondWhatIsBelieved_saysWhenTheNextOrderIsTriedAtTheLatest() {
    issuing = true;
    misbehaving = "poll-much-later";
    // The order fails at once when the CA asks to wait beyond the timeout: a long timeout costs
    // nothing, and under load (ci4, 2026-12-07) 20 s ran out before the stub's finalize answered.
    AcmeIssuer issuer = issuer(Optional.empty(), Duration.ofSeconds(120));

    assertThatThrownBy(() -> issuer.order(request(Optional.empty())))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> assertThat(f.getMessage()).endsWith(
            "; the next order is tried from then or, at the latest, in 7d (hostpki believes a CA's Retry-After"
                + " for that long at most)"));
    AccountState.LastFailure failure = issuer.accountState().failure().orElseThrow();
    assertThat(Duration.between(failure.at(), failure.nextAttempt())).isLessThanOrEqualTo(BackOff.LONGEST_RETRY_AFTER);
  }

  /**
   * Malformed answers: each fails at once with one line naming the step, the CA's text escaped,
   * no Java class name ("java.lang.IllegalStateException: Order is not completed" for an order
   * valid without a certificate URL), and an order status RFC 8555 does not define fails at once
   * instead of being polled until server.acme.timeout ran out.
   */
  @Test
  void testOrder_malformedAnswersFailAtOnceWithAnEscapedLine() {
    issuing = true;
    Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put("type-escapes", "creating the order: unexpected answer from the ACME server " + base
        + "/dir: Illegal character in opaque part at index 5: urn:x\\x1b]0;owned\\x07\\x1b[2J");
    expected.put("problem-escapes", "creating the order: the CA answered malformed: bad \\x1b]0;owned\\x07\\x1b[2J");
    expected.put("problem-not-json", "creating the order: unexpected answer from the ACME server " + base
        + "/dir: Bad JSON: {\"type\": not json \\x1b]0;owned");
    expected.put("no-cert-url", "downloading the certificate: unexpected answer from the ACME server " + base
        + "/dir: Order is not completed");
    expected.put("header-escapes", "downloading the certificate: unexpected answer from the ACME server " + base
        + "/dir: not valid HTTP (");
    expected.put("status-odd", "waiting for the certificate: the CA at " + base + "/dir answered with a status RFC"
        + " 8555 does not define, or none; the next order starts afresh");
    expected.forEach((mode, message) -> {
      misbehaving = mode;
      issuedLeaf = null;
      assertThatThrownBy(() -> issuer(Optional.empty(), Duration.ofSeconds(20)).order(request(Optional.empty())))
          .as(mode)
          .isInstanceOfSatisfying(AcmeFailure.class, f -> {
            assertThat(f.kind()).as(mode)
                .isEqualTo(mode.equals("problem-escapes") ? AcmeFailure.Kind.CA_PROBLEM : AcmeFailure.Kind.PROTOCOL);
            assertThat(f.getMessage()).as(mode).startsWith(message).doesNotContain("\u001b", "java.", "Exception");
          });
    });
  }

  /** Order 1, for stub.example.com: its authorization is valid already (authorization reuse). */
  private String order(String status) {
    return "{\"status\":\"" + status + "\",\"identifiers\":[{\"type\":\"dns\",\"value\":\"stub.example.com\"}],"
        + "\"authorizations\":[\"" + base + "/authz/1\"],\"finalize\":\"" + base + "/finalize/1\""
        + (status.equals("valid") ? ",\"certificate\":\"" + base + "/cert/0\"" : "") + "}";
  }

  private static void chain(HttpExchange exchange, String pem) throws IOException {
    byte[] bytes = pem.getBytes(StandardCharsets.US_ASCII);
    exchange.getResponseHeaders().set("Content-Type", "application/pem-certificate-chain");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void json(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** The JWS body's payload, decoded. */
  private static String payload(String jws) {
    int start = jws.indexOf("\"payload\":\"") + "\"payload\":\"".length();
    String encoded = jws.substring(start, jws.indexOf('"', start));
    return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
  }

  // ---- tests -----------------------------------------------------------------------------------

  @Test
  void testOrder_sendsTheProfileAndReplacesOnTheNewOrder() throws Exception {
    Certificate current = currentCertificate();

    assertThatThrownBy(() -> issuer(Optional.of("shortlived")).order(request(Optional.of(current))))
        .isInstanceOf(AcmeFailure.class);

    assertThat(orderClaims).singleElement().asString()
        .contains("\"profile\":\"shortlived\"")
        .contains("\"replaces\":\"" + AcmeIssuer.renewalIdentifier(current) + "\"")
        .contains("{\"type\":\"dns\",\"value\":\"stub.example.com\"}");
    assertThat(acceptEncodings).as("compressed answers are not asked for: BoundedHttpClient refuses them").isEmpty();
  }

  /**
   * A CA that sends its headers and then its body without end, slowly or fast, or a compressed
   * body unasked: each request fails within its timeout, without filling the memory, with a
   * message that says so; acme4j alone would read on forever.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 30, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void testSession_aBodyWithoutEndOrCompressedUnaskedFailsWithinTheRequestTimeout() throws Exception {
    try (javax.net.ssl.SSLServerSocket trickle = (javax.net.ssl.SSLServerSocket) ssl.getServerSocketFactory()
        .createServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      Thread thread = new Thread(() -> trickle(trickle), "trickling CA");
      thread.setDaemon(true);
      thread.start();
      String trickleBase = "https://127.0.0.1:" + trickle.getLocalPort();
      for (String path : List.of("/dir-trickle", "/dir-endless", "/dir-gzip")) {
        sessionFails(path.equals("/dir-trickle") ? trickleBase : base, path);
      }
    }
  }

  /** Answers each request with its headers at once and then a body, a byte a second, without end. */
  private static void trickle(java.net.ServerSocket server) {
    while (!server.isClosed()) {
      try (java.net.Socket socket = server.accept()) {
        socket.getInputStream().read(new byte[8192]); // the request
        var out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nReplay-Nonce: bm9uY2U\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        while (true) {
          Thread.sleep(1000);
          out.write("1\r\n \r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the client gave up, or the test is over
      }
    }
  }

  private void sessionFails(String url, String path) throws Exception {
    org.shredzone.acme4j.Session session =
        new org.shredzone.acme4j.Session(URI.create(url + path), VerifiedTransport.trusting(Optional.of(dir.resolve("ca.pem")),
            OrderDeadline.of(Clock.systemUTC(), Instant.now().plusSeconds(60), Duration.ofSeconds(60))));
    // two seconds for the trickle; the others must fail by what they are, well before their timeout
    session.networkSettings().setTimeout(Duration.ofSeconds(path.equals("/dir-trickle") ? 2 : 15));
    long started = System.nanoTime();

    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(session::getMetadata);

    assertThat(Duration.ofNanos(System.nanoTime() - started)).as(path).isLessThan(Duration.ofSeconds(10));
    AcmeFailure failure = Failures.translate(thrown, "reading the CA's directory", base + path);
    assertThat(failure.kind()).as(path).isEqualTo(AcmeFailure.Kind.UNREACHABLE);
    assertThat(failure.getMessage()).as(path).contains(switch (path) {
      case "/dir-trickle" -> "it did not answer in time";
      case "/dir-endless" -> "the answer is larger than 1024 KiB";
      default -> "the answer is compressed (Content-Encoding), which hostpki did not ask for";
    });
  }

  /** A directory that lists http:// endpoints: refused before a byte goes out in the clear. */
  @Test
  void testSession_aDirectoryListingHttpUrlsIsRefused() throws Exception {
    org.shredzone.acme4j.Session session =
        new org.shredzone.acme4j.Session(URI.create(base + "/dir-http"), VerifiedTransport.trusting(
            Optional.of(dir.resolve("ca.pem")),
            OrderDeadline.of(Clock.systemUTC(), Instant.now().plusSeconds(60), Duration.ofSeconds(60))));
    java.security.KeyPair key = JcaKeys.keyPair(KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM));

    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
        () -> new org.shredzone.acme4j.AccountBuilder().useKeyPair(key).agreeToTermsOfService().createLogin(session));

    assertThat(Failures.translate(thrown, "creating the ACME account", base + "/dir-http").getMessage())
        .contains("the CA sent hostpki to http://127.0.0.1:" + server.getAddress().getPort() + "/nonce, which is not https");
  }

  /**
   * How long one of the preferredChain test's orders may take: they read up to 9 chains, each on a
   * TLS connection the stub's small backlog may make wait; under a loaded CI machine 20 s was once
   * too little (b963a9dd). Only a hang should fail the test.
   */
  private static final Duration ORDER_TIME_UNDER_LOAD = Duration.ofSeconds(120);

  /**
   * An issuer for the preferredChain test: each request may take as long as the whole order may
   * (at load ~40 one request to the stub took over the 30 s of {@link AcmeIssuer#REQUEST_TIMEOUT},
   * 71c76ccf); a stub that hangs still fails the order after {@link #ORDER_TIME_UNDER_LOAD}.
   */
  private AcmeIssuer underLoad(String preferredChain) {
    return issuer(Optional.empty(), ORDER_TIME_UNDER_LOAD, Optional.of(preferredChain))
        .withRequestTimeout(ORDER_TIME_UNDER_LOAD);
  }

  /** A request the stub answers only after the issuer's request timeout fails the order, said so. */
  @Test
  void testOrder_aRequestOverTheRequestTimeoutFails() {
    requestDelay = Duration.ofMillis(1500);
    AcmeIssuer issuer = issuer(Optional.empty(), Duration.ofSeconds(20)).withRequestTimeout(Duration.ofMillis(500));

    assertThatThrownBy(() -> issuer.order(request(Optional.empty()))).isInstanceOf(AcmeFailure.class);
  }

  /**
   * preferredChain reads an alternate chain only while none read so far has its root, and 8 at
   * most of a CA's list (2,000 here): every one listed was downloaded, also when the default
   * chain had the root, so a hostile CA could make an order download thousands.
   */
  @Test
  void testOrder_preferredChainReadsOnlyTheAlternatesItNeedsAndEightAtMost() throws Exception {
    issuing = true;
    alternates = 2000;

    Issued byDefault = underLoad(TestCa.ROOT_NAME).order(request(Optional.empty()));
    assertThat(byDefault.rootName()).isEqualTo(TestCa.ROOT_NAME);
    assertThat(alternatesRead).as("the default chain has the root").isEmpty();

    Issued second = underLoad("Alternate Root 2").order(request(Optional.empty()));
    assertThat(second.rootName()).isEqualTo("Alternate Root 2");
    assertThat(second.chain()).hasSize(2);
    assertThat(alternatesRead).containsExactly(1, 2);

    alternatesRead.clear();
    Issued none = underLoad("No Such Root").order(request(Optional.empty()));
    assertThat(none.rootName()).isEqualTo(TestCa.ROOT_NAME);
    assertThat(alternatesRead).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(none.warnings()).singleElement().asString()
        .contains("server.acme.preferredChain 'No Such Root' matches none of the chains the CA offers (Example Root CA,"
            + " Alternate Root 1,")
        .contains("; 1992 more alternates not read: hostpki reads 8 at most); the default chain is served");
  }

  /**
   * A directory URL redirected to another server (another port of the same address and
   * certificate here), or to http: refused with the reason, and the other server hears nothing;
   * the JDK's NORMAL policy followed the first. A redirect on the same server is followed.
   */
  @Test
  void testSession_aRedirectToAnotherServerOrToHttpIsRefusedAndOneOnTheSameServerFollowed() throws Exception {
    List<String> heardElsewhere = new CopyOnWriteArrayList<>();
    HttpsServer other = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    other.setHttpsConfigurator(new HttpsConfigurator(ssl));
    other.createContext("/", exchange -> {
      heardElsewhere.add(exchange.getRequestURI().getPath());
      handle(exchange);
    });
    other.start();
    try {
      elsewhere = "https://127.0.0.1:" + other.getAddress().getPort();

      assertThat(directoryFails("/dir-away")).isEqualTo(
          "reading the CA's directory: a redirect was not followed: " + base + "/dir-away redirected (HTTP 302) to " + elsewhere + "/dir, another server than the one asked; hostpki"
              + " follows a redirect only on the same server (scheme, host and port), so the account's signed"
              + " requests go nowhere else. If the CA moved, set server.acme.directory to its new URL");
      assertThat(heardElsewhere).isEmpty();
      assertThat(directoryFails("/dir-plain")).contains(
          "redirected (HTTP 302) to http://127.0.0.1:" + server.getAddress().getPort() + "/dir, another server");
      assertThat(session("/dir-moved").getMetadata().getProfiles()).contains("classic");
    } finally {
      other.stop(0);
    }
  }

  private String directoryFails(String path) throws Exception {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(session(path)::getMetadata);
    AcmeFailure failure = Failures.translate(thrown, "reading the CA's directory", base + path);
    assertThat(failure.kind()).as(failure.getMessage()).isEqualTo(AcmeFailure.Kind.CONFIGURATION);
    return failure.getMessage();
  }

  private org.shredzone.acme4j.Session session(String path) throws Exception {
    return new org.shredzone.acme4j.Session(URI.create(base + path), VerifiedTransport.trusting(
        Optional.of(dir.resolve("ca.pem")),
        OrderDeadline.of(Clock.systemUTC(), Instant.now().plusSeconds(60), Duration.ofSeconds(60))));
  }

  /**
   * A CA that answers every request in time for the request's own timeout, but slowly: the order
   * as a whole fails at server.acme.timeout (2 s here), as a timeout naming the step it was in,
   * recorded with its back-off; without the bound its four requests took 4 s and ended in the
   * stub's rate-limit answer.
   */
  @Test
  void testOrder_aCaAnsweringEachRequestSlowlyFailsAtServerAcmeTimeoutAndIsRecorded() {
    requestDelay = Duration.ofSeconds(1);
    AcmeIssuer issuer = issuer(Optional.empty(), Duration.ofSeconds(2));
    OrderRequest request = request(Optional.empty());
    long started = System.nanoTime();

    assertThatThrownBy(() -> issuer.order(request))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).as(f.getMessage()).isEqualTo(AcmeFailure.Kind.TIMEOUT);
          assertThat(f.getMessage())
              .matches("(reading the CA's directory|creating the ACME account): (the CA at "
                  + java.util.regex.Pattern.quote(base) + "/dir did not answer within the \\d+m?s left|not sent to the CA"
                  + " at " + java.util.regex.Pattern.quote(base) + "/dir, no time was left); server.acme.timeout"
                  + " \\(2s\\) ran out: it bounds the whole order \\(every request, poll and dns-01 hook run\\); if this"
                  + " CA or the hook is known to take this long, raise it");
        });

    // A guard against hanging, not a measure: a loaded machine took 3.9 s. TIMEOUT above, not the
    // stub's rate-limit answer, is what shows the bound worked.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    assertThat(orderClaims).as("no order reached the CA").isEmpty();
    AccountState.LastFailure failure = issuer.accountState().failure().orElseThrow();
    assertThat(failure.kind()).isEqualTo(AcmeFailure.Kind.TIMEOUT);
    assertThat(failure.nextAttempt()).isEqualTo(failure.at().plus(BackOff.FIRST));
  }

  /** A step the order's time ran out in: waiting for the CA's answer, or before sending at all. */
  private static final String TIMED_OUT =
      "(the CA at .* did not answer within the \\d+m?s left|not sent to the CA at .*, no time was left)";

  /**
   * As a user meets the slow CA: apply gives up at server.acme.timeout, says which step and what
   * to do, serves a certificate from the internal CA meanwhile (as after any failed order), and
   * status shows the failure and the back-off.
   */
  @Test
  void testApply_aSlowCaFailsAtServerAcmeTimeoutAndTheInternalCaServesMeanwhile() throws Exception {
    requestDelay = Duration.ofSeconds(1);
    Files.writeString(dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: " + store + "}\n"
            + "host: {detect: false, hostname: stub, domain: example.com, addresses: [127.0.0.1]}\n"
            + "server:\n  issuer: acme\n  includeHostIdentity: false\n  dnsNames: [stub.example.com]\n"
            + "  acme:\n    directory: " + base + "/dir\n    caBundle: ca.pem\n    termsOfServiceAgreed: true\n"
            + "    timeout: 2s\n");
    Cli cli = Cli.in(dir).probe(spec -> new HostIdentity("stub", Optional.of("example.com"), List.of()));
    long started = System.nanoTime();

    CliResult apply = cli.run("apply", "-f", "host.yaml");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.err()).as(apply.toString())
        // Under load the 2s may be gone before the next request is sent: "not sent …, no time was left".
        .containsPattern("failed: (reading the CA's directory|creating the ACME account): " + TIMED_OUT
            + "; server.acme.timeout \\(2s\\) ran out: it bounds the whole order")
        .contains("a certificate from the internal CA serves meanwhile")
        .doesNotContain("Exception");
    assertThat(store.resolve("server.crt")).as("the internal CA's certificate serves meanwhile").exists();
    assertThat(orderClaims).isEmpty();
    CliResult status = cli.run("status", "-f", "host.yaml");
    assertThat(status.out()).as(status.toString())
        .containsPattern("last failure .*: " + TIMED_OUT + "; server.acme.timeout \\(2s\\) ran out")
        .contains("next attempt ")
        .as("the store does not match while the order waits: the stand-in is not what the desired state asks")
        .contains("Drift    none now: the ACME order waits for its next attempt, see the warning below")
        .doesNotContain("the store matches the desired state");
  }

  @Test
  void testOrder_profileTheDirectoryDoesNotListIsRefusedBeforeOrdering() {
    assertThatThrownBy(() -> issuer(Optional.of("tlsserver")).order(request(Optional.empty())))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.CONFIGURATION);
          assertThat(f.getMessage()).isEqualTo(
              "server.acme.profile tlsserver is not offered by the CA at " + base + "/dir; it offers: classic (the"
                  + " 90-day profile), shortlived (6-day certificates)");
        });
    assertThat(orderClaims).isEmpty();
  }

  @Test
  void testOrder_rateLimitCarriesTheProblemWithSubproblemsAndRetryAfterAndBacksOffUntilThen() {
    AcmeIssuer issuer = issuer(Optional.empty());

    assertThatThrownBy(() -> issuer.order(request(Optional.empty())))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.RATE_LIMITED);
          assertThat(f.retryAfter()).isPresent();
          assertThat(f.problem().orElseThrow().subproblems()).singleElement()
              .satisfies(p -> assertThat(p.identifier()).contains("dns:stub.example.com"));
          assertThat(f.getMessage()).startsWith(
              "creating the order: the CA's rate limit was reached: rateLimited: too many new orders (300) recently"
                  + " (dns:stub.example.com: rateLimited: too many certificates for this name); it may be tried"
                  + " again after ");
        });
    AccountState.LastFailure failure = issuer.accountState().failure().orElseThrow();
    assertThat(failure.kind()).isEqualTo(AcmeFailure.Kind.RATE_LIMITED);
    assertThat(failure.problemType()).contains("urn:ietf:params:acme:error:rateLimited");
    assertThat(failure.nextAttempt()).isEqualTo(failure.retryAfter().orElseThrow());
    assertThat(Duration.between(failure.at(), failure.nextAttempt())).isBetween(Duration.ofMinutes(110), Duration.ofMinutes(130));
  }

  /** acme4j refuses a whole answer for a Retry-After it cannot read; the rate limit must stay one. */
  @Test
  void testOrder_aRateLimitWithAnUnreadableRetryAfterIsStillARateLimitAndWaitsAnHour() {
    AcmeIssuer issuer = issuer(Optional.empty());
    for (String unreadable : List.of("-5", "99999999999")) {
      orderRetryAfter = unreadable;

      assertThatThrownBy(() -> issuer.order(request(Optional.empty())))
          .isInstanceOfSatisfying(AcmeFailure.class, f -> {
            assertThat(f.kind()).as(unreadable + ": " + f.getMessage()).isEqualTo(AcmeFailure.Kind.RATE_LIMITED);
            assertThat(f.retryAfter()).as(unreadable).isEmpty();
          });
      AccountState.LastFailure failure = issuer.accountState().failure().orElseThrow();
      assertThat(Duration.between(failure.at(), failure.nextAttempt())).as(unreadable).isGreaterThanOrEqualTo(BackOff.RATE_LIMITED);
    }
    orderRetryAfter = "Fri, 31 Dec 99999 23:59:59 GMT"; // readable, and believed for a week at most
    assertThatThrownBy(() -> issuer.order(request(Optional.empty()))).isInstanceOf(AcmeFailure.class);
    AccountState.LastFailure failure = issuer.accountState().failure().orElseThrow();
    assertThat(Duration.between(failure.at(), failure.nextAttempt())).isEqualTo(BackOff.LONGEST_RETRY_AFTER);
  }

  @Test
  void testOrder_failuresInARowCount() {
    AcmeIssuer issuer = issuer(Optional.empty());
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> issuer.order(request(Optional.empty()))).isInstanceOf(AcmeFailure.class);
    }

    assertThat(issuer.accountState().failure().orElseThrow().inARow()).isEqualTo(2);
  }

  @Test
  void testRenewalInfo_givesTheSuggestedWindowExplanationAndRetryAfter() throws Exception {
    Optional<RenewalWindow> window = issuer(Optional.empty()).renewalInfo(currentCertificate(), Duration.ofSeconds(5));

    assertThat(window).hasValueSatisfying(w -> {
      assertThat(w.start()).isEqualTo(Instant.parse("2026-06-20T00:00:00Z"));
      assertThat(w.end()).isEqualTo(Instant.parse("2026-06-22T00:00:00Z"));
      assertThat(w.explanation()).contains("https://ca.example/incident-42");
      assertThat(w.retryAfter()).isPresent();
    });
  }

  @Test
  void testRenewalInfo_aSlowCaIsGivenUpOnAtTheBound() throws Exception {
    ariDelay = Duration.ofSeconds(3);
    Certificate current = currentCertificate();
    long started = System.nanoTime();

    assertThatThrownBy(() -> issuer(Optional.empty()).renewalInfo(current, Duration.ofMillis(500)))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.UNREACHABLE);
          assertThat(f.getMessage())
              .contains("did not answer within 500 ms (the time ran out while ")
              .containsAnyOf("waiting for the CA's renewal information)", "reading the CA's directory");
        });
    // A guard, not a measure: the failure above, not the stub's answer after 3 s, shows the bound.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
  }

  /**
   * At apply level, as a user runs it: a store serving a certificate its account ordered (by a
   * test CA in place of the network) is renewed once the CA's suggested window (ARI) has passed,
   * although server.renewBefore is weeks away, and the order names it as replaced; the CA's
   * rate limit with Retry-After leaves the served files as they were, makes the next unattended
   * run wait (plan warning acme-waiting) without asking the CA, and status shows the next attempt.
   */
  @Test
  void testApply_renewsInsideTheSuggestedWindowWithReplacesAndWaitsOutTheRateLimit() throws Exception {
    Instant issued = Instant.parse("2026-06-01T00:00:00Z");
    Instant inWindow = Instant.parse("2026-06-22T12:00:00Z"); // the stub's window: 06-20 to 06-22
    HostIdentityProbe probe = orderedWithTestCa(issued);
    Certificate served = Pem.readCertificates(Files.readAllBytes(store.resolve("server.crt"))).get(0);
    Map<String, String> before = files(store);
    Cli cli = Cli.in(dir).clock(Clock.fixed(inWindow, ZoneOffset.UTC)).probe(probe);

    CliResult apply = cli.run("apply", "-f", "host.yaml");

    assertThat(apply.exitCode()).as(apply.err()).isEqualTo(1);
    assertThat(apply.err())
        .contains("the CA's rate limit was reached: rateLimited: too many new orders (300) recently")
        .contains("nothing served was changed");
    assertThat(orderClaims).singleElement().asString()
        .contains("\"replaces\":\"" + AcmeIssuer.renewalIdentifier(served) + "\"");
    assertThat(files(store)).as("the served files").isEqualTo(before);

    CliResult plan = Cli.in(dir).clock(Clock.fixed(inWindow.plusSeconds(60), ZoneOffset.UTC)).probe(probe)
        .run("plan", "-f", "host.yaml", "--out", "-");
    assertThat(plan.out()).as(plan.toString()).contains("\"acme-waiting\"");
    CliResult unattended = Cli.in(dir).clock(Clock.fixed(inWindow.plusSeconds(60), ZoneOffset.UTC)).probe(probe)
        .run("apply", "-f", "host.yaml", "--unattended");
    assertThat(unattended.exitCode()).as(unattended.err()).isZero();
    assertThat(orderClaims).as("the CA is not asked again before its Retry-After").hasSize(1);
    assertThat(files(store)).isEqualTo(before);

    CliResult person = Cli.in(dir).clock(Clock.fixed(inWindow.plusSeconds(120), ZoneOffset.UTC)).probe(probe)
        .run("apply", "-f", "host.yaml");
    assertThat(orderClaims).as("nor by a person's apply: the CA asked to wait").hasSize(1);
    assertThat(person.out()).as(person.toString()).contains("the next order is tried at ");

    CliResult status = cli.run("status", "-f", "host.yaml");
    assertThat(status.out()).as(status.toString())
        .contains("renewal window (ARI) 2026-06-20 00:00 UTC to 2026-06-22 00:00 UTC")
        .contains("last failure 2026-06-22 12:00 UTC: creating the order: the CA's rate limit was reached")
        .containsPattern("next attempt \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\(as the CA asked\\)");
  }

  /**
   * A CA whose renewal information suggests a window after the certificate expires: believed, it
   * kept the certificate serving past its expiry. It is a warning, and server.renewBefore applies.
   */
  @Test
  void testPlan_aRenewalWindowAfterTheCertificateExpiresIsNotBelieved() throws Exception {
    Instant issued = Instant.parse("2026-06-01T00:00:00Z"); // TestAcmeCa: 90 days, to 2026-08-30
    ariWindow = List.of("2027-01-01T00:00:00Z", "2027-01-03T00:00:00Z");
    HostIdentityProbe probe = orderedWithTestCa(issued);

    CliResult plan = Cli.in(dir).clock(Clock.fixed(Instant.parse("2026-08-20T00:00:00Z"), ZoneOffset.UTC)).probe(probe)
        .run("plan", "-f", "host.yaml");

    assertThat(plan.out()).as(plan.toString())
        .contains("the CA suggested renewing from 2027-01-01 00:00 UTC to 2027-01-03 00:00 UTC, not before the"
            + " certificate expires (2026-08-30 00:00 UTC)")
        // Random keys give the certificate a random catch-up hour: if 00:00 falls in it, the plan
        // replaces the certificate ("…: renewBefore"); otherwise it waits ("… (renewBefore").
        .containsPattern("renewal due since 2026-0[78]-\\d\\d \\d\\d:\\d\\d UTC[ :(]+renewBefore 33% of 90 days");
  }

  /**
   * kill -9 after the order was recorded but before the store took the certificate: the served
   * certificate, from the order before, is still this account's. The next run ordered again,
   * saying server.crt "was not ordered by this store's ACME account".
   */
  @Test
  void testPlan_aRunKilledAfterItsOrderWasRecordedLeavesTheServedCertificateThisAccounts() throws Exception {
    Instant issued = Instant.parse("2026-06-01T00:00:00Z");
    HostIdentityProbe probe = orderedWithTestCa(issued);
    Clock clock = Clock.fixed(issued.plusSeconds(60), ZoneOffset.UTC);
    AcmeSpec spec = new DesiredStateLoader().load(dir.resolve("host.yaml")).desiredState().orElseThrow().server().acme()
        .orElseThrow();
    new AcmeIssuer(AcmeSettings.of(spec), store, clock, RANDOM, HookRunner.NONE,
            Optional.of(new TestAcmeCa(TestCa.create(issued), clock)))
        .order(request(Optional.empty())); // recorded, never served: the run was killed here

    CliResult plan = Cli.in(dir).clock(clock).probe(probe).run("plan", "-f", "host.yaml");

    assertThat(plan.out()).as(plan.toString()).contains("No changes").doesNotContain("was not ordered");
  }

  /** host.yaml for the stub, and the store's server certificate ordered at {@code issued} from a test CA. */
  private HostIdentityProbe orderedWithTestCa(Instant issued) throws Exception {
    Path yaml = dir.resolve("host.yaml");
    Files.writeString(yaml,
        "apiVersion: hostpki/v1\nstore: {path: " + store + "}\n"
            + "host: {detect: false, hostname: stub, domain: example.com, addresses: [127.0.0.1]}\n"
            + "server:\n  issuer: acme\n  includeHostIdentity: false\n  dnsNames: [stub.example.com]\n"
            + "  acme:\n    directory: " + base + "/dir\n    caBundle: ca.pem\n    termsOfServiceAgreed: true\n");
    HostIdentityProbe probe = spec -> new HostIdentity("stub", Optional.of("example.com"), List.of());
    new Reconciler(probe, Clock.fixed(issued, ZoneOffset.UTC), RANDOM, new Secrets(Map.of()),
            new Hooks(new PrintWriter(Writer.nullWriter())))
        .orderingFrom(new TestAcmeCa(TestCa.create(issued), Clock.fixed(issued, ZoneOffset.UTC)))
        .apply(new DesiredStateLoader().load(yaml).desiredState().orElseThrow(), Set.of(), Optional.empty(),
            Duration.ZERO);
    return probe;
  }

  /** Every regular file under the store but the ACME record, by relative path. */
  private static Map<String, String> files(Path root) throws Exception {
    Map<String, String> out = new java.util.TreeMap<>();
    try (var walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String name = root.relativize(p).toString();
        if (!name.startsWith(".acme/") && !name.startsWith(".lock")) {
          out.put(name, java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        }
      }
    }
    return out;
  }

  private Certificate currentCertificate() {
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);
    return new CertificateIssuer(RANDOM).server(
        new ServerProfile(Subject.empty(), List.of("stub.example.com"), List.of(), Duration.ofDays(6), false), key, ca,
        caKey, Instant.now());
  }

  private AcmeIssuer issuer(Optional<String> profile) {
    return issuer(profile, Duration.ofSeconds(20));
  }

  private AcmeIssuer issuer(Optional<String> profile, Duration timeout) {
    return issuer(profile, timeout, Optional.empty());
  }

  private AcmeIssuer issuer(Optional<String> profile, Duration timeout, Optional<String> preferredChain) {
    AcmeSpec spec =
        new AcmeSpec(
            URI.create(base + "/dir"), Optional.of(dir.resolve("ca.pem")), List.of(), true, Optional.empty(), profile,
            new AcmeChallenge.Http01Listener(ListenAddress.anyAddress(80)), false, AcmeSpec.IdentifierScope.PUBLIC,
            preferredChain, timeout, org.hostpki.model.ExternalSpec.Fallback.NONE);
    return new AcmeIssuer(AcmeSettings.of(spec), store, Clock.systemUTC(), RANDOM, HookRunner.NONE);
  }

  private static OrderRequest request(Optional<Certificate> replaces) {
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);
    return new OrderRequest(
        List.of("stub.example.com"), List.of(),
        org.hostpki.pki.CertificationRequest.create(Subject.empty(), List.of("stub.example.com"), List.of(), false, key),
        replaces);
  }
}
