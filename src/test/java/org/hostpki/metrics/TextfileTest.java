package org.hostpki.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The atomic write node_exporter's textfile collector asks for, on the real file system. */
class TextfileTest {
  @TempDir Path dir;

  private String[] names() throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
    }
  }

  @Test
  void testWrite_replacesTheFileAndLeavesNoTemporaryFile() throws IOException {
    Path target = dir.resolve("hostpki.prom");
    Files.writeString(target, "old\n");

    Textfile.write(target, "new\n");

    assertThat(target).hasContent("new");
    assertThat(names()).containsExactly("hostpki.prom");
    assertThat(Files.getPosixFilePermissions(target)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
  }

  @Test
  void testWrite_removesTheTemporaryFilesOfKilledRunsOnceTheyAreStale() throws IOException {
    Path stale = Files.writeString(dir.resolve(".hostpki.prom.4242.tmp"), "half");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    Path inProgress = Files.writeString(dir.resolve(".hostpki.prom.4343.tmp"), "another writer's");
    Path unrelated = Files.writeString(dir.resolve(".other.prom.4242.tmp"), "not ours");
    Files.setLastModifiedTime(unrelated, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

    Textfile.write(dir.resolve("hostpki.prom"), "metrics\n");

    assertThat(stale).doesNotExist();
    assertThat(inProgress).exists();
    assertThat(unrelated).exists();
  }

  @Test
  void testWrite_replacesALinkInsteadOfWritingThroughIt() throws IOException {
    Path elsewhere = dir.resolve("elsewhere.txt");
    Files.writeString(elsewhere, "precious\n");
    Path target = dir.resolve("hostpki.prom");
    Files.createSymbolicLink(target, elsewhere);

    Textfile.write(target, "metrics\n");

    assertThat(elsewhere).hasContent("precious");
    assertThat(Files.isSymbolicLink(target)).isFalse();
    assertThat(target).hasContent("metrics");
  }

  @Test
  void testWrite_replacesAFifoWithoutOpeningIt() throws Exception {
    Path target = dir.resolve("hostpki.prom");
    Process mkfifo = new ProcessBuilder("mkfifo", target.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();

    Textfile.write(target, "metrics\n");

    assertThat(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(target).hasContent("metrics");
  }

  @Test
  void testWrite_aFolderInsideAStoreIsRefusedAlsoThroughALink() throws IOException {
    Path store = Files.createDirectory(dir.resolve("pki"));
    Files.createDirectory(store.resolve("..2026_12_01_00_00_00.000000000"));
    Files.createSymbolicLink(store.resolve("..data"), store.resolve("..2026_12_01_00_00_00.000000000"));
    Path link = Files.createSymbolicLink(dir.resolve("metrics"), store.resolve("..data"));

    assertThatThrownBy(() -> Textfile.write(link.resolve("hostpki.prom"), "x\n"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is inside the hostpki store " + store.toRealPath());
    assertThat(store.resolve("..data/hostpki.prom")).doesNotExist();
    try (var files = Files.list(store.resolve("..data"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void testWrite_aMissingFolderIsNamed() {
    Path target = dir.resolve("missing/hostpki.prom");

    assertThatThrownBy(() -> Textfile.write(target, "x\n"))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("the folder " + dir.resolve("missing") + " does not exist");
  }

  @Test
  void testWrite_aDirectoryAtTheTargetIsRefused() throws IOException {
    Path target = dir.resolve("hostpki.prom");
    Files.createDirectory(target);

    assertThatThrownBy(() -> Textfile.write(target, "x\n"))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("it is a directory");
    assertThat(names()).containsExactly("hostpki.prom");
  }
}
