package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.model.InstallTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From {@code trust.install} to this host's installers, and what cannot be resolved, in words. */
class InstallTargetsTest {
  @TempDir Path root;
  private Path tools;

  @BeforeEach
  void setUp() throws IOException {
    tools = Files.createDirectories(root.resolve("tools"));
  }

  private InstallTargets.Resolution resolve(boolean system, boolean runningJava, List<Path> java, List<Path> nss) {
    return new InstallTargets(new TrustHost(root, root.resolve("usr/lib/jvm/java-17"), new ToolRunner(List.of(tools), ToolRunner.DEFAULT_TIMEOUT)), HostTree.EVERY_NAME)
        .resolve(InstallSpecs.of(system, runningJava, java, nss), Optional.empty());
  }

  private void tool(String name) throws IOException {
    Path file = Files.writeString(tools.resolve(name), "#!/bin/sh\nexit 0\n");
    file.toFile().setExecutable(true);
  }

  /** A Debian host whose JDK's cacerts links to the cacerts ca-certificates-java keeps. */
  private void debianWithJava(boolean javaUpdates) throws Exception {
    HostTree tree = HostTree.debian(root);
    Path cacerts = tree.path("etc/ssl/certs/java/cacerts");
    Files.createDirectories(cacerts.getParent());
    DebianJavaTrustTest.writeJks(cacerts, java.util.Map.of());
    tree.script(SystemTrustLayout.JAVA_HOOK, "exit 0\n");
    tree.write("etc/default/cacerts", "cacerts_updates=" + (javaUpdates ? "yes" : "no") + "\n");
    Path link = tree.path("usr/lib/jvm/java-17/lib/security/cacerts");
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, cacerts);
    tool("update-ca-certificates");
  }

  @Test
  void testResolve_debianJavaIsOneTargetWithTheSystem() throws Exception {
    debianWithJava(true);

    InstallTargets.Resolution resolution = resolve(true, true, List.of(), List.of());

    assertThat(resolution.problems()).isEmpty();
    assertThat(resolution.installers()).extracting(TrustInstaller::target).containsExactly(InstallTarget.system());
    assertThat(resolution.notes())
        .containsExactly(
            "Java's " + root.resolve("etc/ssl/certs/java/cacerts") + " is rebuilt by update-ca-certificates from the"
                + " system store (ca-certificates-java), so it is installed through install/system, as one target");
  }

  @Test
  void testResolve_debianJavaWithoutSystemIsAProblemNamingTheFix() throws Exception {
    debianWithJava(true);

    InstallTargets.Resolution resolution = resolve(false, true, List.of(), List.of());

    assertThat(resolution.installers()).isEmpty();
    assertThat(resolution.problems()).singleElement().asString()
        .contains("is rebuilt by update-ca-certificates from the system store")
        .endsWith("set trust.install.system: true, which installs into it too");
  }

  @Test
  void testResolve_debianJavaWithUpdatesOffIsATargetOfItsOwn() throws Exception {
    debianWithJava(false);

    InstallTargets.Resolution resolution = resolve(true, true, List.of(), List.of());

    assertThat(resolution.installers()).extracting(TrustInstaller::target)
        .containsExactly(InstallTarget.system(), InstallTarget.java(root.resolve("etc/ssl/certs/java/cacerts")));
  }

  @Test
  void testResolve_theRunningJavaNamedAgainByPathIsOneTarget() throws Exception {
    debianWithJava(false);

    InstallTargets.Resolution resolution =
        resolve(false, true, List.of(Path.of("/usr/lib/jvm/java-17/lib/security/cacerts"), Path.of("/etc/ssl/certs/java/cacerts")), List.of());

    assertThat(resolution.installers()).extracting(TrustInstaller::target)
        .containsExactly(InstallTarget.java(root.resolve("etc/ssl/certs/java/cacerts")));
  }

  @Test
  void testResolve_unknownSystemSaysWhatWasLookedFor() {
    InstallTargets.Resolution resolution = resolve(true, false, List.of(), List.of());

    assertThat(resolution.problems()).singleElement().asString()
        .startsWith("trust.install.system: hostpki does not know this system's trust store: it has neither ")
        .contains("etc/pki/ca-trust/source/anchors (Fedora/RHEL)");
  }

  @Test
  void testResolve_fedoraWithoutItsToolSaysWhichPackage() throws IOException {
    HostTree.fedora(root);

    assertThat(resolve(true, false, List.of(), List.of()).problems())
        .containsExactly("trust.install.system: this is a Fedora/RHEL system, but update-ca-trust is not installed (package ca-certificates)");
  }

  @Test
  void testResolve_missingJavaStoreAndMissingCertutil() {
    InstallTargets.Resolution resolution =
        resolve(false, false, List.of(Path.of("/opt/app/jre/lib/security/cacerts")), List.of(Path.of("/home/app/.pki/nssdb")));

    assertThat(resolution.installers()).isEmpty();
    assertThat(resolution.problems())
        .containsExactly(
            "trust.install.nss: certutil is not installed (Debian/Ubuntu: apt install libnss3-tools; Fedora/RHEL: dnf install nss-tools)");
    // A Java trust store its user removed fails alone (the store and the other targets go ahead).
    assertThat(resolution.unreadable())
        .containsExactly(Map.entry(
            org.hostpki.model.InstallTarget.java(root.resolve("opt/app/jre/lib/security/cacerts")),
            "trust.install.java: there is no trust store at " + root.resolve("opt/app/jre/lib/security/cacerts")));
  }

  @Test
  void testResolve_anNssDatabaseThatIsALinkIsNotFollowed() throws IOException {
    tool("certutil");
    Path other = Files.createDirectories(root.resolve("root/.pki/nssdb"));
    Files.writeString(other.resolve("cert9.db"), "");
    Path link = Files.createDirectories(root.resolve("home/app/.pki")).resolve("nssdb");
    Files.createSymbolicLink(link, other);

    InstallTargets.Resolution resolution = resolve(false, false, List.of(), List.of(Path.of("/home/app/.pki/nssdb")));

    assertThat(resolution.installers()).isEmpty();
    // Its user may put the link there at any time: the target fails alone, the plan is not refused.
    assertThat(resolution.problems()).isEmpty();
    assertThat(resolution.unreadable())
        .containsExactly(Map.entry(
            InstallTarget.nss(link),
            "trust.install.nss: " + link + " is a symbolic link (to " + other + "); hostpki runs as root and does not"
                + " follow a link in someone's profile to another database: name the database's own folder"));
    Files.delete(link);
    Files.createDirectories(link);
    Files.writeString(link.resolve("cert9.db"), "");
    assertThat(new InstallTargets(new TrustHost(root, root, new ToolRunner(List.of(tools), ToolRunner.DEFAULT_TIMEOUT)), HostTree.EVERY_NAME)
            .forRecorded(InstallTarget.nss(link), Optional.empty()))
        .isPresent();
    Files.delete(link.resolve("cert9.db"));
    Files.delete(link);
    Files.createSymbolicLink(link, other);
    assertThat(new InstallTargets(new TrustHost(root, root, new ToolRunner(List.of(tools), ToolRunner.DEFAULT_TIMEOUT)), HostTree.EVERY_NAME)
            .forRecorded(InstallTarget.nss(link), Optional.empty()))
        .as("a recorded database replaced by a link since")
        .isEmpty();
  }

  /**
   * A Java trust store named through a link into a hostpki store (its truststore.p12), or an NSS
   * database in one: found by a trial, where apply replaced the file in the store's live
   * generation — a generation is never changed once written, and pruned later.
   */
  @Test
  void testResolve_aTargetInsideAHostpkiStoreIsRefused() throws IOException {
    tool("certutil");
    Path store = Files.createDirectories(root.resolve("var/lib/hostpki/pki"));
    Path generation = Files.createDirectories(store.resolve("..2026_03_01_12_00_00.000000000"));
    Files.createSymbolicLink(store.resolve("..data"), generation.getFileName());
    Files.writeString(generation.resolve("truststore.p12"), "");
    Files.createSymbolicLink(store.resolve("truststore.p12"), Path.of("..data/truststore.p12"));
    Files.writeString(store.resolve("cert9.db"), "");

    InstallTargets.Resolution resolution =
        resolve(false, false, List.of(Path.of("/var/lib/hostpki/pki/truststore.p12")), List.of(Path.of("/var/lib/hostpki/pki")));

    assertThat(resolution.installers()).isEmpty();
    assertThat(resolution.problems())
        .containsExactly(
            "trust.install.java: " + store.resolve("truststore.p12") + " (" + generation.toRealPath().resolve("truststore.p12")
                + ") is inside the hostpki store " + store.toRealPath() + ", whose files only hostpki apply writes: installing"
                + " there would change a kept generation. Name a trust store outside any hostpki store",
            "trust.install.nss: " + store + " is inside the hostpki store " + store + ", whose files only hostpki apply"
                + " writes: installing there would change a kept generation. Name a trust store outside any hostpki store");
  }

  @Test
  void testForRecorded_aTargetThatIsGoneNeedsNoCleaning() throws IOException {
    tool("certutil");
    InstallTargets targets = new InstallTargets(new TrustHost(root, root, new ToolRunner(List.of(tools), ToolRunner.DEFAULT_TIMEOUT)), HostTree.EVERY_NAME);

    assertThat(targets.forRecorded(InstallTarget.java(root.resolve("gone/cacerts")), Optional.empty())).isEmpty();
    assertThat(targets.forRecorded(InstallTarget.nss(root.resolve("gone/nssdb")), Optional.empty())).isEmpty();
    assertThat(targets.forRecorded(InstallTarget.system(), Optional.empty())).isEmpty();
  }
}
