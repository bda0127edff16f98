package org.hostpki.install;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import org.hostpki.files.InputFiles;
import org.hostpki.files.MountPoints;

/**
 * Reading and replacing files in places that are not hostpki's: bounded reads of regular files
 * only, and replacement by a complete new file renamed over the old one (so a reader sees the old
 * or the new content, never a mixture), which keeps the old file's owner, group and mode.
 */
final class InstallFiles {
  /** The mode of a certificate file in a system trust directory. */
  static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

  private static final SecureRandom RANDOM = new SecureRandom();

  private static final FileAttribute<?> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  /** Runs once the temporary file is made, before it is written (tests: a swap by the folder's owner). */
  static volatile java.util.function.Consumer<Path> afterCreate = temporary -> { };

  private InstallFiles() {}

  /**
   * A regular file's bytes, at most {@code limit} of them; empty when there is no such file. A
   * link is followed only when {@code followLinks} (a JDK's {@code cacerts} is a link on Debian).
   *
   * @throws IOException when the name is a directory, device or pipe, or the file is larger
   */
  static Optional<byte[]> read(Path file, int limit, boolean followLinks) throws IOException {
    LinkOption[] options = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, options);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!attributes.isRegularFile()) {
      throw new IOException(file + " is not a regular file (" + kind(attributes) + ")");
    }
    // Opened within a time limit, and refused when swapped for a FIFO since the look.
    try (InputStream in = Channels.newInputStream(InputFiles.openRegular(file, followLinks))) {
      byte[] bytes = in.readNBytes(limit);
      if (in.read() >= 0) {
        throw new IOException(file + " is larger than " + limit + " bytes");
      }
      return Optional.of(bytes);
    }
  }

  private static String kind(BasicFileAttributes a) {
    return a.isDirectory() ? "a directory" : a.isSymbolicLink() ? "a symbolic link" : "a device, pipe or socket";
  }

  /**
   * Makes {@code file} hold exactly {@code content}: a new file beside it (named with a leading
   * dot, so no tool that scans the directory for {@code *.crt} or {@code *.pem} takes it up),
   * synced, then renamed over the name, and the directory synced. The new file gets the old one's
   * owner, group and mode, or {@code modeIfNew} when there was none. A link at the name is
   * replaced, never followed.
   */
  static void replace(Path file, byte[] content, Set<PosixFilePermission> modeIfNew) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    if (MountPoints.isMountPoint(file.toAbsolutePath())) {
      throw mountPoint(file);
    }
    Optional<PosixFileAttributes> old = posixAttributes(file);
    Set<PosixFilePermission> mode = old.map(PosixFileAttributes::permissions).orElse(modeIfNew);
    boolean posix = Files.getFileAttributeView(directory, PosixFileAttributeView.class) != null;
    // Made 0600 and given its final mode only once complete, in the one open that makes it: the
    // folder may be another user's (an app's Java trust store), who could put a FIFO (an open that
    // waits for good) or a hard link to a file of root's in its place before a second open.
    Path temporary = directory.resolve(".hostpki-" + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(
              temporary,
              posix ? Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
                  : Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              posix ? new FileAttribute<?>[] {PRIVATE} : new FileAttribute<?>[0])) {
        afterCreate.accept(temporary);
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
        if (posix) {
          // Owner and mode set through the descriptor, on the file written, whatever is at its
          // name by now.
          Path written = temporary.getFileSystem() != FileSystems.getDefault()
              ? temporary // a test's in-memory file system: no one else there
              : opened(directory.toRealPath().resolve(temporary.getFileName())).orElseThrow(() -> new IOException(
                  temporary + " was moved or replaced while hostpki wrote it (by someone who may write " + directory
                      + "); " + file + " was not changed"));
          // the /proc link is followed to the file opened; a name in memory is not
          PosixFileAttributeView view = Files.getFileAttributeView(
              written, PosixFileAttributeView.class,
              written == temporary ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS} : new LinkOption[0]);
          if (old.isPresent()) {
            if (!old.get().owner().equals(view.readAttributes().owner())) {
              view.setOwner(old.get().owner());
            }
            if (!old.get().group().equals(view.readAttributes().group())) {
              view.setGroup(old.get().group());
            }
          }
          view.setPermissions(mode); // exactly, whatever the umask
        }
      }
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + file + " in one step on this file system", e);
      } catch (FileSystemException e) {
        throw "Device or resource busy".equals(e.getReason()) ? mountPoint(file) : e; // mounted since
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
    syncDirectory(directory);
  }

  /**
   * {@code /proc/self/fd/N} of a file this process holds open under {@code name} (a real path):
   * the kernel's link to the file opened, which a chown or chmod through it reaches even when
   * someone has put another file at the name since. Empty when no descriptor of this process names
   * it now (the file was moved or removed), or without {@code /proc}.
   */
  static Optional<Path> opened(Path name) throws IOException {
    String wanted = name.toString();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals(wanted)) {
            return Optional.of(fd);
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static IOException mountPoint(Path file) {
    return new IOException(
        file + " is " + MountPoints.WHY + ". Mount the folder that holds it instead, or name a copy"
            + " hostpki may replace and have the service read that");
  }

  /** Removes the name (a link is removed, not its target) and syncs the directory. */
  static void delete(Path file) throws IOException {
    if (Files.deleteIfExists(file)) {
      syncDirectory(file.toAbsolutePath().getParent());
    }
  }

  private static Optional<PosixFileAttributes> posixAttributes(Path file) throws IOException {
    if (Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS) == null) {
      return Optional.empty();
    }
    try {
      PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() ? Optional.of(a) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (UnsupportedOperationException e) {
      // An in-memory file system: durability is not its to give.
    }
  }
}
