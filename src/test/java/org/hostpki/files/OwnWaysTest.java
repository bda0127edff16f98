package org.hostpki.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When no one else can swap a file, on real folders, links and modes. */
class OwnWaysTest {
  private static final int NOBODY = 65534;

  @TempDir Path dir;
  private Path own;
  private Path open;

  @BeforeEach
  void folders() throws IOException {
    own = Files.createDirectory(dir.resolve("own"));
    open = mode(Files.createDirectory(dir.resolve("open")), "rwxrwxrwx");
    // the way to the test's folder itself (/tmp, sticky, and the JUnit folder) must be clean
    assumeTrue(ways().othersCannotSwap(Files.writeString(own.resolve("probe"), "x"), true),
        "the test folder is on a local file system on a clean way");
  }

  @Test
  void aFileInAFolderOfThisUsersAloneCannotBeSwapped() throws IOException {
    Path file = Files.writeString(own.resolve("ca.pem"), "x");

    assertThat(ways().othersCannotSwap(file, true)).isTrue();
    assertThat(ways().othersCannotSwap(file, false)).isTrue();
  }

  @Test
  void aFolderEveryoneOrItsGroupMayWriteLetsThemSwap() throws IOException {
    Path file = Files.writeString(open.resolve("ca.pem"), "x");
    Path group = mode(Files.createDirectory(dir.resolve("group")), "rwxrwxr-x");
    Path groupFile = Files.writeString(group.resolve("ca.pem"), "x");

    assertThat(ways().othersCannotSwap(file, true)).isFalse();
    assertThat(ways().othersCannotSwap(groupFile, true)).isFalse();
  }

  @Test
  void aFolderAboveThatOthersMayWriteLetsThemSwapTheWholeFolder() throws IOException {
    Path below = Files.createDirectories(open.resolve("a/b"));
    Path file = Files.writeString(below.resolve("ca.pem"), "x");

    assertThat(ways().othersCannotSwap(file, true)).isFalse();
  }

  @Test
  void aLinkIsFollowedHopByHopAndDotDotFromWhereItLed() throws IOException {
    Files.writeString(open.resolve("ca.pem"), "x");
    Files.createDirectory(open.resolve("sub"));
    Files.writeString(own.resolve("mine.pem"), "x");
    Files.createSymbolicLink(own.resolve("hop"), Path.of("../open"));
    Path twoHops = Files.createSymbolicLink(own.resolve("ca.pem"), Path.of("hop/ca.pem"));
    Files.createSymbolicLink(own.resolve("into"), open.resolve("sub"));
    Path clean = Files.createSymbolicLink(own.resolve("clean.pem"), own.resolve("mine.pem"));

    assertThat(ways().othersCannotSwap(twoHops, true)).isFalse();
    assertThat(ways().othersCannotSwap(own.resolve("into/../ca.pem"), true)).as("open/ca.pem").isFalse();
    assertThat(ways().othersCannotSwap(own.resolve("into/../../own/mine.pem"), true)).isFalse();
    assertThat(ways().othersCannotSwap(clean, true)).isTrue();
    assertThat(ways().othersCannotSwap(clean, false)).as("a link not followed").isFalse();
  }

  @Test
  void aLinkInAFolderOthersMayWriteLetsThemPointItElsewhere() throws IOException {
    Path mine = Files.writeString(own.resolve("mine.pem"), "x");
    Files.createSymbolicLink(open.resolve("to-own"), own);
    Path viaOpen = Files.createSymbolicLink(own.resolve("via.pem"), open.resolve("to-own/mine.pem"));

    assertThat(ways().othersCannotSwap(mine, true)).isTrue();
    assertThat(ways().othersCannotSwap(viaOpen, true)).isFalse();
  }

  @Test
  void aStickyFolderProtectsOnlyWhatThisUserOrRootOwns() throws IOException {
    assumeTrue(Files.getAttribute(dir, "unix:uid").equals(0), "root, to give a file to nobody");
    Path sticky = Files.createDirectory(dir.resolve("sticky"));
    Files.setAttribute(sticky, "unix:mode", 01777);
    Path mine = Files.writeString(sticky.resolve("mine.pem"), "x");
    Path theirs = Files.writeString(sticky.resolve("theirs.pem"), "x");
    Files.setAttribute(theirs, "unix:uid", NOBODY);
    Path theirFolder = Files.createDirectory(sticky.resolve("theirs"));
    Path inTheirFolder = Files.writeString(theirFolder.resolve("ca.pem"), "x");
    Files.setAttribute(theirFolder, "unix:uid", NOBODY);
    Path theirLink = Files.createSymbolicLink(sticky.resolve("link.pem"), mine);
    Files.setAttribute(theirLink, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);

    assertThat(ways().othersCannotSwap(mine, true)).isTrue();
    assertThat(ways().othersCannotSwap(theirs, true)).isFalse();
    assertThat(ways().othersCannotSwap(inTheirFolder, true)).isFalse();
    assertThat(ways().othersCannotSwap(theirLink, true)).isFalse();
  }

  @Test
  void aFileOrFolderOfAnotherUsersIsTheirsToSwap() throws IOException {
    assumeTrue(Files.getAttribute(dir, "unix:uid").equals(0), "root, to give a file to nobody");
    Path theirs = Files.writeString(own.resolve("theirs.pem"), "x");
    Files.setAttribute(theirs, "unix:uid", NOBODY);
    Path theirFolder = Files.createDirectory(own.resolve("theirs"));
    Path inTheirFolder = Files.writeString(theirFolder.resolve("ca.pem"), "x");
    Files.setAttribute(theirFolder, "unix:uid", NOBODY);

    assertThat(ways().othersCannotSwap(theirs, true)).as("a lease of its owner's").isFalse();
    assertThat(ways().othersCannotSwap(inTheirFolder, true)).isFalse();
  }

  @Test
  void notAFileOrNotLocalIsNo() throws IOException {
    Path file = Files.writeString(own.resolve("ca.pem"), "x");

    assertThat(new OwnWays(uid(), Map::of).othersCannotSwap(file, true)).as("mounts unknown").isFalse();
    assertThat(ways().othersCannotSwap(Path.of("/proc/self/mounts"), true)).isFalse();
    assertThat(ways().othersCannotSwap(own, true)).as("a folder").isFalse();
    assertThat(ways().othersCannotSwap(own.resolve("missing"), true)).isFalse();
    assertThat(ways().othersCannotSwap(Files.createSymbolicLink(own.resolve("loop"), Path.of("loop")), true))
        .isFalse();
  }

  /** A new one each time: nothing remembered from another test. */
  private static OwnWays ways() {
    return new OwnWays(uid(), MountPoints::typesByDevice);
  }

  private static OptionalInt uid() {
    return FileOwners.processUid(FileSystems.getDefault());
  }

  private static Path mode(Path path, String mode) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    return path;
  }
}
