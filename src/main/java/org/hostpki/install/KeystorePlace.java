package org.hostpki.install;

import static org.hostpki.files.FileModes.DIRECTORY;
import static org.hostpki.files.FileModes.EVERY_USER_MAY_WRITE;
import static org.hostpki.files.FileModes.LINK;
import static org.hostpki.files.FileModes.OTHERS_MAY_WRITE;
import static org.hostpki.files.FileModes.STICKY;
import static org.hostpki.files.FileModes.TYPE;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.hostpki.files.FileOwners;
import org.hostpki.files.WayNames;
import org.hostpki.model.TerminalText;

/**
 * Where a Java trust store of {@code trust.install.java} really is, found as the kernel finds it,
 * one name at a time from {@code /}, and held to who could change the way (rvsec12 F2). An app
 * user's own JDK keeps its {@code cacerts} in a folder of that user's, and root's apply writes
 * there: that is allowed, since the file is the app's to trust with, and so is a store below
 * folders of theirs ({@code /opt/app/jre/lib/security/cacerts}). But what the folders' owner (or
 * anyone who may write a folder) can change must not decide where root reads and writes: a link
 * they made ({@code cacerts -> /etc/ssl/certs/java/cacerts}, or to any file of root's) would have
 * root read and replace that file, so such a link is refused ({@link #find}); and a folder of
 * theirs could be swapped for a link to a folder of root's between the look and the write, so
 * apply opens the way from their first folder on one folder at a time, relative to the one before
 * and without following a link ({@link #open}), and reads and replaces the file relative to its
 * folder held open ({@link InstallFiles.Folder}): a link swapped in is met as a link and refused.
 */
final class KeystorePlace {
  /** As the kernel's MAXSYMLINKS: more is a loop. */
  private static final int MAX_LINKS = 40;


  private KeystorePlace() {}

  /**
   * The real path of the trust store {@code keystore} names: no link on it.
   *
   * @throws IOException saying which name another user may change and what to do, when the way
   *     goes through one; or why the way cannot be looked at
   */
  static Path find(Path keystore) throws IOException {
    Path real = find(keystore, "trust store", (link, folder, who) ->
        keystore + " leads through the symbolic link " + link + " in " + folder + ", which " + who
            + " may change: " + who + " could point it at any file, and hostpki (as "
            + TerminalText.escape(FileOwners.processUser()) + ") would read and replace that file. Name the"
            + " trust store itself" + leadsTo(link));
    if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(keystore + " is a folder, not a trust store file");
    }
    return real;
  }

  /** Why a link on the way is refused: {@code who} may change {@code link}, in {@code folder}. */
  interface Refusal {
    String message(Path link, Path folder, String who);
  }

  /**
   * The real path of {@code target} (a file or a folder), walked as {@link #find(Path)} walks a
   * trust store's: the one rule for every {@code trust.install} target a link on the way could
   * send elsewhere (an NSS database's folder too, where certutil would change another database).
   *
   * @param what what {@code target} names, for the messages: "trust store", "NSS database"
   * @param refusal the message when a link on the way is one another user may change
   * @throws NoSuchFileException when a name on the way is not there
   */
  static Path find(Path target, String what, Refusal refusal) throws IOException {
    if (target.getFileSystem() != FileSystems.getDefault()
        || !target.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return target.toRealPath();
    }
    OptionalInt us = FileOwners.processUid(target.getFileSystem());
    Path absolute = target.toAbsolutePath();
    Path root = absolute.getRoot();
    Deque<String> names = new ArrayDeque<>();
    absolute.forEach(name -> names.add(name.toString()));
    Path current = root;
    Map<String, Object> folder = look(root);
    int followed = 0;
    for (String name = WayNames.next(names); name != null; name = WayNames.next(names)) {
      if (name.equals("..")) {
        current = current.getParent() == null ? current : current.getParent();
        folder = look(current);
        continue;
      }
      Path next = current.resolve(name);
      Map<String, Object> entry;
      try {
        entry = look(next);
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(target.toString(), null, "there is no " + what + " at " + target);
      }
      Optional<String> others = changedBy(folder, entry, us);
      boolean link = type(entry) == LINK;
      if (others.isPresent() && link) {
        throw new IOException(refusal.message(next, current, others.get()));
      }
      if (link) {
        if (++followed > MAX_LINKS) {
          throw new IOException(target + ": too many levels of symbolic links");
        }
        Path linked = Files.readSymbolicLink(next);
        WayNames.followLink(names, linked);
        if (linked.isAbsolute()) {
          current = root;
          folder = look(root);
        }
        continue;
      }
      if (names.isEmpty()) {
        return next;
      }
      if (type(entry) != DIRECTORY) {
        throw new IOException("there is no " + what + " at " + target + " (" + next + " is not a folder)");
      }
      current = next;
      folder = entry;
    }
    return current; // the way ended going up ('..'): a folder
  }

  /**
   * The folder that holds the trust store at {@code file} (its real path: {@link #find}), held
   * open. The way to it is taken by path as far as only root and this user may change it; from
   * the first name another user may change on, each folder is opened relative to the one before
   * without following a link ({@code openat} with {@code O_NOFOLLOW}), so a folder swapped for a
   * link since the look is met as a link and refused, never followed to a folder of root's.
   *
   * @throws IOException naming the name that became a link (or no folder), who may change it, and
   *     what to do; or why the way cannot be opened
   */
  static Held open(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path parent = absolute.getParent();
    if (absolute.getFileSystem() != FileSystems.getDefault()
        || !absolute.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return new Held(absolute, InstallFiles.Folder.of(parent), () -> { });
    }
    OptionalInt us = FileOwners.processUid(absolute.getFileSystem());
    List<Path> names = new ArrayList<>();
    parent.forEach(names::add);
    Path current = absolute.getRoot();
    Map<String, Object> folder = look(current);
    int i = 0;
    for (; i < names.size(); i++) {
      Path next = current.resolve(names.get(i));
      Map<String, Object> entry = look(next);
      Optional<String> others = changedBy(folder, entry, us);
      if (others.isPresent()) {
        break; // from here on, each folder is opened relative to the one before
      }
      if (type(entry) != DIRECTORY) {
        throw new IOException(file + ": " + next + " is " + (type(entry) == LINK ? "a symbolic link" : "no folder")
            + " now; hostpki found the trust store there when it looked. Nothing was changed; apply again");
      }
      current = next;
      folder = entry;
    }
    SecureDirectoryStream<Path> held = secure(Files.newDirectoryStream(current), current);
    try {
      afterOpen.accept(current);
      for (; i < names.size(); i++) {
        Path name = names.get(i);
        SecureDirectoryStream<Path> child;
        try {
          child = secure(held.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS), current.resolve(name));
        } catch (IOException e) {
          throw swapped(file, held, current, name, e);
        }
        held.close();
        held = child;
        current = current.resolve(name);
        afterOpen.accept(current);
      }
    } catch (IOException | RuntimeException e) {
      held.close();
      throw e;
    }
    return new Held(absolute, InstallFiles.Folder.held(held, current), held::close);
  }

  /** Runs after each folder on the way is opened, before the next (tests: a swap by its owner). */
  static volatile Consumer<Path> afterOpen = folder -> { };

  /**
   * A trust store's folder held open.
   *
   * @param file the trust store's real path
   * @param folder its folder: names in it are the trust store and its lock file
   */
  record Held(Path file, InstallFiles.Folder folder, Closer closer) implements AutoCloseable {
    /** The trust store's name in its folder. */
    Path name() {
      return file.getFileName();
    }

    @Override
    public void close() throws IOException {
      closer.close();
    }
  }

  /** Closes a folder held open. */
  interface Closer {
    void close() throws IOException;
  }

  private static SecureDirectoryStream<Path> secure(DirectoryStream<Path> stream, Path folder) throws IOException {
    if (stream instanceof SecureDirectoryStream<Path> held) {
      return held;
    }
    stream.close();
    throw new IOException("cannot hold " + folder + " open to work in it (this system's Java has no openat)");
  }

  /** Why {@code name} in the folder held ({@code folder}) could not be opened as a folder. */
  private static IOException swapped(
      Path file, SecureDirectoryStream<Path> held, Path folder, Path name, IOException cause) {
    Path shown = folder.resolve(name);
    BasicFileAttributes now;
    String owner;
    try {
      // (a folder swapped for a link: ELOOP, no link's name in the message; looked at again)
      now = held.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
      owner = TerminalText.escape(held.getFileAttributeView(PosixFileAttributeView.class).readAttributes().owner().getName());
    } catch (IOException e) {
      return new IOException(file + ": cannot open " + shown + " (" + cause.getMessage() + "); nothing was changed");
    }
    // ELOOP: a link when opened, whatever is there by this look
    boolean wasLink = cause instanceof java.nio.file.FileSystemException f && f.getReason() != null
        && f.getReason().startsWith("Too many levels of symbolic links");
    if (now.isDirectory() && !wasLink) {
      return new IOException(file + ": cannot open " + shown + " (" + cause.getMessage() + "); nothing was changed");
    }
    String what = now.isSymbolicLink() ? "is a symbolic link now"
        : wasLink ? "was a symbolic link when hostpki opened it" : "is no folder now";
    return new IOException(
        file + ": " + shown + " " + what + ", put there after hostpki looked at the way (" + folder
            + " belongs to " + owner + ", who may change the names in it). hostpki (as "
            + TerminalText.escape(FileOwners.processUser()) + ") did not follow it, and nothing was changed. Find"
            + " out why " + owner + " changed it; once " + shown + " is a folder again, apply again");
  }

  /**
   * Who other than root and this user may change what {@code entry}'s name in {@code folder} is:
   * the folder's owner, whoever may write the folder, or in a sticky folder ({@code /tmp}) the
   * entry's owner, who may remove it and put anything in its place.
   */
  private static Optional<String> changedBy(Map<String, Object> folder, Map<String, Object> entry, OptionalInt us) {
    if (!ours(folder, us)) {
      return Optional.of(name(folder));
    }
    int mode = (Integer) folder.get("mode");
    if ((mode & OTHERS_MAY_WRITE) == 0) {
      return Optional.empty();
    }
    if ((mode & STICKY) == 0) {
      return Optional.of((mode & EVERY_USER_MAY_WRITE) != 0 ? "every user" : "its group " + TerminalText.escape(
          ((java.nio.file.attribute.GroupPrincipal) folder.get("group")).getName()));
    }
    return ours(entry, us) ? Optional.empty() : Optional.of(name(entry));
  }

  private static boolean ours(Map<String, Object> a, OptionalInt us) {
    int uid = (Integer) a.get("uid");
    return uid == 0 || (us.isPresent() && uid == us.getAsInt());
  }

  private static String name(Map<String, Object> a) {
    return TerminalText.escape(((UserPrincipal) a.get("owner")).getName());
  }

  /**
   * {@code  (the link leads to TARGET now)}; nothing when it is gone already (its owner may
   * remove it between the look and this read).
   */
  static String leadsTo(Path link) {
    try {
      return " (the link leads to " + escaped(Files.readSymbolicLink(link)) + " now)";
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
  }

  private static String escaped(Path path) {
    return TerminalText.escape(path.toString());
  }

  private static Map<String, Object> look(Path path) throws IOException {
    return Files.readAttributes(path, "unix:mode,uid,owner,group", LinkOption.NOFOLLOW_LINKS);
  }

  private static int type(Map<String, Object> a) {
    return (Integer) a.get("mode") & TYPE;
  }
}
