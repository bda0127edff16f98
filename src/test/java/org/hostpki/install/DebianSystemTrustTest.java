package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.InstallObservation;
import org.hostpki.pki.Certificate;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian system store with the real {@code update-ca-certificates}, pointed at a test's root
 * with its own directory options: files in /usr/local/share/ca-certificates, links and the bundle
 * in /etc/ssl/certs. (The namespace test in {@code org.hostpki.it} runs it on the real paths.)
 */
class DebianSystemTrustTest {
  private static final Path TOOL = Path.of("/usr/sbin/update-ca-certificates");

  @TempDir Path root;
  private HostTree tree;
  private final Certificate ca = TestCa.selfSignedRoot("hostpki Test CA");
  private final Certificate next = TestCa.selfSignedRoot("hostpki Test CA");

  @BeforeEach
  void setUp() throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(TOOL), "update-ca-certificates is not installed (Debian package ca-certificates)");
    tree = HostTree.debian(root);
  }

  private SystemTrustInstaller installer() {
    return installer(ToolRunner.system(System.getenv()));
  }

  private SystemTrustInstaller installer(ToolRunner tools) {
    return new SystemTrustInstaller(SystemTrustLayout.detect(root).orElseThrow(), tools, tools.find("update-ca-certificates").orElseThrow(), HostTree.EVERY_NAME);
  }

  @Test
  void testApply_writesTheFileAndTheBundleAndTheLinkHoldIt() throws IOException {
    InstallObservation after = installer().apply(desired("web-1a2b3c4d-ca", ca));

    Path file = tree.path("usr/local/share/ca-certificates/hostpki-web-1a2b3c4d-ca.crt");
    assertThat(Files.readString(file)).isEqualTo(ca.pem());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
    assertThat(SystemTrustInstaller.bundleFingerprints(tree.path("etc/ssl/certs/ca-certificates.crt")))
        .contains(ca.fingerprint(), tree.distributionRoot.fingerprint(), tree.foreignLocalCa.fingerprint());
    assertThat(Files.readSymbolicLink(tree.path("etc/ssl/certs/hostpki-web-1a2b3c4d-ca.pem"))).isEqualTo(file);
    assertThat(after.entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    assertThat(installer().observe()).isEqualTo(after);
  }

  @Test
  void testApply_neverTouchesWhatOthersPutThere() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    Map<String, String> foreign = Map.of("someone.crt", tree.foreignLocalCa.pem());

    installer().apply(new TreeMap<>());

    assertThat(tree.snapshot("usr/local/share/ca-certificates")).isEqualTo(foreign);
    assertThat(tree.snapshot("usr/share/ca-certificates")).containsOnlyKeys("mozilla/Distribution_Root.crt");
    assertThat(SystemTrustInstaller.bundleFingerprints(tree.path("etc/ssl/certs/ca-certificates.crt")))
        .containsExactlyInAnyOrder(tree.distributionRoot.fingerprint(), tree.foreignLocalCa.fingerprint());
  }

  @Test
  void testApply_replacingTheCaLeavesOnlyTheNewOneInTheBundle() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));

    installer().apply(desired("web-1a2b3c4d-ca", next));

    Set<Fingerprint> bundle = SystemTrustInstaller.bundleFingerprints(tree.path("etc/ssl/certs/ca-certificates.crt"));
    assertThat(bundle).contains(next.fingerprint()).doesNotContain(ca.fingerprint());
    assertThat(installer().observe().entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", next.fingerprint()));
  }

  @Test
  void testApply_removingAnEntryRemovesItsLinkAndBundleEntry() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca, "web-1a2b3c4d-ca-next", next));

    InstallObservation after = installer().apply(desired("web-1a2b3c4d-ca", next));

    assertThat(tree.path("usr/local/share/ca-certificates/hostpki-web-1a2b3c4d-ca-next.crt")).doesNotExist();
    assertThat(Files.exists(tree.path("etc/ssl/certs/hostpki-web-1a2b3c4d-ca-next.pem"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(SystemTrustInstaller.bundleFingerprints(tree.path("etc/ssl/certs/ca-certificates.crt")))
        .doesNotContain(ca.fingerprint());
    assertThat(after.entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", next.fingerprint()));
  }

  @Test
  void testApply_whatIsAlreadyThereRunsNoTool() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    Path calls = root.resolve("calls");
    Path standIn = tree.script("stand-in/update-ca-certificates", "echo \"$*\" >> " + calls + "\nexit 1\n");

    InstallObservation again = installer(new ToolRunner(List.of(standIn.getParent()), ToolRunner.DEFAULT_TIMEOUT)).apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(again.entries()).containsOnlyKeys("web-1a2b3c4d-ca");
    assertThat(calls).doesNotExist();
  }

  @Test
  void testApply_aFailingToolLeavesTheStoreAsItWasWithTheToolsMessage() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    Path standIn = tree.script("stand-in/update-ca-certificates", "echo 'E: cannot rehash: disk full' >&2\nexit 3\n");
    Map<String, String> before = tree.snapshot("");
    SystemTrustInstaller failing = installer(new ToolRunner(List.of(standIn.getParent()), ToolRunner.DEFAULT_TIMEOUT));

    assertThatThrownBy(() -> failing.apply(desired("web-1a2b3c4d-ca", ca, "trust-ldap", next)))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("install/system: ")
        .hasMessageContaining("update-ca-certificates")
        .hasMessageContaining("exited with code 3, printing:")
        .hasMessageContaining("E: cannot rehash: disk full")
        .hasMessageContaining("Putting the system store back failed too")
        .hasMessageContaining("are as before, the bundle made from them may not be: once the cause is fixed, run update-ca-certificates --fresh")
        .satisfies(e -> assertThat(((InstallException) e).rolledBack()).isFalse());
    // The files are as they were; the tool (failing here too) is what could not run again.
    assertThat(tree.snapshot("usr/local/share/ca-certificates")).isEqualTo(subtree(before, "usr/local/share/ca-certificates/"));
  }

  /**
   * update-ca-certificates reports a hook that failed with an "E:" line and exits 0 all the same
   * (Debian's own jks-keystore does while apt holds dpkg's lock). The tool did its work: the entry
   * stays in the anchors and bundle, for every client that reads them, and the hook's failure is a
   * notice naming it, with what it printed. Putting the store back would take the CA from curl and
   * openssl during every apt run.
   */
  @Test
  void testApply_aHookThatFailsIsANoticeAndTheEntryStays() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    Path hook = tree.script(
        "etc/ca-certificates/update.d/50broken",
        "set -e\ncat >/dev/null\necho 'dpkg: error: dpkg frontend lock was locked by another process with pid 4242' >&2\nexit 2\n");
    List<String> notices = new java.util.ArrayList<>();

    InstallObservation after = installer().apply(desired("web-1a2b3c4d-ca", ca, "web-1a2b3c4d-trust-bmc", next), notices::add);

    assertThat(after.entries()).containsOnlyKeys("web-1a2b3c4d-ca", "web-1a2b3c4d-trust-bmc");
    assertThat(tree.path("usr/local/share/ca-certificates/hostpki-web-1a2b3c4d-trust-bmc.crt")).exists();
    assertThat(SystemTrustInstaller.bundleFingerprints(tree.path("etc/ssl/certs/ca-certificates.crt"))).contains(next.fingerprint());
    assertThat(notices).singleElement().asString()
        .contains("install/system: update-ca-certificates put the entries in ", "but its hook " + hook + " exited with code 2")
        .contains("dpkg frontend lock was locked by another process")
        .doesNotContain("\n");
    // nothing left to do: the next apply runs no tool (and meets no hook)
    assertThat(installer().observe()).isEqualTo(after);
  }

  @Test
  void testApply_failedCheckAfterTheToolIsRolledBack() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    // A tool that succeeds but takes nothing up: the bundle stays as it is.
    Path standIn = tree.script("stand-in/update-ca-certificates", "echo 'Updating certificates... 0 added, 0 removed; done.'\n");
    Map<String, String> before = tree.snapshot("");
    SystemTrustInstaller lazy = installer(new ToolRunner(List.of(standIn.getParent()), ToolRunner.DEFAULT_TIMEOUT));

    assertThatThrownBy(() -> lazy.apply(desired("web-1a2b3c4d-ca", ca, "trust-ldap", next)))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("update-ca-certificates ran, but the system store does not hold what it should: not as it should be: hostpki-trust-ldap")
        .hasMessageContaining("0 added, 0 removed")
        .hasMessageContaining("The system store was put back as it was.");
    assertThat(tree.snapshot("")).isEqualTo(before);
  }

  @Test
  void testObserve_aFileTheToolHasNotTakenUpIsDamaged() throws IOException {
    tree.write("usr/local/share/ca-certificates/hostpki-web-1a2b3c4d-ca.crt", ca.pem());
    tree.write("usr/local/share/ca-certificates/hostpki-garbage.crt", "not a certificate");
    tree.write("usr/local/share/ca-certificates/hostpki-Upper.crt", ca.pem());

    InstallObservation observed = installer().observe();

    assertThat(observed.entries()).isEmpty();
    assertThat(observed.damaged()).containsExactly("garbage", "web-1a2b3c4d-ca"); // hostpki-Upper is no name hostpki gives
  }

  @Test
  void testApply_repairsDamagedEntriesAndRemovesUnwantedOnes() throws IOException {
    tree.write("usr/local/share/ca-certificates/hostpki-garbage.crt", "not a certificate");

    InstallObservation after = installer().apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(after.damaged()).isEmpty();
    assertThat(tree.path("usr/local/share/ca-certificates/hostpki-garbage.crt")).doesNotExist();
  }

  @Test
  void testApply_sameCertificateUnderTwoNamesIsACallersMistake() {
    assertThatThrownBy(() -> installer().apply(desired("web-1a2b3c4d-ca", ca, "trust-copy", ca)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("desired as trust-copy and as web-1a2b3c4d-ca");
  }

  private static Map<String, String> subtree(Map<String, String> snapshot, String prefix) {
    Map<String, String> out = new TreeMap<>();
    snapshot.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  static SortedMap<String, Certificate> desired(Object... namesAndCertificates) {
    SortedMap<String, Certificate> out = new TreeMap<>();
    for (int i = 0; i < namesAndCertificates.length; i += 2) {
      out.put((String) namesAndCertificates[i], (Certificate) namesAndCertificates[i + 1]);
    }
    return out;
  }
}
