package org.hostpki.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.hostpki.files.FileOwners;
import org.hostpki.files.FileReasons;
import org.hostpki.files.MountPoints;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ShellCommand;

/**
 * Where a file the user names for hostpki to write goes, and the checks that refuse it before
 * anything is written (the list is {@link OutputFile}'s): the target's path is walked link by
 * link, its directory resolved, and the file it replaces read. {@link OutputFile} writes there;
 * this class only looks.
 */
public final class OutputTarget {

  /** Why a file mounted into place cannot be the target, and what to do instead. */
  static final String MOUNT_POINT =
      MountPoints.WHY + ". Mount the folder that holds it instead, or name a file in a folder hostpki may write";

  private final Path target;

  OutputTarget(Path target) {
    this.target = target;
  }

  /** Where the content goes, and the file it replaces. */
  record Destination(Path directory, Path file, Optional<PosixFileAttributes> replaced) {}

  Destination destination() {
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
                  + root.resolve(system) + ". " + OutputFile.STANDARD_OUTPUT);
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
              + " files and never writes into a device or pipe. " + OutputFile.STANDARD_OUTPUT);
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
              : "the directory " + parent + " does not exist; create it first (" + ShellCommand.of("mkdir", "-p", parent) + ")");
    }
    try {
      return parent.toRealPath();
    } catch (IOException e) {
      throw refused("its directory " + parent + " cannot be resolved: " + FileReasons.cause(e));
    }
  }

  private void refuseInsideAStore(Optional<Path> directory, String what) {
    Optional<Path> store = directory.flatMap(OutputTarget::enclosingStore);
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

  private static Optional<PosixFileAttributes> posixAttributes(Path file) {
    try {
      return FileModes.hasPosix(file)
          ? Optional.of(Files.readAttributes(file, PosixFileAttributes.class))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The refusal of this target: {@code cannot write TARGET: WHY}. */
  HostpkiException refused(String why) {
    return new HostpkiException("cannot write " + target + ": " + why);
  }

  private static String linkText(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "a target that cannot be read";
    }
  }
}
