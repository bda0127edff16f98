package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.JcaKeys;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.ServerProfile;
import org.hostpki.testkit.LoopbackPorts;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code pebble} (the RFC 8555 test CA) on 127.0.0.1, with {@code pebble-challtestsrv}
 * as its DNS server (every name resolves to 127.0.0.1; TXT records are set through its management
 * API): real validation, no {@code PEBBLE_VA_ALWAYS_VALID}. Its own TLS certificate is issued by a
 * CA this class makes ({@link #caBundle()}). Both processes are stopped by their PIDs.
 */
public final class Pebble implements AutoCloseable {
  static final String KEY_ID = "kid-1";
  static final String HMAC_KEY = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

  private final Path dir;
  private final int acmePort;
  private final int managementPort;
  private final int dnsPort;
  private final int challtestsrvManagementPort;
  private final List<Process> processes = new ArrayList<>();
  private final StringBuffer log = new StringBuffer();
  private final HttpClient management;

  /** Where the CA connects for http-01 and tls-alpn-01 (its httpPort and tlsPort). */
  public final int httpPort;
  final int tlsPort;

  private Pebble(Path dir, boolean eab, Map<String, String> env) throws Exception {
    this.dir = dir;
    this.acmePort = freePort();
    this.managementPort = freePort();
    this.dnsPort = freePort();
    this.challtestsrvManagementPort = freePort();
    this.httpPort = freePort();
    this.tlsPort = freePort();
    SecureRandom random = new SecureRandom();
    KeyMaterial caKey = KeyMaterial.generate(KeySpec.defaultSpec(), random);
    CertificateIssuer issuer = new CertificateIssuer(random);
    Certificate ca = issuer.selfSignedCa(Subject.commonName("pebble TLS test CA"), caKey, Instant.now(), Duration.ofDays(2));
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), random);
    Certificate tls =
        issuer.server(
            new ServerProfile(Subject.empty(), List.of("localhost"), List.of(InetAddress.getByName("127.0.0.1")),
                Duration.ofDays(1), false),
            key, ca, caKey, Instant.now());
    Files.writeString(dir.resolve("tls-ca.pem"), ca.pem());
    Files.writeString(dir.resolve("tls.pem"), tls.pem());
    Files.write(dir.resolve("tls.key"), key.pkcs8Pem());
    String config =
        "{\"pebble\":{\"listenAddress\":\"127.0.0.1:" + acmePort + "\",\"managementListenAddress\":\"127.0.0.1:"
            + managementPort + "\",\"certificate\":\"" + dir.resolve("tls.pem") + "\",\"privateKey\":\""
            + dir.resolve("tls.key") + "\",\"httpPort\":" + httpPort + ",\"tlsPort\":" + tlsPort
            + ",\"ocspResponderURL\":\"\",\"externalAccountBindingRequired\":" + eab
            + (eab ? ",\"externalAccountMACKeys\":{\"" + KEY_ID + "\":\"" + HMAC_KEY + "\"}" : "") + "}}";
    Files.writeString(dir.resolve("pebble.json"), config);
    management = client(ca);
    start(
        List.of("pebble-challtestsrv", "-dns01", "127.0.0.1:" + dnsPort, "-http01", "", "-https01", "", "-tlsalpn01",
            "", "-management", "127.0.0.1:" + challtestsrvManagementPort, "-defaultIPv6", ""),
        Map.of(), "Starting management server");
    java.util.HashMap<String, String> pebbleEnv = new java.util.HashMap<>(env);
    pebbleEnv.put("PEBBLE_VA_NOSLEEP", "1");
    pebbleEnv.put("PEBBLE_WFE_NONCEREJECT", "0");
    pebbleEnv.put("PEBBLE_AUTHZREUSE", "0");
    start(
        List.of("pebble", "-config", dir.resolve("pebble.json").toString(), "-dnsserver", "127.0.0.1:" + dnsPort),
        pebbleEnv, "ACME directory available");
  }

  /** A pebble with chains of two intermediates and one alternate root, as the issue asks. */
  public static Pebble start(Path dir) throws Exception {
    return start(dir, false);
  }

  static Pebble start(Path dir, boolean eab) throws Exception {
    requireInstalled("pebble");
    requireInstalled("pebble-challtestsrv");
    return new Pebble(dir, eab, Map.of("PEBBLE_CHAIN_LENGTH", "2", "PEBBLE_ALTERNATE_ROOTS", "1"));
  }

  static void requireInstalled(String program) {
    if (java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .noneMatch(d -> Files.isExecutable(Path.of(d, program)))) {
      String reason = program + " is not installed (Debian package pebble)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(reason + "; CI=true requires it (see .ci/run)");
      }
      Assumptions.abort(reason);
    }
  }

  public URI directory() {
    return URI.create("https://127.0.0.1:" + acmePort + "/dir");
  }

  /**
   * A desired state ordering the server certificate from this pebble (store {@code pki}, host
   * portal.example.test at 127.0.0.1, identifiers: all), as its users write one.
   *
   * @param dnsNames server.dnsNames as YAML, e.g. {@code [a.example.test]}
   * @param extra further lines under {@code server:}
   * @param challenge the challenge lines under {@code server.acme:}
   */
  public String desiredState(String dnsNames, String extra, String challenge) {
    return "apiVersion: hostpki/v1\n"
        + "store: {path: pki}\n"
        + "host: {detect: false, hostname: portal, domain: example.test, addresses: [127.0.0.1]}\n"
        + "server:\n"
        + "  issuer: acme\n"
        + "  includeHostIdentity: false\n"
        + "  dnsNames: " + dnsNames + "\n"
        + extra
        + "  acme:\n"
        + "    directory: " + directory() + "\n"
        + "    caBundle: " + caBundle() + "\n"
        + "    termsOfServiceAgreed: true\n"
        + "    identifiers: all\n"
        + challenge;
  }

  /** The challenge lines of an http-01 order answered on 127.0.0.1 where pebble looks. */
  public String http01() {
    return "    challenge: http-01\n    http01: {listen: \"127.0.0.1:" + httpPort + "\"}\n";
  }

  /** The CA of pebble's own TLS certificate: what server.acme.caBundle names. */
  public Path caBundle() {
    return dir.resolve("tls-ca.pem");
  }

  /**
   * Writes a dns-01 hook as users write them: a script that sets (present) and clears (cleanup)
   * the TXT record at challtestsrv, and appends "ACTION NAME IDENTIFIER" to the file its first
   * argument names.
   */
  Path dnsHook(Path hook) throws IOException {
    Files.writeString(
        hook,
        "#!/bin/sh\n"
            + "set -e\n"
            + "echo \"$HOSTPKI_ACME_ACTION $HOSTPKI_ACME_DNS_NAME $HOSTPKI_ACME_IDENTIFIER\" >> \"$1\"\n"
            + "case $HOSTPKI_ACME_ACTION in\n"
            + "  present) curl -sf -X POST -d \"{\\\"host\\\":\\\"$HOSTPKI_ACME_DNS_NAME\\\",\\\"value\\\":\\\"$HOSTPKI_ACME_DNS_VALUE\\\"}\" "
            + challtestsrv("/set-txt") + " ;;\n"
            + "  cleanup) curl -sf -X POST -d \"{\\\"host\\\":\\\"$HOSTPKI_ACME_DNS_NAME\\\"}\" "
            + challtestsrv("/clear-txt") + " ;;\n"
            + "esac\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
    return hook;
  }

  /**
   * Asserts what the {@link #dnsHook} logged to {@code calls}: a TXT record set at {@code
   * _acme-challenge.NAME} for each of {@code identifiers}, and each cleared again.
   */
  static void assertDnsHookAnswered(Path calls, String name, int identifiers) throws IOException {
    List<String> lines = Files.readAllLines(calls);
    assertThat(lines).filteredOn(l -> l.startsWith("present ")).hasSize(identifiers)
        .allMatch(l -> l.contains(" _acme-challenge." + name + ". "));
    assertThat(lines).filteredOn(l -> l.startsWith("cleanup ")).hasSize(identifiers);
  }

  /** The URL a challtestsrv management request goes to, for a dns-01 hook. */
  String challtestsrv(String path) {
    return "http://127.0.0.1:" + challtestsrvManagementPort + path;
  }

  /** Root {@code i} (0: the default chain's), PEM. */
  public String root(int i) throws Exception {
    return get("/roots/" + i);
  }

  /** pebble's status of a certificate by serial (lower-case hex): its JSON. */
  String certificateStatus(String serialHex) throws Exception {
    return get("/cert-status-by-serial/" + serialHex);
  }

  private String get(String path) throws Exception {
    HttpResponse<String> response =
        management.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + managementPort + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("pebble management " + path + ": HTTP " + response.statusCode());
    }
    return response.body();
  }

  String log() {
    return log.toString();
  }

  private static HttpClient client(Certificate ca) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", JcaKeys.x509(ca));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private void start(List<String> command, Map<String, String> env, String ready) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.add(process);
    CountDownLatch up = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  log.append(line).append('\n');
                  if (line.contains(ready)) {
                    up.countDown();
                  }
                }
              } catch (IOException ended) {
                // stopped
              }
            },
            command.get(0) + "-output");
    reader.setDaemon(true);
    reader.start();
    if (!up.await(30, TimeUnit.SECONDS)) {
      close();
      throw new AssertionError(command.get(0) + " did not start:\n" + log);
    }
  }

  /** A free port on 127.0.0.1 out of the kernel's ephemeral range ({@link LoopbackPorts}). */
  static int freePort() {
    return LoopbackPorts.free();
  }

  @Override
  public void close() {
    for (Process p : processes) {
      ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy);
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
          p.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
