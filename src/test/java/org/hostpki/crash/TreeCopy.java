package org.hostpki.crash;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/** Copies a directory tree, links as links and modes included, to another file system. */
final class TreeCopy {
  private TreeCopy() {}

  /** Copies {@code source} (which may be missing: then nothing is copied) to {@code target}. */
  static void copy(Path source, Path target) throws IOException {
    if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.createDirectories(target.getParent());
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
              throws IOException {
            Path to = to(dir);
            Files.createDirectory(to);
            Files.setPosixFilePermissions(to, mode(dir));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Path to = to(file);
            if (attributes.isSymbolicLink()) {
              Files.createSymbolicLink(
                  to, target.getFileSystem().getPath(Files.readSymbolicLink(file).toString()));
            } else {
              Files.createFile(to, PosixFilePermissions.asFileAttribute(mode(file)));
              Files.write(to, Files.readAllBytes(file));
            }
            return FileVisitResult.CONTINUE;
          }

          private Path to(Path p) {
            Path to = target;
            for (Path segment : source.relativize(p)) {
              to = to.resolve(segment.toString());
            }
            return to;
          }
        });
  }

  private static java.util.Set<java.nio.file.attribute.PosixFilePermission> mode(Path p)
      throws IOException {
    return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .permissions();
  }
}
