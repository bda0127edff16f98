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
 * database left, and the files of a tool's input and output ({@code hostpki-tool*}) any killed run
 * left: each folder holds a copy of the app's {@code key4.db} and takes space for good (a SIGKILL
 * runs no {@code finally}). A run that makes such a folder or file removes the leftovers beside it
 * first made by the same user more than {@link #STALE} ago: no run lives that long (each certutil
 * run has the tools' time limit), so a live run's are never taken. Another user's, a link and
 * anything of another kind are left alone; nothing is followed; what cannot be removed is left for
 * the next run (it is private; a failure here fails no run).
 *
 * <p>They are made in {@link PrivateTemp}'s folder, this user's alone, so the sweep reads only
 * what hostpki left (rvfinal16 5: in the temporary folder, 4,096 look-alike names any user made
 * ahead of them kept them for good). When that folder is refused (someone else made it), the
 * temporary folder itself is swept, with the bounds rvsec16 asked for: only the names {@code
 * createTempDirectory}/{@code createTempFile} make, at most {@link #MAX_EXAMINED} names looked at,
 * and no more names of a leftover read a sweep than a run leaves (the rest go at the next sweeps). A process
 * sweeps at its first folder or file, and again a {@link #STALE} later (a long-lived watch).
 */
final class NssLeftovers {
  /** The name every such folder starts with. */
  static final String PREFIX = "hostpki-nss";

  /** How old a leftover is before it is removed. */
  static final Duration STALE = Duration.ofDays(1);

  /** At most this many leftovers a run: the rest go at the next runs. */
  static final int MAX_REMOVED = 64;

  /**
   * At most this many names of the temporary folder looked at a sweep, whatever they are called
   * (rvsec16: 200,000 files named {@code hostpki-nss…} by any local user were all collected and
   * looked up at every folder a run made, several times an apply).
   */
  static final int MAX_EXAMINED = 4096;

  /**
   * At most this many names read in one leftover a sweep: a run leaves its copy (db/ and four
   * files) or a batch's folder (its commands, the certificates it added, out/): a leftover holding
   * more was filled by the database's owner (out/ is theirs). What is read is removed, and the rest
   * goes at the next sweeps (rvsec17 M2: given up whole, such leftovers stayed for good).
   */
  static final int MAX_LEFTOVER_ENTRIES = 4096;

  /** The name {@link ToolRunner}'s files of a tool's input and output start with. */
  static final String TOOL_PREFIX = "hostpki-tool";

  /** The names {@link java.nio.file.Files#createTempDirectory} gives: the prefix and a number. */
  private static final java.util.regex.Pattern MADE = java.util.regex.Pattern.compile(PREFIX + "[0-9]{1,20}");

  /** The names {@link java.nio.file.Files#createTempFile} gives {@link ToolRunner}'s files. */
  private static final java.util.regex.Pattern TOOL_FILE =
      java.util.regex.Pattern.compile(TOOL_PREFIX + "[0-9]{1,20}\\.(in|out|err)");

  /**
   * When this process last swept ({@link System#nanoTime}), or null: once a {@link #STALE} is
   * enough (rvfinal16 5: a long-lived watch swept only at its first look, and leftovers of runs
   * killed since stayed for good).
   */
  static final java.util.concurrent.atomic.AtomicReference<Long> SWEPT =
      new java.util.concurrent.atomic.AtomicReference<>();

  private NssLeftovers() {}

  /** {@link #sweep} at the first folder or file this process makes, and again a day after. */
  static List<String> sweepDaily(Path made) {
    return sweepDaily(made, System.nanoTime());
  }

  /** {@link #sweepDaily(Path)} at {@code now} by {@link System#nanoTime}'s clock. */
  static List<String> sweepDaily(Path made, long now) {
    Long last = SWEPT.get();
    if (last != null && now - last < STALE.toNanos() || !SWEPT.compareAndSet(last, now)) {
      return List.of();
    }
    List<String> removed = new ArrayList<>(sweep(made));
    Path place = made.toAbsolutePath().getParent();
    if (place.getParent() != null && place.getFileName().toString().startsWith(PrivateTemp.PREFIX)) {
      // rvcore17 L1: what builds before PrivateTemp left in the temporary folder itself, with the
      // same bounds (only the names a run makes, this user's, at most MAX_EXAMINED names looked at)
      removed.addAll(sweep(place.getParent(), made, MAX_EXAMINED, MAX_LEFTOVER_ENTRIES));
    }
    return removed;
  }

  /**
   * Removes the stale leftovers beside {@code made}, the folder this run has just made there: its
   * owner is this run's user as the file system sees it, and its time is now by the same clock
   * that timed the leftovers (no clock of the process is read).
   *
   * @return the names removed
   */
  static List<String> sweep(Path made) {
    return sweep(made, MAX_EXAMINED, MAX_LEFTOVER_ENTRIES);
  }

  static List<String> sweep(Path made, int examined, int entries) {
    return sweep(made.toAbsolutePath().getParent(), made, examined, entries);
  }

  /** Sweeps {@code temporary}, with {@code made}'s owner and time as this run's. */
  static List<String> sweep(Path temporary, Path made, int examined, int entries) {
    List<String> removed = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(temporary)) {
      if (!(stream instanceof SecureDirectoryStream<Path> folder)) {
        return removed; // no handle-based removal here: nothing is removed by path
      }
      UserPrincipal ours = Files.getOwner(made, LinkOption.NOFOLLOW_LINKS);
      Instant before = Files.getLastModifiedTime(made, LinkOption.NOFOLLOW_LINKS).toInstant().minus(STALE);
      // Only the stale ones are kept while the folder is read, at most as many as are removed
      List<Path> stale = new ArrayList<>();
      int looked = 0;
      for (java.util.Iterator<Path> names = folder.iterator(); names.hasNext() && looked < examined
          && stale.size() < MAX_REMOVED; looked++) {
        Path name = names.next().getFileName();
        if (name.equals(made.getFileName())) {
          continue;
        }
        PosixFileAttributeView view = folder.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (MADE.matcher(name.toString()).matches() && isStale(view, ours, before, true)
            || TOOL_FILE.matcher(name.toString()).matches() && isStale(view, ours, before, false)) {
          stale.add(name);
        }
      }
      for (Path name : stale) {
        if (MADE.matcher(name.toString()).matches() ? removeIfStale(folder, name, ours, before, entries)
            : removeFileIfStale(folder, name, ours, before)) {
          removed.add(name.toString());
        }
      }
    } catch (IOException | RuntimeException e) {
      // the temporary folder cannot be listed: the leftovers stay, as before
    }
    return removed;
  }

  /**
   * A folder (or a regular file) of this user's, last changed before {@code before}; false if it
   * cannot be read.
   */
  private static boolean isStale(PosixFileAttributeView view, UserPrincipal ours, Instant before, boolean folder) {
    try {
      PosixFileAttributes attributes = view.readAttributes();
      return (folder ? attributes.isDirectory() : attributes.isRegularFile())
          && attributes.owner().equals(ours)
          && attributes.lastModifiedTime().toInstant().isBefore(before);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean removeIfStale(
      SecureDirectoryStream<Path> temporary, Path name, UserPrincipal ours, Instant before, int entries) {
    try {
      try (SecureDirectoryStream<Path> inner = temporary.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
        // Looked at again through the folder opened: the name may have been swapped since it was
        // looked up (the temporary folder is everyone's)
        if (!isStale(inner.getFileAttributeView(PosixFileAttributeView.class), ours, before, true)) {
          return false;
        }
        empty(inner, entries);
      }
      temporary.deleteDirectory(name);
      return true;
    } catch (IOException | RuntimeException e) {
      return false; // gone meanwhile, not ours to empty, or more than a sweep reads: the rest at the next
    }
  }

  /**
   * Removes a tool's file a killed run left: looked at again just before (a file's name cannot be
   * opened without following it, and this folder is this user's alone when it is {@link
   * PrivateTemp}'s; in the temporary folder itself, the sticky bit keeps others from swapping it).
   */
  private static boolean removeFileIfStale(SecureDirectoryStream<Path> temporary, Path name, UserPrincipal ours, Instant before) {
    try {
      if (!isStale(temporary.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS), ours, before, false)) {
        return false;
      }
      temporary.deleteFile(name);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Removes everything in {@code folder}, this user's (no one else may add names to it), through
   * handles of the folders (no path is looked up again), never following a link: the database's
   * owner may write a folder of a run's and swap a folder there for a link to one of root's while
   * it is emptied. A tree of any depth is removed (rvsec17 M2: the owner planted one 40 folders deep
   * in the out folder a batch gave them, the removal stopped at 32 and the leftover stayed for good):
   * each folder's files are removed and its folders moved up into {@code folder} under a name of
   * hostpki's, so no more than two folders are open at a time and nothing recurses.
   *
   * @param most the names met in all (moved folders again) before it gives up, an IOException:
   *     a folder holding more is left, and no run reads more than that many names of it
   */
  static void empty(SecureDirectoryStream<Path> folder, long most) throws IOException {
    long left = most;
    long moved = 0;
    Path here = Path.of(".");
    boolean more = true;
    while (more) {
      more = false;
      // A new handle of the folder each pass: a stream's names can be read only once
      try (SecureDirectoryStream<Path> pass = folder.newDirectoryStream(here, LinkOption.NOFOLLOW_LINKS)) {
        for (Path entry : pass) {
          if (--left < 0) {
            throw new IOException("more names than a run leaves in its folder");
          }
          more = true;
          Path name = entry.getFileName();
          if (!isFolder(pass, name)) {
            pass.deleteFile(name);
            continue;
          }
          try (SecureDirectoryStream<Path> inner = pass.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
            for (Path below : inner) {
              if (--left < 0) {
                throw new IOException("more names than a run leaves in its folder");
              }
              Path belowName = below.getFileName();
              if (isFolder(inner, belowName)) {
                Path up;
                do {
                  up = Path.of(".hostpki-removed-" + moved++);
                } while (exists(pass, up));
                inner.move(belowName, pass, up);
              } else {
                inner.deleteFile(belowName);
              }
            }
          }
          pass.deleteDirectory(name);
        }
      }
    }
  }

  private static boolean isFolder(SecureDirectoryStream<Path> folder, Path name) throws IOException {
    return folder.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .readAttributes().isDirectory();
  }

  private static boolean exists(SecureDirectoryStream<Path> folder, Path name) throws IOException {
    try {
      folder.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
      return true;
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
  }
}
