package org.hostpki.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The folder an {@link OutputFile} goes into, opened once and held, so that the new file is
 * created, given its mode and owner, and renamed into place relative to that folder (openat,
 * fchownat, renameat: Java's {@link SecureDirectoryStream}) — never again through its path.
 * Between hostpki's check of a path and its write, another user who may write a folder on the way
 * could otherwise swap a folder for a link and have hostpki, running as root, replace a file of
 * the same name wherever the link points (and give it the owner of the file the check saw, theirs).
 *
 * <p>The path is walked from the root as the kernel walks it, each folder opened without
 * following a link, relative to the one before. A link on the way is followed only where no other
 * user could have swapped it: every folder up to it writable by root and this user alone, or
 * sticky with the entries that lead on not theirs. Java cannot read a link relative to an open
 * folder, so a link in a folder another user may change is refused: what hostpki would read could
 * be another link than the one it checked.
 */
final class OutputFolder implements Closeable {
  /** Most links followed, as the kernel's limit (ELOOP beyond). */
  private static final int MAX_LINKS = 40;
  private static final int STICKY = 01000;
  private static final int GROUP_WRITE = 0020;
  private static final int OTHER_WRITE = 0002;

  /** Opens a folder in the folder held, never through a link: how the walk opens each one (tests: failing). */
  interface Opener {
    Opener NO_LINKS = (folder, entry) -> folder.newDirectoryStream(entry, LinkOption.NOFOLLOW_LINKS);

    SecureDirectoryStream<Path> open(SecureDirectoryStream<Path> folder, Path entry) throws IOException;
  }

  /** A folder opened on the way: its handle, its path, and whether no other user could swap it. */
  private record Frame(SecureDirectoryStream<Path> handle, Path path, boolean safe) {}

  private final Deque<Frame> frames;
  private final String name;

  private OutputFolder(Deque<Frame> frames, String name) {
    this.frames = frames;
    this.name = name;
  }

  /**
   * The folder {@code target} resolves to, opened, or empty where the file system has no secure
   * directory handles or a folder on the way cannot be read (then the path is all there is).
   *
   * @throws Refused when a link on the way is in a folder another user may change, or the path
   *     changed since it was checked
   */
  static Optional<OutputFolder> open(Path target) throws IOException {
    return open(target, Opener.NO_LINKS);
  }

  /** As {@link #open(Path)}, each folder on the way opened by {@code opener}. */
  static Optional<OutputFolder> open(Path target, Opener opener) throws IOException {
    FileSystem fileSystem = target.getFileSystem();
    Path root = target.getRoot();
    if (root == null || !fileSystem.supportedFileAttributeViews().contains("unix")) {
      return Optional.empty();
    }
    DirectoryStream<Path> top = Files.newDirectoryStream(root);
    if (!(top instanceof SecureDirectoryStream<Path> rootHandle)) {
      top.close();
      return Optional.empty();
    }
    Deque<Frame> frames = new ArrayDeque<>();
    frames.push(new Frame(rootHandle, root, true));
    try {
      return Optional.of(walk(target, frames, new Owners(fileSystem), opener));
    } catch (AccessDeniedException e) {
      // Opening a folder needs read permission where walking a path needs only search (x): a
      // user other than root with a 0711 folder on the way writes through the path, as before.
      closeAll(frames);
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      closeAll(frames);
      throw e;
    }
  }

  private static OutputFolder walk(Path target, Deque<Frame> frames, Owners owners, Opener opener)
      throws IOException {
    Path root = target.getRoot();
    Deque<Path> rest = new ArrayDeque<>();
    target.forEach(rest::add);
    int links = 0;
    while (true) {
      Path part = rest.removeFirst();
      String text = part.toString();
      Frame here = frames.peek();
      if (text.equals(".")) {
        continue;
      }
      if (text.equals("..")) {
        if (frames.size() > 1) {
          frames.pop().handle().close();
        }
        continue;
      }
      PosixFileAttributes entry = attributes(here.handle(), part).orElse(null);
      boolean last = rest.isEmpty();
      if (entry != null && entry.isSymbolicLink()) {
        boolean safe = here.safe() && !othersMayRename(here, entry.owner(), owners);
        if (!safe) {
          throw new Refused("it leads through the symbolic link " + here.path().resolve(part)
              + " in a folder another user may change, who could put another link in its place while"
              + " hostpki follows it; name the file by its real path");
        }
        if (++links > MAX_LINKS) {
          throw new Changed();
        }
        Path link = Files.readSymbolicLink(here.path().resolve(part));
        List<Path> parts = new ArrayList<>();
        link.forEach(parts::add);
        for (int i = parts.size() - 1; i >= 0; i--) {
          rest.addFirst(parts.get(i));
        }
        if (link.isAbsolute()) {
          while (frames.size() > 1) {
            frames.pop().handle().close();
          }
        }
        if (rest.isEmpty()) {
          throw new Changed(); // a link to "/": never a file
        }
        continue;
      }
      if (last) {
        if (entry != null && !entry.isRegularFile()) {
          throw new Changed();
        }
        return new OutputFolder(frames, text);
      }
      if (entry == null || !entry.isDirectory()) {
        throw new Changed();
      }
      boolean safe = here.safe() && !othersMayRename(here, entry.owner(), owners);
      SecureDirectoryStream<Path> next;
      try {
        next = opener.open(here.handle(), part);
      } catch (AccessDeniedException e) {
        throw e; // a folder this user may search but not read (0711): see open
      } catch (IOException e) {
        if (swapped(e)) {
          throw new Changed(); // a link or no folder now: swapped since it was looked at
        }
        // too many open files, an I/O error: the folder's own failure, named by its whole path
        FileSystemException named = new FileSystemException(here.path().resolve(part).toString(), null,
            e instanceof FileSystemException f ? f.getReason() : e.getMessage());
        named.initCause(e);
        throw named;
      }
      frames.push(new Frame(next, here.path().resolve(part), safe));
      if (safe && !samePlace(frames.peek())) {
        throw new Changed();
      }
    }
  }

  /**
   * Whether {@code e} says that what the walk saw is gone: no such entry, no folder, or a link
   * where {@code O_NOFOLLOW} opened it ({@code ELOOP}); not a failure of the system's own (too
   * many open files, an I/O error, a name too long).
   */
  static boolean swapped(IOException e) {
    String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    return e instanceof NoSuchFileException
        || e instanceof NotDirectoryException
        || (reason != null && (reason.equals("Not a directory") || reason.startsWith("Too many levels of symbolic links")));
  }

  /**
   * Whether a user other than root and this one could rename or replace the entry owned by {@code
   * entryOwner} in {@code folder}: the folder is theirs, or group or others may write it (in a
   * sticky folder only entries of its owner, root and this user are safe from them).
   */
  private static boolean othersMayRename(Frame folder, UserPrincipal entryOwner, Owners owners)
      throws IOException {
    Map<String, Object> unix =
        Files.readAttributes(folder.path(), "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) unix.get("mode");
    PosixFileAttributes attributes =
        folder.handle().getFileAttributeView(PosixFileAttributeView.class).readAttributes();
    UserPrincipal folderOwner = attributes.owner();
    if (!owners.isRootOrSelf(folderOwner)) {
      return true;
    }
    if ((mode & (GROUP_WRITE | OTHER_WRITE)) == 0) {
      return false;
    }
    return (mode & STICKY) == 0 || !(owners.isRootOrSelf(entryOwner) || entryOwner.equals(folderOwner));
  }

  /** Whether the folder's path still leads to the folder held (its mode was read by path). */
  private static boolean samePlace(Frame frame) throws IOException {
    Object held =
        frame.handle().getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
    Object named = Files.readAttributes(frame.path(), "basic:fileKey", LinkOption.NOFOLLOW_LINKS).get("fileKey");
    return held != null && held.equals(named);
  }

  private static Optional<PosixFileAttributes> attributes(SecureDirectoryStream<Path> folder, Path entry)
      throws IOException {
    try {
      return Optional.of(
          folder.getFileAttributeView(entry, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .readAttributes());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** The folder held, as a handle for openat, renameat and the like. */
  SecureDirectoryStream<Path> handle() {
    return frames.peek().handle();
  }

  /** The folder's path as the walk found it (for messages, and what no handle can do: link). */
  Path path() {
    return frames.peek().path();
  }

  /** The file's name in the folder (the target's own link followed). */
  String name() {
    return name;
  }

  /** The file's attributes in the folder, without following a link; empty when there is none. */
  Optional<PosixFileAttributes> file() throws IOException {
    return attributes(handle(), path().getFileSystem().getPath(name));
  }

  /**
   * Whether the file in the folder now belongs to another user than the file the check saw (or
   * is there where the check saw none): put there since, in a folder they may write, to have
   * hostpki give them what it writes.
   */
  boolean plantedSince(Optional<PosixFileAttributes> seen) throws IOException {
    Optional<PosixFileAttributes> now = file();
    if (now.isEmpty() || new Owners(path().getFileSystem()).isRootOrSelf(now.get().owner())) {
      return false;
    }
    return seen.isEmpty() || !seen.get().owner().equals(now.get().owner());
  }

  @Override
  public void close() throws IOException {
    closeAll(frames);
  }

  private static void closeAll(Deque<Frame> frames) throws IOException {
    IOException first = null;
    while (!frames.isEmpty()) {
      try {
        frames.pop().handle().close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Root and the user this process runs as, by number where the system has no name. */
  private static final class Owners {
    private final Optional<UserPrincipal> root;
    private final Optional<UserPrincipal> self;

    Owners(FileSystem fileSystem) {
      this.root = principal(() -> fileSystem.getUserPrincipalLookupService().lookupPrincipalByName("root"));
      this.self = principal(() -> Files.getOwner(fileSystem.getPath("/proc/self")));
    }

    boolean isRootOrSelf(UserPrincipal owner) {
      return root.map(owner::equals).orElse(false) || self.map(owner::equals).orElse(false);
    }

    private interface Lookup {
      UserPrincipal get() throws IOException;
    }

    private static Optional<UserPrincipal> principal(Lookup lookup) {
      try {
        return Optional.of(lookup.get());
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  /** hostpki must not write there; the message says why and what to do. */
  static class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    Refused(String why) {
      super(why);
    }
  }

  /** The path is not what the check saw: a folder or link on the way was replaced meanwhile. */
  static final class Changed extends Refused {
    private static final long serialVersionUID = 1L;

    Changed() {
      super("a folder or link on its path changed while hostpki wrote it, and nothing was written;"
          + " run it again, and if it happens again, name a file in a folder no other user can write");
    }
  }
}
