package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.hostpki.store.StoreFiles.bytes;
import static org.hostpki.store.StoreFiles.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.hostpki.model.HostpkiException;
import org.hostpki.testkit.Tags;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store whose folder or files are marked immutable or append-only ({@code chattr +i}, {@code
 * +a}: an admin "protecting" the keys), on a tmpfs of its own in a {@link MountedNamespace}
 * (tmpfs keeps these flags since Linux 6.0), so the machine's files are never marked.
 */
@Tag(Tags.NAMESPACE)
class StoreAttributesNamespaceTest {
  @TempDir Path temp;

  /** Before: "it is on a file system (tmpfs) without symbolic links, such as FAT and exFAT". */
  @Test
  void testWrite_intoAnImmutableStoreFolderSaysSoNotThatTheFileSystemLacksLinks() throws Exception {
    try (MountedNamespace namespace = tmpfs()) {
      assertThat(refusedWhileMarked("i", pki(namespace)))
          .contains("the operation is not permitted (if it or its folder is marked immutable")
          .contains("`lsattr -d " + pki(namespace) + "` shows an i or an a")
          .doesNotContain("without symbolic links");
    }
  }

  /** Before: "internal error: java.lang.NullPointerException" (the link probe met ..data_tmp). */
  @Test
  void testWrite_intoAnAppendOnlyStoreFolderFailsWithTheFix_andTheNextWriteConverges() throws Exception {
    try (MountedNamespace namespace = tmpfs()) {
      Path pki = pki(namespace);
      assertThat(refusedWhileMarked("a", pki)).contains("immutable or append-only");

      StoreDirectory directory = new StoreDirectory(pki, new TestClock(Instant.parse("2026-03-01T13:00:00Z")));
      directory.write(StoreFiles.typical("v2"), bytes("{}"), directory.read());
      assertThat(text(directory.read().file("server.crt").orElseThrow())).isEqualTo("server cert v2");
      assertNoLeftovers(pki);
    }
  }

  /**
   * Before: once pruning met an immutable file in an old generation, every later write failed
   * ("cannot write store S: ...removing/server.key: Operation not permitted"), renewals included.
   */
  @Test
  void testWrite_anImmutableFileInAPrunedGenerationDelaysOnlyItsRemoval() throws Exception {
    try (MountedNamespace namespace = tmpfs()) {
      Path pki = pki(namespace);
      TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
      StoreDirectory directory = new StoreDirectory(pki, clock);
      String oldest = directory.write(StoreFiles.typical("v0"), bytes("{}"), directory.read());
      Path immutable = pki.resolve(oldest).resolve("server.key");
      chattr("+i", immutable);
      try {
        String before = oldest;
        for (int i = 1; i <= StoreDirectory.KEPT_GENERATIONS; i++) {
          clock.advance(Duration.ofMinutes(1));
          before = directory.read().generation().orElseThrow();
          writeAllowingTidyUpNotice(directory, "v" + i);
        }
        // the generation before is closed to others also when pruning failed
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve(before))))
            .isEqualTo("rwx------");
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> directory.write(StoreFiles.typical("v9"), bytes("{}"), directory.read()))
            .isInstanceOf(StoreTidyUpException.class)
            .hasMessageContaining(".removing/server.key: the operation is not permitted")
            .hasMessageContaining("`lsattr -d ");
        assertThat(text(directory.read().file("server.crt").orElseThrow())).isEqualTo("server cert v9");
      } finally {
        chattr("-i", pki.resolve(oldest + GenerationNames.REMOVING_SUFFIX).resolve("server.key"));
      }
      clock.advance(Duration.ofMinutes(1));
      directory.write(StoreFiles.typical("v10"), bytes("{}"), directory.read());
      assertNoLeftovers(pki);
    }
  }

  private static void writeAllowingTidyUpNotice(StoreDirectory directory, String version) {
    try {
      directory.write(StoreFiles.typical(version), bytes("{}"), directory.read());
    } catch (StoreTidyUpException notice) {
      // the pruned generation with the immutable file stays: said after each write
    }
  }

  /**
   * Writes a store, marks its folder ({@code chattr +FLAG}), and returns the message of a second
   * write, which must leave the store as it was; the folder is unmarked again.
   */
  private static String refusedWhileMarked(String flag, Path pki) {
    StoreDirectory directory = new StoreDirectory(pki, new TestClock(Instant.parse("2026-03-01T12:00:00Z")));
    String first = directory.write(StoreFiles.typical("v1"), bytes("{}"), directory.read());
    chattr("+" + flag, pki);
    try {
      Throwable refused = catchThrowable(() -> directory.write(StoreFiles.typical("v2"), bytes("{}"), directory.read()));
      assertThat(refused).isInstanceOf(HostpkiException.class).hasMessageEndingWith("The store is unchanged");
      assertThat(directory.read().generation()).contains(first);
      return refused.getMessage();
    } finally {
      chattr("-" + flag, pki);
    }
  }

  private Path pki(MountedNamespace namespace) {
    return namespace.resolve(temp.resolve("small")).resolve("pki");
  }

  private MountedNamespace tmpfs() throws Exception {
    Path mountPoint = Files.createDirectory(temp.resolve("small"));
    return MountedNamespace.mount("mount -t tmpfs -o size=1m tmpfs \"$1\"", mountPoint.toString());
  }

  private static void chattr(String flag, Path file) {
    Tool.CHATTR.command(flag, file.toString()).run().assertSucceeded();
  }

  private static void assertNoLeftovers(Path pki) throws Exception {
    try (Stream<Path> entries = Files.list(pki)) {
      assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(GenerationNames::isLeftover);
    }
  }
}
