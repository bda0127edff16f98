package org.hostpki.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything on a disk that hostpki can see, as one SHA-256: every name under the root with its
 * kind, mode, owner and group, a file's content, a link's target, and which names are hard links
 * of one file. Times are left out (hostpki never reads them; Jimfs sets them from the real
 * clock). Two disks with the same state are indistinguishable to an apply.
 *
 * <p>The names go in depth first, each directory's by name; a hard link of a file already taken
 * in is taken in as "same file as" that first name, its content (the same bytes) not again. The
 * crash tests compute this after every interrupted run, over stores of a thousand files and
 * more: each name is looked up once.
 */
final class DiskState {
  private DiskState() {}

  static String of(FileSystem disk) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      Map<Object, String> firstNameOfFile = new HashMap<>();
      for (Path root : disk.getRootDirectories()) {
        add(root, attributes(root), sha256, firstNameOfFile);
      }
      return HexFormat.of().formatHex(sha256.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void add(
      Path path, PosixFileAttributes attributes, MessageDigest sha256,
      Map<Object, String> firstNameOfFile) throws IOException {
    StringBuilder entry = new StringBuilder(path.toString()).append('\0');
    String first = null;
    if (attributes.isSymbolicLink()) {
      entry.append("link ").append(Files.readSymbolicLink(path));
    } else {
      entry.append(attributes.isDirectory() ? "dir " : "file ")
          .append(PosixFilePermissions.toString(attributes.permissions()))
          .append(' ').append(attributes.owner().getName())
          .append(' ').append(attributes.group().getName());
      if (attributes.isRegularFile()) {
        first = firstNameOfFile.putIfAbsent(attributes.fileKey(), path.toString());
        entry.append(first == null ? "" : " same file as " + first);
      }
    }
    sha256.update(entry.append('\0').toString().getBytes(StandardCharsets.UTF_8));
    if (attributes.isRegularFile() && first == null) {
      sha256.update(Files.readAllBytes(path));
      sha256.update((byte) 0);
    }
    if (attributes.isDirectory()) {
      // By name as text: Jimfs compares its paths name by name, several times slower.
      SortedMap<String, Path> children = new TreeMap<>();
      try (DirectoryStream<Path> names = Files.newDirectoryStream(path)) {
        names.forEach(p -> children.put(p.getFileName().toString(), p));
      }
      for (Path child : children.values()) {
        add(child, attributes(child), sha256, firstNameOfFile);
      }
    }
  }

  private static PosixFileAttributes attributes(Path path) throws IOException {
    return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }
}
