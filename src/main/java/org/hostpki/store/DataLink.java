package org.hostpki.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.function.Supplier;
import org.hostpki.files.FileReasons;
import org.hostpki.model.HostpkiException;

/**
 * The {@code ..data} link, the store's single commit point, and {@code ..data_tmp}, the link
 * renamed over it.
 */
final class DataLink {
  static final String NAME = "..data";
  static final String TMP_NAME = "..data_tmp";

  private final Path store;
  private final Path data;
  private final Path dataTmp;
  private final Supplier<String> restoreAdvice;

  /** @param restoreAdvice how to make a kept generation current again, for messages */
  DataLink(Path store, Supplier<String> restoreAdvice) {
    this.store = store;
    this.data = store.resolve(NAME);
    this.dataTmp = store.resolve(TMP_NAME);
    this.restoreAdvice = restoreAdvice;
  }

  /**
   * The current generation, checked: {@code ..data} must link to a generation directory in the
   * store. Empty when there is no {@code ..data}: a store never written.
   */
  Optional<String> currentGeneration() throws IOException {
    if (!Files.exists(data, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    requireLinkOrAbsent();
    Path target = Files.readSymbolicLink(data);
    String name = target.toString();
    if (target.isAbsolute() || target.getNameCount() != 1 || !GenerationNames.isGeneration(name)) {
      throw broken("points to " + target + ", not to a generation in the store");
    }
    BasicFileAttributes attributes =
        SafeFiles.entry(store.resolve(name))
            .orElseThrow(() -> broken("points to " + name + ", which does not exist (deleted by hand?)"));
    if (!attributes.isDirectory()) {
      throw broken("points to " + name + ", which is not a directory");
    }
    return Optional.of(name);
  }

  /** What {@code ..data} points at, unchecked: for history, which must work on a broken store. */
  Optional<String> target() throws IOException {
    return Files.isSymbolicLink(data)
        ? Optional.of(Files.readSymbolicLink(data).toString())
        : Optional.empty();
  }

  /**
   * A {@code ..data} that is not a link was not made by hostpki: never replaced. A directory
   * there is what {@code cp -rL} or a backup that follows links makes of a store.
   */
  void requireLinkOrAbsent() throws IOException {
    Optional<BasicFileAttributes> entry = SafeFiles.entry(data);
    if (entry.isEmpty()) {
      return;
    }
    BasicFileAttributes attributes = entry.get();
    if (!attributes.isSymbolicLink()) {
      throw new HostpkiException(
          "store entry " + data + " is " + FileReasons.kindOf(data, attributes, LinkOption.NOFOLLOW_LINKS)
              + ", not the link to the current generation hostpki keeps there: the store was"
              + " altered by hand, or copied with a tool that follows links (cp -rL, some"
              + " backups), which also turns the visible names (ca.crt, server.key, ...) into"
              + " copies. hostpki neither reads through it nor replaces it. Move " + data
              + " and every other copy that stands where a link belongs out of " + store
              + "; the kept generations are intact. " + restoreAdvice.get());
    }
  }

  /** Points {@code ..data} at a generation in one rename: {@link #prepare}, then {@link #commit}. */
  void pointAt(String generation) throws IOException {
    prepare(generation);
    commit();
  }

  /**
   * Links {@code ..data_tmp} to the generation about to be committed. A new generation's writer
   * does this before the generation has its name, so that a complete generation that never
   * became current always shows, by this link, that its commit was interrupted (see {@link
   * #interruptedCommit}). Needs the lock.
   */
  void prepare(String generation) throws IOException {
    removeStaleTmp();
    Files.createSymbolicLink(dataTmp, store.getFileSystem().getPath(generation));
  }

  /** The commit: the rename of {@code ..data_tmp} over {@code ..data}. Needs the lock. */
  void commit() throws IOException {
    try {
      // rename(2) replaces the old link; Jimfs needs REPLACE_EXISTING to do the same.
      Files.move(
          dataTmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(dataTmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Removes {@code ..data_tmp} after a failed write, best effort: a leftover otherwise. */
  void discardQuietly() {
    try {
      if (Files.isSymbolicLink(dataTmp)) {
        Files.delete(dataTmp);
      }
    } catch (IOException e) {
      // left for the next write
    }
  }

  /**
   * The generation a write was committing when it was interrupted: a {@code ..data_tmp} left
   * linking to a generation directory. Its files are complete, but it never became current (no
   * service read it, no hook ran for it; it stays in history like any other). With no {@code
   * ..data}, and no other generation, it was a store's first write: the store was never written.
   * With {@code ..data} missing or dangling, it is not the set to restore: that is the newest one
   * that was committed.
   */
  Optional<String> interruptedCommit() throws IOException {
    if (!Files.isSymbolicLink(dataTmp)) {
      return Optional.empty();
    }
    Path target = Files.readSymbolicLink(dataTmp);
    String name = target.toString();
    if (target.isAbsolute()
        || target.getNameCount() != 1
        || !GenerationNames.isGeneration(name)
        || !Files.isDirectory(store.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    return Optional.of(name);
  }

  /** Removes a {@code ..data_tmp} that an interrupted commit left. Needs the lock. */
  void removeStaleTmp() throws IOException {
    if (Files.isSymbolicLink(dataTmp)) {
      Files.delete(dataTmp);
    } else if (Files.exists(dataTmp, LinkOption.NOFOLLOW_LINKS)) {
      throw notALink(dataTmp, "not remove it");
    }
  }

  private HostpkiException notALink(Path entry, String refusal) {
    return new HostpkiException(
        "store entry " + entry + " is not a symbolic link; hostpki did not make it and will "
            + refusal + ". Move it out of " + store);
  }

  private HostpkiException broken(String problem) {
    return new HostpkiException(
        "store " + store + " is broken: " + data + " " + problem + ". " + restoreAdvice.get());
  }
}
