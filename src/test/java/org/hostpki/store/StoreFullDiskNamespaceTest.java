package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.store.StoreFiles.bytes;
import static org.hostpki.store.StoreFiles.text;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.hostpki.model.FileAccess;
import org.hostpki.model.FileKind;
import org.hostpki.model.FileMode;
import org.hostpki.model.HostpkiException;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Namespace;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tags;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store on a file system that fills up: a small tmpfs in a {@link MountedNamespace}, so the
 * kernel's own ENOSPC meets the store's writer.
 */
@Tag(Tags.NAMESPACE)
class StoreFullDiskNamespaceTest {
  @TempDir Path temp;

  /**
   * Before: "cannot write store S: No space left on device. The store is unchanged", naming no
   * file and no way out (a write(2) failure reaches Java as a bare IOException).
   */
  @Test
  void testWrite_onAFullFileSystemNamesTheFileAndTheFix_andLeavesTheStoreAsItWas()
      throws Exception {
    Path mountPoint = Files.createDirectory(temp.resolve("small"));
    try (MountedNamespace namespace =
        MountedNamespace.mount("mount -t tmpfs -o size=64k tmpfs \"$1\"", mountPoint.toString())) {
      Path small = namespace.resolve(mountPoint);
      StoreDirectory directory =
          new StoreDirectory(small.resolve("pki"), new TestClock(Instant.parse("2026-03-01T12:00:00Z")));
      String first = directory.write(StoreFiles.typical("v1"), bytes("{}"), directory.read());
      fill(small.resolve("filler"));
      SortedMap<String, StoreFile> next = StoreFiles.typical("v1");
      next.put("server.crt", new StoreFile(new byte[8192], FileKind.CERTIFICATES));

      assertThatThrownBy(() -> directory.write(next, bytes("{}"), directory.read()))
          .isInstanceOf(HostpkiException.class)
          .hasMessageStartingWith("cannot write store " + small.resolve("pki") + ": " + small.resolve("pki"))
          .hasMessageContaining(
              ": no space is left on the device (free some: `df -h` and `df -i` show its file"
                  + " system's space and inodes). The store is unchanged");

      assertThat(directory.read().generation()).contains(first);
      assertThat(text(directory.read().file("server.crt").orElseThrow())).isEqualTo("server cert v1");
      try (Stream<Path> entries = Files.list(small.resolve("pki"))) {
        assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(GenerationNames::isLeftover);
      }
    }
  }

  /**
   * Before: "cannot lock store S: no space is left on the device" from every run, also one with
   * nothing to write: the holder's name in the lock file needs a block the empty file lacks.
   */
  @Test
  void testLock_onAFullFileSystemIsTakenWithoutTheHoldersName() throws Exception {
    // A JVM of its own in the namespace: the lock resolves the store's real path, which
    // /proc/PID/root cannot give this one.
    Path small = Files.createDirectory(temp.resolve("small"));
    String pki = small.resolve("pki").toString();
    Namespace full =
        Namespace.mount()
            .setup(
                "mount -t tmpfs -o size=64k tmpfs '" + small + "'",
                "mkdir '" + pki + "' && : > '" + pki + "/.lock' && chmod 600 '" + pki + "/.lock'",
                "dd if=/dev/zero of='" + small + "/filler' bs=4k 2>/dev/null; true");

    ProcessResult tried = full.run(Command.of(ChildJvm.commandLine("try", Path.of(pki))));

    assertThat(tried.stdout().strip()).isEqualTo("acquired");
  }

  /**
   * Before: "cannot write store S: no space is left on the device", naming no file; and a record's
   * temporary file stayed behind, empty.
   */
  @Test
  void testOwnedFile_onAFullFileSystemNamesTheFileAndLeavesNone() throws Exception {
    Path mountPoint = Files.createDirectory(temp.resolve("small"));
    try (MountedNamespace namespace =
        MountedNamespace.mount("mount -t tmpfs -o size=64k tmpfs \"$1\"", mountPoint.toString())) {
      Path small = namespace.resolve(mountPoint);
      fill(small.resolve("filler"));
      Path key = small.resolve("pg.key");

      assertThatThrownBy(() -> OwnedFiles.createFile(key, new byte[8192], FileAccess.own(new FileMode(0640))))
          .isInstanceOf(FileSystemException.class)
          .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(key.toString()))
          .hasMessageContaining("No space left on device");
      assertThat(key).doesNotExist();
      // the same for a record's temporary file (.hooks-done.json.tmp stayed empty in its generation)
      Path record = small.resolve(".hooks-done.json.tmp");
      assertThatThrownBy(() -> SafeFiles.writeNew(record, new byte[8192], FileModes.PUBLIC))
          .isInstanceOf(FileSystemException.class)
          .hasMessageContaining("No space left on device");
      assertThat(record).doesNotExist();
    }
  }

  /** Writes until the file system is full. */
  private static void fill(Path file) throws IOException {
    byte[] block = new byte[4096];
    Arrays.fill(block, (byte) 'x');
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      // as intended: no space is left
    }
  }
}
