package org.hostpki.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
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
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.hostpki.files.FileOwners;
import org.hostpki.files.FileReasons;
import org.hostpki.files.MountPoints;
import org.hostpki.model.HostpkiException;

/**
 * A file the user names for hostpki to write ({@code export -o}, {@code plan --out}, {@code sign
 * -o}, {@code fetch-cert -o}), written the one safe way: the content goes into a new file beside
 * the target, is synced, and is renamed over the target, so a reader sees the old file or the new
 * one, and an existing file is never opened for writing. That matters for a store: its files are
 * hard links shared by every kept generation, so writing through one would change them all.
 *
 * <p>A symbolic link as the target is followed to the file it names, which is then replaced (the
 * link stays) — unless another user than this one or root made it. Refused, before anything is
 * written: a target that lands — through links, in the real path of its directory — anywhere
 * inside a hostpki store (a directory holding {@code ..data}, or {@code .lock} beside a
 * generation; any store, not only the one configured); a directory; a FIFO, device or socket
 * (nothing to replace; {@code -o -} is standard output); a link that dangles; a directory that
 * does not exist; a name under {@code /dev} or {@code /proc} ({@code /dev/stdout} names this
 * process's own output); a file that is a mount point of its own (mounted into place by Docker or
 * Kubernetes: nothing can be renamed over it, see {@link MountPoints}); a link to a folder on the
 * way that another user than this one or root made; in a sticky directory
 * every user may write, a link on the way or the file itself that belongs to another user (see
 * {@link #refusePlanted}); a link on the way in a folder another user may change (see {@link
 * OutputFolder}). The write itself happens relative to the folder, opened once link by link: a
 * folder or link on the way changed since the check is refused, and nothing is written.
 *
 * <p>A replaced file keeps its mode, owner and group (the owner and group where this process may
 * set them); a new one is 0644: what hostpki writes here — certificates, requests, plans — is
 * public.
 *
 * <p>Just over 400 lines on purpose: the checks before the write, the write relative to the folder
 * held open, the removal of writes left by a killed run and the error words share one view of the
 * target; split, a check and the write it guards could drift apart.
 */
public final class OutputFile {
  private static final Set<PosixFilePermission> PUBLIC = FileModes.PUBLIC;
  private static final Set<OpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The last sentence of a refusal, for commands whose file can be standard output. */
  public static final String STANDARD_OUTPUT = "For standard output, give - as the file name";

  private final Path target;
  private final OutputTarget checked;
  private final OutputFolder.Opener opener;

  private OutputFile(Path target, OutputFolder.Opener opener) {
    this.target = target;
    this.checked = new OutputTarget(target);
    this.opener = opener;
  }

  /**
   * The output file at {@code target}, checked now so that a command refuses before it does its
   * work (signs a request, contacts a server); {@link #write} checks again.
   *
   * @throws HostpkiException when hostpki must not or cannot write there, with the fix
   */
  public static OutputFile at(Path target) {
    return at(target, OutputFolder.Opener.NO_LINKS);
  }

  /** As {@link #at(Path)}, each folder on the way opened by {@code opener} (tests: failing). */
  static OutputFile at(Path target, OutputFolder.Opener opener) {
    OutputFile file = new OutputFile(target.toAbsolutePath().normalize(), opener);
    file.checked.destination();
    file.hold().ifPresent(OutputFile::release); // what only the walk refuses, refused before the work
    return file;
  }

  /** The path as the user named it. */
  public Path path() {
    return target;
  }

  /**
   * Replaces the file with {@code content}: a new file in the same directory, synced, renamed
   * into place, and the directory synced.
   *
   * @throws HostpkiException naming the file and what is wrong; the old file is then unchanged
   */
  public void write(byte[] content) {
    put(content, true);
  }

  /**
   * Writes {@code content} as a new file, as {@link #write} does, but never over an existing one
   * ({@code hostpki init}): the synced file is linked in under the target's name, which fails
   * when that name exists — also when it appeared since the check — and the existing file is left
   * as it is.
   *
   * @throws HostpkiException when the target exists, naming {@code remedy}
   */
  public void create(byte[] content, String remedy) {
    if (exists()) {
      throw checked.refused("it exists, and it is not replaced; " + remedy);
    }
    put(content, false);
  }

  /** Whether something — a file, a link, even a dangling one — has the target's name. */
  public boolean exists() {
    return Files.exists(target, LinkOption.NOFOLLOW_LINKS);
  }

  private void put(byte[] content, boolean replace) {
    put(content, replace, () -> {}, () -> {});
  }

  /**
   * Writes as {@link #put(byte[], boolean)} does; {@code afterCheck} runs between the check of the
   * path and the write (a test's swap of a folder on the way), {@code whileWritten} once the new
   * file is written in the folder held, before it is renamed into place (a test's file planted
   * meanwhile).
   */
  void put(byte[] content, boolean replace, Runnable afterCheck, Runnable whileWritten) {
    OutputTarget.Destination destination = checked.destination();
    afterCheck.run();
    Optional<OutputFolder> held = hold();
    if (held.isEmpty()) {
      putByPath(destination, content, replace);
      return;
    }
    try (OutputFolder folder = held.get()) {
      if (!folder.path().equals(destination.directory())
          || !folder.name().equals(destination.file().getFileName().toString())
          || folder.plantedSince(destination.replaced())) {
        throw new OutputFolder.Changed();
      }
      putInFolder(folder, content, replace, destination.replaced(), whileWritten);
    } catch (OutputFolder.Refused e) {
      throw checked.refused(e.getMessage());
    } catch (IOException e) {
      throw new HostpkiException("cannot write " + target + ": " + writeFailure(e, destination.directory()), e);
    }
  }

  /** The target's folder, opened link by link ({@link OutputFolder}); empty where it cannot be. */
  private Optional<OutputFolder> hold() {
    try {
      return OutputFolder.open(target, opener);
    } catch (OutputFolder.Refused e) {
      throw checked.refused(e.getMessage());
    } catch (IOException e) {
      if (OutputFolder.swapped(e)) {
        throw checked.refused(new OutputFolder.Changed().getMessage());
      }
      // the system's own failure (too many open files, an I/O error): its reason and fix
      String file = e instanceof FileSystemException f ? f.getFile() : null;
      throw checked.refused((file == null ? "" : file + ": ") + FileReasons.cause(e));
    }
  }

  private static void release(OutputFolder folder) {
    try {
      folder.close();
    } catch (IOException ignored) {
      // closing a directory handle that was only read: nothing was written
    }
  }

  /**
   * The new file is created, given the replaced file's mode and owner, and renamed into place
   * relative to the folder held, never through its path again. The mode and owner are those of the
   * file the check saw ({@code seen}), which the folder still held then: read again now, they
   * would be those of a file another user put there meanwhile (in a sticky folder every user may
   * write, such as /tmp, once this run's temporary file showed it was writing), and the new file
   * would be theirs to change.
   */
  private void putInFolder(
      OutputFolder folder, byte[] content, boolean replace, Optional<PosixFileAttributes> seen,
      Runnable whileWritten) throws IOException {
    SecureDirectoryStream<Path> handle = folder.handle();
    Path directory = folder.path();
    Path name = directory.getFileSystem().getPath(folder.name());
    Path temporary = directory.getFileSystem().getPath(temporaryName(folder.name()));
    try {
      // Locked until it has the target's name, as putByPath's (see removeInterruptedWrites).
      try (SeekableByteChannel channel =
              handle.newByteChannel(temporary, CREATE_NEW, FileModes.creationAttributes(directory, FileModes.SECRET));
          FileLock writing = channel instanceof FileChannel file ? file.lock() : null) {
        removeInterruptedWrites(directory, folder.name(),
            handle.getFileAttributeView(temporary, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes().lastModifiedTime());
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        if (channel instanceof FileChannel file) {
          file.force(true);
        }
        whileWritten.run();
        takeOver(handle.getFileAttributeView(temporary, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS),
            seen);
        if (replace) {
          handle.move(temporary, handle, name); // renameat: replaces atomically
        } else {
          // No linkat relative to a handle in Java: through the path, which finds the new file only
          // in the folder held (elsewhere there is no such name, and the link fails).
          Files.createLink(directory.resolve(name), directory.resolve(temporary));
        }
      }
      SafeFiles.syncDirectory(directory);
    } catch (FileAlreadyExistsException e) {
      throw checked.refused("it appeared while hostpki wrote it, and it is not replaced");
    } finally {
      try {
        handle.deleteFile(temporary);
      } catch (IOException ignored) {
        // gone (renamed into place), or a hidden leftover .tmp file: harmless
      }
    }
  }

  /** The write where no folder can be held (a file system without secure directory handles). */
  private void putByPath(OutputTarget.Destination destination, byte[] content, boolean replace) {
    Path directory = destination.directory();
    String name = destination.file().getFileName().toString();
    Path temporary = directory.resolve(temporaryName(name));
    try {
      // Locked from its creation until it has the target's name: a later run that finds it
      // unlocked knows its writer is gone (see removeInterruptedWrites).
      try (FileChannel channel =
              FileChannel.open(
                  temporary, CREATE_NEW, FileModes.creationAttributes(temporary, FileModes.SECRET));
          FileLock writing = channel.lock()) {
        removeInterruptedWrites(directory, name, Files.getLastModifiedTime(temporary));
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
        takeOver(
            Files.getFileAttributeView(temporary, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS),
            destination.replaced());
        if (replace) {
          Files.move(
              temporary, destination.file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
          Files.createLink(destination.file(), temporary); // fails if the name exists: no race
        }
      }
      SafeFiles.syncDirectory(directory);
    } catch (FileAlreadyExistsException e) {
      throw checked.refused("it appeared while hostpki wrote it, and it is not replaced");
    } catch (IOException e) {
      throw new HostpkiException("cannot write " + target + ": " + writeFailure(e, directory), e);
    } finally {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException ignored) {
        // a hidden leftover .tmp file is harmless; the error that matters was raised
      }
    }
  }

  private static String temporaryName(String name) {
    return "." + name + "." + HexFormat.of().formatHex(randomBytes()) + ".tmp";
  }

  /**
   * Removes the temporary files that runs killed while writing this file left beside it ({@code
   * .NAME.<12 hex digits>.tmp}), which would otherwise pile up, one a killed run: a regular file
   * under that name that no live writer holds locked and that is a minute older than this run's
   * own ({@code now}, the file system's time, not this process's clock). Only where no other
   * user can change the directory or a folder on the way to it (see {@link #onlyRootOrSelfCanChange}):
   * there no one else can plant a file under such a name, nor swap one for a FIFO that would hang
   * this run opening it to test its lock. Best effort: what cannot be removed stays for the next run.
   */
  private static void removeInterruptedWrites(Path directory, String name, FileTime now) {
    try {
      if (!FileModes.hasPosix(directory) || !onlyRootOrSelfCanChange(directory)) {
        return;
      }
      FileTime aMinuteAgo = FileTime.from(now.toInstant().minus(Duration.ofMinutes(1)));
      try (DirectoryStream<Path> entries =
          Files.newDirectoryStream(directory, entry -> isTemporaryOf(name, entry))) {
        for (Path entry : entries) {
          BasicFileAttributes attributes =
              Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (attributes.isRegularFile()
              && attributes.lastModifiedTime().compareTo(aMinuteAgo) < 0) {
            removeUnlessLocked(entry);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // left for the next run; what matters is the file being written
    }
  }

  /**
   * Whether only root and this user can change the entries of {@code directory} (a real path) and
   * of every folder on the way to it: each is theirs, not a link, and no group or others may write
   * it, or (a folder on the way only) it is sticky, as /tmp is, so that no other user may rename
   * what is theirs in it.
   */
  private static boolean onlyRootOrSelfCanChange(Path directory) throws IOException {
    OptionalInt self = FileOwners.processUid(directory.getFileSystem());
    for (Path folder = directory; folder != null; folder = folder.getParent()) {
      Map<String, Object> unix = Files.readAttributes(folder, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) unix.get("mode");
      int uid = (Integer) unix.get("uid");
      boolean othersMayWrite = (mode & 0022) != 0 && (folder.equals(directory) || (mode & 01000) == 0);
      if ((mode & 0170000) != 0040000 || (uid != 0 && !self.equals(OptionalInt.of(uid))) || othersMayWrite) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTemporaryOf(String name, Path entry) {
    String entryName = entry.getFileName().toString();
    String prefix = "." + name + ".";
    return entryName.length() == prefix.length() + 12 + ".tmp".length()
        && entryName.startsWith(prefix)
        && entryName.endsWith(".tmp")
        && entryName
            .substring(prefix.length(), prefix.length() + 12)
            .chars()
            .allMatch(c -> Character.digit(c, 16) >= 0 && !Character.isUpperCase(c));
  }

  private static void removeUnlessLocked(Path temporary) throws IOException {
    try (FileChannel channel =
            FileChannel.open(temporary, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        FileLock unused = channel.tryLock()) {
      if (unused != null) {
        Files.delete(temporary);
      }
    } catch (OverlappingFileLockException writtenByThisProcess) {
      // another thread of this process writes it now
    }
  }

  /** The replaced file's mode, and its owner and group where this process may set them. */
  private static void takeOver(PosixFileAttributeView view, Optional<PosixFileAttributes> replaced)
      throws IOException {
    if (view == null) {
      return;
    }
    if (replaced.isEmpty()) {
      view.setPermissions(PUBLIC);
      return;
    }
    PosixFileAttributes old = replaced.get();
    PosixFileAttributes now = view.readAttributes();
    try {
      if (!now.group().equals(old.group())) {
        view.setGroup(old.group());
      }
      if (!now.owner().equals(old.owner())) {
        view.setOwner(old.owner());
      }
    } catch (IOException notPermitted) {
      // Only root may give a file away: the new file is then this user's, as cp's would be.
    }
    view.setPermissions(old.permissions());
  }


  private String writeFailure(IOException e, Path directory) {
    if (e instanceof AccessDeniedException) {
      return "permission denied: a new file cannot be created in " + directory
          + " (the file is replaced by a new one, so the directory must be writable)";
    }
    if (e instanceof NoSuchFileException) {
      return "the directory " + directory + " disappeared while it was written";
    }
    if (e instanceof FileSystemException f && "Device or resource busy".equals(f.getReason())) {
      return "it is " + OutputTarget.MOUNT_POINT; // mounted into place since the check
    }
    return FileReasons.cause(e);
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
