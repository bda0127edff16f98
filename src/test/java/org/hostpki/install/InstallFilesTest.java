package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing a file in a folder whose owner is not hostpki's user (an app's Java trust store). */
class InstallFilesTest {
  @TempDir Path dir;

  @AfterEach
  void noSwap() {
    InstallFiles.afterCreate = temporary -> { };
  }

  /**
   * The folder's owner put a FIFO in place of the temporary file after hostpki made it: its second
   * open (to write it) waited for a reader for good, holding the store's lock; a hard link to a
   * file of root's there (with fs.protected_hardlinks=0) would have had root truncate, fill and
   * chown that file. The file is written and given its owner and mode through the one descriptor
   * that made it, and a swapped name is noticed: the target stays as it was.
   */
  @Test
  void testReplace_aFifoSwappedInForTheTemporaryFileIsNeitherOpenedNorRenamedIn() throws Exception {
    Path cacerts = Files.writeString(dir.resolve("cacerts"), "old\n");
    java.util.concurrent.atomic.AtomicReference<Path> fifo = new java.util.concurrent.atomic.AtomicReference<>();
    InstallFiles.afterCreate = temporary -> {
      fifo.set(temporary);
      try {
        Files.delete(temporary);
        Process mkfifo = new ProcessBuilder("mkfifo", temporary.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };

    CompletableFuture<Void> replace = CompletableFuture.runAsync(() -> {
      try {
        InstallFiles.replace(cacerts, "new\n".getBytes(StandardCharsets.US_ASCII), InstallFiles.PUBLIC);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    try {
      assertThatThrownBy(() -> replace.get(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS))
          .rootCause()
          .hasMessageContaining("was moved or replaced while hostpki wrote it")
          .hasMessageContaining(cacerts + " was not changed");
    } finally {
      if (!replace.isDone() && fifo.get() != null) {
        new ProcessBuilder("timeout", "10", "cat", fifo.get().toString()).start().waitFor(30, TimeUnit.SECONDS);
      }
    }
    assertThat(Files.readString(cacerts)).isEqualTo("old\n");
  }
}
