package org.hostpki.install;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The private folders ({@code hostpki-nss*}) that a run killed while it read or changed an NSS
 * database left in the temporary folder: each holds a copy of the app's {@code key4.db} and takes
 * space for good (a SIGKILL runs no {@code finally}). A run that makes such a folder removes the
 * leftovers first made by the same user more than {@link #STALE} ago: no run lives that long (each
 * certutil run has the tools' time limit), so a live run's folder is never taken. Another user's
 * folder, a link and anything but a folder are left alone; nothing is followed; a folder that
 * cannot be removed is left for the next run (it is private; a failure here fails no run).
 */
final class NssLeftovers {
  /** The name every such folder starts with. */
  static final String PREFIX = "hostpki-nss";

  /** How old a leftover is before it is removed. */
  static final Duration STALE = Duration.ofDays(1);

  /** At most this many leftovers a run: the rest go at the next runs. */
  static final int MAX_REMOVED = 64;

  private NssLeftovers() {}

  /**
   * Removes the stale leftovers beside {@code made}, the folder this run has just made there: its
   * owner is this run's user as the file system sees it, and its time is now by the same clock
   * that timed the leftovers (no clock of the process is read).
   *
   * @return the names removed
   */
  static List<String> sweep(Path made) {
    List<String> removed = new ArrayList<>();
    Path temporary = made.toAbsolutePath().getParent();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(temporary)) {
      if (!(stream instanceof SecureDirectoryStream<Path> folder)) {
        return removed; // no handle-based removal here: nothing is removed by path
      }
      UserPrincipal ours = Files.getOwner(made, LinkOption.NOFOLLOW_LINKS);
      Instant before = Files.getLastModifiedTime(made, LinkOption.NOFOLLOW_LINKS).toInstant().minus(STALE);
      List<Path> names = new ArrayList<>();
      for (Path entry : folder) {
        Path name = entry.getFileName();
        if (name.toString().startsWith(PREFIX) && !name.equals(made.getFileName())) {
          names.add(name);
        }
      }
      for (Path name : names) {
        if (removed.size() >= MAX_REMOVED) {
          break;
        }
        if (removeIfStale(folder, name, ours, before)) {
          removed.add(name.toString());
        }
      }
    } catch (IOException | RuntimeException e) {
      // the temporary folder cannot be listed: the leftovers stay, as before
    }
    return removed;
  }

  private static boolean removeIfStale(
      SecureDirectoryStream<Path> temporary, Path name, UserPrincipal ours, Instant before) {
    try {
      PosixFileAttributes attributes =
          temporary.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .readAttributes();
      if (!attributes.isDirectory()
          || !attributes.owner().equals(ours)
          || !attributes.lastModifiedTime().toInstant().isBefore(before)) {
        return false;
      }
      try (SecureDirectoryStream<Path> inner = temporary.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
        empty(inner, 0, REMOVE_DEPTH);
      }
      temporary.deleteDirectory(name);
      return true;
    } catch (IOException | RuntimeException e) {
      return false; // gone meanwhile, not ours to empty, or deeper than a run makes: left
    }
  }

  /** Deepest folder below a leftover that is removed: a run makes two levels. */
  private static final int REMOVE_DEPTH = 8;

  /**
   * Removes everything in {@code folder} through handles of the folders (no path is looked up
   * again), never following a link: the database's owner may write a folder of a run's and swap
   * a folder there for a link to one of root's while it is emptied.
   *
   * @param deepest folders nested deeper are left, and the removal fails
   */
  static void empty(SecureDirectoryStream<Path> folder, int depth, int deepest) throws IOException {
    List<Path> names = new ArrayList<>();
    folder.forEach(entry -> names.add(entry.getFileName()));
    for (Path name : names) {
      boolean isFolder = folder.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .readAttributes().isDirectory();
      if (isFolder) {
        if (depth >= deepest) {
          throw new IOException("folders nested deeper than " + deepest + " were left in a run's folder");
        }
        try (SecureDirectoryStream<Path> inner = folder.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
          empty(inner, depth + 1, deepest);
        }
        folder.deleteDirectory(name);
      } else {
        folder.deleteFile(name);
      }
    }
  }
}
