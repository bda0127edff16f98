package org.hostpki.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which mount a file is on, read from a {@code mountinfo} table. */
class MountPointsTest {
  private static final List<String> TABLE =
      List.of(
          "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
          "40 22 0:35 / /tmp rw,nosuid,nodev shared:2 - tmpfs tmpfs rw,size=1024k",
          "41 40 7:0 / /tmp/a\\040b rw,noexec,relatime - ext4 /dev/loop0 rw,errors=remount-ro,emergency_ro",
          "42 40 0:36 / /tmp/a\\040b ro,relatime - tmpfs tmpfs ro");

  @Test
  void testMountOf_theLongestMountPointOnTheWay_theLaterOfTwoAtOnePlace() {
    assertThat(MountPoints.mountOf(Path.of("/etc/hostpki"), TABLE))
        .hasValueSatisfying(m -> assertThat(m.words()).isEqualTo("the ext4 file system at /"));
    assertThat(MountPoints.mountOf(Path.of("/tmp/x/../pki"), TABLE))
        .hasValueSatisfying(m -> assertThat(m.device()).isEqualTo("0:35"));
    assertThat(MountPoints.mountOf(Path.of("/tmp/a b/pki/server.key"), TABLE))
        .hasValueSatisfying(m -> {
          assertThat(m.words()).isEqualTo("the tmpfs file system at /tmp/a b");
          assertThat(m.options()).contains("ro").doesNotContain("noexec");
        });
    assertThat(MountPoints.mountOf(Path.of("/tmp/ab"), TABLE))
        .hasValueSatisfying(m -> assertThat(m.mountPoint()).isEqualTo(Path.of("/tmp")));
  }

  @Test
  void testMountOf_optionsOfTheMountAndOfItsFileSystem() {
    assertThat(MountPoints.mountOf(Path.of("/tmp/a b"), TABLE.subList(0, 3)))
        .hasValueSatisfying(m -> assertThat(m.options()).contains("noexec", "emergency_ro", "rw"));
  }

  @Test
  void testMountOf_thisProcessesOwnRoot() {
    assertThat(MountPoints.mountOf(Path.of("/proc/self"))).hasValueSatisfying(m ->
        assertThat(m.type()).isEqualTo("proc"));
  }
}
