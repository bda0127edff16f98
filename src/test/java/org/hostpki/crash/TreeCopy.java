package org.hostpki.crash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A directory tree, links as links and modes included, read once and copied to other file
 * systems as often as needed: the crash tests put the same old store on a fresh disk for every
 * run, and reading the source again for each copy cost as much as writing it.
 */
final class TreeCopy {
  private static final Set<StandardOpenOption> NEW_FILE =
      EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  /** One entry of the tree; directories come before what they hold. */
  private record Entry(
      String relative, Kind kind, Set<PosixFilePermission> mode, byte[] content, String link) {}

  private enum Kind {
    DIRECTORY,
    FILE,
    LINK
  }

  private final List<Entry> entries;

  private TreeCopy(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Copies {@code source} (which may be missing: then nothing is copied) to {@code target}. */
  static void copy(Path source, Path target) throws IOException {
    of(source).copyTo(target);
  }

  /** Reads the tree at {@code source}; a missing source is an empty tree that copies as nothing. */
  static TreeCopy of(Path source) throws IOException {
    List<Entry> entries = new ArrayList<>();
    if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
      return new TreeCopy(entries);
    }
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
              throws IOException {
            entries.add(new Entry(relative(dir), Kind.DIRECTORY, mode(dir), null, null));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (attributes.isSymbolicLink()) {
              entries.add(
                  new Entry(relative(file), Kind.LINK, null, null,
                      Files.readSymbolicLink(file).toString()));
            } else {
              entries.add(
                  new Entry(relative(file), Kind.FILE, mode(file), Files.readAllBytes(file), null));
            }
            return FileVisitResult.CONTINUE;
          }

          private String relative(Path p) {
            // By segment, so that the name does not depend on the source's separator.
            StringBuilder name = new StringBuilder();
            for (Path segment : source.relativize(p)) {
              if (!segment.toString().isEmpty()) {
                name.append(name.length() == 0 ? "" : "/").append(segment);
              }
            }
            return name.toString();
          }
        });
    return new TreeCopy(entries);
  }

  /** Makes the tree at {@code target}, and its parent directories when missing. */
  void copyTo(Path target) throws IOException {
    if (entries.isEmpty()) {
      return;
    }
    Files.createDirectories(target.getParent());
    for (Entry entry : entries) {
      Path to = entry.relative().isEmpty() ? target : target.resolve(entry.relative());
      switch (entry.kind()) {
        case DIRECTORY -> {
          Files.createDirectory(to);
          Files.setPosixFilePermissions(to, entry.mode());
        }
        case LINK ->
            Files.createSymbolicLink(to, target.getFileSystem().getPath(entry.link()));
        case FILE -> write(to, entry);
      }
    }
  }

  private static void write(Path to, Entry entry) throws IOException {
    try (SeekableByteChannel channel =
        Files.newByteChannel(to, NEW_FILE, PosixFilePermissions.asFileAttribute(entry.mode()))) {
      ByteBuffer content = ByteBuffer.wrap(entry.content());
      while (content.hasRemaining()) {
        channel.write(content);
      }
    }
  }

  private static Set<PosixFilePermission> mode(Path p) throws IOException {
    return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .permissions();
  }
}
