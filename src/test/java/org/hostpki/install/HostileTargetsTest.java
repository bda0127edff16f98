package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.install.DebianSystemTrustTest.desired;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hostpki.pki.Certificate;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What others may have put where hostpki installs: links planted under hostpki's names, pipes that
 * would block a reader, tools that print terminal escapes or never finish. (Fedora's layout with a
 * stand-in tool: the cheapest target that runs a tool.)
 */
class HostileTargetsTest {
  @TempDir Path root;
  private HostTree tree;
  private Path anchors;
  private final Certificate ca = TestCa.selfSignedRoot("hostpki Test CA");

  @BeforeEach
  void setUp() throws IOException {
    tree = HostTree.fedora(root);
    anchors = tree.path("etc/pki/ca-trust/source/anchors");
  }

  private SystemTrustInstaller installer(String toolBody, Duration timeout) throws IOException {
    Path tool =
        tree.script(
            "stand-in/update-ca-trust",
            "cat " + anchors + "/*.pem > " + tree.path("etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem") + " 2>/dev/null\n" + toolBody);
    ToolRunner tools = new ToolRunner(List.of(tool.getParent()), timeout);
    return new SystemTrustInstaller(SystemTrustLayout.detect(root).orElseThrow(), tools, tool, HostTree.EVERY_NAME);
  }

  @Test
  void testApply_aLinkPlantedUnderHostpkisNameIsReplacedNeverFollowed() throws IOException {
    Path secret = Files.writeString(root.resolve("shadow"), "root:x:secret\n");
    Files.createSymbolicLink(anchors.resolve("hostpki-web-1a2b3c4d-ca.pem"), secret);

    assertThat(installer("", Duration.ofSeconds(30)).observe().damaged()).containsExactly("web-1a2b3c4d-ca");
    installer("", Duration.ofSeconds(30)).apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(Files.isSymbolicLink(anchors.resolve("hostpki-web-1a2b3c4d-ca.pem"))).isFalse();
    assertThat(anchors.resolve("hostpki-web-1a2b3c4d-ca.pem")).hasContent(ca.pem().strip());
    assertThat(secret).hasContent("root:x:secret");
  }

  @Test
  void testObserve_aPipeUnderHostpkisNameIsDamagedAndNeverOpened() throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", anchors.resolve("hostpki-pipe.pem").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    assertThat(installer("", Duration.ofSeconds(30)).observe().damaged()).containsExactly("pipe");
    assertThat(installer("", Duration.ofSeconds(30)).apply(desired("web-1a2b3c4d-ca", ca)).damaged()).isEmpty();
    assertThat(anchors.resolve("hostpki-pipe.pem")).doesNotExist();
  }

  @Test
  void testApply_toolOutputWithTerminalEscapesIsShownEscaped() throws IOException {
    SystemTrustInstaller noisy = installer("printf 'bad\\033[2K\\033[1A forged\\n' >&2\nexit 1\n", Duration.ofSeconds(30));

    assertThatThrownBy(() -> noisy.apply(desired("web-1a2b3c4d-ca", ca)))
        .hasMessageContaining("bad\\x1b[2K\\x1b[1A forged")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b"));
  }

  @Test
  void testApply_aToolThatNeverFinishesIsStoppedAndTheAnchorsPutBack() throws IOException {
    SystemTrustInstaller hanging = installer("exec sleep 600\n", Duration.ofSeconds(1));

    assertThatThrownBy(() -> hanging.apply(desired("web-1a2b3c4d-ca", ca)))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("did not finish within 1 s and was stopped");
    assertThat(anchors.resolve("hostpki-web-1a2b3c4d-ca.pem")).doesNotExist();
  }

  @Test
  void testObserve_aJavaStoreThatIsAPipeIsRefusedWithoutBlocking() throws Exception {
    Path pipe = root.resolve("cacerts");
    Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    assertThatThrownBy(() -> new JavaKeystoreInstaller(pipe, Optional.of("changeit".toCharArray()), HostTree.EVERY_NAME).observe())
        .hasMessageEndingWith(pipe + " is not a regular file (a device, pipe or socket)");
  }
}
