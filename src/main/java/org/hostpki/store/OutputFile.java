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
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
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
 */
public final class OutputFile {
  private static final Set<PosixFilePermission> PUBLIC = FileModes.PUBLIC;
  private static final Set<OpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The last sentence of a refusal, for commands whose file can be standard output. */
  public static final String STANDARD_OUTPUT = "For standard output, give - as the file name";
  /** Why a file mounted into place cannot be the target, and what to do instead. */
  private static final String MOUNT_POINT =
      MountPoints.WHY + ". Mount the folder that holds it instead, or name a file in a folder hostpki may write";

  private final Path target;
  private final OutputFolder.Opener opener;

  private OutputFile(Path target, OutputFolder.Opener opener) {
    this.target = target;
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
    file.destination();
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
      throw refused("it exists, and it is not replaced; " + remedy);
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
    Destination destination = destination();
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
      throw refused(e.getMessage());
    } catch (IOException e) {
      throw new HostpkiException("cannot write " + target + ": " + writeFailure(e, destination.directory()), e);
    }
  }

  /** The target's folder, opened link by link ({@link OutputFolder}); empty where it cannot be. */
  private Optional<OutputFolder> hold() {
    try {
      return OutputFolder.open(target, opener);
    } catch (OutputFolder.Refused e) {
      throw refused(e.getMessage());
    } catch (IOException e) {
      if (OutputFolder.swapped(e)) {
        throw refused(new OutputFolder.Changed().getMessage());
      }
      // the system's own failure (too many open files, an I/O error): its reason and fix
      String file = e instanceof FileSystemException f ? f.getFile() : null;
      throw refused((file == null ? "" : file + ": ") + FileReasons.cause(e));
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
      throw refused("it appeared while hostpki wrote it, and it is not replaced");
    } finally {
      try {
        handle.deleteFile(temporary);
      } catch (IOException ignored) {
        // gone (renamed into place), or a hidden leftover .tmp file: harmless
      }
    }
  }

  /** The write where no folder can be held (a file system without secure directory handles). */
  private void putByPath(Destination destination, byte[] content, boolean replace) {
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
      throw refused("it appeared while hostpki wrote it, and it is not replaced");
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

  /** Where the content goes, and the file it replaces. */
  private record Destination(Path directory, Path file, Optional<PosixFileAttributes> replaced) {}

  private Destination destination() {
    Path file = target;
    String what = "it is";
    refuseSystemFiles();
    refuseUnlessRegular(target);
    refusePlanted();
    if (Files.isSymbolicLink(target)) {
      try {
        file = target.toRealPath();
      } catch (IOException e) {
        throw refused(
            "it is a symbolic link to " + linkText(target)
                + (e instanceof NoSuchFileException
                    ? ", which does not exist"
                    : ", which cannot be followed: " + FileReasons.cause(e))
                + "; remove the link, or name the file itself");
      }
      what = "it is a symbolic link to " + file + ", which is";
    }
    // The store check comes first: advice to create a missing folder must never lead into one.
    refuseInsideAStore(nearestExisting(file.getParent()), what);
    Path directory = realDirectory(file);
    refuseInsideAStore(Optional.of(directory), what);
    Path destination = directory.resolve(file.getFileName().toString());
    if (!Files.exists(destination)) {
      return new Destination(directory, destination, Optional.empty());
    }
    refuseUnlessRegular(destination);
    if (MountPoints.isMountPoint(destination)) {
      throw refused(what + " " + MOUNT_POINT);
    }
    return new Destination(directory, destination, posixAttributes(destination));
  }

  /**
   * Refuses names under {@code /dev} and {@code /proc}: {@code /dev/stdout} and {@code
   * /proc/self/fd/1} name this process's streams, which may be a terminal, a pipe or a file the
   * shell opened — nothing to rename a new file over.
   */
  private void refuseSystemFiles() {
    List<Path> names = new ArrayList<>(List.of(target));
    if (Files.isSymbolicLink(target)) {
      try {
        names.add(target.resolveSibling(Files.readSymbolicLink(target)).normalize());
      } catch (IOException e) {
        // said below, when the link is followed
      }
    }
    Path root = target.getRoot();
    for (Path name : names) {
      for (String system : List.of("dev", "proc")) {
        if (root != null && name.startsWith(root.resolve(system))) {
          throw refused(
              "hostpki writes a new file and renames it into place, which is not possible under "
                  + root.resolve(system) + ". " + STANDARD_OUTPUT);
        }
      }
    }
  }

  /** Most links followed on the way to the file, as the kernel's limit (ELOOP beyond). */
  private static final int MAX_LINKS = 40;

  /**
   * Walks the path as the kernel does, link by link (the target's own, those to folders on the
   * way, {@code d/../l2} where {@code d} is a link), and refuses a link another user made (see
   * {@link #refuseLinkOfOther}); and what the kernel's {@code fs.protected_symlinks} and {@code
   * fs.protected_regular} refuse, which resolving links here and renaming over the file would
   * bypass: in a sticky directory every user may write ({@code /tmp}), a link on the way to the
   * file, or the file itself, that belongs to neither this user nor the directory's owner. Another
   * user may have put a link there to make hostpki (run as root) replace a file it names ({@code
   * /etc/shadow}), or a file there to change what hostpki wrote once it is theirs again.
   */
  private void refusePlanted() {
    Path root = target.getRoot();
    if (root == null || !target.getFileSystem().supportedFileAttributeViews().contains("owner")) {
      return;
    }
    boolean unix = target.getFileSystem().supportedFileAttributeViews().contains("unix");
    Deque<Path> rest = new ArrayDeque<>();
    target.forEach(rest::add);
    Path resolved = root;
    int links = 0;
    try {
      while (!rest.isEmpty()) {
        Path next = resolved.resolve(rest.removeFirst());
        if (!Files.isSymbolicLink(next)) {
          resolved = next.normalize();
          continue;
        }
        if (unix) {
          refuseIfPlanted(next, "the symbolic link " + next + ", which names " + linkText(next) + ",");
        }
        refuseLinkOfOther(next);
        if (++links > MAX_LINKS) {
          return; // a loop: following it fails, and says so
        }
        Path link = Files.readSymbolicLink(next);
        List<Path> parts = new ArrayList<>();
        link.forEach(parts::add);
        for (int i = parts.size() - 1; i >= 0; i--) {
          rest.addFirst(parts.get(i));
        }
        if (link.isAbsolute()) {
          resolved = root;
        }
      }
      if (unix && Files.isRegularFile(resolved, LinkOption.NOFOLLOW_LINKS)) {
        refuseIfPlanted(resolved, resolved.equals(target) ? "it" : resolved.toString());
      }
    } catch (IOException e) {
      // nothing there, or not readable: what follows says so
    }
  }

  /**
   * Refuses a link on the way that another user made — the target itself, a link to a folder, or
   * one a link leads through: the folder holding it may be theirs (a textfile collector's folder,
   * a service's own), and whoever owns the link can point it anywhere, say at {@code /etc/shadow},
   * for this user — root under the units — to replace. Links made by this user or root are
   * followed as before.
   */
  private void refuseLinkOfOther(Path link) throws IOException {
    String user = FileOwners.processUser();
    UserPrincipal owner = Files.getOwner(link, LinkOption.NOFOLLOW_LINKS);
    if (FileOwners.isUserOrRoot(link, owner, user, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (link.equals(target)) {
      throw refused(
          "it is a symbolic link owned by " + owner.getName() + ", who could point it at any file for"
              + " hostpki, running as " + user + ", to replace; remove the link, or name the file itself");
    }
    throw refused(
        "it leads through the symbolic link " + link + " owned by " + owner.getName() + ", who could"
            + " point it anywhere for hostpki, running as " + user + ", to write its file there; name"
            + " the file by its real path, or have root own the link");
  }

  private void refuseIfPlanted(Path entry, String what) throws IOException {
    Path directory = entry.getParent();
    int mode = (Integer) Files.getAttribute(directory, "unix:mode");
    if ((mode & 01000) == 0 || (mode & 0002) == 0) {
      return;
    }
    int owner = (Integer) Files.getAttribute(entry, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int directoryOwner = (Integer) Files.getAttribute(directory, "unix:uid");
    if (owner == directoryOwner
        || FileOwners.processUid(entry.getFileSystem()).equals(OptionalInt.of(owner))) {
      return;
    }
    throw refused(
        what + " belongs to "
            + Files.getOwner(entry, LinkOption.NOFOLLOW_LINKS).getName()
            + ", in " + directory + ", a sticky directory every user may write (as /tmp): another"
            + " user may have put it there to make hostpki replace a file of their choosing, or to"
            + " change what hostpki writes; hostpki refuses it, as the kernel's fs.protected_symlinks"
            + " and fs.protected_regular do. Remove it, or name a file in a directory only you can"
            + " write");
  }

  /** Refuses a directory, FIFO, device or socket (following links); no file at all is fine. */
  private void refuseUnlessRegular(Path path) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException e) {
      return; // nothing there, a link that loops, a file in place of a folder: said below if wrong
    }
    if (attributes.isDirectory()) {
      throw refused("it is a directory; name a file (in it, say)");
    }
    if (!attributes.isRegularFile()) {
      throw refused(
          "it is " + FileReasons.kindOf(path, attributes) + ", not a regular file; hostpki replaces"
              + " files and never writes into a device or pipe. " + STANDARD_OUTPUT);
    }
  }

  /** The real path of the file's directory, or why there is none. */
  private Path realDirectory(Path file) {
    Path parent = file.getParent();
    if (parent == null) {
      throw refused("it is the root directory; name a file");
    }
    Path existing = parent;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing != null && !existing.equals(parent) && !Files.isDirectory(existing)) {
      throw refused(existing + " is not a directory");
    }
    if (!Files.isDirectory(parent)) {
      throw refused(
          Files.exists(parent, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(parent)
              ? parent + " is not a directory"
              : "the directory " + parent + " does not exist; create it first (mkdir -p " + parent + ")");
    }
    try {
      return parent.toRealPath();
    } catch (IOException e) {
      throw refused("its directory " + parent + " cannot be resolved: " + FileReasons.cause(e));
    }
  }

  private void refuseInsideAStore(Optional<Path> directory, String what) {
    Optional<Path> store = directory.flatMap(OutputFile::enclosingStore);
    if (store.isPresent()) {
      throw refused(
          what + " inside the hostpki store " + store.get() + ", whose files only hostpki"
              + " apply writes; writing there would damage the store and its kept generations."
              + " Choose a path outside the store");
    }
  }

  /** The real path of the nearest folder at or above {@code path} that exists. */
  private static Optional<Path> nearestExisting(Path path) {
    for (Path p = path; p != null; p = p.getParent()) {
      if (Files.isDirectory(p)) {
        try {
          return Optional.of(p.toRealPath());
        } catch (IOException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The hostpki store {@code directory} is in, if any: the nearest directory at or above it that
   * holds {@code ..data}, or {@code .lock} beside a generation (a store whose {@code ..data} was
   * lost still holds its generations).
   */
  public static Optional<Path> enclosingStore(Path directory) {
    for (Path d = directory; d != null; d = d.getParent()) {
      if (isStore(d)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  private static boolean isStore(Path directory) {
    if (Files.exists(directory.resolve(DataLink.NAME), LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    if (!Files.exists(directory.resolve(StoreLock.LOCK_FILE), LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "..*")) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (GenerationNames.isGeneration(name) || GenerationNames.isLeftover(name)) {
          return true;
        }
      }
    } catch (IOException e) {
      return true; // a .lock in a directory that cannot be listed: rather refuse than write there
    }
    return false;
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

  private static Optional<PosixFileAttributes> posixAttributes(Path file) {
    try {
      return FileModes.hasPosix(file)
          ? Optional.of(Files.readAttributes(file, PosixFileAttributes.class))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
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
      return "it is " + MOUNT_POINT; // mounted into place since the check
    }
    return FileReasons.cause(e);
  }

  private HostpkiException refused(String why) {
    return new HostpkiException("cannot write " + target + ": " + why);
  }

  private static String linkText(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "a target that cannot be read";
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
