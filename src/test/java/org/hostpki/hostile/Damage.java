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

  /** {@code chown -h UID:UID}: an owner no user on this machine has (the tests run as root). */
  static void chown(Path path, int uid) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("chown", "-h", uid + ":" + uid, path.toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
