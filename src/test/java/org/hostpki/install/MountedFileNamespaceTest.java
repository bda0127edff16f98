package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hostpki.files.MountPoints;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Namespace;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tags;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single file mounted into place, as Docker ({@code -v FILE:FILE}) and Kubernetes ({@code
 * subPath}) mount a certificate or a {@code cacerts}: nothing can be renamed over it. Both ways
 * hostpki replaces files outside its store refuse it before writing, with the way out, and leave
 * it as it was. Before, {@code export -o} said only "device or resource busy" and the Java trust
 * store install the raw rename failure.
 */
@Tag(Tags.NAMESPACE)
class MountedFileNamespaceTest {
  @TempDir Path dir;

  @Test
  void testReplace_aFileMountedIntoPlaceIsRefusedWithTheWayOut() throws Exception {
    Path app = Files.createDirectory(dir.resolve("app"));
    Path certificate = Files.writeString(app.resolve("ca cert.crt"), "placeholder\n"); // \040 in mountinfo
    Path cacerts = Files.writeString(app.resolve("cacerts"), "placeholder\n");
    Path mounted = Files.writeString(dir.resolve("configmap-key"), "old\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    ProcessResult result =
        Namespace.mount()
            .bind(mounted, certificate)
            .bind(mounted, cacerts)
            .run(Command.of(
                java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                MountedFileMain.class.getName(), certificate.toString(), cacerts.toString()));

    assertThat(result.stdout().lines().toList())
        .containsExactly(
            "error cannot write " + certificate + ": it is " + MountPoints.WHY
                + ". Mount the folder that holds it instead, or name a file in a folder hostpki may write",
            "error " + cacerts + " is " + MountPoints.WHY + ". Mount the folder that holds it instead,"
                + " or name a copy hostpki may replace and have the service read that");
    assertThat(Files.readString(mounted)).isEqualTo("old\n");
    try (var left = Files.list(app)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ca cert.crt", "cacerts");
    }
  }

  @Test
  void testIsMountPoint_readsTheEscapedTable() {
    assertThat(MountPoints.isMountPoint(Path.of("/proc"))).isTrue();
    assertThat(MountPoints.isMountPoint(dir)).isFalse();
  }
}
