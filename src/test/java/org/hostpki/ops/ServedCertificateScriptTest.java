package org.hostpki.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hostpki.fetch.OpensslServer;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.LoopbackPorts;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tags;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.ToolCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/hooks/served-certificate, the check the guide puts after a reload whose exit status says
 * nothing (doveadm reload, postfix reload, a signal): against a real {@code openssl s_server}, it
 * succeeds when the service serves the store's {@code server.crt} or is not running, and fails,
 * saying what is served, when it serves another certificate, so that hostpki keeps the hook pending.
 */
@Tag(Tags.INTEROP)
class ServedCertificateScriptTest {
  @TempDir static Path dir;

  private static ToolCertificates.Issued served;
  private static ToolCertificates.Issued other;
  private static OpensslServer server;

  @BeforeAll
  static void serve() throws IOException {
    Tool.OPENSSL.require();
    served = ToolCertificates.opensslCa(dir, "served", "/CN=served");
    other = ToolCertificates.opensslCa(dir, "other", "/CN=other");
    Path store = Files.createDirectories(dir.resolve("pki"));
    Files.copy(served.certificate(), store.resolve("server.crt"));
    server = OpensslServer.start(InetAddress.getLoopbackAddress(), served.certificate(), served.key());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static ProcessResult check(String... arguments) {
    return Command.of(Cli.projectDir().resolve("examples/hooks/served-certificate").toString(), arguments)
        .env("HOSTPKI_STORE", dir.resolve("pki").toString())
        .run();
  }

  @Test
  void testServedCertificate_theStoresServerCertificate_succeeds() {
    check("127.0.0.1:" + server.port()).assertSucceeded();
  }

  @Test
  void testServedCertificate_anotherCertificate_failsNamingBoth() {
    ProcessResult result = check("--wait", "0", "127.0.0.1:" + server.port(), other.certificate().toString());

    result.assertExitCode(1);
    assertThat(result.stderr())
        .contains("127.0.0.1:" + server.port() + " serves SHA-256 " + fingerprint(served.certificate()))
        .contains("not " + other.certificate() + " (SHA-256 " + fingerprint(other.certificate()) + ")")
        .contains("the service has not loaded the new certificate");
  }

  @Test
  void testServedCertificate_nothingListening_passes() throws IOException {
    int closed = LoopbackPorts.free();
    ProcessResult result = check("--wait", "0", "127.0.0.1:" + closed);

    // A service not running yet (a fresh host) reads the current files when it starts.
    result.assertSucceeded();
    assertThat(result.stderr())
        .contains("nothing listens on 127.0.0.1:" + closed + ": the service is not running");
  }

  @Test
  void testServedCertificate_outsideAHookWithoutCertificate_isAUsageError() {
    ProcessResult result =
        Command.of(Cli.projectDir().resolve("examples/hooks/served-certificate").toString(), "127.0.0.1:1").run();

    result.assertExitCode(2);
    assertThat(result.stderr()).contains("cannot read the certificate /server.crt");
    // one line saying what to do, not the shell's own "cannot open /server.crt" before it
    assertThat(result.stderr().strip().lines()).hasSize(1);
  }

  private static String fingerprint(Path pem) {
    return Tool.OPENSSL.command("x509", "-in", pem.toString(), "-noout", "-fingerprint", "-sha256")
        .run()
        .assertSucceeded()
        .stdout()
        .strip()
        .replaceFirst("^.*=", "");
  }
}
