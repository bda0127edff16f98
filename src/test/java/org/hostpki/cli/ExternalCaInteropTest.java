package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * The real {@code openssl} command line plays the external CA: it makes a root and an issuing
 * intermediate, signs the server.csr hostpki wrote, and afterwards verifies what hostpki
 * imported. Skipped where openssl is not installed.
 */
@Tag(Tags.INTEROP)
class ExternalCaInteropTest {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "pw");

  @TempDir Path dir;
  private Path ca;

  @BeforeEach
  void setUp() throws IOException {
    Assumptions.assumeTrue(
        openssl(dir, "version").exitCode() == 0,
        "the openssl binary is not on PATH: the external CA interop test is skipped");
    ca = Files.createDirectories(dir.resolve("ca"));
  }

  private CliResult hostpki(String... args) {
    // openssl signs with the real clock, so hostpki checks with it too.
    return Cli.in(dir).env(ENV).run(args);
  }

  private record Run(int exitCode, String output) {}

  private static Run openssl(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("openssl " + args[0] + " did not finish");
      }
      return new Run(p.exitValue(), output);
    } catch (IOException e) {
      return new Run(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void ok(String... args) {
    Run run = openssl(ca, args);
    assertThat(run.exitCode()).as("openssl %s%n%s", String.join(" ", args), run.output).isZero();
  }

  private boolean openssl3() {
    return openssl(ca, "version").output.startsWith("OpenSSL 3");
  }

  /** The first apply in external mode, and its server.csr handed to the CA's folder. */
  private void applyAndSendTheRequest() throws IOException {
    ExternalSetup.write(dir, "192.0.2.10", "none");
    CliResult first = hostpki("apply", "-f", "host.yaml");
    assertThat(first.exitCode()).as(first.toString()).isZero();
    Files.copy(dir.resolve("pki/server.csr"), ca.resolve("server.csr"));
  }

  /**
   * The outside CA's root.pem and int.pem (keys root.key, int.key), made with {@code openssl req
   * -newkey NEWKEY}; the intermediate with these extensions.
   */
  private void rootAndIntermediate(List<String> newKey, String intermediateSubject, String intermediateExtensions)
      throws IOException {
    List<String> root = new ArrayList<>(List.of("req", "-x509", "-newkey"));
    root.addAll(newKey);
    root.addAll(
        List.of("-nodes", "-keyout", "root.key", "-out", "root.pem", "-days", "3650",
            "-subj", "/O=Example Corp/CN=Example Root CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
    ok(root.toArray(String[]::new));
    List<String> intermediate = new ArrayList<>(List.of("req", "-newkey"));
    intermediate.addAll(newKey);
    intermediate.addAll(List.of("-nodes", "-keyout", "int.key", "-out", "int.csr", "-subj", intermediateSubject));
    ok(intermediate.toArray(String[]::new));
    Files.writeString(ca.resolve("int.ext"), intermediateExtensions);
    ok("x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial",
        "-days", "1825", "-sha256", "-extfile", "int.ext", "-out", "int.pem");
  }

  @Test
  void testOpensslSignedChainIsImportedAndVerifies() throws IOException {
    applyAndSendTheRequest();

    // The outside CA: a root, an issuing intermediate, and the signed request.
    rootAndIntermediate(
        List.of("rsa:2048"),
        "/O=Example Corp/CN=Example Issuing CA 2",
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
            + "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n");
    String leafExtensions =
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
            + "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n";
    List<String> sign =
        new ArrayList<>(
            List.of("x509", "-req", "-in", "server.csr", "-CA", "int.pem", "-CAkey", "int.key",
                "-CAcreateserial", "-days", "200", "-sha256", "-extfile", "leaf.ext", "-out", "leaf.pem"));
    if (openssl3()) {
      sign.addAll(List.of("-copy_extensions", "copy")); // the SANs come from the request
    } else {
      leafExtensions +=
          "subjectAltName=DNS:portal.example.com,DNS:www.portal.example.com,DNS:portal,IP:192.0.2.10\n";
    }
    Files.writeString(ca.resolve("leaf.ext"), leafExtensions);
    ok(sign.toArray(String[]::new));
    Path chain = dir.resolve(ExternalSetup.CHAIN);
    Files.createDirectories(chain.getParent());
    Files.writeString(
        chain,
        Files.readString(ca.resolve("root.pem"))
            + Files.readString(ca.resolve("leaf.pem"))
            + Files.readString(ca.resolve("int.pem")));

    CliResult imported = hostpki("apply", "-f", "host.yaml");

    assertThat(imported.exitCode()).as(imported.toString()).isZero();
    assertThat(imported.out()).contains("~ server", "import the chain from " + chain);
    assertThat(Files.readString(dir.resolve("pki/server.crt"))).isEqualTo(Files.readString(ca.resolve("leaf.pem")));
    Run verify =
        openssl(dir, "verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca/root.pem",
            "-untrusted", "ca/int.pem", "pki/server.crt");
    assertThat(verify.exitCode()).as(verify.output).isZero();
    assertThat(verify.output).contains("pki/server.crt: OK");
    Run fullchain =
        openssl(dir, "verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca/root.pem",
            "-untrusted", "pki/server-fullchain.crt", "pki/server.crt");
    assertThat(fullchain.exitCode()).as(fullchain.output).isZero();
    CliResult again = hostpki("apply", "-f", "host.yaml");
    assertThat(again.out()).contains("No changes");
  }
  /**
   * Found: an intermediate whose nameConstraints the server's names break (a CA for {@code
   * .corp.example} signing {@code portal.example.com}) was imported, and every TLS client then
   * refused the server ("permitted subtree violation").
   */
  @Test
  void testNameConstrainedIntermediateTheNamesBreakIsRefused() throws IOException {
    applyAndSendTheRequest();
    rootAndIntermediate(
        List.of("ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
        "/CN=Corp Issuing CA",
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
            + "nameConstraints=critical,permitted;DNS:.corp.example,permitted;IP:10.0.0.0/255.0.0.0\n");
    Files.writeString(
        ca.resolve("leaf.ext"),
        "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            + "subjectAltName=DNS:portal.example.com,DNS:www.portal.example.com,DNS:portal,IP:192.0.2.10\n");
    ok("x509", "-req", "-in", "server.csr", "-CA", "int.pem", "-CAkey", "int.key", "-CAcreateserial",
        "-days", "200", "-extfile", "leaf.ext", "-out", "leaf.pem");
    Run verify = openssl(ca, "verify", "-CAfile", "root.pem", "-untrusted", "int.pem", "leaf.pem");
    assertThat(verify.output).contains("permitted subtree violation");
    Path chain = dir.resolve(ExternalSetup.CHAIN);
    Files.createDirectories(chain.getParent());
    Files.writeString(chain, Files.readString(ca.resolve("leaf.pem")) + Files.readString(ca.resolve("int.pem")));
    String served = Files.readString(dir.resolve("pki/server.crt"));

    CliResult refused = hostpki("apply", "-f", "host.yaml");

    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.err())
        .contains(
            "certificate 2 of 2 (CN=Corp Issuing CA) has name constraints, and TLS clients refuse the"
                + " leaf's names they do not allow: portal.example.com, www.portal.example.com, portal"
                + " (permitted dnsDomains [.corp.example]); 192.0.2.10 (permitted ipRanges [10.0.0.0/8]);"
                + " ask the CA to sign with a CA whose constraints allow these names");
    assertThat(Files.readString(dir.resolve("pki/server.crt"))).isEqualTo(served);
  }
}
