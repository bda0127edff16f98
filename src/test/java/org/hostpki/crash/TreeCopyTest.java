package org.hostpki.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TreeCopyTest {
  private final FileSystem source = Disks.newDisk();
  private final FileSystem first = Disks.newDisk();
  private final FileSystem second = Disks.newDisk();

  @AfterEach
  void close() throws IOException {
    source.close();
    first.close();
    second.close();
  }

  @Test
  void testCopyTo_makesTheSameTreeOnEveryDiskItIsCopiedTo() throws IOException {
    Path store = source.getPath("/var/lib/hostpki");
    Path generation = store.resolve("..2026_11_27");
    Files.createDirectories(generation.resolve("trust"));
    Files.setPosixFilePermissions(generation, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(generation.resolve("server.crt"), "certificate");
    Files.write(generation.resolve("server.key"), new byte[] {0, 1, 2, (byte) 0xff});
    Files.setPosixFilePermissions(
        generation.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
    Files.writeString(generation.resolve("trust/ldap.crt"), "trusted");
    Files.createFile(generation.resolve("empty"));
    Files.createSymbolicLink(store.resolve("..data"), source.getPath("..2026_11_27"));
    Files.createSymbolicLink(store.resolve("server.crt"), source.getPath("..data/server.crt"));

    TreeCopy tree = TreeCopy.of(store);
    tree.copyTo(first.getPath("/var/lib/hostpki"));
    tree.copyTo(second.getPath("/var/lib/hostpki"));

    assertThat(describe(first.getPath("/var/lib/hostpki"))).isEqualTo(describe(store));
    assertThat(describe(second.getPath("/var/lib/hostpki"))).isEqualTo(describe(store));
    assertThat(describe(store)).hasSize(9);
  }

  @Test
  void testCopyTo_copiesNothingOfAMissingSource() throws IOException {
    TreeCopy.of(source.getPath("/var/lib/hostpki")).copyTo(first.getPath("/var/lib/hostpki"));

    assertThat(Files.exists(first.getPath("/var/lib"))).isFalse();
  }

  /** Every entry below root: its name, kind, mode and content or link target. */
  private static List<String> describe(Path root) throws IOException {
    List<String> entries = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted().toList()) {
        String name = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          entries.add(name + " -> " + Files.readSymbolicLink(p));
        } else {
          String mode =
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
          entries.add(
              name + " " + mode
                  + (Files.isDirectory(p)
                      ? " directory"
                      : " " + new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)));
        }
      }
    }
    return entries;
  }
}
