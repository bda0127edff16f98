package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rvfinal16 5: hostpki's private folders and files go into a folder of this user's alone in the
 * temporary folder, made safely; one someone else made first is not used, and says why.
 */
class PrivateTempTest {
  @TempDir Path tmp;
  @TempDir Path elsewhere;

  private Path own() throws IOException {
    return tmp.resolve("hostpki-" + Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }

  @Test
  void makesTheUsersOwnFolderOthersMayOnlyPass() throws IOException {
    PrivateTemp.Place place = PrivateTemp.place(tmp);

    assertThat(place.bypassed()).isFalse();
    assertThat(place.folder()).isEqualTo(own());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(own(), LinkOption.NOFOLLOW_LINKS)))
        .isEqualTo("rwx--x--x");
    assertThat(PrivateTemp.place(tmp)).isEqualTo(place);
  }

  @Test
  void aLinkMadeBeforeIsNotFollowedAndSaysWhy() throws IOException {
    Path link = Files.createSymbolicLink(own(), elsewhere);

    PrivateTemp.Place place = PrivateTemp.place(tmp);

    assertThat(place.folder()).isEqualTo(tmp);
    assertThat(place.refused()).contains(link + " is not used: it is a symbolic link (the link leads to " + elsewhere)
        .contains("rm -r " + link);
    assertThat(elsewhere).isEmptyDirectory();
  }

  /**
   * rvcore17 L4: the folder's mode was set through its name, which another user may swap for a
   * link between mkdir and chmod where the temporary folder has no sticky bit: a link's target
   * keeps its mode now.
   */
  @Test
  void theModeIsNeverSetThroughALink() throws IOException {
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
    Path link = Files.createSymbolicLink(own(), elsewhere);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PrivateTemp.passable(link)).isInstanceOf(IOException.class);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(elsewhere))).isEqualTo("rwx------");
  }

  @Test
  void aFolderOthersMayWriteIsNotUsed() throws IOException {
    Files.createDirectory(own());
    Files.setPosixFilePermissions(own(), PosixFilePermissions.fromString("rwxrwxrwx"));

    PrivateTemp.Place place = PrivateTemp.place(tmp);

    assertThat(place.folder()).isEqualTo(tmp);
    assertThat(place.refused()).contains("is not used: others may write it (mode 777)");
  }

  @Test
  void anotherUsersFolderIsNotUsed() throws IOException {
    Assumptions.assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")), "needs root");
    Files.createDirectory(own(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.setAttribute(own(), "unix:uid", 65534);

    PrivateTemp.Place place = PrivateTemp.place(tmp);

    assertThat(place.folder()).isEqualTo(tmp);
    assertThat(place.refused()).contains("is not used: it belongs to uid 65534, not to uid 0");
  }
}
