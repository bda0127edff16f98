package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.install.DebianSystemTrustTest.desired;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hostpki.model.InstallObservation;
import org.hostpki.pki.Certificate;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Fedora/RHEL system store. {@code update-ca-trust} is not in Debian, so a stand-in plays it:
 * it records each call and, like {@code update-ca-trust extract}, writes the extracted bundle from
 * the distribution's roots and the anchors directory.
 */
class FedoraSystemTrustTest {
  @TempDir Path root;
  private HostTree tree;
  private Path calls;
  private ToolRunner tools;
  private final Certificate ca = TestCa.selfSignedRoot("hostpki Test CA");
  private final Certificate next = TestCa.selfSignedRoot("hostpki Test CA");

  @BeforeEach
  void setUp() throws IOException {
    tree = HostTree.fedora(root);
    calls = root.resolve("calls");
    standIn("exit 0\n");
  }

  /** The stand-in: records its arguments, extracts like update-ca-trust, then runs {@code tail}. */
  private void standIn(String tail) throws IOException {
    Path tool =
        tree.script(
            "stand-in/update-ca-trust",
            "echo \"$*\" >> " + calls + "\n"
                + "cat " + tree.path("usr/share/pki/ca-trust-source/tls-ca-bundle.pem") + " "
                + tree.path("etc/pki/ca-trust/source/anchors") + "/* > " + tree.path("etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem") + "\n"
                + tail);
    tools = new ToolRunner(List.of(tool.getParent()), ToolRunner.DEFAULT_TIMEOUT);
  }

  private SystemTrustInstaller installer() {
    InstallTargets.Resolution resolution =
        new InstallTargets(new TrustHost(root, root.resolve("jdk"), tools), HostTree.EVERY_NAME)
            .resolve(InstallSpecs.system(), java.util.Optional.empty());
    assertThat(resolution.problems()).isEmpty();
    return (SystemTrustInstaller) resolution.installers().get(0);
  }

  @Test
  void testDetect_fedoraLayout() {
    SystemTrustLayout layout = installer().layout();

    assertThat(layout.family()).isEqualTo(SystemTrustLayout.Family.FEDORA);
    assertThat(installer().describe())
        .isEqualTo(tree.path("etc/pki/ca-trust/source/anchors") + "/hostpki-NAME.pem, then update-ca-trust extract");
  }

  @Test
  void testApply_writesAnAnchorAndRunsUpdateCaTrustExtract() throws IOException {
    InstallObservation after = installer().apply(desired("web-1a2b3c4d-ca", ca));

    Path anchor = tree.path("etc/pki/ca-trust/source/anchors/hostpki-web-1a2b3c4d-ca.pem");
    assertThat(Files.readString(anchor)).isEqualTo(ca.pem());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(anchor))).isEqualTo("rw-r--r--");
    assertThat(HostTree.lines(calls)).containsExactly("extract");
    assertThat(after.entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
  }

  @Test
  void testApply_rotationReplacesAndRemovesAnchorsOnlyHostpkis() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca, "web-1a2b3c4d-ca-next", next));

    InstallObservation after = installer().apply(desired("web-1a2b3c4d-ca", next, "web-1a2b3c4d-ca-previous", ca));

    assertThat(after.entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", next.fingerprint()), Map.entry("web-1a2b3c4d-ca-previous", ca.fingerprint()));
    assertThat(tree.snapshot("etc/pki/ca-trust/source/anchors"))
        .containsOnlyKeys("someone.pem", "hostpki-web-1a2b3c4d-ca.pem", "hostpki-web-1a2b3c4d-ca-previous.pem")
        .containsEntry("someone.pem", tree.foreignLocalCa.pem());
    installer().apply(new TreeMap<>());
    assertThat(tree.snapshot("etc/pki/ca-trust/source/anchors")).containsOnlyKeys("someone.pem");
    assertThat(HostTree.lines(calls)).containsExactly("extract", "extract", "extract");
  }

  @Test
  void testApply_failingToolIsReportedAndTheAnchorsPutBack() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    Map<String, String> anchors = tree.snapshot("etc/pki/ca-trust/source/anchors");
    standIn("echo 'p11-kit: couldn'\"'\"'t create directory: Read-only file system' >&2\nexit 1\n");
    SystemTrustInstaller failing = installer();

    assertThatThrownBy(() -> failing.apply(desired("web-1a2b3c4d-ca", next)))
        .isInstanceOf(InstallException.class)
        .hasMessageStartingWith("install/system: update-ca-trust extract exited with code 1, printing:\n  stderr: p11-kit: couldn't create directory: Read-only file system")
        .hasMessageContaining("Putting the system store back failed too");
    assertThat(tree.snapshot("etc/pki/ca-trust/source/anchors")).isEqualTo(anchors);
  }

  @Test
  void testApply_toolThatDropsTheAnchorFailsTheCheckAndIsRolledBack() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    Map<String, String> anchors = tree.snapshot("etc/pki/ca-trust/source/anchors");
    // Takes up nothing but the distribution's roots, as with an anchor p11-kit cannot read.
    standIn("cat " + tree.path("usr/share/pki/ca-trust-source/tls-ca-bundle.pem") + " > "
        + tree.path("etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem") + "\n");
    SystemTrustInstaller lazy = installer();

    assertThatThrownBy(() -> lazy.apply(desired("web-1a2b3c4d-ca", ca, "web-1a2b3c4d-ca-next", next)))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("the system store does not hold what it should")
        .hasMessageContaining("The system store was put back as it was.")
        .satisfies(e -> assertThat(((InstallException) e).rolledBack()).isTrue());
    assertThat(tree.snapshot("etc/pki/ca-trust/source/anchors")).isEqualTo(anchors);
  }
}
