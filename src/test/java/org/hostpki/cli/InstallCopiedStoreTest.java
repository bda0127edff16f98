package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.hostpki.install.InstallTargets;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy of a store in another folder of the same host (a backup restored beside the original,
 * tupgrade15) has another tag, and its install record names the original's entries. Before, its
 * plan deleted them as "installed by this store under another tag: the store has moved" while the
 * original was still live, so the original's app lost its trust until the original's next apply.
 * Now the copy leaves entries to a store that is still there and names them in its own record
 * (warning {@code install-other-store}), and takes them over once that store is gone (it moved).
 */
class InstallCopiedStoreTest {
  @TempDir Path dir;

  private CliResult run(Path folder, String... args) {
    CliResult run = Cli.in(folder).clock(Clock.systemUTC()).env(Map.of("HOSTPKI_PASSWORD", "store-secret")).run(args);
    run.assertNoStackTrace();
    return run;
  }

  private void yaml(Path folder) throws Exception {
    Files.createDirectories(folder);
    Files.writeString(
        folder.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore:\n  path: pki\n  password: {env: HOSTPKI_PASSWORD}\n"
            + "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}\n"
            + "trust:\n  install:\n    certificates: [ca]\n    java: [" + dir.resolve("cacerts") + "]\n");
  }

  private List<String> aliases() throws Exception {
    return Collections.list(KeyStore.getInstance(dir.resolve("cacerts").toFile(), "changeit".toCharArray()).aliases());
  }

  /** A store at {@code orig} installing into an empty Java trust store, applied. */
  private Path appliedOriginal() throws Exception {
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    try (var out = Files.newOutputStream(dir.resolve("cacerts"))) {
      empty.store(out, "changeit".toCharArray());
    }
    Path orig = dir.resolve("orig");
    yaml(orig);
    run(orig, "apply", "-f", "host.yaml").assertExitCode(0);
    return orig;
  }

  private static void copy(Path from, Path to) throws Exception {
    assertThat(new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start().waitFor()).isZero();
  }

  @Test
  void testCopyOfALiveStore_leavesTheOriginalsEntriesAndTakesThemOverOnceTheOriginalIsGone() throws Exception {
    Path orig = appliedOriginal();
    String origTag = InstallTargets.storeTag(orig.resolve("pki"));
    assertThat(Files.readString(orig.resolve("pki/.install/record.json")))
        .contains("\"stores\":{\"" + origTag + "\":\"" + orig.resolve("pki").toRealPath() + "\"}");
    Path copy = dir.resolve("copy");
    copy(orig, copy);
    String copyTag = InstallTargets.storeTag(copy.resolve("pki"));

    CliResult plan = run(copy, "plan", "-f", "host.yaml");
    CliResult apply = run(copy, "apply", "-f", "host.yaml");

    assertThat(plan.out() + plan.err())
        .contains("+ install/java:" + dir.resolve("cacerts") + "/hostpki-" + copyTag + "-ca")
        .doesNotContain("  delete  ")
        .contains("warning: install/java:" + dir.resolve("cacerts") + ": hostpki-" + origTag + "-ca of the store at "
            + orig.resolve("pki").toRealPath() + " (install record): that store is still there");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(aliases()).containsExactlyInAnyOrder("hostpki-" + origTag + "-ca", "hostpki-" + copyTag + "-ca");
    assertThat(Files.readString(copy.resolve("pki/.install/record.json"))).doesNotContain(origTag + "-ca");
    assertThat(run(copy, "plan", "-f", "host.yaml").out()).startsWith("No changes");
    assertThat(run(orig, "plan", "-f", "host.yaml").out()).startsWith("No changes");

    // a store that moved: the folder with the old tag holds no record naming the entries
    Path moved = dir.resolve("moved");
    copy(orig, moved);
    assertThat(new ProcessBuilder("rm", "-rf", orig.toString()).start().waitFor()).isZero();
    CliResult takeover = run(moved, "apply", "-f", "host.yaml");
    assertThat(takeover.out())
        .contains("- install/java:" + dir.resolve("cacerts") + "/hostpki-" + origTag + "-ca")
        .contains("the store has moved")
        .doesNotContain("that store is still there");
    assertThat(aliases()).doesNotContain("hostpki-" + origTag + "-ca").contains("hostpki-" + copyTag + "-ca");
  }

  @Test
  void testCopyWithARecordOfAnOlderBuild_leavesTheOtherTagsEntriesAlone() throws Exception {
    Path orig = appliedOriginal();
    String origTag = InstallTargets.storeTag(orig.resolve("pki"));
    Path copy = dir.resolve("copy");
    copy(orig, copy);
    // a backup taken before the upgrade: its record has no "stores"
    Path record = copy.resolve("pki/.install/record.json");
    String json = Files.readString(record);
    Files.writeString(record, json.replaceFirst("\"stores\":\\{[^}]*\\},", ""));
    assertThat(Files.readString(record)).doesNotContain("stores").contains(origTag + "-ca");
    String copyTag = InstallTargets.storeTag(copy.resolve("pki"));

    CliResult plan = run(copy, "plan", "-f", "host.yaml");
    CliResult apply = run(copy, "apply", "-f", "host.yaml");

    assertThat(plan.out() + plan.err())
        .doesNotContain("  delete  ")
        .doesNotContain("the store has moved")
        .contains("warning: install/java:" + dir.resolve("cacerts") + ": hostpki-" + origTag + "-ca (install record)"
            + " were installed by a store in another folder")
        .contains("keytool -delete -keystore " + dir.resolve("cacerts"));
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(aliases()).containsExactlyInAnyOrder("hostpki-" + origTag + "-ca", "hostpki-" + copyTag + "-ca");
    assertThat(Files.readString(record)).doesNotContain(origTag + "-ca");
    assertThat(run(copy, "plan", "-f", "host.yaml").out()).startsWith("No changes");
    assertThat(run(orig, "plan", "-f", "host.yaml").out()).startsWith("No changes");
  }

  /** A store at {@code orig} installing into a new NSS database at {@code db}, applied. */
  private Path appliedNssOriginal(Path db) throws Exception {
    Files.createDirectories(db);
    org.hostpki.testkit.Tool.CERTUTIL.command("-N", "-d", "sql:" + db, "--empty-password").run().assertSucceeded();
    Path orig = dir.resolve("orig");
    yaml(orig);
    Files.writeString(orig.resolve("host.yaml"), Files.readString(orig.resolve("host.yaml"))
        .replace("java: [" + dir.resolve("cacerts") + "]", "nss: [sql:" + db + "]"));
    run(orig, "apply", "-f", "host.yaml").assertExitCode(0);
    return orig;
  }

  private static String nicknames(Path db) {
    return org.hostpki.testkit.Tool.CERTUTIL.command("-L", "-d", "sql:" + db).run().assertSucceeded().stdout();
  }

  /**
   * fnss16: the copy counted its CA as installed by the fingerprint its own install record kept of
   * the original's entry. Once the original replaced its CA, the database held the original's new
   * CA under that nickname and the copy's CA nowhere, and the copy's plan and apply said "No
   * changes" while the app's clients refused the copy's server. It now looks at what the database
   * holds under the original's entries now.
   */
  @Test
  void testCopyOfALiveStoreIntoTheSameNssDatabase_countsTheOriginalsEntryAsInstalledWhileItHoldsTheCopysCa()
      throws Exception {
    Path db = dir.resolve("nssdb");
    Path orig = appliedNssOriginal(db);
    String origTag = InstallTargets.storeTag(orig.resolve("pki"));
    Path copy = dir.resolve("copy");
    copy(orig, copy);
    String copyTag = InstallTargets.storeTag(copy.resolve("pki"));

    CliResult plan = run(copy, "plan", "-f", "host.yaml");
    CliResult apply = run(copy, "apply", "-f", "host.yaml");
    CliResult again = run(copy, "apply", "-f", "host.yaml");

    assertThat(plan.out() + plan.err())
        .doesNotContain("hostpki-" + copyTag + "-ca")
        .doesNotContain("  delete  ")
        .contains("NSS keeps a certificate under one nickname");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out() + again.err()).doesNotContain("does not hold what it should");
    assertThat(nicknames(db)).contains("hostpki-" + origTag + "-ca").doesNotContain(copyTag);
    assertThat(run(orig, "plan", "-f", "host.yaml").out()).startsWith("No changes");

    // the original replaces its CA: its entry now holds its new one, the copy's CA is nowhere
    run(orig, "apply", "-f", "host.yaml", "--replace", "ca").assertExitCode(0);
    CliResult replanned = run(copy, "plan", "-f", "host.yaml");
    CliResult installed = run(copy, "apply", "-f", "host.yaml");

    assertThat(replanned.out()).as(replanned.toString())
        .contains("+ install/nss:" + db + "/hostpki-" + copyTag + "-ca")
        .doesNotContain("  delete  ");
    assertThat(installed.exitCode()).as(installed.toString()).isZero();
    String copyCa = org.hostpki.pki.Pem.readCertificates(Files.readAllBytes(copy.resolve("pki/ca.crt"))).get(0)
        .fingerprint().hex().substring(0, 16);
    assertThat(nicknames(db)).contains("hostpki-" + origTag + "-ca").contains("hostpki-" + copyTag + "-ca " + copyCa);
    assertThat(run(copy, "plan", "-f", "host.yaml").out()).startsWith("No changes");
    assertThat(run(orig, "plan", "-f", "host.yaml").out()).startsWith("No changes");
  }
}
