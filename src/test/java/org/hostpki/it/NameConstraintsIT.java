package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.pki.ServerProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Tool;

/**
 * A fleet CA made by {@code hostpki apply} with declared {@code ca.nameConstraints}: its own
 * server certificate (the host identity inside the constraints; the short name outside is left
 * out) and what {@code hostpki sign} issues within the policy are accepted by OpenSSL and by
 * headless Chromium trusting the CA in its NSS database; a leaf outside the constraints, signed by
 * hand with the CA key from the store (as a stolen key would sign it), is refused by both while
 * its twin inside them is accepted, and {@code hostpki sign} refuses to make it.
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
          + "  policy: {allowedDomains: [\"*.fleet.test\", \"*.other.example\"], allowedNetworks: [192.0.2.0/24], maxValidity: 90d}\n"
          + "  nameConstraints: {permitted: {dnsDomains: [fleet.test], ipRanges: [192.0.2.0/24]}}\n";

  @TempDir static Path dir;
  private static Path ca;
  private static ProcessResult applied;

  @BeforeAll
  static void aConstrainedCaSignsOneMemberAndTheTestSignsTheTwinByHand() throws IOException {
    String openssl = Tool.OPENSSL.require().toString();
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML);
    applied = Hostpki.run(dir, "apply", "-f", "ca.yaml").assertSucceeded();
    Instant now = Instant.now();
    Certificate caCertificate;
    KeyMaterial caKey;
    try {
      caCertificate = Pem.readCertificates(Files.readAllBytes(dir.resolve("pki/ca.crt"))).get(0);
      caKey = KeyMaterial.fromPem(Files.readAllBytes(dir.resolve("pki/ca.key")));
    } catch (InvalidMaterialException e) {
      throw new IllegalStateException(e);
    }
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
        .contains("X509v3 Name Constraints: critical", "DNS:fleet.test", "IP:192.0.2.0/255.255.255.0")
        .doesNotContain("other.example");
  }

  @Test
  void testOpenssl_acceptsTheCaHostsOwnServerCertificateWhichLeavesTheShortNameOut() {
    ProcessResult verify =
        Command.of(
                Tool.OPENSSL.require().toString(), "verify", "-x509_strict", "-purpose", "sslserver",
                "-verify_hostname", "ca1.fleet.test", "-verify_ip", "192.0.2.1", "-CAfile", ca.toString(),
                dir.resolve("pki/server.crt").toString())
            .run();

    assertThat(verify.assertSucceeded().stdout()).endsWith("server.crt: OK\n");
    assertThat(applied.output()).contains("warning: the server certificate leaves out ca1 of the host identity");
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
