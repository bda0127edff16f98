package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;

/**
 * The host is renamed from {@code before} to {@code after} between two applies: the new name must
 * then verify with OpenSSL and GnuTLS, the old one must not, and the CA stays — even with the CA
 * subject left to hostpki's default, which is named after the host (as in the quickstart).
 */
class HostIdentityChangeIT {
  @TempDir static Path root;

  private static Store store;
  private static DesiredStateFile renamed;
  private static Path caBefore;
  private static Path serverBefore;

  @BeforeAll
  static void applyThenRenameTheHostAndApplyAgain() throws IOException {
    Tool.OPENSSL.require();
    DesiredStateFile original = DesiredStateFile.forHost(root.resolve("host"), "before");
    store = Hostpki.apply(original);
    caBefore = Files.copy(store.caCertificate(), root.resolve("ca-before.crt"));
    serverBefore = Files.copy(store.serverCertificate(), root.resolve("server-before.crt"));

    renamed = original.withHostname("after");
    Hostpki.apply(renamed);
  }

  @Test
  void testBeforeTheChange_oldNameVerified() {
    ProcessResult verify =
        Tool.OPENSSL.command("verify", "-x509_strict", "-purpose", "sslserver",
                "-verify_hostname", "before." + DesiredStateFile.DOMAIN,
                "-CAfile", caBefore.toString(), serverBefore.toString())
            .run();

    assertThat(verify.assertSucceeded().stdout())
        .as("the old name verified before the change (else its rejection would prove nothing)")
        .contains(": OK");
  }

  @Test
  void testOpensslVerify_acceptsNewName() {
    for (String name : newNames()) {
      ProcessResult verify = Verifiers.openssl(store, store.caCertificate(), name, root);

      assertThat(verify.assertSucceeded().stdout())
          .as("openssl verify for %s", name)
          .contains(": OK");
    }
  }

  @Test
  void testOpensslVerify_rejectsOldName() {
    for (String name : oldNames()) {
      ProcessResult verify = Verifiers.openssl(store, store.caCertificate(), name, root);

      assertThat(verify.assertFailed().output())
          .as("openssl verify for %s", name)
          .contains("hostname mismatch");
    }
  }

  @Test
  void testCerttoolVerify_acceptsNewName() {
    for (String name : newNames()) {
      assertThat(Verifiers.certtool(store, store.caCertificate(), name).assertSucceeded().stdout())
          .as("certtool --verify for %s", name)
          .contains("Chain verification output: Verified.");
    }
  }

  @Test
  void testCerttoolVerify_rejectsOldName() {
    for (String name : oldNames()) {
      assertThat(Verifiers.certtool(store, store.caCertificate(), name).assertFailed().stdout())
          .as("certtool --verify for %s", name)
          .contains("does not match");
    }
  }

  @Test
  void testRename_keepsTheCaAndReplacesTheServerCertificate() {
    assertThat(store.caCertificate()).hasSameTextualContentAs(caBefore);
    assertThat(Store.read(store.serverCertificate())).isNotEqualTo(Store.read(serverBefore));
  }

  private static List<String> newNames() {
    return List.of(renamed.fqdn(), renamed.hostname());
  }

  private static List<String> oldNames() {
    return List.of("before." + DesiredStateFile.DOMAIN, "before");
  }
}
