package org.hostpki.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;

/**
 * The collection's module {@code hostpki.pki.store} driven by the real {@code ansible-playbook}
 * over three local hosts, each with its own identity and store, running this checkout's
 * {@code bin/hostpki} (the packaged jar). Needs Debian's ansible-core; skipped without it,
 * except in CI.
 */
class AnsiblePlaybookIT {
  private static final List<String> HOSTS = List.of("h1", "h2", "h3");

  @TempDir static Path dir;
  private static Ansible ansible;
  private static JsonNode firstRun;
  private static JsonNode secondRun;

  @BeforeAll
  static void runTheSitePlaybookTwice() throws Exception {
    Tool.ANSIBLE_PLAYBOOK.require();
    Cli.builtJar();
    ansible = new Ansible(dir, 3);
    ansible.copyResources("ansible");
    Files.copy(Cli.projectDir().resolve("examples/trusted/ldap-ca.pem"), dir.resolve("ldap-ca.pem"));
    Files.createDirectories(dir.resolve("h3"));

    firstRun = ansible.playbook("site.yml");
    secondRun = ansible.playbook("site.yml");
  }

  /** The result of the play's task number {@code task} on {@code host}. */
  private static JsonNode result(JsonNode report, int task, String host) {
    return report.path("plays").path(0).path("tasks").path(task).path("hosts").path(host);
  }

  private static SortedMap<String, String> storeContents() throws IOException {
    SortedMap<String, String> files = new TreeMap<>();
    for (Path store : List.of(dir.resolve("h1/pki"), dir.resolve("h2/pki"), dir.resolve("h3/pki"))) {
      try (Stream<Path> walk = Files.walk(store)) {
        for (Path p : walk.toList()) {
          if (Files.isSymbolicLink(p)) {
            files.put(p.toString(), "-> " + Files.readSymbolicLink(p));
          } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            files.put(p.toString(), new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
          }
        }
      }
    }
    return files;
  }

  @Test
  void testFirstRun_changesEveryHostsStore() {
    for (String host : HOSTS) {
      assertThat(Ansible.stats(firstRun, host).path("changed").asInt()).as(host + "\n" + firstRun).isEqualTo(1);
      assertThat(Ansible.stats(firstRun, host).path("failures").asInt()).as(host).isZero();
      assertThat(result(firstRun, 0, host).path("plan").path("summary").path("create").asInt()).as(host).isPositive();
    }
    assertThat(dir.resolve("h1/pki/server.crt")).isRegularFile();
    assertThat(dir.resolve("h2/pki/server.crt")).isRegularFile();
    assertThat(dir.resolve("h3/pki/server.crt")).as("relative to chdir").isRegularFile();
  }

  @Test
  void testFirstRun_eachHostGetsItsOwnIdentity() {
    for (String host : HOSTS) {
      JsonNode server = null;
      for (JsonNode change : result(firstRun, 0, host).path("plan").path("changes")) {
        if (change.path("address").asString().equals("server")) {
          server = change;
        }
      }
      assertThat(server).as(host).isNotNull();
      assertThat(server.path("after").path("subject").asString()).isEqualTo("CN=" + host + ".example.test");
    }
    assertThat(result(firstRun, 0, "h3").path("plan").toString()).contains("2001:db8::3");
  }

  @Test
  void testSecondRun_changesNothing() {
    for (String host : HOSTS) {
      assertThat(Ansible.stats(secondRun, host).path("changed").asInt()).as(host + "\n" + secondRun).isZero();
      assertThat(Ansible.stats(secondRun, host).path("ok").asInt()).as(host).isEqualTo(1);
      assertThat(result(secondRun, 0, host).path("plan").path("changes").size()).as(host).isZero();
    }
  }

  private static java.security.cert.X509Certificate x509(Path pem) throws Exception {
    try (var in = Files.newInputStream(pem)) {
      return (java.security.cert.X509Certificate)
          java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void testEveryRun_returnsThePathsFingerprintsAndExpiryOfTheStore() throws Exception {
    for (String host : HOSTS) {
      JsonNode unchanged = result(secondRun, 0, host);
      Path store = dir.resolve(host + "/pki");
      assertThat(unchanged.path("store").asString()).as(unchanged.toString()).isEqualTo(store.toString());
      assertThat(unchanged.path("files").path("server.key").asString()).isEqualTo(store.resolve("server.key").toString());
      for (String name : List.of("ca", "server")) {
        JsonNode certificate = unchanged.path(name);
        java.security.cert.X509Certificate real = x509(store.resolve(name + ".crt"));
        assertThat(certificate.path("path").asString()).as(host).isEqualTo(store.resolve(name + ".crt").toString());
        assertThat(certificate.path("sha256").asString()).as(host)
            .isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(real.getEncoded())));
        assertThat(certificate.path("not_after").asString()).isEqualTo(real.getNotAfter().toInstant().toString());
      }
      assertThat(unchanged.path("server").path("dns_names").toString()).contains(host + ".example.test");
    }
    assertThat(result(secondRun, 0, "h1").path("trusted").path(0).path("name").asString()).isEqualTo("ldap");
  }

  @Test
  void testWarnings_ofThePlanAreAnsibleWarnings() {
    JsonNode h1 = result(firstRun, 0, "h1");

    assertThat(h1.path("warnings").toString())
        .contains("trust/ldap: the same certificate is trusted under several names: ldap, ldap-again");
    assertThat(h1.path("plan").path("warnings").path(0).path("code").asString()).isEqualTo("trust-duplicate");
    assertThat(result(firstRun, 0, "h2").has("warnings")).isFalse();
  }

  @Test
  void testCheckDiff_afterAnEditShowsThePlanAndChangesNothing() throws Exception {
    Path vars = dir.resolve("host_vars/h2.yml");
    Files.writeString(vars, Files.readString(vars).replace("addresses: [192.0.2.2]", "addresses: [192.0.2.22]"));
    SortedMap<String, String> before = storeContents();

    JsonNode check = ansible.playbook("site.yml", "--check", "--diff");

    assertThat(storeContents()).isEqualTo(before);
    assertThat(Ansible.stats(check, "h1").path("changed").asInt()).isZero();
    assertThat(Ansible.stats(check, "h3").path("changed").asInt()).isZero();
    JsonNode h2 = result(check, 0, "h2");
    assertThat(h2.path("changed").asBoolean()).as(h2.toString()).isTrue();
    // The runs before wrote the store from other temporary files (each inline desired state is a
    // new one): no warning that "another desired-state file" wrote it, naming a file that is gone.
    assertThat(h2.has("warnings")).as(h2.toString()).isFalse();
    assertThat(h2.path("plan").path("warnings")).isEmpty();
    assertThat(h2.path("plan").path("changes").path(0).path("address").asString()).isEqualTo("server");
    assertThat(h2.path("plan").path("changes").path(0).path("reasons").path(0).path("code").asString())
        .isEqualTo("host-identity-changed");
    JsonNode diff = h2.path("diff").path(0);
    assertThat(diff.path("before_header").asString()).isEqualTo("server");
    assertThat(diff.path("after_header").asString()).isEqualTo("server (replace)");
    assertThat(diff.path("before").asString()).contains("ip_addresses: 192.0.2.2\n", "subject: CN=h2.example.test\n", "dns_names: h2.example.test, h2\n");
    assertThat(diff.path("after").asString())
        .startsWith("# replace: host identity changed: address 192.0.2.2 removed, address 192.0.2.22 added\n")
        .contains("ip_addresses: 192.0.2.22\n", "new_key: true\n");
    String issuer = diff.path("before").asString().lines().filter(l -> l.startsWith("issuer: ")).findFirst().orElseThrow();
    assertThat(diff.path("after").asString()).as("the same CA: no issuer change in the diff").contains(issuer + "\n");
  }

  /** The msg of h1's failed task number {@code task}. */
  private static String failureMessage(JsonNode report, int task) {
    JsonNode result = result(report, task, "h1");
    assertThat(result.path("failed").asBoolean()).as(result.toString()).isTrue();
    return result.path("msg").asString();
  }

  @Test
  void testFailures_reportHostpkisErrorLines() throws Exception {
    Files.copy(Cli.projectDir().resolve("examples/trusted/ldap-ca.pem"),
        Files.createDirectories(dir.resolve("escape-trust")).resolve("ev\u001b[31mil\u0007.pem"));
    JsonNode report = ansible.playbook("failures.yml");

    JsonNode invalidFile = result(report, 0, "h1");
    assertThat(invalidFile.path("failed").asBoolean()).as(invalidFile.toString()).isTrue();
    assertThat(invalidFile.path("rc").asInt()).isEqualTo(1);
    assertThat(invalidFile.path("msg").asString())
        .startsWith(dir.resolve("bad.yaml") + ":4:")
        .contains("error: ca.key.curve 'P-257' is not one of: P-256, P-384, P-521")
        .contains("is not a valid desired state (see above); nothing was changed");

    JsonNode relative = result(report, 1, "h1");
    assertThat(relative.path("failed").asBoolean()).isTrue();
    assertThat(relative.path("msg").asString())
        .isEqualTo(
            "desired: relative paths need chdir, the directory they are relative to; set chdir or"
                + " make them absolute: store.path (pki)");

    JsonNode invalidInline = result(report, 2, "h1");
    assertThat(invalidInline.path("failed").asBoolean()).isTrue();
    assertThat(invalidInline.path("msg").asString())
        .startsWith("desired:")
        .contains("apiVersion must be 'hostpki/v1'")
        .doesNotContain(".hostpki-desired-");

    JsonNode missing = result(report, 3, "h1");
    assertThat(missing.path("failed").asBoolean()).as(missing.toString()).isTrue();
    assertThat(missing.path("rc").asInt()).isEqualTo(1);
    assertThat(missing.path("msg").asString())
        .startsWith(dir.resolve("missing.yaml") + ": error: no such file\n")
        .contains("missing.yaml is not a valid desired state");

    JsonNode acmeRelative = result(report, 4, "h1");
    assertThat(acmeRelative.path("failed").asBoolean()).as(acmeRelative.toString()).isTrue();
    assertThat(acmeRelative.path("msg").asString())
        .endsWith("make them absolute: server.acme.caBundle (acme-ca.pem),"
            + " server.acme.externalAccountBinding.hmacKey.file (eab.key), server.acme.dns01.hook[0] (./dns-txt.sh)");

    JsonNode acmeMisspelt = result(report, 5, "h1");
    assertThat(acmeMisspelt.path("failed").asBoolean()).as(acmeMisspelt.toString()).isTrue();
    assertThat(acmeMisspelt.path("rc").asInt()).isEqualTo(1);
    assertThat(acmeMisspelt.path("msg").asString())
        .startsWith("desired:")
        .contains("unknown key 'challange' in server.acme; did you mean 'challenge'?");

    assertThat(failureMessage(report, 6))
        .isEqualTo("secrets: 'HOSTPKI PASSWORD' is not an environment variable name (letters, digits and _,"
            + " not starting with a digit); use the NAME of the desired state's {env: NAME}");
    // A parameter value hostpki refuses (exit 64): said as sign and revoke say it, not "too old".
    assertThat(result(report, 7, "h1").path("rc").asInt()).isEqualTo(64);
    assertThat(failureMessage(report, 7))
        .startsWith("hostpki exited with code 64 (a usage error: a parameter value it refuses, or a hostpki older"
            + " than this module): error: invalid value for the task's lock_timeout (--lock-timeout): 'soon' is not"
            + " a duration");
    // Outside text (here a file name) in msg is escaped as hostpki escapes it on a terminal: the
    // JSON diagnostics it comes from carry it as it is.
    assertThat(failureMessage(report, 8))
        .contains("the name 'ev\\x1b[31mil\\x07' (from the file name)")
        .doesNotContain("\u001b", "\u0007");
    assertThat(Ansible.stats(report, "h1").path("ignored").asInt()).isEqualTo(9);
  }

  @Test
  void testTwoTasksOnOneStore_warnNamingBothAndEachTaskStartsJavaOnce() throws Exception {
    // Trial: two tasks of a play with inline desired states for one store.path rewrote it back and
    // forth on every run, each reporting changed, and nothing said why. And every task started
    // Java twice: hostpki apply, then hostpki status for the store's paths and fingerprints.
    Path calls = dir.resolve("calls.log");
    Path counting = dir.resolve("counting-hostpki");
    Files.writeString(counting, "#!/bin/sh\necho \"$1\" >> '" + calls + "'\nexec '"
        + Cli.projectDir().resolve("bin/hostpki") + "' \"$@\"\n");
    Files.setPosixFilePermissions(counting, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

    JsonNode first = ansible.playbook("two-tasks.yml", "--limit", "h1", "-e", "hostpki=" + counting);
    String served = fingerprintOf(dir.resolve("two/pki/server.crt"));
    JsonNode second = ansible.playbook("two-tasks.yml", "--limit", "h1", "-e", "hostpki=" + counting);

    assertThat(Files.readAllLines(calls)).as("one hostpki per task and run").containsExactly(
        "apply", "apply", "apply", "apply");
    JsonNode rewrite = result(first, 1, "h1");
    assertThat(rewrite.path("changed").asBoolean()).as(first.toString()).isTrue();
    assertThat(rewrite.path("server").path("sha256").asString()).as("the store's facts, from the apply")
        .isEqualTo(served);
    assertThat(rewrite.path("warnings").toString())
        .contains("was last written by another task's inline desired state (two-tasks.yml:Portal_certificate),"
            + " which differs from this task's (two-tasks.yml:Portal_certificate_again): the two tasks undo"
            + " each other's changes");
    assertThat(result(second, 0, "h1").path("warnings").toString())
        .contains("another task's inline desired state (two-tasks.yml:Portal_certificate_again)");
    assertThat(Ansible.stats(second, "h1").path("changed").asInt()).as("it flips on every run").isEqualTo(2);
  }

  private static String fingerprintOf(Path pem) throws Exception {
    return org.hostpki.pki.Pem.readCertificates(Files.readAllBytes(pem)).get(0).fingerprint().hex();
  }

  @Test
  void testFailedHook_failsTheTaskAsChangedAndTheNextRunRetriesIt() throws Exception {
    JsonNode report = ansible.playbook("hooks.yml");

    JsonNode failed = result(report, 0, "h1");
    assertThat(failed.path("failed").asBoolean()).as(failed.toString()).isTrue();
    assertThat(failed.path("changed").asBoolean()).as("the store was written").isTrue();
    assertThat(failed.path("rc").asInt()).isEqualTo(3);
    assertThat(failed.path("msg").asString()).contains("afterServerChange hook [sh, -c,", "exited with status 1");
    assertThat(failed.path("plan").path("changes")).isNotEmpty();

    JsonNode retried = result(report, 2, "h1");
    assertThat(retried.path("failed").asBoolean()).as(retried.toString()).isFalse();
    assertThat(retried.path("changed").asBoolean()).as("the pending hook ran").isTrue();
    assertThat(retried.path("hooks_ran").get(0).asString()).isEqualTo("afterServerChange");
    assertThat(retried.path("plan").path("changes")).isEmpty();
    // --diff says why the task changed: the pending hook is its only change.
    JsonNode hookDiff = retried.path("diff").path(0);
    assertThat(hookDiff.path("before_header").asString()).as(retried.toString()).isEqualTo("hook/afterServerChange");
    assertThat(hookDiff.path("after_header").asString()).isEqualTo("hook/afterServerChange (run)");
    assertThat(hookDiff.path("after").asString())
        .startsWith("# run: pending since ")
        .contains("; the last attempt failed: afterServerChange hook [sh, -c,", "exited with status 1\nchanged: ca, server, ");

    JsonNode converged = result(report, 3, "h1");
    assertThat(converged.path("changed").asBoolean()).as(converged.toString()).isFalse();
    assertThat(Files.readAllLines(dir.resolve("h1/hook-runs"))).hasSize(2);

    // The store's password came from the module's no_log option secrets: hostpki got it (the
    // PKCS#12 file opens with it), the results, -vvv's module arguments and the hooks did not.
    try (var in = Files.newInputStream(dir.resolve("h1/hooked-pki/server.p12"))) {
      java.security.KeyStore.getInstance("PKCS12").load(in, HOOKED_PASSWORD.toCharArray());
    }
    assertThat(failed.path("invocation").path("module_args").path("secrets").path("HOOKED_PASSWORD").asString())
        .isEqualTo("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER");
    assertThat(report.toString()).doesNotContain(HOOKED_PASSWORD);
    String hookEnvironment = Files.readString(dir.resolve("h1/hook-env"));
    assertThat(hookEnvironment).contains("HOSTPKI_HOOK=afterServerChange").doesNotContain(HOOKED_PASSWORD, "HOOKED_PASSWORD=");
  }

  private static final String HOOKED_PASSWORD = "hooked-s3cret-Pa55";

  @Test
  void testAnsibleDoc_rendersTheModuleDocumentation() throws Exception {
    ProcessResult doc = ansible.run("ansible-doc", "-t", "module", "hostpki.pki.store", "hostpki.pki.sign", "hostpki.pki.revoke");

    assertThat(doc.exitCode()).as(doc.toString()).isZero();
    assertThat(doc.stderr()).as(doc.toString()).doesNotContain("ERROR", "WARNING");
    assertThat(doc.stdout())
        .contains("HOSTPKI.PKI.STORE", "- config", "- desired", "- executable", "- replace", "- lock_timeout",
            "- unattended", "- secrets")
        .contains("EXAMPLES:", "RETURN VALUES:", "- plan", "- warnings")
        .contains("HOSTPKI.PKI.SIGN", "- csr", "- csr_base64", "- names", "- validity", "- chain", "HOSTPKI.PKI.REVOKE",
            "- serial", "- reason");
  }
}
