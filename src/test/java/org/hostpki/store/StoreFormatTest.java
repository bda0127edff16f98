package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.hostpki.store.StoreFiles.bytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.BeforeEach;
import org.hostpki.testkit.StoreTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store-wide format marker {@code .hostpki-store.json}: who writes it, who refuses it. */
class StoreFormatTest {
  @TempDir Path temp;

  private Path store;
  private Path marker;
  private StoreDirectory directory;

  @BeforeEach
  void setUp() {
    assumeThat(temp.getFileSystem().supportedFileAttributeViews()).contains("posix");
    store = temp.resolve("pki");
    marker = store.resolve(StoreFormat.FILE);
    directory = new StoreDirectory(store, new TestClock(Instant.parse("2026-12-07T12:00:00Z")));
  }

  @Test
  void testWrite_marksTheStoreWithThisBuildsFormatAndBuild() throws IOException {
    directory.write(StoreFiles.typical("v1"), bytes("{}"));

    assertThat(Files.readString(marker))
        .startsWith("{\"format_version\":\"" + StoreFormat.STORE_FORMAT + "\",\"written_by\":\"hostpki ");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(marker))).isEqualTo("rw-r--r--");
    assertThat(store.resolve(StoreFormat.TEMPORARY)).doesNotExist();
  }

  @Test
  void testStoreWithoutMarker_isReadAsFormatOneWithoutWritingAndMarkedByTheNextWrite() throws IOException {
    directory.write(StoreFiles.typical("v1"), bytes("{}"));
    Files.delete(marker); // a store an older build wrote
    Files.writeString(store.resolve(StoreFormat.TEMPORARY), "half"); // and a crash's leftover

    assertThat(directory.read().files()).isNotEmpty();
    assertThat(directory.generations()).hasSize(1);
    assertThat(marker).doesNotExist();

    directory.write(StoreFiles.typical("v2"), bytes("{}"));
    assertThat(Files.readString(marker)).startsWith("{\"format_version\":\"1\"");
    assertThat(store.resolve(StoreFormat.TEMPORARY)).doesNotExist();
  }

  @Test
  void testRollback_neverLowersTheMarkerAndMarksAStoreWithoutOne() throws IOException {
    String first = directory.write(StoreFiles.typical("v1"), bytes("{}"));
    directory.write(StoreFiles.typical("v2"), bytes("{}"));
    Files.delete(marker);

    directory.activate(first);

    assertThat(Files.readString(marker)).startsWith("{\"format_version\":\"1\"");
    assertThat(marker.getParent()).isEqualTo(store); // beside the generations, not in one
  }

  @Test
  void testNewerMarker_isRefusedByEveryReaderAndWriterAndTheStoreIsLeftAsItIs() throws IOException {
    String first = directory.write(StoreFiles.typical("v1"), bytes("{}"));
    directory.write(StoreFiles.typical("v2"), bytes("{}"));
    Files.writeString(marker, "{\"format_version\":\"2\",\"written_by\":\"hostpki 9.0\"}\n");
    Map<String, String> before = StoreTrees.of(store);

    List<ThrowingCallable> calls =
        List.of(
            directory::read,
            directory::current,
            directory::generations,
            () -> directory.currentFile("ca.crt"),
            () -> directory.generationFile(first, "ca.crt"),
            () -> directory.activate(first),
            () -> directory.write(StoreFiles.typical("v3"), bytes("{}")));
    for (ThrowingCallable call : calls) {
      assertThatThrownBy(call)
          .isInstanceOf(HostpkiException.class)
          .hasMessageContaining(
              marker + " is in store format 2, which a newer hostpki wrote; this one reads format 1"
                  + " (was hostpki downgraded?): run a hostpki at least as new as the one that wrote"
                  + " it. The store was left as it is.");
    }
    assertThat(StoreTrees.of(store)).isEqualTo(before);
  }

  @Test
  void testDamagedOrLinkedMarker_isRefusedWithTheFix() throws IOException {
    directory.write(StoreFiles.typical("v1"), bytes("{}"));
    Files.writeString(marker, "{\"format_version\": 2}");

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(marker + " is not a store format marker hostpki wrote")
        .hasMessageContaining("rm " + marker);

    Files.delete(marker);
    Files.writeString(temp.resolve("elsewhere.json"), "{\"format_version\":\"1\"}");
    Files.createSymbolicLink(marker, temp.resolve("elsewhere.json"));
    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(marker + " is a symbolic link;");

    Files.delete(marker);
    Files.createDirectory(marker);
    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith("cannot read the store format marker " + marker + ": ")
        .hasMessageEndingWith("move that out of the store (mv " + marker + " " + temp + "/) and run again");
  }

  @Test
  void testInterruptedFirstWrite_markerIsNoForeignEntry() throws IOException {
    Files.createDirectories(store);
    Files.writeString(marker, "{\"format_version\":\"1\"}\n");
    Files.writeString(store.resolve(StoreFormat.TEMPORARY), "half");

    assertThat(directory.foreignEntries()).isEmpty();
  }
}
