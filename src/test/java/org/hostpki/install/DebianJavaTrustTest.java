package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.install.DebianSystemTrustTest.desired;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hostpki.model.InstallObservation;
import org.hostpki.pki.Certificate;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On Debian with ca-certificates-java, Java's cacerts is part of the system target. The jks-keystore
 * hook is a stand-in here that records what update-ca-certificates and hostpki hand it and puts a
 * prepared cacerts in place, as ca-certificates-java would write it (the namespace test runs the
 * real one, with dpkg's trigger).
 */
class DebianJavaTrustTest {
  private static final Path TOOL = Path.of("/usr/sbin/update-ca-certificates");

  @TempDir Path root;
  private HostTree tree;
  private Path hookInput;
  private Path cacerts;
  private final Certificate ca = TestCa.selfSignedRoot("hostpki Test CA");

  @BeforeEach
  void setUp() throws IOException, GeneralSecurityException {
    Assumptions.assumeTrue(Files.isExecutable(TOOL), "update-ca-certificates is not installed");
    tree = HostTree.debian(root);
    hookInput = root.resolve("hook-input");
    cacerts = tree.path("etc/ssl/certs/java/cacerts");
    Files.createDirectories(cacerts.getParent());
    writeJks(cacerts, Map.of("debian:distribution_root.pem", tree.distributionRoot));
    tree.write("etc/default/cacerts", "# defaults for ca-certificates-java\ncacerts_updates=yes\n");
    tree.script(
        SystemTrustLayout.JAVA_HOOK,
        "cat >> " + hookInput + "\nif [ -f " + root.resolve("next-cacerts") + " ]; then mv " + root.resolve("next-cacerts") + " " + cacerts + "; fi\n");
  }

  private SystemTrustInstaller installer() {
    InstallTargets.Resolution resolution =
        new InstallTargets(new TrustHost(root, root.resolve("jdk"), ToolRunner.system(System.getenv())), HostTree.EVERY_NAME)
            .resolve(InstallSpecs.system(), Optional.empty());
    return (SystemTrustInstaller) resolution.installers().get(0);
  }

  @Test
  void testDetect_javaIsPartOfTheSystemTarget() {
    assertThat(installer().layout().javaKeystore()).contains(cacerts);
    assertThat(installer().describe()).endsWith("(also Java's " + cacerts + ", which update-ca-certificates rebuilds)");
  }

  @Test
  void testDetect_cacertsUpdatesOffMakesJavaATargetOfItsOwn() throws IOException {
    tree.write("etc/default/cacerts", "cacerts_updates=no\n");

    assertThat(installer().layout().javaKeystore()).isEmpty();
  }

  @Test
  void testApply_installedOnlyWhenJavasCacertsHoldsItToo() throws Exception {
    writeJks(root.resolve("next-cacerts"), Map.of("debian:distribution_root.pem", tree.distributionRoot, "debian:hostpki-web-1a2b3c4d-ca.pem", ca));

    InstallObservation after = installer().apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(after.entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    assertThat(HostTree.lines(hookInput)).contains("+" + tree.path("etc/ssl/certs/hostpki-web-1a2b3c4d-ca.pem"));
  }

  @Test
  void testApply_removalIsHandedToTheJavaHookWhichUpdateCaCertificatesNeverDoes() throws Exception {
    writeJks(root.resolve("next-cacerts"), Map.of("debian:distribution_root.pem", tree.distributionRoot, "debian:hostpki-web-1a2b3c4d-ca.pem", ca));
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    Files.delete(hookInput);
    writeJks(root.resolve("next-cacerts"), Map.of("debian:distribution_root.pem", tree.distributionRoot));

    InstallObservation after = installer().apply(new TreeMap<>());

    assertThat(after.entries()).isEmpty();
    assertThat(after.damaged()).isEmpty();
    // --fresh hands the hook every link again (+), and only hostpki says what went (-).
    assertThat(HostTree.lines(hookInput)).contains("-" + tree.path("etc/ssl/certs/hostpki-web-1a2b3c4d-ca.pem"));
  }

  @Test
  void testApply_hookThatLeavesCacertsAloneFailsAndIsRolledBack() throws IOException {
    Map<String, String> before = tree.snapshot("usr/local/share/ca-certificates");

    assertThatThrownBy(() -> installer().apply(desired("web-1a2b3c4d-ca", ca)))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("the system store does not hold what it should: not as it should be: hostpki-web-1a2b3c4d-ca")
        .hasMessageContaining("The system store was put back as it was.");
    assertThat(tree.snapshot("usr/local/share/ca-certificates")).isEqualTo(before);
  }

  /**
   * The real jks-keystore (set -e) queues the links for ca-certificates-java, then runs {@code dpkg
   * --triggers-only --pending}, which fails while apt or unattended-upgrades holds dpkg's lock.
   * The entry stays in the anchors and bundle; Java's change is queued, so the next apply has
   * nothing to do (no reinstall on every run), and dpkg's triggers bring cacerts in step later.
   */
  @Test
  void testApply_javaHookFailingOnDpkgsLockLeavesTheEntryAndQueuesJava() throws Exception {
    Path pending = root.resolve(SystemTrustInstaller.JAVA_PENDING);
    tree.script(
        SystemTrustLayout.JAVA_HOOK,
        "set -e\nmkdir -p " + pending.getParent() + "\ncat - >> " + pending + "\n"
            + "echo 'dpkg: error: dpkg frontend lock was locked by another process with pid 4242' >&2\nexit 2\n");
    List<String> notices = new java.util.ArrayList<>();

    InstallObservation after = installer().apply(desired("web-1a2b3c4d-ca", ca), notices::add);

    assertThat(after.entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    assertThat(SystemTrustInstaller.bundleFingerprints(tree.path("etc/ssl/certs/ca-certificates.crt"))).contains(ca.fingerprint());
    assertThat(notices).anySatisfy(n -> assertThat(n).contains("jks-keystore exited with code 2", "dpkg frontend lock"));
    assertThat(installer().observe().entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    assertThat(installer().observe().damaged()).isEmpty();

    // dpkg's triggers run once apt is done: ca-certificates-java takes the queue in
    writeJks(cacerts, Map.of("debian:distribution_root.pem", tree.distributionRoot, "debian:hostpki-web-1a2b3c4d-ca.pem", ca));
    Files.delete(pending);
    assertThat(installer().observe().entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
  }

  /**
   * The shipped units without trust-install.conf (ProtectSystem=strict): update-ca-certificates
   * may write the anchors and /etc/ssl/certs, but the real jks-keystore cannot queue in a read-only
   * /var/lib/ca-certificates-java. The warning said "once apt and dpkg are done", which never
   * comes, and named no fix (trial tsystem16, the real tools under the unit's read-only binds).
   */
  @Test
  void testApply_javaHookOnAReadOnlyFileSystemNamesTheDropInNotDpkgsLock() throws IOException {
    tree.script(
        SystemTrustLayout.JAVA_HOOK,
        "echo \"$0: 14: cannot create /var/lib/ca-certificates-java/pending: Read-only file system\" >&2\nexit 2\n");
    List<String> notices = new java.util.ArrayList<>();

    installer().apply(desired("web-1a2b3c4d-ca", ca), notices::add);

    assertThat(notices).anySatisfy(n -> assertThat(n).contains("jks-keystore exited with code 2", "ReadWritePaths=",
        "examples/systemd/trust-install.conf"));
    assertThat(notices).anySatisfy(n -> assertThat(n).startsWith("Java's cacerts does not hold what it should yet")
        .contains("read-only", "trust-install.conf").doesNotContain("once apt and dpkg are done"));
  }

  /**
   * The system store's apply rebuilds Java's cacerts (through this hook) and held only its own lock,
   * while a {@code java:} target naming that file takes the file's lock: both could write it at
   * once. The system apply holds the file's lock too, while the hook runs.
   */
  @Test
  void testApply_holdsTheLockOfJavasCacertsWhileTheHookRebuildsIt() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
    Path lock = JavaKeystoreInstaller.lockFile(cacerts);
    Path seen = root.resolve("seen");
    tree.script(
        SystemTrustLayout.JAVA_HOOK,
        "cat >/dev/null\n/usr/bin/python3 -c 'import fcntl, sys\nf = open(sys.argv[1], \"a\")\ntry:\n"
            + "  fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB); print(\"free\")\nexcept OSError:\n  print(\"held\")' "
            + lock + " >> " + seen + "\n");

    assertThatThrownBy(() -> installer().apply(desired("web-1a2b3c4d-ca", ca))); // cacerts stays behind

    assertThat(HostTree.lines(seen)).isNotEmpty().containsOnly("held");
  }

  @Test
  void testObserve_aJavaEntryWhoseFileIsGoneIsDamaged() throws Exception {
    writeJks(cacerts, Map.of("debian:distribution_root.pem", tree.distributionRoot, "debian:hostpki-old.pem", ca));

    assertThat(installer().observe().damaged()).containsExactly("old");
  }

  static void writeJks(Path file, Map<String, Certificate> entries) throws IOException, GeneralSecurityException {
    KeyStore jks = KeyStore.getInstance("JKS");
    jks.load(null, null);
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    for (Map.Entry<String, Certificate> e : entries.entrySet()) {
      jks.setCertificateEntry(e.getKey(), x509.generateCertificate(new ByteArrayInputStream(e.getValue().der())));
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      jks.store(out, "changeit".toCharArray());
    }
  }
}
