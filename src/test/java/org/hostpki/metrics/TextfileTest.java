package org.hostpki.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
