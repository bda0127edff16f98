package org.hostpki.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
    Path temporary = folder.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(temporary); // left by a killed earlier run of this same process id
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
