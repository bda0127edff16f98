package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.FileKind;
import org.hostpki.model.KeySpec;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.SigningPolicy;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.ServerProfile;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Tool;

/**
 * A fleet CA whose certificate carries the name constraints derived from its {@code ca.policy}
 * (made with hostpki's own pki code, as apply will make a new CA): what {@code hostpki sign}
 * issues within the policy is accepted by OpenSSL and by headless Chromium trusting the CA in its
 * NSS database; a leaf outside the constraints, signed by hand with the CA key (as a stolen key
 * would sign it), is refused by both while its twin inside them is accepted, and {@code hostpki
 * sign} refuses to make it.
 */
class NameConstraintsIT {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String INSIDE = "web1.fleet.test";
  private static final String INSIDE_TWIN = "web2.fleet.test";
  private static final String OUTSIDE = "web1.other.example";
  /** A policy allowing what the CA certificate's constraints do not: sign must still refuse. */
  private static final String CA_YAML =
      "apiVersion: hostpki/v1\n"
          + "store: {path: pki}\n"
          + "host: {detect: false, hostname: ca1, domain: fleet.test, addresses: [192.0.2.1]}\n"
          + "ca:\n"
          + "  subject: {commonName: Fleet Constrained CA}\n"
          + "  policy: {allowedDomains: [\"*.fleet.test\", \"*.other.example\"], allowedNetworks: [192.0.2.0/24], maxValidity: 90d}\n";

  @TempDir static Path dir;
  private static Path ca;
  private static NameConstraints constraints;

  @BeforeAll
  static void aConstrainedCaSignsOneMemberAndTheTestSignsTheTwinByHand() throws IOException {
    String openssl = Tool.OPENSSL.require().toString();
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML);
    constraints =
        NameConstraints.fromPolicy(
            new SigningPolicy(List.of("*.fleet.test"), List.of(IpNetwork.parse("192.0.2.0/24").orElseThrow()), Optional.empty()));
    Instant now = Instant.now();
    KeyMaterial caKey = KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);
    Certificate caCertificate =
        new CertificateIssuer(RANDOM)
            .selfSignedCa(Subject.commonName("Fleet Constrained CA"), caKey, now, Duration.ofDays(30), Optional.of(constraints));
    SortedMap<String, StoreFile> files = new TreeMap<>();
    files.put("ca.crt", new StoreFile(caCertificate.pem().getBytes(StandardCharsets.US_ASCII), FileKind.CERTIFICATES));
    files.put("ca.key", new StoreFile(caKey.pkcs8Pem(), FileKind.PRIVATE_KEY));
    new StoreDirectory(dir.resolve("pki"), Clock.systemUTC()).write(files, "{}".getBytes(StandardCharsets.UTF_8));
    ca = dir.resolve("pki/ca.crt");

    Path inside = Files.createDirectories(dir.resolve("inside"));
    Command.of(
            openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", inside.resolve("server.key").toString(), "-out", dir.resolve("inside.csr").toString(),
            "-subj", "/CN=" + INSIDE, "-addext", "subjectAltName=DNS:" + INSIDE + ",IP:192.0.2.21")
        .run()
        .assertSucceeded();
    Hostpki.run(dir, "sign", "-f", "ca.yaml", "--csr", "inside.csr", "-o", "inside/server-fullchain.crt").assertSucceeded();
    Files.writeString(
        inside.resolve("server.crt"),
        Store.pemCertificates(Files.readString(inside.resolve("server-fullchain.crt"))).get(0));

    twin("inside-twin", List.of(INSIDE_TWIN), List.of(), caCertificate, caKey, now);
    twin("outside", List.of(OUTSIDE), List.of(), caCertificate, caKey, now);
    twin("outside-address", List.of(INSIDE), List.of(InetAddress.getByName("10.0.0.21")), caCertificate, caKey, now);
  }

  /** A leaf signed with the CA key directly, past the policy and sign's checks. */
  private static void twin(
      String name, List<String> dnsNames, List<InetAddress> addresses, Certificate caCertificate, KeyMaterial caKey, Instant now)
      throws IOException {
    Path store = Files.createDirectories(dir.resolve(name));
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);
    Certificate leaf =
        new CertificateIssuer(RANDOM)
            .server(new ServerProfile(Subject.empty(), dnsNames, addresses, Duration.ofDays(30), false), key, caCertificate, caKey, now);
    Files.write(store.resolve("server.key"), key.pkcs8Pem());
    Files.writeString(store.resolve("server.crt"), leaf.pem());
    Files.writeString(store.resolve("server-fullchain.crt"), leaf.pem() + caCertificate.pem());
  }

  private static ProcessResult opensslVerify(String member, String name) {
    return Command.of(
            Tool.OPENSSL.require().toString(), "verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname", name,
            "-CAfile", ca.toString(), dir.resolve(member + "/server.crt").toString())
        .run();
  }

  @Test
  void testTheCaCertificate_carriesTheConstraintsCritical() {
    ProcessResult text =
        Command.of(Tool.OPENSSL.require().toString(), "x509", "-in", ca.toString(), "-noout", "-ext", "nameConstraints").run();

    assertThat(text.assertSucceeded().stdout())
        .contains("X509v3 Name Constraints: critical", "DNS:fleet.test", "IP:192.0.2.0/255.255.255.0");
  }

  @Test
  void testOpenssl_acceptsWhatSignIssuedAndRefusesTheTwinsOutsideTheConstraints() {
    ProcessResult inside = opensslVerify("inside", INSIDE);
    ProcessResult insideTwin = opensslVerify("inside-twin", INSIDE_TWIN);
    ProcessResult outside = opensslVerify("outside", OUTSIDE);
    ProcessResult outsideAddress = opensslVerify("outside-address", INSIDE);

    assertThat(inside.assertSucceeded().stdout()).endsWith("server.crt: OK\n");
    assertThat(insideTwin.assertSucceeded().stdout()).endsWith("server.crt: OK\n");
    assertThat(outside.exitCode()).as(outside.toString()).isNotZero();
    assertThat(outside.output()).contains("permitted subtree violation");
    assertThat(outsideAddress.exitCode()).as(outsideAddress.toString()).isNotZero();
    assertThat(outsideAddress.output()).contains("permitted subtree violation");
  }

  @Test
  void testSign_refusesWhatTheConstraintsForbidEvenWhenThePolicyAllowsIt() throws IOException {
    Command.of(
            Tool.OPENSSL.require().toString(), "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", dir.resolve("o.key").toString(), "-out", dir.resolve("outside.csr").toString(),
            "-subj", "/CN=" + OUTSIDE, "-addext", "subjectAltName=DNS:" + OUTSIDE)
        .run()
        .assertSucceeded();

    ProcessResult refused = Hostpki.run(dir, "sign", "-f", "ca.yaml", "--csr", "outside.csr");

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr())
        .contains(
            "error: refused: dNSName " + OUTSIDE + " is outside the CA certificate's name constraints (permitted"
                + " dnsDomains [fleet.test])");
  }

  /**
   * The leaf outside and its twin inside are made the same way, by hand with the CA key; only the
   * name differs. Chromium reports a name-constraint violation as ERR_CERT_INVALID.
   */
  @Test
  void testChromium_loadsWhatIsWithinTheConstraintsAndRefusesTheTwinOutside() throws IOException {
    try (OpenSslServer inside = OpenSslServer.start(new Store(dir.resolve("inside")), LOOPBACK, dir.resolve("inside"));
        OpenSslServer twin = OpenSslServer.start(new Store(dir.resolve("inside-twin")), LOOPBACK, dir.resolve("inside-twin"));
        OpenSslServer outside = OpenSslServer.start(new Store(dir.resolve("outside")), LOOPBACK, dir.resolve("outside"))) {
      ProcessResult signed = chromium(INSIDE, inside.port(), "inside");
      ProcessResult insideTwin = chromium(INSIDE_TWIN, twin.port(), "inside-twin");
      ProcessResult refused = chromium(OUTSIDE, outside.port(), "outside");

      assertThat(signed.assertSucceeded().stdout()).contains(OpenSslServer.PAGE_MARKER);
      assertThat(insideTwin.assertSucceeded().stdout()).contains(OpenSslServer.PAGE_MARKER);
      assertThat(refused.stdout()).doesNotContain(OpenSslServer.PAGE_MARKER);
      assertThat(refused.stderr()).contains("Page load failed: net::ERR_CERT_INVALID");
    }
  }

  /** Headless Chromium whose NSS database trusts the fleet CA, loading https://NAME:PORT/. */
  private static ProcessResult chromium(String name, int port, String label) throws IOException {
    String chromium = Tool.CHROMIUM.require().toString();
    Path home = Files.createDirectories(dir.resolve("chromium-" + label));
    NssDatabase.create(home.resolve(".pki/nssdb")).trustCa("fleet-ca", ca);
    List<String> command =
        new ArrayList<>(
            List.of(
                chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-proxy-server", "--user-data-dir=" + home.resolve("profile"),
                "--host-resolver-rules=MAP " + name + " " + LOOPBACK.getHostAddress(),
                "--dump-dom", "https://" + name + ":" + port + "/"));
    return Command.of(command).env("HOME", home.toString()).timeout(Duration.ofSeconds(90)).run();
  }
}
