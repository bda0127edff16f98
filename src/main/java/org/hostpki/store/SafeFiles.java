package org.hostpki.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;

/**
 * File operations for the store: none follows a symbolic link found inside the store, and
 * writes reach the disk before anything points at them.
 */
final class SafeFiles {
  private static final Set<OpenOption> READ_NO_FOLLOW =
      Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  private static final Set<OpenOption> CREATE_NEW_NO_FOLLOW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  private SafeFiles() {}

  /**
   * Reads a regular file into memory, up to {@link InputKind#STORE_FILE}'s limit; fails on a
   * symbolic link instead of following it, and on a FIFO or device before opening it.
   */
  static byte[] readNoFollow(Path file) throws IOException {
    return InputFiles.readNoFollow(file, InputKind.STORE_FILE);
  }

  /**
   * Reads an output of the store (see {@link InputKind#OUTPUT_FILE}): a file over its limit is read
   * only that far and not refused, so that its reader finds it not what it should be and has it
   * written anew.
   */
  static byte[] readOutputNoFollow(Path file) throws IOException {
    return InputFiles.readHeadNoFollow(file, InputKind.OUTPUT_FILE);
  }

  /** The first {@code most} bytes of a store file (all of a shorter one), a link not followed. */
  static byte[] readHeadNoFollow(Path file, int most) throws IOException {
    try (FileChannel channel = InputFiles.openRegular(file, false)) {
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), most));
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // until the end of the file or the limit
      }
      return java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }
  }

  /** What is at {@code path} itself, a link not followed; empty when nothing is there. */
  static Optional<BasicFileAttributes> entry(Path path) throws IOException {
    try {
      return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Creates a new file with the given mode from the first byte (O_CREAT|O_EXCL, so an existing
   * file or planted link is an error, never followed) and writes it. Not synced: see {@link
   * #sync(Path)}, which the writer calls for all files at the end, so that one journal commit can
   * cover many files. A file that could not be written (a full disk) is removed again: a record's
   * {@code NAME.tmp} is otherwise left empty in its generation until the next write.
   */
  static void writeNew(Path file, byte[] content, Set<PosixFilePermission> mode)
      throws IOException {
    writeNew(file, mode, channel -> {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    });
  }

  /**
   * As {@link #writeNew(Path, byte[], Set)}, the content written as it is made, through a buffer
   * of 64 KiB: no array of the whole content.
   */
  static void writeNew(Path file, StreamedContent content, Set<PosixFilePermission> mode)
      throws IOException {
    writeNew(file, mode, channel -> {
      java.io.OutputStream out =
          new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16);
      content.writeTo(out);
      out.flush(); // not closed: the channel is, by the caller
    });
  }

  private interface ChannelWrite {
    void into(FileChannel channel) throws IOException;
  }

  private static void writeNew(Path file, Set<PosixFilePermission> mode, ChannelWrite write)
      throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, CREATE_NEW_NO_FOLLOW, FileModes.creationAttributes(file, mode));
    } catch (IOException e) {
      throw IoFailures.naming(file, e); // not made here: never removed
    }
    try (channel) {
      write.into(channel);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw IoFailures.naming(file, e);
    }
  }

  /** fsync of a regular file written before. */
  static void sync(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, READ_NO_FOLLOW)) {
      channel.force(true);
    } catch (IOException e) {
      throw IoFailures.naming(file, e);
    }
  }

  /**
   * Replaces {@code target} with {@code content} atomically: written to {@code temporary} (a new
   * name in the same directory, created 0600 or 0644 from the first byte, O_EXCL, never through a
   * link), synced, renamed over {@code target}, the directory synced. A crash leaves the old or the
   * new content, and perhaps {@code temporary}, for the next writer to remove.
   */
  static void replaceVia(Path temporary, Path target, byte[] content, boolean secret) throws IOException {
    writeNew(temporary, content, secret ? FileModes.SECRET : FileModes.PUBLIC);
    try {
      if (!secret) {
        FileModes.setExactly(temporary, FileModes.PUBLIC);
      }
      sync(temporary);
      try {
        // REPLACE_EXISTING too: with ATOMIC_MOVE alone, replacing an existing file is up to the
        // file system (Linux's rename replaces it; others, Jimfs among them, refuse).
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + target.getParent() + " cannot rename atomically", e);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
    syncDirectory(target.getParent());
  }

  /**
   * fsync of a directory, so that the names created, renamed or removed in it are on disk. Some
   * file systems cannot open a directory at all (Windows, in-memory ones); there the sync is
   * skipped and durability is theirs to give.
   */
  static void syncDirectory(Path directory) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(directory, StandardOpenOption.READ);
    } catch (UnsupportedOperationException | IOException e) {
      if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      throw e;
    }
    try (channel) {
      channel.force(true);
    } catch (IOException e) {
      throw IoFailures.naming(directory, e);
    }
  }

  /** Creates a directory with exactly this mode; fails if anything exists under the name. */
  static void createDirectory(Path directory, Set<PosixFilePermission> mode) throws IOException {
    Files.createDirectory(directory, FileModes.creationAttributes(directory, mode));
    FileModes.setExactly(directory, mode);
  }

  /**
   * Creates the store directory if missing: 0755, since services read certificates through it.
   * Missing parents are made 0755 less the umask: not the store's to widen, and never writable by
   * group or others, which would make the next run refuse the store below them.
   */
  static void ensureStoreDirectory(Path store) throws IOException {
    if (Files.isDirectory(store)) {
      return;
    }
    Path parent = store.toAbsolutePath().getParent();
    Path existing = parent;
    while (existing != null && !Files.isDirectory(existing)) {
      existing = existing.getParent();
    }
    if (parent != null) {
      // 0755 less the umask, never writable by group or others: under umask 000, mkdir -p's 0777
      // made a store that the next run refused for the folder above it.
      Files.createDirectories(parent, FileModes.creationAttributes(parent, FileModes.DIRECTORY));
    }
    try {
      createDirectory(store, FileModes.DIRECTORY);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(store)) {
        throw e;
      }
    }
    // Each new directory's name must be on disk, or a power cut takes the whole store with it.
    for (Path d = parent; d != null; d = d.getParent()) {
      syncDirectory(d);
      if (d.equals(existing)) {
        break;
      }
    }
  }

  /** Deletes a tree without following links in it: a link is removed, not its target. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path directory, IOException e)
              throws IOException {
            if (e != null) {
              throw e;
            }
            Files.deleteIfExists(directory);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
