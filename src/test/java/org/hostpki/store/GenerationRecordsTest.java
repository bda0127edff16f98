package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.store.StoreFiles.bytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records about a generation on the real file system: written with it before its commit, replaced
 * only whole (a new file renamed over the old), never part of the set, never shared with another
 * generation.
 */
class GenerationRecordsTest {
  @TempDir Path temp;
  private Path store;
  private StoreDirectory directory;

  @BeforeEach
  void setUp() {
    store = temp.resolve("pki");
    directory = new StoreDirectory(store, new TestClock(Instant.parse("2026-03-01T12:00:00Z")));
  }

  private static Object inode(Path file) throws IOException {
    return Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
  }

  private String text(String generation, GenerationRecord record) {
    return StoreFiles.text(directory.record(generation, record).orElseThrow());
  }

  @Test
  void testWrite_recordsAreInTheNewGenerationButNotPartOfItsSet() {
    String plain = directory.write(StoreFiles.typical("v1"), bytes("{}"));
    StoreSnapshot withoutRecords = directory.read();

    String generation =
        directory.write(StoreFiles.typical("v1"), bytes("{}"), withoutRecords,
            Map.of(GenerationRecord.HOOKS_DUE, bytes("due")));

    assertThat(generation).isNotEqualTo(plain);
    assertThat(text(generation, GenerationRecord.HOOKS_DUE)).isEqualTo("due");
    assertThat(directory.record(generation, GenerationRecord.HOOKS_DONE)).isEmpty();
    StoreSnapshot snapshot = directory.read();
    assertThat(snapshot.files()).doesNotContainKeys(".hooks-due.json");
    assertThat(snapshot.contentFingerprint()).isEqualTo(withoutRecords.contentFingerprint());
  }

  @Test
  void testPutRecord_replacesItWholeByARenameAndLeavesNoTemporaryFile() throws IOException {
    String generation = directory.write(StoreFiles.typical("v1"), bytes("{}"));
    directory.putRecord(generation, GenerationRecord.HOOKS_DONE, bytes("first"));
    Path record = store.resolve(generation).resolve(".hooks-done.json");
    Object before = inode(record);

    directory.putRecord(generation, GenerationRecord.HOOKS_DONE, bytes("second"));

    assertThat(text(generation, GenerationRecord.HOOKS_DONE)).isEqualTo("second");
    assertThat(inode(record)).as("a new file, not the old one edited").isNotEqualTo(before);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(record))).isEqualTo("rw-r--r--");
    try (Stream<Path> list = Files.list(store.resolve(generation))) {
      assertThat(list.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void testPutRecord_removesTheLeftoverOfAnInterruptedOne() throws IOException {
    String generation = directory.write(StoreFiles.typical("v1"), bytes("{}"));
    Files.writeString(store.resolve(generation).resolve(".hooks-done.json.tmp"), "half");
    assertThat(directory.read().files()).doesNotContainKey(".hooks-done.json.tmp");

    directory.putRecord(generation, GenerationRecord.HOOKS_DONE, bytes("whole"));

    assertThat(text(generation, GenerationRecord.HOOKS_DONE)).isEqualTo("whole");
  }

  @Test
  void testWriteKeepingRecords_copiesThemNeverLinks() throws IOException {
    String first = directory.write(StoreFiles.typical("v1"), bytes("{}"));
    directory.putRecord(first, GenerationRecord.HOOKS_DUE, bytes("due"));
    directory.putRecord(first, GenerationRecord.HOOKS_DONE, bytes("done"));

    // As sign does: a writer that does not deal in records keeps them.
    String second = directory.write(StoreFiles.typical("v2"), bytes("{}"), directory.read());

    assertThat(text(second, GenerationRecord.HOOKS_DUE)).isEqualTo("due");
    assertThat(text(second, GenerationRecord.HOOKS_DONE)).isEqualTo("done");
    assertThat(inode(store.resolve(second).resolve(".hooks-done.json")))
        .isNotEqualTo(inode(store.resolve(first).resolve(".hooks-done.json")));
    directory.putRecord(second, GenerationRecord.HOOKS_DONE, bytes("changed"));
    assertThat(text(first, GenerationRecord.HOOKS_DONE)).isEqualTo("done");
  }

  @Test
  void testActivate_replacesEveryRecordOfTheGenerationBeforeTheSwitch() {
    String first = directory.write(StoreFiles.typical("v1"), bytes("{}"));
    directory.putRecord(first, GenerationRecord.HOOKS_DONE, bytes("done long ago"));
    directory.write(StoreFiles.typical("v2"), bytes("{}"), directory.read());

    directory.activate(first, Map.of(GenerationRecord.HOLD, bytes("held")));

    assertThat(directory.read().generation()).contains(first);
    assertThat(text(first, GenerationRecord.HOLD)).isEqualTo("held");
    assertThat(directory.record(first, GenerationRecord.HOOKS_DONE)).isEmpty();
  }

  @Test
  void testRemoveRecord_removesIt() {
    String generation = directory.write(StoreFiles.typical("v1"), bytes("{}"));
    directory.putRecord(generation, GenerationRecord.HOLD, bytes("held"));

    directory.removeRecord(generation, GenerationRecord.HOLD);

    assertThat(directory.record(generation, GenerationRecord.HOLD)).isEmpty();
  }

  @Test
  void testRecord_thatIsALinkIsRefused() throws IOException {
    String generation = directory.write(StoreFiles.typical("v1"), bytes("{}"));
    Files.createSymbolicLink(store.resolve(generation).resolve(".hold.json"), temp.resolve("elsewhere"));

    assertThatThrownBy(() -> directory.record(generation, GenerationRecord.HOLD))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(".hold.json is a symbolic link").hasMessageContaining("was altered by hand");
  }
}
