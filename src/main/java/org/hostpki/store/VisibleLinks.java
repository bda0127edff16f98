package org.hostpki.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.hostpki.files.FileReasons;
import org.hostpki.model.HostpkiException;

/**
 * The names users and services open ({@code STORE/server.crt}, {@code STORE/trust}): one link per
 * top-level entry of the current generation, always {@code NAME -> ..data/NAME}, so that the
 * single rename of {@code ..data} switches them all at once.
 */
final class VisibleLinks {
  private final Path store;

  VisibleLinks(Path store) {
    this.store = store;
  }

  /**
   * Each of these names is absent or already the right link. Anything else there (a regular file,
   * a link elsewhere such as {@code server.key -> /etc/shadow}) was not made by hostpki: it is
   * neither read through nor replaced.
   */
  void requireNoForeignEntries(Set<String> topLevelNames) throws IOException {
    requireNoForeignEntries(topLevelNames, topLevelNames);
  }

  /**
   * As {@link #requireNoForeignEntries(Set)}, for a set about to be written.
   *
   * @param held the names the current generation holds: only for those does the message say the
   *     generation still has the file (a name new to the store, or a store never written, has none)
   */
  void requireNoForeignEntries(Set<String> topLevelNames, Set<String> held) throws IOException {
    for (String name : topLevelNames) {
      Path visible = store.resolve(name);
      Optional<BasicFileAttributes> entry = SafeFiles.entry(visible);
      if (entry.isEmpty()) {
        continue; // a write interrupted before making it; the next write does
      }
      BasicFileAttributes attributes = entry.get();
      Path expected = StoreNames.visibleLinkTarget(store.getFileSystem(), name);
      if (attributes.isSymbolicLink()) {
        Path target = Files.readSymbolicLink(visible);
        if (!target.equals(expected)) {
          throw foreign(visible, "a symbolic link to " + target, expected, "rm " + visible, held.contains(name));
        }
      } else {
        throw foreign(
            visible, FileReasons.kindOf(visible, attributes, LinkOption.NOFOLLOW_LINKS), expected,
            "move it out of " + store, held.contains(name));
      }
    }
  }

  /**
   * What is at the visible name {@code name} if it is not hostpki's link through {@code ..data}:
   * {@code a FIFO (named pipe)}, {@code a symbolic link to ..data/ca.key}; empty when there is
   * nothing there or the right link.
   */
  Optional<String> foreignEntry(String name) throws IOException {
    Path visible = store.resolve(name);
    Optional<BasicFileAttributes> entry = SafeFiles.entry(visible);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    BasicFileAttributes attributes = entry.get();
    if (attributes.isSymbolicLink()) {
      Path target = Files.readSymbolicLink(visible);
      return target.equals(StoreNames.visibleLinkTarget(store.getFileSystem(), name))
          ? Optional.empty()
          : Optional.of("a symbolic link to " + target);
    }
    return Optional.of(FileReasons.kindOf(visible, attributes, LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * Makes the links that are missing (a first write, a new name, an interrupted write). Made
   * before the commit, a link to a name the current set lacks dangles until the commit: to a
   * reader that is the same as no link.
   *
   * @param created receives each link made, as it is made
   */
  void createMissing(Set<String> topLevelNames, List<Path> created) throws IOException {
    for (String name : topLevelNames) {
      if (!Files.exists(store.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        created.add(link(name));
      }
    }
  }

  /**
   * The names among {@code topLevelNames} with nothing at all in the store's top level: a link
   * removed by hand. The file is still in the generation; a service opening {@code STORE/NAME}
   * finds nothing. (Anything else there is a foreign entry: {@link #requireNoForeignEntries}.)
   */
  SortedSet<String> missing(Set<String> topLevelNames) {
    SortedSet<String> missing = new TreeSet<>();
    for (String name : topLevelNames) {
      if (!Files.exists(store.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        missing.add(name);
      }
    }
    return missing;
  }

  /** The visible link {@code NAME -> ..data/NAME}, made with one {@code symlink(2)}; never replaces. */
  private Path link(String name) throws IOException {
    Path visible = store.resolve(name);
    Files.createSymbolicLink(visible, StoreNames.visibleLinkTarget(store.getFileSystem(), name));
    return visible;
  }

  /**
   * Makes the links of {@code names} again, each with one {@code symlink(2)}: atomic, and it
   * never replaces anything, so that what a person put there meanwhile is refused, not destroyed.
   * Needs the lock.
   *
   * @return the names whose link this made (one made meanwhile, rightly, is not among them)
   */
  SortedSet<String> restore(Set<String> names) throws IOException {
    SortedSet<String> made = new TreeSet<>();
    for (String name : names) {
      try {
        link(name);
        made.add(name);
      } catch (FileAlreadyExistsException meanwhile) {
        requireNoForeignEntries(Set.of(name));
      }
    }
    return made;
  }

  /** Removes links through {@code ..data} to names the current generation no longer has. */
  void removeStale(Set<String> topLevelNames) throws IOException {
    List<Path> stale = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(store)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!topLevelNames.contains(name) && isVisibleLink(entry, name)) {
          stale.add(entry);
        }
      }
    }
    for (Path link : stale) {
      Files.deleteIfExists(link);
    }
  }

  private boolean isVisibleLink(Path entry, String name) throws IOException {
    return Files.isSymbolicLink(entry)
        && Files.readSymbolicLink(entry)
            .equals(StoreNames.visibleLinkTarget(store.getFileSystem(), name));
  }

  private static HostpkiException foreign(
      Path visible, String kind, Path expected, String remedy, boolean held) {
    if (!held) {
      return new HostpkiException(
          "store entry " + visible + " is " + kind + ", where hostpki is to make its link to "
              + expected + ": hostpki did not make it, and will not read through or replace it;"
              + " nothing was changed. Remove it (" + remedy + ") if it is not needed, or point"
              + " store.path at a folder of hostpki's own, then apply again");
    }
    return new HostpkiException(
        "store entry " + visible + " is " + kind + ", but hostpki keeps a link to " + expected
            + " there: the store was altered by hand, and hostpki will not read through or"
            + " replace anything else. Remove it (" + remedy + "); the generation still holds"
            + " the file, and the next `hostpki apply` makes the link");
  }
}
