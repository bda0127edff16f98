package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/** The ways the hostile cases damage files: cut them short, append to them, change modes. */
final class Damage {
  private Damage() {}

  /** Keeps the first {@code length} bytes. */
  static void truncate(Path file, int length) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, Math.min(length, bytes.length)));
  }

  static void append(Path file, byte[] tail) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    byte[] all = Arrays.copyOf(bytes, bytes.length + tail.length);
    System.arraycopy(tail, 0, all, bytes.length, tail.length);
    Files.write(file, all);
  }

  static void replaceByte(Path file, int offset, byte b) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[offset] = b;
    Files.write(file, bytes);
  }

  /** {@code chmod}, with the mode as {@code ls} shows it: {@code rwxr-xr-x}. */
  static void chmod(Path path, String mode) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
  }

  /** A named pipe: opening it for reading blocks until a writer comes. */
  static void mkfifo(Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", "-m", "644", path.toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
  }

  /** A UTF-8 byte order mark before the content, as Windows editors save text. */
  static void prependBom(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    byte[] all = new byte[bytes.length + 3];
    all[0] = (byte) 0xEF;
    all[1] = (byte) 0xBB;
    all[2] = (byte) 0xBF;
    System.arraycopy(bytes, 0, all, 3, bytes.length);
    Files.write(file, all);
  }

  /** A sparse file of {@code size} zero bytes: huge, yet nothing on disk. */
  static void sparse(Path file, long size) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  /** A Unix domain socket, as a daemon leaves one: the file stays after the socket is closed. */
  static void socket(Path path) throws IOException {
    try (java.nio.channels.ServerSocketChannel server =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      server.bind(java.net.UnixDomainSocketAddress.of(path));
    }
  }

  /** A character device with the numbers of {@code /dev/null} (needs root, as the tests run). */
  static void characterDevice(Path path) throws IOException, InterruptedException {
    run("mknod", path.toString(), "c", "1", "3");
  }

  /** {@code chown UID PATH}, not following a link: to a user that has no account. */
  static void chown(Path path, int uid) throws IOException, InterruptedException {
    run("chown", "-h", Integer.toString(uid), path.toString());
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
