package org.hostpki.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.hostpki.crash.FileOperation.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The test file system of the crash tests: what it counts, how it fails, what a cut loses. */
class FaultyFileSystemTest {
  private final FileSystem disk = Disks.newDisk();
  private final Path dir = disk.getPath("/d");

  @AfterEach
  void close() throws IOException {
    disk.close();
  }

  private Path on(FaultInjector injector, Path path) {
    return new FaultyFileSystem(disk, injector).getPath(path.toString());
  }

  private static void sync(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static String read(Path path) throws IOException {
    return Files.readString(path, StandardCharsets.UTF_8);
  }

  @Test
  void testOperations_areNumberedInOrderAndReadsAreNotCounted() throws IOException {
    FaultInjector recorder = FaultInjector.recording();
    Path d = on(recorder, dir);

    Files.createDirectory(d);
    Files.writeString(d.resolve("a"), "x");
    Files.readString(d.resolve("a"));
    sync(d.resolve("a"));
    Files.move(d.resolve("a"), d.resolve("b"), StandardCopyOption.ATOMIC_MOVE);
    Files.setPosixFilePermissions(d.resolve("b"), PosixFilePermissions.fromString("rw-------"));
    Files.delete(d.resolve("b"));

    assertThat(recorder.operations())
        .extracting(FileOperation::kind)
        .containsExactly(Kind.CREATE_DIRECTORY, Kind.OPEN_FOR_WRITE, Kind.WRITE, Kind.FORCE,
            Kind.MOVE, Kind.SET_ATTRIBUTE, Kind.DELETE);
    assertThat(recorder.operations()).extracting(FileOperation::index)
        .containsExactly(1, 2, 3, 4, 5, 6, 7);
  }

  @Test
  void testDirectory_canBeOpenedAndSyncedAsOnLinux() throws IOException {
    FaultInjector recorder = FaultInjector.recording();
    Path d = on(recorder, dir);
    Files.createDirectory(d);

    sync(d);

    assertThat(recorder.operations().get(1)).isEqualTo(new FileOperation(2, Kind.FORCE, dir, null));
  }

  @Test
  void testError_failsTheChosenOperationOnlyAndLaterOnesWork() throws IOException {
    Files.createDirectory(dir);
    Path d = on(FaultInjector.failingAt(3, FailureMode.ERROR), dir);
    Files.writeString(d.resolve("a"), "a"); // operations 1 and 2: open, write

    assertThatThrownBy(() -> Files.writeString(d.resolve("b"), "b"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("injected failure of operation #3 OPEN_FOR_WRITE /d/b");
    Files.writeString(d.resolve("c"), "c");

    assertThat(dir.resolve("b")).doesNotExist();
    assertThat(read(dir.resolve("c"))).isEqualTo("c");
  }

  @Test
  void testPowerCut_stopsEveryOperationReadsIncludedAndNothingMoreReachesTheDisk()
      throws IOException {
    Files.createDirectory(dir);
    Path d = on(FaultInjector.failingAt(3, FailureMode.POWER_CUT), dir);
    Files.writeString(d.resolve("a"), "a");

    assertThatThrownBy(() -> Files.writeString(d.resolve("b"), "b"))
        .hasMessageContaining("power cut at operation #3");
    assertThatThrownBy(() -> Files.readString(d.resolve("a"))).hasMessage("the power is off");
    assertThatThrownBy(() -> Files.delete(d.resolve("a"))).hasMessage("the power is off");

    assertThat(read(dir.resolve("a"))).isEqualTo("a");
    assertThat(dir.resolve("b")).doesNotExist();
  }

  @Test
  void testPowerCutLosingUnsynced_emptiesAFileWrittenButNotSynced() throws IOException {
    Files.createDirectory(dir);
    FaultInjector injector = FaultInjector.recording();
    Path d = on(injector, dir);
    Files.writeString(d.resolve("synced"), "kept");
    sync(d.resolve("synced"));
    Files.writeString(d.resolve("unsynced"), "lost");
    sync(d);

    injector.cutPower();

    assertThat(read(dir.resolve("synced"))).isEqualTo("kept");
    assertThat(read(dir.resolve("unsynced"))).isEmpty();
  }

  @Test
  void testPowerCutLosingUnsynced_keepsTheLastSyncedContentOfARewrittenFile() throws IOException {
    Files.createDirectory(dir);
    Files.writeString(dir.resolve("f"), "before the test");
    FaultInjector injector = FaultInjector.recording();
    Path f = on(injector, dir.resolve("f"));
    Files.writeString(f, "rewritten, not synced");

    injector.cutPower();

    assertThat(read(dir.resolve("f"))).isEqualTo("before the test");
  }

  @Test
  void testPowerCutLosingUnsynced_undoesNamesNotSyncedIntoTheirDirectory() throws IOException {
    Files.createDirectory(dir);
    Files.writeString(dir.resolve("old"), "old");
    Files.createSymbolicLink(dir.resolve("current"), disk.getPath("old"));
    FaultInjector injector = FaultInjector.recording();
    Path d = on(injector, dir);
    Files.writeString(d.resolve("new"), "new");
    sync(d.resolve("new"));
    Files.createSymbolicLink(d.resolve("tmp"), d.getFileSystem().getPath("new"));
    Files.move(d.resolve("tmp"), d.resolve("current"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    Files.delete(d.resolve("old"));

    injector.cutPower();

    assertThat(Files.readSymbolicLink(dir.resolve("current")).toString()).isEqualTo("old");
    assertThat(read(dir.resolve("old"))).isEqualTo("old");
    assertThat(dir.resolve("new")).doesNotExist();
    assertThat(dir.resolve("tmp")).doesNotExist();
  }

  @Test
  void testPowerCutLosingUnsynced_keepsWhatADirectorySyncCovered() throws IOException {
    Files.createDirectory(dir);
    FaultInjector injector = FaultInjector.recording();
    Path d = on(injector, dir);
    Files.createDirectory(d.resolve("g.partial"));
    Files.writeString(d.resolve("g.partial").resolve("f"), "f");
    sync(d.resolve("g.partial").resolve("f"));
    sync(d.resolve("g.partial"));
    Files.move(d.resolve("g.partial"), d.resolve("g"), StandardCopyOption.ATOMIC_MOVE);
    sync(d);
    Files.createSymbolicLink(d.resolve("unsynced-link"), d.getFileSystem().getPath("g"));

    injector.cutPower();

    assertThat(read(dir.resolve("g").resolve("f"))).isEqualTo("f");
    assertThat(dir.resolve("g.partial")).doesNotExist();
    assertThat(Files.exists(dir.resolve("unsynced-link"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
        .isFalse();
  }

  @Test
  void testPowerCutLosingUnsynced_atTheChosenOperationUndoesWhatWasNotSynced() throws IOException {
    Files.createDirectory(dir);
    Path d = on(FaultInjector.failingAt(3, FailureMode.POWER_CUT_LOSING_UNSYNCED), dir);
    Files.writeString(d.resolve("a"), "a");

    assertThatThrownBy(() -> sync(d.resolve("a"))).hasMessageContaining("power cut");

    assertThat(dir.resolve("a")).doesNotExist(); // its name was never synced into /d
  }

  @Test
  void testCuttingPowerAt_keepsEverythingAtTheCutAndLosesTheUnsyncedOnCutPower()
      throws IOException {
    Files.createDirectory(dir);
    FaultInjector injector = FaultInjector.cuttingPowerAt(3);
    Path d = on(injector, dir);
    Files.writeString(d.resolve("a"), "a");

    assertThatThrownBy(() -> sync(d.resolve("a"))).hasMessageContaining("power cut");
    assertThat(read(dir.resolve("a"))).as("kept as POWER_CUT keeps it").isEqualTo("a");

    injector.cutPower();
    assertThat(dir.resolve("a")).as("lost as POWER_CUT_LOSING_UNSYNCED loses it").doesNotExist();
  }

  @Test
  void testOperations_countAHardLinkAsOneOperationWithItsTarget() throws IOException {
    Files.createDirectory(dir);
    Files.writeString(dir.resolve("a"), "a");
    FaultInjector recorder = FaultInjector.recording();
    Path d = on(recorder, dir);

    Files.createLink(d.resolve("b"), d.resolve("a"));

    assertThat(recorder.operations())
        .containsExactly(new FileOperation(1, Kind.CREATE_LINK, dir.resolve("b"), dir.resolve("a")));
  }

  @Test
  void testPowerCutLosingUnsynced_keepsALinkWhoseDirectoryWasSynced() throws IOException {
    Files.createDirectories(dir.resolve("old"));
    Files.createDirectories(dir.resolve("new"));
    Files.writeString(dir.resolve("old/f"), "synced before");
    FaultInjector injector = FaultInjector.recording();
    Path d = on(injector, dir);
    Files.createLink(d.resolve("new/f"), d.resolve("old/f"));
    sync(d.resolve("new"));

    injector.cutPower();

    assertThat(read(dir.resolve("new/f"))).isEqualTo("synced before");
    assertThat(Files.isSameFile(dir.resolve("new/f"), dir.resolve("old/f"))).isTrue();
  }

  @Test
  void testPowerCutLosingUnsynced_losesALinkNameNotSyncedButNotItsFile() throws IOException {
    Files.createDirectories(dir.resolve("old"));
    Files.createDirectories(dir.resolve("new"));
    Files.writeString(dir.resolve("old/f"), "synced before");
    FaultInjector injector = FaultInjector.recording();
    Path d = on(injector, dir);
    Files.createLink(d.resolve("new/f"), d.resolve("old/f"));
    sync(d.resolve("old"));

    injector.cutPower();

    assertThat(dir.resolve("new/f")).doesNotExist();
    assertThat(read(dir.resolve("old/f"))).isEqualTo("synced before");
  }

  @Test
  void testPowerCutLosingUnsynced_linksShareContentSyncedThroughEitherName() throws IOException {
    Files.createDirectory(dir);
    FaultInjector injector = FaultInjector.recording();
    Path d = on(injector, dir);
    Files.writeString(d.resolve("a"), "written in the test");
    Files.createLink(d.resolve("b"), d.resolve("a"));
    sync(d.resolve("b"));
    sync(d);

    injector.cutPower();

    assertThat(read(dir.resolve("a"))).isEqualTo("written in the test");
    assertThat(read(dir.resolve("b"))).isEqualTo("written in the test");
  }

  @Test
  void testPowerCutLosingUnsynced_anUnsyncedWriteThroughALinkIsLostUnderEveryName()
      throws IOException {
    Files.createDirectory(dir);
    Files.writeString(dir.resolve("a"), "before the test");
    FaultInjector injector = FaultInjector.recording();
    Path d = on(injector, dir);
    Files.createLink(d.resolve("b"), d.resolve("a"));
    sync(d);
    Files.writeString(d.resolve("b"), "rewritten, not synced");

    injector.cutPower();

    assertThat(read(dir.resolve("a"))).isEqualTo("before the test");
    assertThat(read(dir.resolve("b"))).isEqualTo("before the test");
  }

  @Test
  void testPowerCutLosingUnsynced_putsBackAnUnsyncedRemovalOfALinkAsTheSameFile()
      throws IOException {
    Files.createDirectory(dir);
    Files.writeString(dir.resolve("a"), "shared");
    Files.createLink(dir.resolve("b"), dir.resolve("a"));
    FaultInjector injector = FaultInjector.recording();
    Path d = on(injector, dir);
    Files.delete(d.resolve("b"));

    injector.cutPower();

    assertThat(read(dir.resolve("b"))).isEqualTo("shared");
    assertThat(Files.isSameFile(dir.resolve("a"), dir.resolve("b"))).isTrue();
  }
}
