package org.hostpki.install;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.hostpki.files.FileOwners;
import org.hostpki.files.WayNames;
import org.hostpki.model.TerminalText;

/**
 * Where a Java trust store of {@code trust.install.java} really is, found as the kernel finds it,
 * one name at a time from {@code /}, and held to who could change the way (rvsec12 F2). An app
 * user's own JDK keeps its {@code cacerts} in a folder of that user's, and root's apply writes
 * there: that is allowed, since the file is the app's to trust with. But what the folder's owner
 * (or anyone who may write a folder) can change must not decide where root reads and writes: a
 * link they made ({@code cacerts -> /etc/ssl/certs/java/cacerts}, or to any file of root's) would
 * have root read and replace that file, and a folder of theirs above the store's own could be
 * swapped for a link to any folder of root's between the look and the write. So only the last
 * name may be someone else's to change, and it must not be a link: its folder is then reached
 * through names only root or this user can change, the file is read without following a link
 * ({@link InstallFiles#read}) and replaced by a rename in that folder ({@link
 * InstallFiles#replace}), where nothing its owner does reaches past the folder.
 */
final class KeystorePlace {
  /** As the kernel's MAXSYMLINKS: more is a loop. */
  private static final int MAX_LINKS = 40;

  private static final int OTHERS_MAY_WRITE = 0022;
  private static final int STICKY = 01000;
  private static final int TYPE = 0170000;
  private static final int DIRECTORY = 0040000;
  private static final int LINK = 0120000;

  private KeystorePlace() {}

  /**
   * The real path of the trust store {@code keystore} names: no link on it.
   *
   * @throws IOException saying which name another user may change and what to do, when the way
   *     goes through one; or why the way cannot be looked at
   */
  static Path find(Path keystore) throws IOException {
    if (keystore.getFileSystem() != FileSystems.getDefault()
        || !keystore.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return keystore.toRealPath();
    }
    OptionalInt us = FileOwners.processUid(keystore.getFileSystem());
    Path absolute = keystore.toAbsolutePath();
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
        throw new NoSuchFileException(keystore.toString(), null, "there is no trust store at " + keystore);
      }
      Optional<String> others = changedBy(folder, entry, us);
      boolean link = type(entry) == LINK;
      if (others.isPresent() && (link || !names.isEmpty())) {
        String who = others.get();
        throw new IOException(
            link
                ? keystore + " leads through the symbolic link " + next + " in " + current + ", which " + who
                    + " may change: " + who + " could point it at any file, and hostpki (as "
                    + TerminalText.escape(FileOwners.processUser()) + ") would read and replace that file. Name the"
                    + " trust store itself (the link leads to " + escaped(Files.readSymbolicLink(next)) + " now)"
                : keystore + " lies below " + next + " in " + current + ", which " + who + " may change: " + who
                    + " could put a link to any folder in its place, and hostpki (as "
                    + TerminalText.escape(FileOwners.processUser()) + ") would replace a file there. Only the"
                    + " folder that holds the trust store may be another user's: name a trust store whose"
                    + " folders above its own are root's, or install into it from a store that runs as " + who);
      }
      if (link) {
        if (++followed > MAX_LINKS) {
          throw new IOException(keystore + ": too many levels of symbolic links");
        }
        Path target = Files.readSymbolicLink(next);
        WayNames.followLink(names, target);
        if (target.isAbsolute()) {
          current = root;
          folder = look(root);
        }
        continue;
      }
      if (names.isEmpty()) {
        return next;
      }
      if (type(entry) != DIRECTORY) {
        throw new IOException("there is no trust store at " + keystore + " (" + next + " is not a folder)");
      }
      current = next;
      folder = entry;
    }
    throw new IOException(keystore + " is a folder, not a trust store file");
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
      return Optional.of((mode & 0002) != 0 ? "every user" : "its group " + TerminalText.escape(
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
