package org.hostpki.install;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
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
      return Optional.of(bounded(in, file, limit));
    }
  }

  /**
   * {@link #read(Path, int, boolean)} of {@code name} in a folder held open: a link there is
   * refused, never followed, and so is a FIFO put at the name after the look.
   */
  static Optional<byte[]> read(Folder folder, Path name, int limit) throws IOException {
    Path file = folder.path().resolve(name);
    BasicFileAttributes attributes;
    try {
      attributes = folder.look(name);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!attributes.isRegularFile()) {
      throw new IOException(file + " is not a regular file (" + kind(attributes) + ")");
    }
    try (InputStream in = Channels.newInputStream(
        InputFiles.openBounded(file, () -> folder.open(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))))) {
      return Optional.of(bounded(in, file, limit));
    }
  }

  private static byte[] bounded(InputStream in, Path file, int limit) throws IOException {
    byte[] bytes = in.readNBytes(limit);
    if (in.read() >= 0) {
      throw new IOException(file + " is larger than " + limit + " bytes");
    }
    return bytes;
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
    replace(Folder.of(file.toAbsolutePath().getParent()), file.getFileName(), content, modeIfNew);
  }

  /**
   * {@link #replace(Path, byte[], Set)} of {@code name} in a folder held open: the new file is
   * made, looked at and renamed relative to that folder, so a link put on the way to it since
   * does not lead the write elsewhere.
   */
  static void replace(Folder folder, Path name, byte[] content, Set<PosixFilePermission> modeIfNew) throws IOException {
    Path directory = folder.path();
    Path file = directory.resolve(name);
    if (MountPoints.isMountPoint(file)) {
      throw mountPoint(file);
    }
    Optional<PosixFileAttributes> old = folder.posix(name);
    Set<PosixFilePermission> mode = old.map(PosixFileAttributes::permissions).orElse(modeIfNew);
    boolean posix = folder.isPosix();
    // Made 0600 and given its final mode only once complete, in the one open that makes it: the
    // folder may be another user's (an app's Java trust store), who could put a FIFO (an open that
    // waits for good) or a hard link to a file of root's in its place before a second open.
    Path temporaryName = Path.of(".hostpki-" + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
    Path temporary = directory.resolve(temporaryName);
    try {
      try (FileChannel channel =
          (FileChannel) folder.open(
              temporaryName,
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
              : opened(folder.realPath().resolve(temporaryName)).orElseThrow(() -> new IOException(
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
        folder.rename(temporaryName, name);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + file + " in one step on this file system", e);
      } catch (FileSystemException e) {
        throw "Device or resource busy".equals(e.getReason()) ? mountPoint(file) : e; // mounted since
      }
    } finally {
      folder.delete(temporaryName);
    }
    folder.sync();
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

  /**
   * A folder files are read from and replaced in by their names in it: by its path ({@link
   * #of}), or held open ({@link #held}), where every name is taken relative to the folder opened
   * and a link is never followed.
   */
  interface Folder {
    /** Where the folder is, for messages. */
    Path path();

    /** Its real path, as {@code /proc/self/fd} names a file opened in it. */
    Path realPath() throws IOException;

    /** Whether its files have POSIX owners and modes. */
    boolean isPosix();

    /** The name's attributes, a link's own. */
    BasicFileAttributes look(Path name) throws IOException;

    /** A regular file's POSIX attributes; empty when there is none at the name. */
    Optional<PosixFileAttributes> posix(Path name) throws IOException;

    SeekableByteChannel open(Path name, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
        throws IOException;

    /** Renames {@code from} over {@code to} in one step. */
    void rename(Path from, Path to) throws IOException;

    /** Removes the name, when there is one. */
    void delete(Path name) throws IOException;

    /** Makes the folder's names durable. */
    void sync() throws IOException;

    static Folder of(Path directory) {
      return new ByPath(directory);
    }

    static Folder held(SecureDirectoryStream<Path> folder, Path path) {
      return new Held(folder, path);
    }
  }

  private record ByPath(Path path) implements Folder {
    @Override
    public Path realPath() throws IOException {
      return path.toRealPath();
    }

    @Override
    public boolean isPosix() {
      return Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
    }

    @Override
    public BasicFileAttributes look(Path name) throws IOException {
      return Files.readAttributes(path.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public Optional<PosixFileAttributes> posix(Path name) throws IOException {
      return posixAttributes(path.resolve(name));
    }

    @Override
    public SeekableByteChannel open(Path name, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
        throws IOException {
      return FileChannel.open(path.resolve(name), options, attributes);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
      Files.move(path.resolve(from), path.resolve(to), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void delete(Path name) throws IOException {
      Files.deleteIfExists(path.resolve(name));
    }

    @Override
    public void sync() throws IOException {
      syncDirectory(path);
    }
  }

  /** @param path the real path the folder was opened at (by {@link KeystorePlace#open}) */
  private record Held(SecureDirectoryStream<Path> folder, Path path) implements Folder {
    @Override
    public Path realPath() {
      return path;
    }

    @Override
    public boolean isPosix() {
      return true;
    }

    @Override
    public BasicFileAttributes look(Path name) throws IOException {
      return folder.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
    }

    @Override
    public Optional<PosixFileAttributes> posix(Path name) throws IOException {
      try {
        PosixFileAttributes a =
            folder.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
        return a.isRegularFile() ? Optional.of(a) : Optional.empty();
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    }

    @Override
    public SeekableByteChannel open(Path name, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
        throws IOException {
      return folder.newByteChannel(name, options, attributes);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
      folder.move(from, folder, to); // renameat: replaces what is at the name, in one step
    }

    @Override
    public void delete(Path name) throws IOException {
      try {
        folder.deleteFile(name);
      } catch (NoSuchFileException e) {
        // renamed already
      }
    }

    @Override
    public void sync() throws IOException {
      try (FileChannel channel = (FileChannel) folder.newByteChannel(Path.of("."), Set.of(StandardOpenOption.READ))) {
        channel.force(true);
      }
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
