package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.store.StoreFiles.bytes;
import static org.hostpki.store.StoreFiles.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hostpki.model.FileKind;
import org.hostpki.model.HostpkiException;
import org.hostpki.testkit.Prerequisites;
import org.hostpki.testkit.Tags;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store on a file system that fills up: a small tmpfs in a private mount namespace held open by
 * a waiting {@code cat}, reached through {@code /proc/PID/root} (as {@link
 * StoreOverlayNamespaceTest} does), so the kernel's own ENOSPC meets the store's writer.
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
    Process holder = tmpfs(mountPoint, "64k");
    try {
      Path small = Path.of("/proc/" + holder.pid() + "/root").resolve(mountPoint.toString().substring(1));
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
    } finally {
      holder.getOutputStream().close(); // cat ends, and the namespace with it
      if (!holder.waitFor(10, TimeUnit.SECONDS)) {
        holder.destroyForcibly();
      }
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

  /** A process in a private mount namespace where {@code mountPoint} is a tmpfs, until its input closes. */
  private static Process tmpfs(Path mountPoint, String size) throws IOException {
    Process process;
    try {
      process =
          new ProcessBuilder(
                  "unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                  "mount -t tmpfs -o \"size=$2\" tmpfs \"$1\" || exit 77\necho ready; exec cat",
                  "sh", mountPoint.toString(), size)
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      Prerequisites.missing("cannot run unshare: " + e.getMessage());
      throw e;
    }
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"ready".equals(line)) {
      process.destroyForcibly();
      Prerequisites.missing("no tmpfs mount in a private mount namespace here: " + line);
    }
    return process;
  }
}
