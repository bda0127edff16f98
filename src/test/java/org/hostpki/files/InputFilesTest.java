package org.hostpki.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one reader of outside files, on real files, FIFOs and devices. */
class InputFilesTest {
  /** Far above what any refusal takes: only a blocked read fails it. */
  private static final Duration BLOCKED = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void testRead_regularFileWhole() throws IOException {
    Path file = Files.writeString(dir.resolve("a.pem"), "content");

    assertThat(InputFiles.read(file, InputKind.CHAIN)).isEqualTo(bytes("content"));
  }

  @Test
  void testRead_filesAroundTheFirstChunkAreReadExactly() throws IOException {
    // Read into an array of the size the file has, probed one byte further for its end.
    for (int size : new int[] {1, 2, 8191, 8192, 8193, 70_000}) {
      byte[] content = new byte[size];
      Arrays.fill(content, (byte) size);
      content[size - 1] = 42;
      Path file = Files.write(dir.resolve("f" + size), content);

      assertThat(InputFiles.read(file, InputKind.CHAIN)).as("size %d", size).isEqualTo(content);
    }
    assertThat(InputFiles.read(Files.write(dir.resolve("empty"), new byte[0]), InputKind.CHAIN)).isEmpty();
  }

  @Test
  void testRead_fileOfExactlyTheLimit() throws IOException {
    byte[] content = new byte[(int) InputKind.PASSWORD.limit()];
    Arrays.fill(content, (byte) 'x');
    Path file = Files.write(dir.resolve("p"), content);

    assertThat(InputFiles.read(file, InputKind.PASSWORD)).isEqualTo(content);
  }

  @Test
  void testRead_fileOneByteOverTheLimitNamesItAndTheLimit() throws IOException {
    Path file = Files.write(dir.resolve("p"), new byte[(int) InputKind.PASSWORD.limit() + 1]);

    assertThatThrownBy(() -> InputFiles.read(file, InputKind.PASSWORD))
        .isInstanceOf(FileTooLargeException.class)
        .hasMessage(file + ": is 65537 bytes, over the 64 KiB limit for a password file");
  }

  @Test
  void testRead_hugeSparseFileIsRefusedWithoutReadingIt() throws IOException {
    Path file = dir.resolve("huge.json");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(8L << 30);
    }

    assertThatThrownBy(() -> InputFiles.read(file, InputKind.SAVED_PLAN))
        .isInstanceOf(FileTooLargeException.class)
        .hasMessageContaining("is 8589934592 bytes, over the 256 MiB limit for a saved plan");
  }

  @Test
  void testRead_fifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = dir.resolve("chain.pem");
    run("mkfifo", fifo.toString());

    assertTimeoutPreemptively(
        BLOCKED,
        () ->
            assertThatThrownBy(() -> InputFiles.read(fifo, InputKind.CHAIN))
                .isInstanceOf(NotARegularFileException.class)
                .hasMessage(fifo + ": is a FIFO (named pipe), not a regular file"));
  }

  @Test
  void testRead_fifoSwappedInAfterTheLookIsRefusedWithinTheOpenLimit() throws Exception {
    othersMayWrite(dir); // whoever swaps it may write its folder
    Path file = Files.writeString(dir.resolve("request.csr"), "a request");

    assertSwapRefused(file, file);
  }

  @Test
  void testRead_fifoSwappedInWithItsWriterHoldingItIsRefusedNotRead() throws Exception {
    // The writer opens the FIFO too, so the open returns: the read would then wait for it for good.
    othersMayWrite(dir);
    Path file = Files.writeString(dir.resolve("metrics.prom"), "a metric 1\n");
    Process[] writer = new Process[1];
    InputFiles.afterLook =
        path -> {
          swapForFifo().accept(path);
          try {
            writer[0] = new ProcessBuilder("sh", "-c", "exec sleep 60 > \"$0\"", path.toString()).start();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
    try {
      assertTimeoutPreemptively(
          BLOCKED,
          () ->
              assertThatThrownBy(() -> InputFiles.readHeadNoFollow(file, InputKind.METRICS_FILE))
                  .isInstanceOf(NotARegularFileException.class)
                  .hasMessageStartingWith(file + ": is a FIFO (named pipe), not a regular file"));
    } finally {
      resetSeams();
      if (writer[0] != null) {
        writer[0].destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void testRead_fifoSwappedInAFolderItsGroupMayWriteIsRefusedWithinTheOpenLimit() throws Exception {
    // A folder of the group's (0770) is no folder of this user's alone: the open stays bounded.
    Path folder = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwx---"));
    Path file = Files.writeString(folder.resolve("chain.pem"), "a chain");

    assertSwapRefused(file, file);
  }

  @Test
  void testRead_fifoSwappedInBeyondLinksIsRefusedWithinTheOpenLimit() throws Exception {
    // own/ is this user's alone, but its link leads, by a second link, into a folder everyone
    // may write: the way there is the way that counts.
    Path own = Files.createDirectory(dir.resolve("own"));
    Path open = othersMayWrite(Files.createDirectory(dir.resolve("open")));
    Path target = Files.writeString(open.resolve("ca.pem"), "a certificate");
    Path hop = Files.createSymbolicLink(own.resolve("hop"), Path.of("../open"));
    Path link = Files.createSymbolicLink(own.resolve("ca.pem"), Path.of("hop/ca.pem"));
    assertThat(hop).isSymbolicLink();

    assertSwapRefused(link, target);
  }

  @Test
  void testRead_fifoSwappedInWhereDotDotAfterALinkLeadsIsRefusedWithinTheOpenLimit() throws Exception {
    // own/into/.. is open/, not own/: the kernel takes .. after the link from where it led.
    Path own = Files.createDirectory(dir.resolve("own"));
    Path open = othersMayWrite(Files.createDirectory(dir.resolve("open")));
    Files.createDirectory(open.resolve("sub"));
    Path target = Files.writeString(open.resolve("ca.pem"), "a certificate");
    Files.createSymbolicLink(own.resolve("into"), open.resolve("sub"));
    Files.writeString(own.resolve("ca.pem"), "this user's own certificate");

    assertSwapRefused(own.resolve("into/../ca.pem"), target);
  }

  /** The file named is swapped for a FIFO (at {@code swapped}) after the look: refused, not hung. */
  private static void assertSwapRefused(Path file, Path swapped) {
    InputFiles.openLimit = Duration.ofMillis(500);
    InputFiles.afterLook = path -> swapForFifo().accept(swapped);
    try {
      assertTimeoutPreemptively(
          BLOCKED,
          () ->
              assertThatThrownBy(() -> InputFiles.read(file, InputKind.CHAIN))
                  .isInstanceOf(NotARegularFileException.class)
                  .hasMessage(file + ": is a FIFO (named pipe), not a regular file (it was put in"
                      + " place after hostpki looked at it); it was not read"));
    } finally {
      resetSeams();
    }
  }

  /** Another user's way in: mode 0777. */
  private static Path othersMayWrite(Path folder) throws IOException {
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
    return folder;
  }

  @Test
  void testOpenRegular_opensARegularFile() throws IOException {
    Path file = Files.writeString(dir.resolve("bundle.crt"), "certs");

    try (java.nio.channels.FileChannel channel = InputFiles.openRegular(file, false)) {
      assertThat(channel.size()).isEqualTo(5);
    }
  }

  /** Replaces the file by a FIFO of the same name. */
  private static java.util.function.Consumer<Path> swapForFifo() {
    return path -> {
      try {
        Files.delete(path);
        run("mkfifo", path.toString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static void resetSeams() {
    InputFiles.afterLook = path -> { };
    InputFiles.openLimit = InputFiles.OPEN_LIMIT;
  }

  @Test
  void testRead_linkToAnEndlessDeviceIsRefused() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("zero.pem"), Path.of("/dev/zero"));

    assertTimeoutPreemptively(
        BLOCKED,
        () ->
            assertThatThrownBy(() -> InputFiles.read(link, InputKind.TRUSTED_CERTIFICATES))
                .isInstanceOf(NotARegularFileException.class)
                .hasMessage(link + ": is a character device, not a regular file"));
  }

  @Test
  void testRead_directoryIsRefused() {
    assertThatThrownBy(() -> InputFiles.read(dir, InputKind.DESIRED_STATE))
        .isInstanceOf(NotARegularFileException.class)
        .hasMessage(dir + ": is a directory, not a regular file");
  }

  @Test
  void testRead_missingFileIsNoSuchFile() {
    assertThatThrownBy(() -> InputFiles.read(dir.resolve("gone"), InputKind.CHAIN))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void testRead_procFileThatReportsNoSizeIsReadWhole() throws IOException {
    Path mounts = Path.of("/proc/self/mounts");
    assertThat(Files.size(mounts)).isZero();

    String text = new String(InputFiles.read(mounts, InputKind.HOST_FILE), StandardCharsets.ISO_8859_1);

    assertThat(text).contains(" / ").endsWith("\n");
  }

  @Test
  void testRead_procFileThatCannotBeReadIsNotARegularFileNotAFailingDisk() {
    Path mem = Path.of("/proc/self/mem");

    assertThatThrownBy(() -> InputFiles.read(mem, InputKind.DESIRED_STATE))
        .isInstanceOf(NotARegularFileException.class)
        .hasMessage(mem + ": is a special file of the kernel's (under /proc), not a regular file;"
            + " it cannot be read as a file");
  }

  @Test
  void testReadNoFollow_symbolicLinkIsRefused() throws IOException {
    Path real = Files.writeString(dir.resolve("real"), "x");
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);

    assertThatThrownBy(() -> InputFiles.readNoFollow(link, InputKind.STORE_FILE))
        .isInstanceOf(NotARegularFileException.class)
        .hasMessage(link + ": is a symbolic link, not a regular file");
  }

  @Test
  void testLimits_areNamedInWords() {
    assertThat(InputKind.DESIRED_STATE.limitWords()).isEqualTo("1 MiB");
    assertThat(InputKind.PASSWORD.limitWords()).isEqualTo("64 KiB");
    assertThat(InputKind.STORE_FILE.limitWords()).isEqualTo("1 GiB");
  }

  @Test
  void testReasons_sayWhatIsWrongWithoutRepeatingThePath() {
    assertThat(FileReasons.of(new NoSuchFileException("/x/y"))).isEqualTo("does not exist");
    assertThat(FileReasons.of(new java.nio.file.AccessDeniedException("/x/y")))
        .isEqualTo("cannot be read: permission denied");
    assertThat(FileReasons.cause(new java.nio.file.FileSystemException("/x/y", null, "Read-only file system")))
        .isEqualTo("the file system is read-only");
    assertThat(FileReasons.cause(new java.nio.file.FileSystemException("/x/y", null, "Not a directory")))
        .isEqualTo("a part of the path is not a directory");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }
}
