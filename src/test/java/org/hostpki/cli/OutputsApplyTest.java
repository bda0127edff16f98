package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.hostpki.testkit.TestCa;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code outputs:}, {@code store.access} and {@code store.previousPassword} carried out by plan
 * and apply on a real store (root, real owners and modes): each output planned at {@code
 * output/FILE} and diffed by what it holds, written inside the generation with its declared
 * owner, group and mode, checked on every read; the password changed in one generation; the
 * hooks of outputs, trust, CA and {@code beforeChange}; and what a user's hands can do to it.
 */
class OutputsApplyTest {
  private static final String PASSWORD = "old-secret";

  @TempDir Path dir;
  private Path store;

  @BeforeEach
  void setUp() {
    store = dir.resolve("pki");
  }

  @Test
  void testApply_everyFormatOpensInItsToolAndASecondApplyChangesNothing() throws IOException {
    write(outputs());

    CliResult first = apply();
    CliResult second = apply();

    assertThat(first.out()).contains("+ output/haproxy.pem", "+ output/pg.key", "+ output/server.jks");
    assertThat(second.out()).contains("No changes");
    openssl("pkey", "-in", store.resolve("server-enc.key").toString(), "-passin", "pass:" + PASSWORD, "-noout");
    assertThat(openssl("pkey", "-in", store.resolve("server-sec1.key").toString(), "-noout").output()).isEmpty();
    assertThat(Files.readString(store.resolve("server-sec1.key"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
    openssl("pkcs12", "-in", store.resolve("app.p12").toString(), "-passin", "pass:", "-noout");
    ProcessResult jks =
        Command.of(Tool.KEYTOOL.require().toString(), "-list", "-keystore", store.resolve("server.jks").toString(),
                "-storepass", PASSWORD)
            .run()
            .assertSucceeded();
    assertThat(jks.output()).contains("portal, ").contains("PrivateKeyEntry");
    assertThat(Files.readString(store.resolve("haproxy.pem")))
        .startsWith("-----BEGIN PRIVATE KEY-----")
        .contains(Files.readString(store.resolve("server-fullchain.crt")));
  }

  @Test
  void testApply_givesEachFileItsDeclaredOwnerGroupAndModeFromCreation() throws IOException {
    write(outputs());

    apply();

    assertAccess("pg.key", "rw-------", "nobody", "nogroup");
    assertAccess("haproxy.pem", "rw-r-----", "root", "ssl-cert"); // store.access
    assertAccess("server.key", "rw-r-----", "root", "ssl-cert");
    assertAccess("server.p12", "rw-r-----", "root", "ssl-cert");
    assertAccess("ca.key", "rw-------", "root", "root"); // store.access is the server key's only
    assertAccess("server.der", "rw-r--r--", "root", "root");
    assertAccess("truststore.p12", "rw-r--r--", "root", "root"); // no password, no secret
  }

  @Test
  void testStatus_listsEachOutputFileWithItsAccessAndState() throws IOException {
    write(outputs());
    CliResult before = run("status", "host.yaml");
    apply();

    CliResult text = run("status", "host.yaml");
    CliResult json = run("status", "host.yaml", "--output", "json");

    assertThat(before.out()).contains("Outputs  haproxy.pem (combined-pem, 0640 -:ssl-cert, missing)");
    assertThat(text.out())
        .contains("Outputs  haproxy.pem (combined-pem, 0640 -:ssl-cert, current)")
        .contains("         pg.key (key, 0600 nobody:nogroup, current)")
        .contains("         server.der (der, 0644 -:-, current)");
    var outputs = org.hostpki.json.OutputSchemas.valid("status.schema.json", json.out()).get("outputs");
    assertThat(outputs.size()).isEqualTo(7);
    assertThat(outputs.get(6).get("owner").asString()).isEqualTo("nobody");
    assertThat(outputs.get(6).get("holds_private_key").asBoolean()).isTrue();
  }

  @Test
  void testPlan_anAccessNarrowedByHandIsWrittenAgainAsDeclared() throws IOException {
    write(outputs());
    apply();
    Files.setPosixFilePermissions(store.resolve("haproxy.pem"), PosixFilePermissions.fromString("rw-------"));

    CliResult plan = run("plan", "-f", "host.yaml");
    apply();

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out()).contains("~ output/haproxy.pem  update   haproxy.pem is 0600 root:ssl-cert; declared 0640 (hostpki's user):ssl-cert");
    assertAccess("haproxy.pem", "rw-r-----", "root", "ssl-cert");
    assertThat(apply().out()).contains("No changes");
  }

  @Test
  void testPlan_aKeyWidenedOrGivenAwayByHandIsRefusedAndNothingChanges() throws IOException {
    write(outputs());
    apply();
    String before = listing();
    Files.setPosixFilePermissions(store.resolve("haproxy.pem"), PosixFilePermissions.fromString("rw-r--r--"));

    CliResult wider = run("apply", "host.yaml");
    Files.setPosixFilePermissions(store.resolve("haproxy.pem"), PosixFilePermissions.fromString("rw-r-----"));
    Files.setOwner(store.resolve("server-enc.key"), lookupUser("nobody"));
    CliResult givenAway = run("apply", "host.yaml");
    Files.setOwner(store.resolve("server-enc.key"), lookupUser("root"));

    assertThat(wider.exitCode()).isEqualTo(1);
    assertThat(wider.err())
        .contains("private key file " + store.resolve("haproxy.pem") + " has mode 0644, wider than the declared 0640");
    assertThat(givenAway.exitCode()).isEqualTo(1);
    assertThat(givenAway.err())
        .contains("private key file " + store.resolve("server-enc.key") + " is owned by nobody, but it belongs to root");
    assertThat(listing()).isEqualTo(before);
  }

  /**
   * pg.key is postgres's (nobody here): it chmods its own file 0644. Refused, that stopped every
   * plan and apply, so no certificate was renewed until a person came; it is written anew as
   * declared instead.
   */
  @Test
  void testApply_aKeyItsServiceUserWidenedIsWrittenAgainAsDeclared() throws IOException {
    write(outputs());
    apply();
    Files.setPosixFilePermissions(store.resolve("pg.key"), PosixFilePermissions.fromString("rw-r--r--"));

    CliResult widened = run("apply", "host.yaml");

    assertThat(widened.exitCode()).as(widened.toString()).isZero();
    assertThat(widened.out()).contains("~ output/pg.key").contains("pg.key is 0644 nobody:nogroup; declared 0600")
        .contains("; the server's key in it may have been read by others meanwhile: consider replacing it"
            + " (hostpki apply --replace server)");
    assertAccess("pg.key", "rw-------", "nobody", "nogroup");
  }

  @Test
  void testApply_declaringLessAfterAnApplyNarrowsHostpkisOwnFilesAsAPlannedUpdate() throws IOException {
    write("outputs:\n  - {format: key, file: app.key, group: ssl-cert, mode: \"0640\"}\n");
    apply();
    writeStore("store: {path: pki, password: {env: PW}}\n", "outputs:\n  - {format: key, file: app.key, mode: \"0600\"}\n");

    CliResult plan = run("plan", "-f", "host.yaml");
    CliResult status = run("status", "host.yaml");
    CliResult narrowing = apply();
    CliResult second = apply();

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out())
        .contains("~ output/server.key  update   server.key is 0640 root:ssl-cert; declared 0600 (hostpki's user):(its group)")
        .contains("~ output/server.p12  update   server.p12 is 0640 root:ssl-cert; declared 0600")
        .contains("~ output/app.key     update   app.key is 0640 root:ssl-cert; declared 0600 (hostpki's user):(its group)");
    assertThat(status.exitCode()).as(status.toString()).isNotEqualTo(1);
    assertThat(narrowing.out()).contains("~ output/server.key");
    assertAccess("server.key", "rw-------", "root", "root");
    assertAccess("server.p12", "rw-------", "root", "root");
    assertAccess("app.key", "rw-------", "root", "root");
    assertThat(second.out()).contains("No changes");
  }

  @Test
  void testApply_aModeForTheGroupWithoutAGroupMeansTheGroupTheFileGetsAndConverges() throws IOException {
    // As Ansible's mode without group: 0640 lets the group hostpki gives a new file (root's) read.
    writeStore(
        "store: {path: pki, password: {env: PW}, access: {mode: \"0640\"}}\n",
        "outputs:\n  - {format: combined-pem, file: web.pem, mode: \"0640\"}\n"
            + "  - {format: key, file: svc.key, owner: nobody, mode: \"0640\"}\n"
            + "  - {format: pkcs12, file: app.p12}\n");

    apply();
    CliResult plan = run("plan", "-f", "host.yaml");
    Files.getFileAttributeView(store.resolve("web.pem"), PosixFileAttributeView.class)
        .setGroup(dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("nogroup"));
    CliResult regrouped = run("apply", "host.yaml");

    assertAccess("server.key", "rw-r-----", "root", "root");
    assertAccess("app.p12", "rw-r-----", "root", "root"); // store.access
    assertAccess("svc.key", "rw-r-----", "nobody", "root");
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out()).contains("No changes");
    assertThat(regrouped.exitCode()).isEqualTo(1);
    assertThat(regrouped.err()).contains("private key file " + store.resolve("web.pem")
        + " may be read by group nogroup, which the desired state does not declare. Fix it: chgrp root "
        + store.resolve("web.pem"));
  }

  @Test
  void testApply_aKeyWidenedByHandToWhatAnOlderGenerationDeclaredIsStillRefused() throws IOException {
    write("");
    apply();
    writeStore("store: {path: pki, password: {env: PW}}\n", "");
    apply();
    String before = listing();
    Files.setPosixFilePermissions(store.resolve("server.key"), PosixFilePermissions.fromString("rw-r--r--"));

    CliResult wider = run("apply", "host.yaml");

    assertThat(wider.exitCode()).isEqualTo(1);
    assertThat(wider.err())
        .contains("private key file " + store.resolve("server.key") + " has mode 0644: group or others may use it."
            + " Restrict it: chmod 600 " + store.resolve("server.key"));
    Files.setPosixFilePermissions(store.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
    assertThat(listing()).isEqualTo(before);
  }

  @Test
  void testRollback_acrossAnAccessChangeGivesTheFilesThatGenerationsAccess() throws IOException {
    write("");
    apply();
    writeStore("store: {path: pki, password: {env: PW}}\n", "");
    apply();

    CliResult back = run("rollback", "-f", "host.yaml");
    CliResult status = run("status", "host.yaml");
    CliResult forward = apply();

    assertThat(back.exitCode()).as(back.toString()).isZero();
    assertThat(back.out())
        .contains("~ output/server.key  update   server.key is 0640 root:ssl-cert; declared 0600");
    assertThat(status.exitCode()).as(status.toString()).isNotEqualTo(1);
    assertThat(forward.out()).contains("~ output/server.key");
    assertAccess("server.key", "rw-------", "root", "root");
    write(""); // store.access declared again: to the first generation, with the access it declared
    CliResult first = run("rollback", "-f", "host.yaml", "--to", generations().get(0));
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out()).contains("The store matches the desired state");
    assertAccess("server.key", "rw-r-----", "root", "ssl-cert");
  }

  /** The store's generations, oldest first. */
  private List<String> generations() throws IOException {
    try (Stream<Path> all = Files.list(store)) {
      return all.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\.\\.[0-9_.]+")).sorted().toList();
    }
  }

  @Test
  void testApply_aSavedPlanWithOutputsAppliesAndConverges() throws IOException {
    write(outputs());

    CliResult saved = run("plan", "-f", "host.yaml", "--out", "plan.json");
    CliResult applied = run("apply", "-f", "host.yaml", "--plan", "plan.json");

    assertThat(saved.exitCode()).as(saved.toString()).isZero();
    assertThat(applied.exitCode()).as(applied.toString()).isZero();
    assertThat(Files.readString(dir.resolve("plan.json"))).contains("\"output/haproxy.pem\"", "\"output/pg.key\"");
    assertAccess("pg.key", "rw-------", "nobody", "nogroup");
    assertAccess("haproxy.pem", "rw-r-----", "root", "ssl-cert");
    assertThat(apply().out()).contains("No changes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"link into the store", "fifo", "directory", "file"})
  void testPlan_anOutputWhoseNameIsTakenInTheStoreIsRefusedWithItsLine(String what) throws IOException {
    write("");
    apply();
    write("outputs:\n  - {format: key, file: new.key}\n");
    Path taken = store.resolve("new.key");
    switch (what) {
      case "link into the store" -> Files.createSymbolicLink(taken, Path.of("..data/ca.key"));
      case "fifo" -> Command.of("mkfifo", taken.toString()).run().assertSucceeded();
      case "directory" -> Files.createDirectory(taken);
      default -> Files.writeString(taken, "mine");
    }
    String before = listing();

    CliResult run = run("apply", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err())
        .contains("error: " + dir.resolve("host.yaml") + ":6:5: the output file 'new.key' is taken: " + taken + " is ");
    assertThat(listing()).isEqualTo(before);
  }

  @Test
  void testApply_anOutputNoLongerDeclaredIsRemovedWhoeverOwnsIt() throws IOException {
    write(outputs());
    apply();
    write("outputs:\n  - {format: der, file: server.der}\n");

    CliResult run = apply();

    assertThat(run.out()).contains("- output/pg.key", "delete   pg.key is no longer declared in outputs");
    assertThat(store.resolve("pg.key")).doesNotExist();
    assertThat(apply().out()).contains("No changes");
  }

  @Test
  void testApply_previousPasswordEncryptsEveryProtectedFileAnewInOneGeneration() throws IOException {
    write(outputs());
    apply();
    CliResult withoutPrevious = cli().env("PW", "new-secret").run("plan", "-f", "host.yaml");
    writeStore("store: {path: pki, password: {env: PW}, previousPassword: {env: OLD_PW}, access: {group: ssl-cert}}\n", outputs());

    CliResult changed = cli().env("PW", "new-secret").env("OLD_PW", PASSWORD).run("apply", "host.yaml");
    CliResult again = cli().env("PW", "new-secret").env("OLD_PW", PASSWORD).run("apply", "host.yaml");

    assertThat(withoutPrevious.exitCode()).isEqualTo(1);
    assertThat(withoutPrevious.err())
        .contains("server.p12: cannot be opened with the store password (from environment variable PW)")
        .contains("set store.password to the new one and store.previousPassword to where the old one is");
    assertThat(changed.exitCode()).as(changed.toString()).isZero();
    assertThat(changed.out())
        .contains("~ output/server.p12      update   store password changed")
        .doesNotContain("output/truststore.p12")
        .contains("~ output/server-enc.key  update   store password changed")
        .contains("~ output/server.jks      update   store password changed");
    assertThat(again.out()).contains("No changes");
    openssl("pkcs12", "-in", store.resolve("server.p12").toString(), "-passin", "pass:new-secret", "-noout");
    assertThat(
            Command.of(Tool.OPENSSL.require().toString(), "pkcs12", "-in", store.resolve("server.p12").toString(),
                    "-passin", "pass:" + PASSWORD, "-noout")
                .run()
                .exitCode())
        .isNotZero();
    openssl("pkey", "-in", store.resolve("server-enc.key").toString(), "-passin", "pass:new-secret", "-noout");
  }

  @Test
  void testApply_aFailingBeforeChangeHookExits1AndChangesNothing() throws IOException {
    write("");
    apply();
    String before = listing();
    write("outputs:\n  - {format: der, file: server.der}\nhooks:\n  beforeChange: [[\"false\"]]\n");

    CliResult run = run("apply", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).contains("error: the beforeChange hook failed, so nothing was changed");
    assertThat(listing()).isEqualTo(before);
  }

  @Test
  void testApply_eachHookRunsOnceForTheChangeItBelongsTo() throws IOException {
    Path log = dir.resolve("hooks.log");
    String hook = "[sh, -c, 'echo \"$HOSTPKI_HOOK $HOSTPKI_CHANGED\" >> " + log + "']";
    write("outputs:\n  - {format: der, file: ca.der, certificate: ca, afterChange: [" + hook + "]}\n"
        + "  - {format: der, file: server.der}\n"
        + "hooks:\n  beforeChange: [" + hook + "]\n  afterTrustChange: [" + hook + "]\n  afterCaChange: [" + hook + "]\n");

    apply();
    List<String> first = Files.readAllLines(log);
    apply();
    List<String> unchanged = Files.readAllLines(log);
    run("apply", "--replace", "server", "host.yaml").assertSucceeded();
    List<String> server = Files.readAllLines(log).subList(unchanged.size(), Files.readAllLines(log).size());

    assertThat(first).hasSize(4);
    assertThat(first.get(0)).startsWith("beforeChange ca,server,");
    assertThat(first.subList(1, 4))
        .containsExactlyInAnyOrder(
            "afterTrustChange output/trust-bundle.crt,output/truststore.p12", "afterCaChange ca", "afterChange:ca.der output/ca.der");
    assertThat(unchanged).isEqualTo(first);
    assertThat(server).hasSize(1).allMatch(l -> l.startsWith("beforeChange server,"));
  }

  /**
   * Found by a trial: after a rollback that took trust/t2 away, HOSTPKI_CHANGED of
   * afterTrustChange named only output/trust-bundle.crt, while truststore.p12 and trust/t2 changed
   * too. It names every changed address, as an apply's does.
   */
  @Test
  void testRollback_aHooksChangedListNamesEveryChangedFileAsAnApplysDoes() throws IOException {
    Path log = dir.resolve("hooks.log");
    String hook = "[sh, -c, 'echo \"$HOSTPKI_HOOK $HOSTPKI_CHANGED\" >> " + log + "']";
    Files.writeString(dir.resolve("t2.pem"), TestCa.selfSignedRoot("T2 Root").pem());
    String hooks = "hooks:\n  afterTrustChange: [" + hook + "]\n";
    write(hooks);
    apply();
    write("trust:\n  certificates:\n    - {name: t2, file: t2.pem}\n" + hooks);
    apply();
    List<String> added = Files.readAllLines(log);

    run("rollback", "host.yaml").assertSucceeded();

    List<String> lines = Files.readAllLines(log);
    assertThat(added.get(added.size() - 1)).isEqualTo("afterTrustChange trust/t2,output/trust-bundle.crt,output/truststore.p12");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("afterTrustChange trust/t2,output/trust-bundle.crt,output/truststore.p12");
  }

  private static String outputs() {
    return "outputs:\n"
        + "  - {format: combined-pem, file: haproxy.pem}\n"
        + "  - {format: key, file: server-sec1.key, encoding: sec1}\n"
        + "  - {format: key, file: server-enc.key, encrypted: true}\n"
        + "  - {format: pkcs12, file: app.p12, alias: portal.example.com, password: none}\n"
        + "  - {format: jks, file: server.jks, alias: portal}\n"
        + "  - {format: der, file: server.der}\n"
        + "  - {format: key, file: pg.key, owner: nobody, group: nogroup, mode: \"0600\"}\n";
  }

  private void write(String rest) throws IOException {
    writeStore("store: {path: pki, password: {env: PW}, access: {group: ssl-cert}}\n", rest);
  }

  private void writeStore(String storeLine, String rest) throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\n" + storeLine + "host: {hostname: portal, domain: example.com, detect: false}\n"
            + "server: {dnsNames: [localhost]}\n" + rest);
    Files.setPosixFilePermissions(dir.resolve("host.yaml"), PosixFilePermissions.fromString("rw-------"));
  }

  private Cli cli() {
    return Cli.in(dir);
  }

  private CliResult run(String... args) {
    return cli().env("PW", PASSWORD).run(args);
  }

  private CliResult apply() {
    CliResult run = run("apply", "host.yaml");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run;
  }

  private static ProcessResult openssl(String... args) {
    return Command.of(Tool.OPENSSL.require().toString()).with(args).run().assertSucceeded();
  }

  private void assertAccess(String name, String mode, String owner, String group) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(store.resolve(name), PosixFileAttributes.class);
    assertThat(PosixFilePermissions.toString(attributes.permissions()) + " " + attributes.owner().getName() + ":"
            + attributes.group().getName())
        .as(name)
        .isEqualTo(mode + " " + owner + ":" + group);
  }

  private java.nio.file.attribute.UserPrincipal lookupUser(String name) throws IOException {
    return dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name);
  }

  /** Every entry of the store but its lock: name, kind, mode, owner, size, link target. */
  private String listing() throws IOException {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> all = Files.walk(store)) {
      for (Path p : all.sorted().toList()) {
        if (p.getFileName().toString().equals(".lock")) {
          continue;
        }
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        out.append(store.relativize(p)).append(' ').append(PosixFilePermissions.toString(a.permissions()))
            .append(' ').append(a.owner().getName()).append(':').append(a.group().getName()).append(' ')
            .append(a.size()).append(a.isSymbolicLink() ? " -> " + Files.readSymbolicLink(p) : "").append('\n');
      }
    }
    return out.toString();
  }
}
