package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.hostpki.store.StoreFiles.bytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on the real file system: modes, links and refusals the kernel enforces. */
class StoreDirectoryOnDiskTest {
  @TempDir Path temp;

  private Path store;
  private StoreDirectory directory;

  @BeforeEach
  void setUp() {
    assumeThat(temp.getFileSystem().supportedFileAttributeViews()).contains("posix");
    store = temp.resolve("etc/pki");
    directory = new StoreDirectory(store, new TestClock(Instant.parse("2026-03-01T12:00:00Z")));
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void testWrite_modesOnDisk() throws IOException {
    String generation = directory.write(StoreFiles.typical("v1"), bytes("{}"));
    Path dir = store.resolve(generation);

    assertThat(mode(dir.resolve("ca.key"))).isEqualTo("rw-------");
    assertThat(mode(dir.resolve("server.key"))).isEqualTo("rw-------");
    assertThat(mode(dir.resolve("server.crt"))).isEqualTo("rw-r--r--");
    assertThat(mode(dir.resolve("trust/ldap.crt"))).isEqualTo("rw-r--r--");
    assertThat(mode(dir.resolve(".generation.json"))).isEqualTo("rw-r--r--");
    assertThat(mode(dir)).isEqualTo("rwxr-xr-x");
    assertThat(mode(dir.resolve("trust"))).isEqualTo("rwxr-xr-x");
    assertThat(mode(store)).isEqualTo("rwxr-xr-x");
  }

  @Test
  void testWrite_visibleNamesWorkForOrdinaryReaders() throws IOException {
    directory.write(StoreFiles.typical("v1"), bytes("{}"));

    assertThat(Files.readString(store.resolve("server.key"))).isEqualTo("server key v1");
    assertThat(Files.readString(store.resolve("trust/ldap.crt"))).isEqualTo("ldap v1");
    assertThat(store.resolve("server.crt").toRealPath().getParent().getFileName().toString())
        .startsWith("..2026_03_01_12_00_00");
  }

  @Test
  void testWrite_readBackEqualsWhatWasWritten() {
    directory.write(StoreFiles.typical("v1"), bytes("{}"));

    StoreSnapshot snapshot = directory.read();

    assertThat(snapshot.files()).hasSize(7);
    assertThat(snapshot.file("trust-bundle.crt")).hasValueSatisfying(
        content -> assertThat(StoreFiles.text(content)).isEqualTo("bundle v1"));
  }

  @Test
  void testRead_refusesALinkToAFileOutsideTheStore() throws IOException {
    directory.write(StoreFiles.typical("v1"), bytes("{}"));
    Path shadow = Files.writeString(temp.resolve("shadow"), "root:*:");
    Files.delete(store.resolve("server.key"));
    Files.createSymbolicLink(store.resolve("server.key"), shadow);

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("is a symbolic link to " + shadow);
  }

  @Test
  void testRead_refusesGroupWritableStore() throws IOException {
    directory.write(StoreFiles.typical("v1"), bytes("{}"));
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxrwxr-x"));

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("chmod go-w " + store);
  }

  @Test
  void testRead_refusesKeyReadableByOthers() throws IOException {
    directory.write(StoreFiles.typical("v1"), bytes("{}"));
    Files.setPosixFilePermissions(
        store.resolve("ca.key"), PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("chmod 600 " + store.resolve("ca.key"));
  }

  @Test
  void testRead_refusesAPipeInsteadOfBlockingOnIt() throws Exception {
    String generation = directory.write(StoreFiles.typical("v1"), bytes("{}"));
    Path fifo = store.resolve(generation).resolve("trust/pipe.crt");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeThat(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();

    assertThatThrownBy(directory::read)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("pipe.crt is not a regular file");
  }

  @Test
  void testWrite_doesNotFollowALinkPlantedAsTheNextGeneration() throws IOException {
    directory.write(StoreFiles.typical("v1"), bytes("{}"));
    Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
    // the name the next write at the same instant will choose, planted as a link
    Files.createSymbolicLink(
        store.resolve("..2026_03_01_12_00_00.000000001.partial"), elsewhere);

    directory.write(StoreFiles.typical("v2"), bytes("{}"));

    assertThat(elsewhere).isEmptyDirectory();
    assertThat(StoreFiles.text(directory.read().file("ca.crt").orElseThrow()))
        .isEqualTo("ca cert v2");
  }
}
