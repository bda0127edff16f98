package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One broken {@code trust.install} target fails alone (closing-note13, rvsec13 M2): an app's Java
 * trust store that is no key store any more, an NSS database certutil cannot read. Before, plan,
 * apply, status and check all stopped on it with exit 1, so the server certificate was never
 * renewed and its hooks never ran. Now the plan warns ({@code install-unreadable}), the store
 * commits, the other targets change, the hooks run, apply and check exit 3, and the next apply
 * once the target is fixed installs there.
 */
class InstallTargetAloneTest {
  @TempDir Path dir;

  private CliResult run(String... args) {
    CliResult run =
        Cli.in(dir).clock(Clock.systemUTC()).env(Map.of("HOSTPKI_PASSWORD", "store-secret")).run(args);
    run.assertNoStackTrace();
    return run;
  }

  private void yaml() throws Exception {
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore:\n  path: pki\n  password: {env: HOSTPKI_PASSWORD}\n"
            + "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}\n"
            + "trust:\n  install:\n    certificates: [ca]\n    java: [" + dir.resolve("cacerts") + "]\n"
            + "    nss: [sql:" + dir.resolve("nssdb") + "]\n"
            + "hooks:\n  afterServerChange: [[/bin/sh, -c, \"echo ran >> " + dir.resolve("hook.log") + "\"]]\n");
  }

  private List<String> hookRuns() throws Exception {
    Path log = dir.resolve("hook.log");
    return Files.exists(log) ? Files.readAllLines(log) : Collections.emptyList();
  }

  private KeyStore cacerts() throws Exception {
    KeyStore ks = KeyStore.getInstance(dir.resolve("cacerts").toFile(), "changeit".toCharArray());
    return ks;
  }

  @Test
  void testDamagedTargets_theStoreRenewsTheOtherTargetChangesTheHooksRunAndApplyExits3() throws Exception {
    Path certutil = Tool.CERTUTIL.require();
    Files.createDirectory(dir.resolve("nssdb"));
    assertThat(new ProcessBuilder(certutil.toString(), "-d", "sql:" + dir.resolve("nssdb"), "-N", "--empty-password")
            .inheritIO().start().waitFor())
        .isZero();
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    try (var out = Files.newOutputStream(dir.resolve("cacerts"))) {
      empty.store(out, "changeit".toCharArray());
    }
    yaml();
    run("apply", "-f", "host.yaml").assertExitCode(0);
    assertThat(hookRuns()).hasSize(1);
    byte[] server = Files.readAllBytes(dir.resolve("pki/server.crt"));

    // The NSS database is damaged (its user's browser crashed into it, say).
    Files.write(dir.resolve("nssdb/cert9.db"), "not a database".getBytes(StandardCharsets.US_ASCII));

    CliResult plan = run("plan", "-f", "host.yaml", "--replace", "ca");
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out() + plan.err())
        .contains("warning: install/nss:" + dir.resolve("nssdb") + ": ")
        .contains("this target is left as it is and the rest of the plan goes ahead")
        .contains("install/java:" + dir.resolve("cacerts") + "/hostpki-");

    CliResult apply = run("apply", "-f", "host.yaml", "--replace", "ca");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(3);
    assertThat(apply.err())
        .contains("error: install/nss:" + dir.resolve("nssdb") + ": ")
        .contains("install/nss:" + dir.resolve("nssdb") + " is left as it was; the store is now at generation ")
        .contains(". The next apply, watch tick or timer run tries this target again");
    assertThat(Files.readAllBytes(dir.resolve("pki/server.crt"))).isNotEqualTo(server);
    assertThat(hookRuns()).hasSize(2);
    // The Java trust store, a target of its own, holds the new CA.
    String ca = Files.readString(dir.resolve("pki/ca.crt"));
    assertThat(Collections.list(cacerts().aliases())).singleElement().satisfies(alias ->
        assertThat(org.hostpki.pki.Pem.readCertificates(ca.getBytes(StandardCharsets.US_ASCII)).get(0).fingerprint())
            .isEqualTo(org.hostpki.model.Fingerprint.sha256(cacerts().getCertificate(alias).getEncoded())));

    CliResult check = run("check", "-f", "host.yaml");
    assertThat(check.exitCode()).as(check.toString()).isEqualTo(3);
    assertThat(check.out()).startsWith("WARNING: install/nss:" + dir.resolve("nssdb") + ": ");
    CliResult status = run("status", "-f", "host.yaml");
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("Install  nss:" + dir.resolve("nssdb") + ": cannot be read, apply leaves it as it is");

    // A Java trust store that is no key store any more: the same, for the next renewal.
    Files.writeString(dir.resolve("cacerts"), "garbage\n");
    server = Files.readAllBytes(dir.resolve("pki/server.crt"));
    CliResult both = run("apply", "-f", "host.yaml", "--replace", "server");
    assertThat(both.exitCode()).as(both.toString()).isEqualTo(3);
    assertThat(both.err())
        .contains("error: install/java:" + dir.resolve("cacerts") + ": ")
        .contains("is neither a JKS nor a PKCS#12 key store");
    assertThat(Files.readAllBytes(dir.resolve("pki/server.crt"))).isNotEqualTo(server);
    assertThat(hookRuns()).hasSize(3);

    // Gone altogether (its user removed it): the same, not a refused plan.
    Files.delete(dir.resolve("cacerts"));
    // (a new CA: the NSS database, readable again, is changed, and the record written again)
    for (String f : new String[] {"cert9.db", "key4.db", "pkcs11.txt"}) {
      Files.deleteIfExists(dir.resolve("nssdb").resolve(f));
    }
    assertThat(new ProcessBuilder(certutil.toString(), "-d", "sql:" + dir.resolve("nssdb"), "-N", "--empty-password")
            .inheritIO().start().waitFor())
        .isZero();
    CliResult gone = run("apply", "-f", "host.yaml", "--replace", "ca");
    assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(3);
    assertThat(gone.err())
        .contains("error: install/java:" + dir.resolve("cacerts") + ": trust.install.java: there is no trust store at ");
    assertThat(hookRuns()).hasSize(4);
    // Nothing else to do, but apply would try the target again and exit 3: plan
    // --detailed-exitcode and apply --check say work is left (2), as for a pending hook, not 0.
    run("plan", "-f", "host.yaml", "--detailed-exitcode").assertExitCode(2);
    run("apply", "-f", "host.yaml", "--check").assertExitCode(2);
    // It stays on record (rvcore14): dropped later from trust.install, its entries are still
    // hostpki's to clean up. Before, the record kept only the NSS database.
    assertThat(Files.readString(dir.resolve("pki/.install/record.json")))
        .contains("java:" + dir.resolve("cacerts"))
        .contains("nss:");

    // Fixed by their users: the next apply installs the CA there, and exits 0.
    try (var out = Files.newOutputStream(dir.resolve("cacerts"))) {
      empty.store(out, "changeit".toCharArray());
    }
    run("apply", "-f", "host.yaml").assertExitCode(0);
    assertThat(Collections.list(cacerts().aliases())).hasSize(1);
    run("plan", "-f", "host.yaml", "--detailed-exitcode").assertExitCode(0);
  }
}
