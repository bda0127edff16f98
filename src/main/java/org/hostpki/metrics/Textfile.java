package org.hostpki.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes a metrics file the way node_exporter's textfile collector asks for: a temporary file in
 * the same folder (a hidden name not ending in {@code .prom}, so the collector ignores it), synced,
 * then renamed over the target in one step. The rename replaces a link at the target rather than
 * writing through it. Mode 0644: the exporter usually runs as another user.
 */
public final class Textfile {
  private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");
  private static final Duration STALE = Duration.ofMinutes(10);

  private Textfile() {}

  /**
   * @throws IOException with a message that names the file and what is wrong
   */
  public static void write(Path target, String content) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new NoSuchFileException(target.toString(), null, "the folder " + folder + " does not exist");
    }
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(target.toString(), null, "it is a directory");
    }
    refuseInsideAStore(target, folder);
    String prefix = "." + target.getFileName() + ".";
    Path temporary = folder.resolve(prefix + ProcessHandle.current().pid() + ".tmp");
    removeLeftovers(folder, prefix);
    try {
      try (FileChannel out = FileChannel.open(temporary, options(), attributes(folder))) {
        if (posix(folder)) {
          Files.setPosixFilePermissions(temporary, READABLE); // whatever the umask took away
        }
        ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true);
      }
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * A folder inside a hostpki store (through a link, too) holds only what hostpki writes there:
   * a metrics file in it would be an unknown name the next apply refuses.
   */
  private static void refuseInsideAStore(Path target, Path folder) throws IOException {
    for (Path dir = folder.toRealPath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("..data"), LinkOption.NOFOLLOW_LINKS)
          || Files.exists(dir.resolve(".lock"), LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(
            target + " is inside the hostpki store " + dir + "; write metrics to node_exporter's textfile folder");
      }
    }
  }

  /**
   * Temporary files of killed runs: gone once they are older than any write takes (a younger one
   * may be another process's write in progress, say watch's next to a timer's apply).
   */
  private static void removeLeftovers(Path folder, String prefix) throws IOException {
    Instant stale = Instant.now().minus(STALE); // the kernel's clock, which set the files' times
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(folder, p -> isLeftover(p, prefix))) {
      for (Path p : leftovers) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.lastModifiedTime().toInstant().isBefore(stale)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static boolean isLeftover(Path p, String prefix) {
    String name = p.getFileName().toString();
    return name.startsWith(prefix)
        && name.endsWith(".tmp")
        && name.substring(prefix.length(), name.length() - ".tmp".length()).matches("[0-9]+");
  }

  private static Set<StandardOpenOption> options() {
    return Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  private static boolean posix(Path folder) {
    return folder.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<?>[] attributes(Path folder) {
    List<FileAttribute<?>> attributes = new ArrayList<>();
    if (posix(folder)) {
      attributes.add(PosixFilePermissions.asFileAttribute(READABLE));
    }
    return attributes.toArray(FileAttribute<?>[]::new);
  }
}
