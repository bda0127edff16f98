package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.store.StoreFiles.bytes;
import static org.hostpki.store.StoreFiles.text;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Feature;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.hostpki.model.FileAccess;
import org.hostpki.model.FileKind;
import org.hostpki.model.FileMode;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store engine on Jimfs: layout, generations, links, refusals. */
class StoreDirectoryTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  private FileSystem fs;
  private Path store;
  private TestClock clock;
  private StoreDirectory directory;

  @BeforeEach
  void setUp() throws IOException {
    fs =
        Jimfs.newFileSystem(
            Configuration.unix().toBuilder()
                .setAttributeViews("basic", "owner", "posix", "unix")
                .build());
    store = fs.getPath("/etc/hostpki/pki");
    clock = new TestClock(T0);
    directory = new StoreDirectory(store, clock, "user");
  }

  @AfterEach
  void tearDown() throws IOException {
    fs.close();
  }

  private String write(SortedMap<String, StoreFile> files) {
    String generation = directory.write(files, bytes("{}"));
    clock.advance(Duration.ofMinutes(1));
    return generation;
  }

  private List<String> entries() throws IOException {
    try (Stream<Path> list = Files.list(store)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private void chmod(Path path, String mode) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
  }

  @Test
  void testRead_missingDirectoryIsEmpty() {
    StoreSnapshot snapshot = directory.read();

    assertThat(snapshot.exists()).isFalse();
    assertThat(snapshot.files()).isEmpty();
    assertThat(snapshot).isEqualTo(StoreSnapshot.empty());
  }

  @Test
  void testRead_directoryWithoutDataLinkIsEmpty() throws IOException {
    Files.createDirectories(store);

    assertThat(directory.read().exists()).isFalse();
  }

  @Test
  void testRead_fileInPlaceOfTheStoreIsRefused() throws IOException {
    Files.createDirectories(store.getParent());
    Files.writeString(store, "not a directory");

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessage(
            "store " + store + " is not a directory; store.path must name a directory "
                + "(hostpki creates it when missing)");
  }

  @Test
  void testWrite_firstWriteCreatesStoreAndReadsBack() {
    String generation = write(StoreFiles.typical("v1"));

    StoreSnapshot snapshot = directory.read();
    assertThat(generation).isEqualTo("..2026_03_01_12_00_00.000000000");
    assertThat(snapshot.exists()).isTrue();
    assertThat(snapshot.generation()).contains(generation);
    assertThat(snapshot.files().keySet())
        .containsExactly(
            "ca.crt", "ca.key", "server-fullchain.crt", "server.crt", "server.key",
            "trust-bundle.crt", "trust/ldap.crt");
    assertThat(text(snapshot.file("server.key").orElseThrow())).isEqualTo("server key v1");
    assertThat(snapshot.contentFingerprint())
        .isEqualTo(StoreSnapshot.fingerprintOf(snapshot.files()));
  }

  @Test
  void testWrite_visibleNamesAreLinksThroughData() throws IOException {
    write(StoreFiles.typical("v1"));

    assertThat(Files.readSymbolicLink(store.resolve("server.crt")))
        .isEqualTo(fs.getPath("..data/server.crt"));
    assertThat(Files.readSymbolicLink(store.resolve("trust")))
        .isEqualTo(fs.getPath("..data/trust"));
    assertThat(Files.readString(store.resolve("trust/ldap.crt"))).isEqualTo("ldap v1");
    assertThat(Files.readString(store.resolve("server.key"))).isEqualTo("server key v1");
  }

  @Test
  void testWrite_secondWriteReplacesTheSet() throws IOException {
    String first = write(StoreFiles.typical("v1"));
    String second = write(StoreFiles.typical("v2"));

    StoreSnapshot snapshot = directory.read();
    assertThat(second).isGreaterThan(first);
    assertThat(snapshot.generation()).contains(second);
    assertThat(text(snapshot.file("ca.crt").orElseThrow())).isEqualTo("ca cert v2");
    assertThat(Files.readString(store.resolve("ca.crt"))).isEqualTo("ca cert v2");
    assertThat(Files.readSymbolicLink(store.resolve("..data"))).isEqualTo(fs.getPath(second));
  }

  @Test
  void testReadAgain_isTheEarlierReadOnlyWhileItsGenerationIsLive() {
    write(StoreFiles.typical("v1"));
    StoreSnapshot before = directory.read();

    assertThat(directory.readAgain(before)).isSameAs(before);

    String second = write(StoreFiles.typical("v2")); // another writer, between the read and the lock
    StoreSnapshot again = directory.readAgain(before);
    assertThat(again.generation()).contains(second);
    assertThat(text(again.file("ca.crt").orElseThrow())).isEqualTo("ca cert v2");

    directory.activate(before.generation().orElseThrow()); // a rollback to the earlier generation
    assertThat(directory.readAgain(again).generation()).isEqualTo(before.generation());
    assertThat(directory.readAgain(StoreSnapshot.empty()).generation()).isEqualTo(before.generation());
  }

  @Test
  void testWrite_oldGenerationIsKeptUnchanged() throws IOException {
    String first = write(StoreFiles.typical("v1"));
    write(StoreFiles.typical("v2"));

    assertThat(Files.readString(store.resolve(first).resolve("ca.crt"))).isEqualTo("ca cert v1");
  }

  @Test
  void testWrite_removedFilesLoseTheirVisibleLinks() throws IOException {
    write(StoreFiles.typical("v1"));
    write(StoreFiles.set().with("ca.crt", "ca").with("ca.key", "key").build());

    assertThat(entries()).doesNotContain("server.crt", "trust", "trust-bundle.crt");
    assertThat(entries()).contains("ca.crt", "ca.key", "..data");
    assertThat(directory.read().files().keySet()).containsExactly("ca.crt", "ca.key");
  }

  @Test
  void testWrite_keepsTheLastFiveGenerations() {
    List<String> written =
        Stream.of("v1", "v2", "v3", "v4", "v5", "v6", "v7")
            .map(v -> write(StoreFiles.typical(v)))
            .toList();

    List<Generation> generations = directory.generations();
    assertThat(generations)
        .extracting(Generation::name)
        .containsExactly(written.get(6), written.get(5), written.get(4), written.get(3),
            written.get(2));
    assertThat(generations).extracting(Generation::current)
        .containsExactly(true, false, false, false, false);
  }

  @Test
  void testWrite_sameInstantStillGivesIncreasingNames() {
    String first = directory.write(StoreFiles.typical("v1"), bytes("{}"));
    String second = directory.write(StoreFiles.typical("v2"), bytes("{}"));

    assertThat(second).isEqualTo("..2026_03_01_12_00_00.000000001");
    assertThat(second).isGreaterThan(first);
  }

  @Test
  void testWrite_clockSteppedBackStillGivesIncreasingNames() {
    String first = write(StoreFiles.typical("v1"));
    clock.set(T0.minus(Duration.ofDays(1)));

    String second = write(StoreFiles.typical("v2"));

    assertThat(second).isGreaterThan(first);
    assertThat(directory.read().generation()).contains(second);
  }

  @Test
  void testWrite_metadataIsStoredButNotContent() throws IOException {
    String generation = directory.write(StoreFiles.typical("v1"), bytes("{\"why\":\"first\"}"));

    assertThat(Files.readString(store.resolve(generation).resolve(".generation.json")))
        .isEqualTo("{\"why\":\"first\"}");
    assertThat(directory.read().files()).doesNotContainKey(".generation.json");
    assertThat(directory.generations().get(0).metadata().map(StoreFiles::text))
        .contains("{\"why\":\"first\"}");
  }

  /**
   * .generation.json written as it is encoded (fheap16b): the bytes given in pieces are the
   * file's, and a write that fails half-way (a full disk) leaves the store as it was, no partial
   * generation behind.
   */
  @Test
  void testWrite_streamedMetadataIsTheFileAndItsFailureLeavesTheStoreAsItWas() throws IOException {
    String first = write(StoreFiles.typical("v1"));
    byte[] large = ("{\"p\":\"" + "é".repeat(100_000) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    StreamedContent inPieces =
        out -> {
          for (int i = 0; i < large.length; i += 1000) {
            out.write(large, i, Math.min(1000, large.length - i));
          }
        };
    String second = directory.write(StoreFiles.typical("v2"), inPieces, directory.read(), Map.of());
    assertThat(Files.readAllBytes(store.resolve(second).resolve(".generation.json"))).isEqualTo(large);
    clock.advance(Duration.ofMinutes(1));
    List<String> before = entries();

    StreamedContent failing =
        out -> {
          out.write(large);
          throw new IOException("No space left on device");
        };
    assertThatThrownBy(() -> directory.write(StoreFiles.typical("v3"), failing, directory.read(), Map.of()))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(".generation.json")
        .hasMessageContaining("The store is unchanged");

    assertThat(entries()).isEqualTo(before);
    assertThat(directory.read().generation()).contains(second);
    assertThat(first).isLessThan(second);

    // The encoder's own failure half-way (a bug, an OutOfMemoryError) leaves no NAME.partial either.
    for (Throwable thrown : List.of(new IllegalStateException("the encoder's bug"), new OutOfMemoryError("heap"))) {
      clock.advance(Duration.ofMinutes(1));
      StreamedContent breaking =
          out -> {
            out.write(large);
            if (thrown instanceof Error error) {
              throw error;
            }
            throw (RuntimeException) thrown;
          };
      assertThatThrownBy(() -> directory.write(StoreFiles.typical("v4"), breaking, directory.read(), Map.of()))
          .isSameAs(thrown);
      assertThat(entries()).as(thrown.toString()).isEqualTo(before);
    }
  }

  @Test
  void testWrite_secretFilesAre0600AndOthers0644() throws IOException {
    String generation = write(StoreFiles.typical("v1"));
    Path dir = store.resolve(generation);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.crt"))))
        .isEqualTo("rw-r--r--");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("trust"))))
        .isEqualTo("rwxr-xr-x");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store)))
        .isEqualTo("rwxr-xr-x");
  }

  @Test
  void testWrite_privateKeyNameMustBeSecret() {
    SortedMap<String, StoreFile> files = StoreFiles.set().build();
    files.put("server.key", new StoreFile(bytes("key"), FileKind.CERTIFICATES));

    assertThatThrownBy(() -> directory.write(files, bytes("{}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("server.key");
  }

  @Test
  void testWrite_invalidNameIsRefusedBeforeAnythingIsWritten() {
    SortedMap<String, StoreFile> files =
        StoreFiles.set().with("ca.crt", "ca").with("trust/../../etc/passwd", "x").build();

    assertThatThrownBy(() -> directory.write(files, bytes("{}")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("trust/../../etc/passwd");
    assertThat(Files.exists(store)).isFalse();
  }

  @Test
  void testWrite_regularFileAtAVisibleNameIsRefused() throws IOException {
    Files.createDirectories(store);
    Files.writeString(store.resolve("server.crt"), "an admin's own file");

    assertThatThrownBy(() -> write(StoreFiles.typical("v1")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(store.resolve("server.crt") + " is a regular file")
        .hasMessageContaining("move it out of " + store)
        .hasMessageContaining("nothing was changed")
        .hasMessageNotContaining("the generation still holds"); // there is none
    assertThat(Files.readString(store.resolve("server.crt"))).isEqualTo("an admin's own file");
    assertThat(entries()).containsExactly("server.crt");
  }

  @Test
  void testWrite_regularFileAtANameNewToTheStoreIsRefusedWithoutClaimingAGenerationHoldsIt() throws IOException {
    SortedMap<String, StoreFile> first = StoreFiles.typical("v1");
    first.remove("server-fullchain.crt");
    write(first);
    Files.writeString(store.resolve("server-fullchain.crt"), "an admin's own file");

    assertThatThrownBy(() -> write(StoreFiles.typical("v2")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(store.resolve("server-fullchain.crt") + " is a regular file, where hostpki is to make its link")
        .hasMessageNotContaining("the generation still holds");
    assertThat(Files.readString(store.resolve("server-fullchain.crt"))).isEqualTo("an admin's own file");
  }

  /**
   * {@code cp -r pki/* backup/} (the glob skips ..data and the generations), restored: the
   * usual advice, an empty folder, would make a new CA. The refusal names the copy and the ways
   * back instead.
   */
  @Test
  void testForeignFolderMessage_ofAStoresVisibleFilesCopiedFlat_namesTheRestoreNotAnEmptyFolder()
      throws IOException {
    Files.createDirectories(store);
    for (String name : new String[] {"ca.crt", "ca.key", "server.crt", "server.key"}) {
      Files.writeString(store.resolve(name), "copied");
    }

    String message = directory.foreignFolderMessage(directory.foreignEntries());

    assertThat(message)
        .startsWith("store folder " + store + " holds a CA's ca.crt and ca.key as plain files ('ca.crt', 'ca.key', 'server.crt' and 1 more) but no ..data link")
        .contains("Restore the whole folder from the backup", "docs/guide.md, \"Restoring a store\"",
            "A new or empty folder would get a new CA that no client trusts")
        .doesNotContain("Point store.path at a new or empty folder");
  }

  /** Someone's own CA folder (ca.crt and ca.key, nothing of a server) is not called a store's copy. */
  @Test
  void testForeignFolderMessage_ofAnOwnCaFolder_isTheUsualOne() throws IOException {
    Files.createDirectories(store);
    for (String name : new String[] {"ca.crt", "ca.key", "ca.srl"}) {
      Files.writeString(store.resolve(name), "mine");
    }

    assertThat(directory.foreignFolderMessage(directory.foreignEntries()))
        .contains("holds files that are not a hostpki store", "Point store.path at a new or empty folder");
  }

  @Test
  void testForeignEntries_ofAFolderOfOtherFiles_sortedAndNamedInTheRefusal() throws IOException {
    Files.createDirectories(store.resolve("sites-enabled"));
    for (String name : new String[] {"nginx.conf", "server.crt", "mime\ntypes", ".acme"}) {
      Files.writeString(store.resolve(name), "theirs");
    }
    Files.writeString(store.resolve("evil\u001b[2Kname"), "theirs");

    List<String> foreign = directory.foreignEntries();

    assertThat(foreign) // a file named .acme is not hostpki's record folder
        .containsExactly(".acme", "evil\u001b[2Kname", "mime\ntypes", "nginx.conf", "server.crt", "sites-enabled");
    assertThat(directory.foreignFolderMessage(foreign))
        .startsWith("store folder " + store + " holds files that are not a hostpki store ('.acme', 'evil\\x1b[2Kname', 'mime\\ntypes' and 3 more)")
        .contains("Point store.path at a new or empty folder")
        .doesNotContain("\u001b", "\n");
  }

  @Test
  void testForeignEntries_noneInWhatHostpkiItselfLeavesOrAMountPoint() throws IOException {
    assertThat(directory.foreignEntries()).isEmpty(); // no folder at all
    Files.createDirectories(store.resolve("lost+found"));
    Files.createDirectories(store.resolve(".acme/acme.example_443-0123"));
    Files.createDirectories(store.resolve(".install"));
    Files.createDirectories(store.resolve("..2026_03_01_12_00_00.000000000.partial"));
    Files.writeString(store.resolve(".lock"), "");
    Files.createSymbolicLink(store.resolve("..data_tmp"), fs.getPath("..2026_03_01_12_00_00.000000000"));
    Files.createSymbolicLink(store.resolve("ca.crt"), fs.getPath("..data/ca.crt")); // dangling

    assertThat(directory.foreignEntries()).isEmpty();

    Files.createSymbolicLink(store.resolve("server.crt"), fs.getPath("/etc/nginx/server.crt"));
    assertThat(directory.foreignEntries()).containsExactly("server.crt");
  }

  @Test
  void testForeignEntries_noneInAStoreEvenOneThatLostItsDataLink() throws IOException {
    write(StoreFiles.typical("v1"));
    Files.writeString(store.resolve("notes.txt"), "an admin's own file");
    assertThat(directory.foreignEntries()).isEmpty();

    Files.delete(store.resolve("..data"));

    assertThat(directory.foreignEntries()).isEmpty();
    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("has no ..data link to its current generation");
  }

  @Test
  void testRead_visibleLinkElsewhereIsRefused() throws IOException {
    write(StoreFiles.typical("v1"));
    Files.delete(store.resolve("server.key"));
    Files.createSymbolicLink(store.resolve("server.key"), fs.getPath("/etc/shadow"));

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(store.resolve("server.key") + " is a symbolic link to /etc/shadow")
        .hasMessageContaining("rm " + store.resolve("server.key"));
  }

  @Test
  void testWrite_visibleLinkElsewhereIsRefusedAndKept() throws IOException {
    write(StoreFiles.typical("v1"));
    Files.delete(store.resolve("server.key"));
    Files.createSymbolicLink(store.resolve("server.key"), fs.getPath("/etc/shadow"));

    assertThatThrownBy(() -> write(StoreFiles.typical("v2")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("/etc/shadow");
    assertThat(Files.readSymbolicLink(store.resolve("server.key")))
        .isEqualTo(fs.getPath("/etc/shadow"));
  }

  @Test
  void testRead_missingVisibleLinkIsFine() throws IOException {
    write(StoreFiles.typical("v1"));
    Files.delete(store.resolve("server.crt"));

    assertThat(directory.read().files()).containsKey("server.crt");
  }

  @Test
  void testWrite_repairsAMissingVisibleLink() throws IOException {
    write(StoreFiles.typical("v1"));
    Files.delete(store.resolve("server.crt"));

    write(StoreFiles.typical("v2"));

    assertThat(Files.readString(store.resolve("server.crt"))).isEqualTo("server cert v2");
  }

  @Test
  void testMissingLinks_namesTheVisibleNamesRemovedByHand() throws IOException {
    write(StoreFiles.typical("v1"));
    Files.delete(store.resolve("server.crt"));

    assertThat(directory.missingLinks(directory.read())).containsExactly("server.crt");
  }

  @Test
  void testRestoreLinks_makesOnlyTheMissingLinksAndNoGeneration() throws IOException {
    String generation = write(StoreFiles.typical("v1"));
    List<String> before = entries();
    Files.delete(store.resolve("server.crt"));

    assertThat(directory.restoreLinks(directory.read())).containsExactly("server.crt");

    assertThat(Files.readSymbolicLink(store.resolve("server.crt"))).hasToString("..data/server.crt");
    assertThat(Files.readString(store.resolve("server.crt"))).isEqualTo("server cert v1");
    assertThat(entries()).isEqualTo(before);
    assertThat(directory.generations()).extracting(Generation::name).containsExactly(generation);
    assertThat(directory.missingLinks(directory.read())).isEmpty();
  }

  @Test
  void testRead_danglingDataLinkIsRefused() throws IOException {
    String generation = write(StoreFiles.typical("v1"));
    SafeFiles.deleteTree(store.resolve(generation));

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(store.resolve("..data") + " points to " + generation)
        .hasMessageContaining("does not exist")
        .hasMessageContaining("No generation is kept to restore; remove " + store.resolve("..data"));
  }

  @Test
  void testRead_danglingDataLinkNamesTheNewestKeptGenerationToRollBackTo() throws IOException {
    String kept = write(StoreFiles.typical("v1"));
    String gone = write(StoreFiles.typical("v2"));
    SafeFiles.deleteTree(store.resolve(gone));

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(store.resolve("..data") + " points to " + gone)
        .hasMessageContaining("hostpki rollback --to " + kept)
        .hasMessageNotContaining("next `hostpki apply` writes");
  }

  /**
   * What a write killed between naming its generation and the commit leaves: the generation,
   * complete but never current, {@code ..data_tmp} linking to it, {@code ..data} where it was.
   */
  private String writeInterruptedBeforeCommit(String before, SortedMap<String, StoreFile> files)
      throws IOException {
    String interrupted = write(files);
    Files.delete(store.resolve("..data"));
    Files.createSymbolicLink(store.resolve("..data"), fs.getPath(before));
    Files.createSymbolicLink(store.resolve("..data_tmp"), fs.getPath(interrupted));
    return interrupted;
  }

  /** Before: the advice named the interrupted write's generation, the newest by name (trial). */
  @Test
  void testRead_danglingDataLinkNamesTheNewestCommittedGenerationNotAnInterruptedWrites()
      throws IOException {
    write(StoreFiles.typical("v1"));
    String committed = write(StoreFiles.typical("v2"));
    String gone = write(StoreFiles.typical("v3"));
    String interrupted = writeInterruptedBeforeCommit(gone, StoreFiles.typical("v4"));
    SafeFiles.deleteTree(store.resolve(gone));

    assertThatThrownBy(directory::read)
        .hasMessageContaining(store.resolve("..data") + " points to " + gone)
        .hasMessageContaining("hostpki rollback --to " + committed + "; the newer " + interrupted
            + " is what an interrupted write left, never current")
        .hasMessageNotContaining("--to " + interrupted);
    assertThat(directory.restorable()).contains(committed);

    directory.activate(committed);
    assertThat(text(directory.read().file("ca.crt").orElseThrow())).isEqualTo("ca cert v2");
    assertThat(entries()).doesNotContain("..data_tmp");
  }

  /** An interrupted write's generation is still a complete set: never "a new CA" over it. */
  @Test
  void testRead_danglingDataLinkNamesAnInterruptedWritesGenerationWhenNoOtherIsKept()
      throws IOException {
    String gone = write(StoreFiles.typical("v1"));
    String interrupted = writeInterruptedBeforeCommit(gone, StoreFiles.typical("v2"));
    SafeFiles.deleteTree(store.resolve(gone));

    assertThatThrownBy(directory::read)
        .hasMessageContaining("hostpki rollback --to " + interrupted)
        .hasMessageNotContaining("a new CA");
    assertThat(directory.restorable()).contains(interrupted);
  }

  /** Before: "Make a kept generation current instead" named the interrupted write's. */
  @Test
  void testRead_alteredCurrentGenerationNamesACommittedOneNotAnInterruptedWrites()
      throws IOException {
    String committed = write(StoreFiles.typical("v1"));
    String damaged = write(StoreFiles.typical("v2"));
    String interrupted = writeInterruptedBeforeCommit(damaged, StoreFiles.typical("v3"));
    Files.delete(store.resolve(damaged).resolve("server.key"));
    Files.createDirectory(store.resolve(damaged).resolve("server.key"));

    assertThatThrownBy(directory::read)
        .hasMessageContaining("was altered by hand")
        .hasMessageContaining("hostpki rollback --to " + committed)
        .hasMessageNotContaining("--to " + interrupted);
  }

  @Test
  void testRead_missingDataLinkWithKeptGenerationsIsNotAnEmptyStore() throws IOException {
    write(StoreFiles.typical("v1"));
    String newest = write(StoreFiles.typical("v2"));
    Files.delete(store.resolve("..data"));

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("has no ..data link to its current generation, but keeps 2 generations, the newest " + newest)
        .hasMessageContaining("it is not empty, and hostpki will not make a new CA over it")
        .hasMessageContaining("hostpki rollback --to " + newest);
  }

  @Test
  void testRead_aFirstWriteInterruptedBeforeItsCommitLeavesAStoreNeverWritten() throws IOException {
    // What a crash between naming the first generation and renaming ..data_tmp leaves.
    String interrupted = write(StoreFiles.typical("v1"));
    Files.delete(store.resolve("..data"));
    Files.createSymbolicLink(store.resolve("..data_tmp"), fs.getPath(interrupted));

    assertThat(directory.read()).isEqualTo(StoreSnapshot.empty());

    clock.advance(Duration.ofMinutes(1));
    String written = directory.write(StoreFiles.typical("v2"), bytes("{}"));
    assertThat(directory.read().generation()).contains(written);
    assertThat(Files.exists(store.resolve("..data_tmp"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    Files.delete(store.resolve("..data"));
    assertThatThrownBy(directory::read)
        .hasMessageContaining("keeps 2 generations, the newest " + written)
        .hasMessageContaining("hostpki rollback --to " + written);
  }

  @Test
  void testRead_missingDataLinkNamesTheDesiredStateFileInTheRollbackCommand() throws IOException {
    String newest = write(StoreFiles.typical("v1"));
    Files.delete(store.resolve("..data"));
    StoreDirectory described =
        new StoreDirectory(store, clock, "user", Optional.of(fs.getPath("/etc/hostpki/my host.yaml")));

    assertThatThrownBy(described::read)
        .hasMessageContaining("hostpki rollback -f '/etc/hostpki/my host.yaml' --to " + newest)
        .hasMessageContaining("`hostpki history -f '/etc/hostpki/my host.yaml'` lists the kept ones");
  }

  @Test
  void testRead_directoryWhereAFileBelongsIsAlteredByHandNotMissing() throws IOException {
    String first = write(StoreFiles.typical("v1"));
    String second = write(StoreFiles.typical("v2"));
    Files.delete(store.resolve(second).resolve("server.key"));
    Files.createDirectory(store.resolve(second).resolve("server.key"));

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("store file " + store.resolve(second).resolve("server.key") + " is a directory")
        .hasMessageContaining("generation " + second + " was altered by hand")
        .hasMessageContaining("hostpki rollback --to " + first);
  }

  @Test
  void testRead_dataLinkOutsideTheStoreIsRefused() throws IOException {
    write(StoreFiles.typical("v1"));
    Files.delete(store.resolve("..data"));
    Files.createDirectories(fs.getPath("/elsewhere"));
    Files.createSymbolicLink(store.resolve("..data"), fs.getPath("/elsewhere"));

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("points to /elsewhere, not to a generation in the store")
        .hasMessageContaining("Make the newest kept generation current again with: hostpki rollback --to ..");
  }

  @Test
  void testRead_dataThatIsADirectoryIsRefused() throws IOException {
    Files.createDirectories(store.resolve("..data"));

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(store.resolve("..data") + " is a directory, not the link to the current generation")
        .hasMessageContaining("cp -rL");
  }

  @Test
  void testRead_symbolicLinkInsideTheGenerationIsRefused() throws IOException {
    String generation = write(StoreFiles.typical("v1"));
    Files.createSymbolicLink(
        store.resolve(generation).resolve("trust/extra.crt"), fs.getPath("/etc/passwd"));

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("trust/extra.crt is a symbolic link to /etc/passwd");
  }

  @Test
  void testRead_groupWritableStoreIsRefused() throws IOException {
    write(StoreFiles.typical("v1"));
    chmod(store, "rwxrwxr-x");

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("mode 0775")
        .hasMessageContaining("chmod go-w " + store);
  }

  @Test
  void testRead_storeOwnedByAnotherUserIsRefused() throws IOException {
    write(StoreFiles.typical("v1"));
    Files.setOwner(store, fs.getUserPrincipalLookupService().lookupPrincipalByName("mallory"));

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("owned by mallory, but hostpki runs as user")
        .hasMessageContaining("chown -R user " + store);
  }

  @Test
  void testRead_storeOwnedByRootIsAccepted() throws IOException {
    write(StoreFiles.typical("v1"));
    Files.setOwner(store, fs.getUserPrincipalLookupService().lookupPrincipalByName("root"));

    assertThat(directory.read().exists()).isTrue();
  }

  @Test
  void testRead_privateKeyReadableByOthersIsRefused() throws IOException {
    String generation = write(StoreFiles.typical("v1"));
    chmod(store.resolve(generation).resolve("server.key"), "rw-r--r--");

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("private key file " + store.resolve("server.key"))
        .hasMessageContaining("mode 0644")
        .hasMessageContaining("chmod 600 " + store.resolve("server.key"));
  }

  @Test
  void testRead_withoutPosixViewSkipsPermissionChecks() throws IOException {
    try (FileSystem plain = Jimfs.newFileSystem(Configuration.unix())) {
      StoreDirectory plainStore =
          new StoreDirectory(plain.getPath("/pki"), clock, "nobody-in-particular");

      plainStore.write(StoreFiles.typical("v1"), bytes("{}"));

      assertThat(plainStore.read().files()).hasSize(7);
    }
  }

  @Test
  void testRead_ignoresStaleDataTmpAndHalfWrittenGeneration() throws IOException {
    String generation = write(StoreFiles.typical("v1"));
    Path partial = store.resolve("..2026_03_01_13_00_00.000000000.partial");
    Files.createDirectories(partial.resolve("trust"));
    Files.writeString(partial.resolve("ca.crt"), "half");
    Files.createSymbolicLink(store.resolve("..data_tmp"), partial.getFileName());

    StoreSnapshot snapshot = directory.read();

    assertThat(snapshot.generation()).contains(generation);
    assertThat(text(snapshot.file("ca.crt").orElseThrow())).isEqualTo("ca cert v1");
  }

  @Test
  void testWrite_cleansUpStaleDataTmpAndHalfWrittenGenerations() throws IOException {
    write(StoreFiles.typical("v1"));
    Path partial = store.resolve("..2026_03_01_13_00_00.000000000.partial");
    Files.createDirectories(partial.resolve("trust"));
    Files.writeString(partial.resolve("ca.crt"), "half");
    Files.createDirectories(store.resolve("..2026_03_01_11_00_00.000000000.removing"));
    Files.createSymbolicLink(store.resolve("..data_tmp"), partial.getFileName());

    String generation = write(StoreFiles.typical("v2"));

    assertThat(entries())
        .noneMatch(name -> name.endsWith(".partial") || name.endsWith(".removing"));
    assertThat(entries()).doesNotContain("..data_tmp");
    assertThat(directory.read().generation()).contains(generation);
  }

  @Test
  void testRead_completeGenerationNeverCommittedIsIgnored() throws IOException {
    String committed = write(StoreFiles.typical("v1"));
    // a crash after the generation's rename, before the rename of ..data
    Path orphan = store.resolve("..2026_03_01_13_00_00.000000000");
    Files.createDirectories(orphan);
    Files.writeString(orphan.resolve("ca.crt"), "never committed");

    assertThat(directory.read().generation()).contains(committed);
    assertThat(text(directory.read().file("ca.crt").orElseThrow())).isEqualTo("ca cert v1");
  }

  @Test
  void testWrite_convergesAfterAnUncommittedGeneration() throws IOException {
    write(StoreFiles.typical("v1"));
    Files.createDirectories(store.resolve("..2026_03_01_13_00_00.000000000"));
    clock.set(T0.plus(Duration.ofHours(2)));

    String generation = write(StoreFiles.typical("v2"));

    assertThat(directory.read().generation()).contains(generation);
    assertThat(Files.readString(store.resolve("ca.crt"))).isEqualTo("ca cert v2");
  }

  @Test
  void testWrite_dataTmpThatIsNotALinkIsRefusedAndKept() throws IOException {
    String generation = write(StoreFiles.typical("v1"));
    Files.createDirectories(store.resolve("..data_tmp"));

    assertThatThrownBy(() -> write(StoreFiles.typical("v2")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("..data_tmp is not a symbolic link");
    assertThat(directory.read().generation()).contains(generation);
    assertThat(store.resolve("..data_tmp")).isDirectory();
  }

  @Test
  void testWrite_doesNotPruneTheGenerationsItIsToKeep() throws IOException {
    String first = write(StoreFiles.typical("v1"));
    write(StoreFiles.typical("v2"));

    assertThat(entries()).contains(first);
  }

  @Test
  void testActivate_rollsBackToAnOlderGeneration() throws IOException {
    String first = write(StoreFiles.set().with("ca.crt", "ca1").with("old.crt", "old").build());
    String second = write(StoreFiles.set().with("ca.crt", "ca2").with("new.crt", "new").build());

    directory.activate(first);

    assertThat(directory.read().generation()).contains(first);
    assertThat(Files.readString(store.resolve("ca.crt"))).isEqualTo("ca1");
    assertThat(Files.readString(store.resolve("old.crt"))).isEqualTo("old");
    assertThat(entries()).doesNotContain("new.crt");
    assertThat(directory.generations())
        .extracting(Generation::name, Generation::current)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(second, false),
            org.assertj.core.groups.Tuple.tuple(first, true));
  }

  /**
   * Only the current generation is open to services: a key file an older one gave a group (since
   * narrowed, or an output since removed) must not stay readable there while its key is in use.
   * A rollback opens the generation it activates and closes the one it leaves.
   */
  @Test
  void testWriteAndActivate_onlyTheCurrentGenerationIsOpenToOthers() throws IOException {
    String first = write(StoreFiles.typical("v1"));
    String second = write(StoreFiles.typical("v2"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve(first))))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve(second))))
        .isEqualTo("rwxr-xr-x");

    directory.activate(first);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve(first))))
        .isEqualTo("rwxr-xr-x");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve(second))))
        .isEqualTo("rwx------");
  }

  @Test
  void testActivate_repairsADanglingDataLink() throws IOException {
    String first = write(StoreFiles.typical("v1"));
    String second = write(StoreFiles.typical("v2"));
    SafeFiles.deleteTree(store.resolve(second));

    directory.activate(first);

    assertThat(text(directory.read().file("ca.crt").orElseThrow())).isEqualTo("ca cert v1");
  }

  @Test
  void testActivate_unknownGenerationIsRefused() {
    write(StoreFiles.typical("v1"));

    assertThatThrownBy(() -> directory.activate("..2020_01_01_00_00_00.000000000"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("has no generation ..2020_01_01_00_00_00.000000000")
        .hasMessageContaining("hostpki history");
    assertThatThrownBy(() -> directory.activate("../../etc"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("has no generation ../../etc");
  }

  @Test
  void testWrite_afterRollbackIsNewest() {
    String first = write(StoreFiles.typical("v1"));
    write(StoreFiles.typical("v2"));
    directory.activate(first);

    String third = write(StoreFiles.typical("v3"));

    assertThat(directory.generations().get(0).name()).isEqualTo(third);
    assertThat(directory.generations().get(0).current()).isTrue();
  }

  @Test
  void testGenerationFile_readsAnOlderGenerationWithoutActivatingIt() {
    String first = write(StoreFiles.typical("v1"));
    String second = write(StoreFiles.typical("v2"));

    assertThat(directory.generationFile(first, "server.crt").map(StoreFiles::text))
        .contains("server cert v1");
    assertThat(directory.generationFile(first, "trust/ldap.crt").map(StoreFiles::text))
        .contains("ldap v1");
    assertThat(directory.read().generation()).contains(second);
  }

  @Test
  void testGenerationFile_missingFileIsEmpty() {
    String first = write(StoreFiles.typical("v1"));

    assertThat(directory.generationFile(first, "server.csr")).isEmpty();
    assertThat(directory.generationFile(first, "trust-hashed/abcd.0")).isEmpty();
  }

  @Test
  void testGenerationFile_unknownGenerationIsRefused() {
    write(StoreFiles.typical("v1"));

    assertThatThrownBy(() -> directory.generationFile("..2020_01_01_00_00_00.000000000", "ca.crt"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("has no generation ..2020_01_01_00_00_00.000000000");
    assertThatThrownBy(() -> directory.generationFile("..data", "ca.crt"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("has no generation ..data");
  }

  @Test
  void testGenerationFile_symbolicLinkInsideTheGenerationIsRefused() throws IOException {
    String first = write(StoreFiles.typical("v1"));
    Path planted = store.resolve(first).resolve("server.crt");
    Files.delete(planted);
    Files.createSymbolicLink(planted, fs.getPath("/etc/passwd"));

    assertThatThrownBy(() -> directory.generationFile(first, "server.crt"))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("server.crt is a symbolic link, but hostpki writes only regular files there")
        .hasMessageContaining("altered by hand");
  }

  @Test
  void testGenerations_emptyWhenNeverWritten() {
    assertThat(directory.generations()).isEmpty();
  }

  @Test
  void testGenerations_timeComesFromTheName() {
    write(StoreFiles.typical("v1"));

    assertThat(directory.generations().get(0).time()).isEqualTo(T0);
  }

  @Test
  void testWrite_leavesNoSymlinkFollowingGap() throws IOException {
    write(StoreFiles.typical("v1"));

    for (String name : entries()) {
      Path entry = store.resolve(name);
      if (Files.isSymbolicLink(entry) && !name.equals("..data")) {
        assertThat(Files.readSymbolicLink(entry)).isEqualTo(fs.getPath("..data", name));
      }
    }
    assertThat(Files.isDirectory(store.resolve("..data"), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  /** A Jimfs with the views the store reads (basic, owner, posix, unix), changed by {@code more}. */
  private static FileSystem unixJimfs(java.util.function.UnaryOperator<Configuration.Builder> more) {
    return Jimfs.newFileSystem(
        more.apply(Configuration.unix().toBuilder().setAttributeViews("basic", "owner", "posix", "unix")).build());
  }

  /**
   * Under umask 000 (here: a file system whose new entries are 0777), the folders made above a
   * new store are still 0755: mkdir -p's 0777 made a store the next run refused for its folder.
   */
  @Test
  void testWrite_missingParentsAreNeverWritableByOthersWhateverTheUmask() throws IOException {
    try (FileSystem umask000 = unixJimfs(b -> b.setDefaultAttributeValue("posix:permissions", "rwxrwxrwx"))) {
      new StoreDirectory(umask000.getPath("/srv/a/pki"), clock, "user")
          .write(StoreFiles.typical("v1"), bytes("{}"));

      for (String parent : List.of("/srv", "/srv/a")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(umask000.getPath(parent))))
            .as(parent)
            .isEqualTo("rwxr-xr-x");
      }
    }
  }

  @Test
  void testWrite_onAFileSystemWithoutHardLinksWritesEveryFile() throws IOException {
    try (FileSystem noLinks =
        unixJimfs(b -> b.setSupportedFeatures(
            Feature.SYMBOLIC_LINKS, Feature.SECURE_DIRECTORY_STREAM, Feature.FILE_CHANNEL))) {
      StoreDirectory plain = new StoreDirectory(noLinks.getPath("/pki"), clock, "user");
      plain.write(StoreFiles.typical("v1"), bytes("{}"));
      clock.advance(Duration.ofMinutes(1));
      SortedMap<String, StoreFile> next = StoreFiles.typical("v1");
      next.put("server.crt", new StoreFile(bytes("server cert v2"), FileKind.CERTIFICATES));

      plain.write(next, bytes("{}"), plain.read());

      assertThat(text(plain.read().file("trust/ldap.crt").orElseThrow())).isEqualTo("ldap v1");
      assertThat(text(plain.read().file("server.crt").orElseThrow())).isEqualTo("server cert v2");
      assertThat(plain.generations()).hasSize(2);
    }
  }

  /**
   * FAT and exFAT (a USB stick, a memory card, a NAS share) have no links of either kind. Before,
   * the write got as far as ..data_tmp and failed with an internal error (Jimfs) or the first
   * call's own words ("Operation not permitted" on a chmod or chown: vfat, exfat-fuse).
   */
  @Test
  void testWrite_onAFileSystemWithoutLinksSaysSoAndWhereToPutTheStore() throws IOException {
    try (FileSystem fat = unixJimfs(b -> b.setSupportedFeatures(Feature.FILE_CHANNEL))) {
      Path usb = fat.getPath("/media/usb/pki");
      StoreDirectory onUsb = new StoreDirectory(usb, clock, "user");

      assertThatThrownBy(() -> onUsb.write(StoreFiles.typical("v1"), bytes("{}")))
          .isInstanceOf(HostpkiException.class)
          .hasMessage(
              "cannot write store /media/usb/pki: it is on a file system (jimfs) without symbolic"
                  + " links, such as FAT and exFAT: a store switches its set by renaming one link"
                  + " (..data) and names its files through links, so that readers see the old set or"
                  + " the new one, never a mixture (FAT has no owners or permissions either, which"
                  + " keep its keys private). Set store.path to a folder on a Linux file system"
                  + " (ext4, xfs, btrfs, tmpfs), such as /var/lib/hostpki/pki, and copy what is"
                  + " needed on this one with a hook (hooks.afterServerChange) or hostpki export."
                  + " The store is unchanged");
      try (Stream<Path> left = Files.list(usb)) {
        assertThat(left).isEmpty(); // no generation, no partial one, no probe
      }
      assertThat(onUsb.read().exists()).isFalse();
    }
  }

  @Test
  void testWrite_linksOnJimfsReadBackAsWritten() throws IOException {
    String first = write(StoreFiles.typical("v1"));
    SortedMap<String, StoreFile> next = StoreFiles.typical("v1");
    next.put("server.crt", new StoreFile(bytes("server cert v2"), FileKind.CERTIFICATES));

    String second = directory.write(next, bytes("{}"), directory.read());

    assertThat(Files.isSameFile(store.resolve(first).resolve("ca.key"),
        store.resolve(second).resolve("ca.key"))).isTrue();
    assertThat(text(directory.read().file("ca.key").orElseThrow())).isEqualTo("ca key v1");
    assertThat(text(directory.read().file("server.crt").orElseThrow()))
        .isEqualTo("server cert v2");
  }

  @Test
  void testWrite_writesAFileWhoseLiveCopyHasAnotherOwner() throws IOException {
    String first = write(StoreFiles.typical("v1"));
    Path live = store.resolve(first).resolve("trust/ldap.crt");
    Files.setOwner(live, fs.getUserPrincipalLookupService().lookupPrincipalByName("other"));

    String second = directory.write(StoreFiles.typical("v1"), bytes("{}"), directory.read());

    Path written = store.resolve(second).resolve("trust/ldap.crt");
    assertThat(Files.isSameFile(live, written)).isFalse();
    assertThat(Files.getOwner(written, LinkOption.NOFOLLOW_LINKS).getName()).isNotEqualTo("other");
    assertThat(Files.isSameFile(store.resolve(first).resolve("ca.crt"),
        store.resolve(second).resolve("ca.crt"))).isTrue();
  }

  /** A store whose server key the desired state gives group ssl-cert ({@code store.access}). */
  private StoreDirectory sharingTheKey() {
    return new StoreDirectory(
        store, clock, "user", Optional.empty(),
        StoreLayout.standard().withAccess("server.key", new FileAccess(Optional.empty(), Optional.of("ssl-cert"), FileMode.GROUP_READABLE)));
  }

  @Test
  void testRead_aKeyAsItsGenerationDeclaredItIsAcceptedOnceTheDeclarationIsGoneAndDrifts() throws IOException {
    String shared = sharingTheKey().write(StoreFiles.typical("v1"), bytes("{}"));
    clock.advance(Duration.ofMinutes(1));

    StoreSnapshot live = directory.read(); // store.access removed: the standard layout

    assertThat(text(live.file("server.key").orElseThrow())).isEqualTo("server key v1");
    assertThat(directory.accessDrift(live)).containsOnlyKeys("server.key");
    assertThat(directory.accessDrift(live).get("server.key").toString()).startsWith("0640 ").endsWith(":ssl-cert");
    assertThat(Files.readString(store.resolve(shared).resolve(".access.json")))
        .contains("\"server.key\"", "\"group\":\"ssl-cert\"", "\"mode\":\"0640\"");
  }

  @Test
  void testWrite_narrowsAKeyNoLongerDeclaredAndAHandWideningOfTheNarrowedOneIsRefused() throws IOException {
    sharingTheKey().write(StoreFiles.typical("v1"), bytes("{}"));
    clock.advance(Duration.ofMinutes(1));

    String narrowed = directory.write(StoreFiles.typical("v1"), bytes("{}"), directory.read());
    Path key = store.resolve(narrowed).resolve("server.key");
    StoreSnapshot after = directory.read();
    String written = PosixFilePermissions.toString(Files.getPosixFilePermissions(key, LinkOption.NOFOLLOW_LINKS));
    chmod(key, "rw-r-----"); // by hand, as the generation before had it

    assertThat(written).isEqualTo("rw-------");
    assertThat(directory.accessDrift(after)).isEmpty();
    assertThat(store.resolve(narrowed).resolve(".access.json")).doesNotExist();
    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("private key file " + store.resolve("server.key") + " has mode 0640")
        .hasMessageContaining("chmod 600");
  }

  @Test
  void testRead_aKeyWiderThanItsGenerationDeclaredIsStillRefused() throws IOException {
    String shared = sharingTheKey().write(StoreFiles.typical("v1"), bytes("{}"));

    chmod(store.resolve(shared).resolve("server.key"), "rw-r--r--");

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("has mode 0644: group or others may use it. Restrict it: chmod 600");
    assertThatThrownBy(sharingTheKey()::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("has mode 0644, wider than the declared 0640");
  }

  @Test
  void testActivate_rollsBackToAGenerationByWhatItDeclaredItself() throws IOException {
    String shared = sharingTheKey().write(StoreFiles.typical("v1"), bytes("{}"));
    clock.advance(Duration.ofMinutes(1));
    directory.write(StoreFiles.typical("v1"), bytes("{}"), directory.read());

    directory.activate(shared);

    assertThat(directory.read().generation()).contains(shared);
    assertThat(directory.generationFile(shared, "server.key")).isPresent();
    assertThat(directory.accessDrift(directory.read())).containsOnlyKeys("server.key");
  }

  @Test
  void testRead_anAccessRecordAlteredByHandIsRefusedWithTheWayBack() throws IOException {
    String first = write(StoreFiles.typical("v1"));
    String shared = sharingTheKey().write(StoreFiles.typical("v2"), bytes("{}"));
    Files.writeString(store.resolve(shared).resolve(".access.json"), "{\"format_version\":\"1\",\"files\":{\"server.key\":{}}}");

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(".access.json is not what hostpki writes (no mode for server.key)")
        .hasMessageContaining("rollback --to " + first);
  }

  /**
   * Found by a trial: a record edited to give ca.key to ssl-cert, and ca.key chgrp-ed to match,
   * was accepted and never narrowed. No declaration reaches ca.key: such a record is a hand edit.
   */
  @Test
  void testRead_aRecordGivingTheCaKeyAGroupIsRefusedWithTheWayBack() throws IOException {
    String first = write(StoreFiles.typical("v1"));
    String shared = sharingTheKey().write(StoreFiles.typical("v2"), bytes("{}"));
    Files.writeString(store.resolve(shared).resolve(".access.json"),
        "{\"format_version\":\"1\",\"files\":{\"server.key\":{\"owner\":null,\"group\":\"ssl-cert\",\"mode\":\"0640\"},"
            + "\"ca.key\":{\"owner\":null,\"group\":\"ssl-cert\",\"mode\":\"0640\"}}}");
    Files.setAttribute(store.resolve(shared).resolve("ca.key"), "posix:group",
        fs.getUserPrincipalLookupService().lookupPrincipalByGroupName("ssl-cert"));
    chmod(store.resolve(shared).resolve("ca.key"), "rw-r-----");

    assertThatThrownBy(sharingTheKey()::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(".access.json is not what hostpki writes (an access for ca.key, which hostpki gives no one)")
        .hasMessageContaining("rollback --to " + first);
  }

  @Test
  void testRead_aRecordDeclaringAKeyReadableByOthersNeverMakesItAccepted() throws IOException {
    String shared = sharingTheKey().write(StoreFiles.typical("v1"), bytes("{}"));
    Files.writeString(store.resolve(shared).resolve(".access.json"),
        "{\"format_version\":\"1\",\"files\":{\"server.key\":{\"owner\":null,\"group\":\"ssl-cert\",\"mode\":\"0644\"}}}");

    chmod(store.resolve(shared).resolve("server.key"), "rw-r--r--");

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("has mode 0644: group or others may use it");
  }
}
