package org.hostpki.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a power cut takes away in {@link FailureMode#POWER_CUT_LOSING_UNSYNCED}: the changes that
 * were still only in the kernel's cache.
 *
 * <p>The model is the strict POSIX one, not any particular file system's:
 *
 * <ul>
 *   <li>a name created, renamed or removed in a directory is on disk only if that directory was
 *       synced (fsync of the directory) after the change;
 *   <li>a file's content, and a file's or directory's mode, only if that file or directory was
 *       synced after the change; a file created and never synced is empty after the cut (ext4's
 *       delayed allocation does exactly that);
 *   <li>whatever existed before the test began is on disk;
 *   <li>a hard link is a name like any other, and shares its file's content: content synced
 *       through any name is on disk for all of them, whether the name itself survives depends
 *       only on its own directory's sync, and undoing a link removes that name alone.
 * </ul>
 *
 * At the cut every change that is not on disk is undone, newest first. That is the worst single
 * outcome of the model; a real disk may also keep any part of the unsynced changes, and {@link
 * FailureMode#POWER_CUT}, which keeps all of them, covers the other end. Files and directories are
 * known by their file key (Jimfs: an inode number), so a rename keeps what was synced.
 */
final class WriteBackCache {
  private static final byte[] EMPTY = new byte[0];

  private final boolean enabled;
  private final List<Change> journal = new ArrayList<>();
  private final Map<Object, Integer> lastSync = new HashMap<>();
  private final Map<Object, byte[]> durableContent = new HashMap<>();
  private final Set<Object> createdDuringTest = new HashSet<>();
  private final Set<Object> unsyncedContent = new HashSet<>();
  private final FileSystem disk;
  /** During a revert, the names each regular file had when it began: to restore a hard link. */
  private Map<Object, List<Path>> namesByKey;

  private WriteBackCache(FileSystem disk, boolean enabled) {
    this.disk = disk;
    this.enabled = enabled;
  }

  WriteBackCache(FileSystem disk) {
    this(disk, true);
  }

  /** Keeps nothing; every method does nothing. */
  static WriteBackCache disabled() {
    return new WriteBackCache(null, false);
  }

  /** The file key of what the path names, without following a link; null when disabled. */
  Object keyOf(Path raw) throws IOException {
    if (!enabled) {
      return null;
    }
    return Files.readAttributes(raw, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .fileKey();
  }

  private Object parentKey(Path raw) throws IOException {
    return keyOf(raw.toAbsolutePath().getParent());
  }

  private boolean syncedAfter(Object key, int index) {
    Integer synced = lastSync.get(key);
    return synced != null && synced > index;
  }

  void created(int index, Path raw) throws IOException {
    if (enabled) {
      createdDuringTest.add(keyOf(raw));
      journal.add(new Created(index, raw, parentKey(raw)));
    }
  }

  /**
   * After a hard link was made: a new name, not a new file. The file may be older than the test,
   * so its content from before the test is still what a cut goes back to.
   */
  void linked(int index, Path raw) throws IOException {
    if (enabled) {
      journal.add(new Created(index, raw, parentKey(raw)));
    }
  }

  void beforeDelete(int index, Path raw) throws IOException {
    if (enabled) {
      journal.add(new Deleted(index, raw, parentKey(raw), capture(raw)));
    }
  }

  void beforeMove(int index, Path source, Path target) throws IOException {
    if (enabled) {
      Entry replaced = Files.exists(target, LinkOption.NOFOLLOW_LINKS) ? capture(target) : null;
      journal.add(
          new Moved(index, source, target, parentKey(source), parentKey(target), replaced));
    }
  }

  void beforeSetAttributes(int index, Path raw) throws IOException {
    if (enabled) {
      journal.add(new ModeSet(index, raw, keyOf(raw), mode(raw)));
    }
  }

  /** Before the content of the file with this key changes. */
  void beforeWrite(Object key, Path raw) throws IOException {
    if (enabled && unsyncedContent.add(key)) {
      if (!durableContent.containsKey(key) && !createdDuringTest.contains(key)) {
        durableContent.put(key, Files.readAllBytes(raw)); // on disk since before the test
      }
    }
  }

  /**
   * After a sync of the file or directory with this key.
   *
   * @param content the file's content now; null for a directory
   */
  void forced(int index, Object key, FaultInjector.IoCall<byte[]> content) throws IOException {
    if (enabled) {
      lastSync.put(key, index);
      if (content != null) {
        durableContent.put(key, content.call());
        unsyncedContent.remove(key);
      }
    }
  }

  /** Undoes everything that had not reached the disk. */
  void revertUnsynced() throws IOException {
    if (!enabled) {
      return;
    }
    namesByKey = null;
    for (int i = journal.size() - 1; i >= 0; i--) {
      Change change = journal.get(i);
      if (!change.durable()) {
        change.undo(i);
      }
    }
    for (Path root : disk.getRootDirectories()) {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              if (attributes.isRegularFile() && unsyncedContent.contains(attributes.fileKey())) {
                Files.write(file, durableContent.getOrDefault(attributes.fileKey(), EMPTY));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    }
  }

  /** Where a path of journal entry {@code index} is now: moved along by later durable renames. */
  private Path now(Path path, int index) {
    Path p = path;
    for (int j = index + 1; j < journal.size(); j++) {
      if (journal.get(j) instanceof Moved m && m.durable() && p.startsWith(m.source)) {
        p = m.target.resolve(m.source.relativize(p));
      }
    }
    return p;
  }

  private static boolean exists(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }

  private Entry capture(Path raw) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(raw, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) {
      return new Link(Files.readSymbolicLink(raw));
    }
    if (attributes.isDirectory()) {
      return new Directory(mode(raw));
    }
    Object key = attributes.fileKey();
    byte[] content =
        unsyncedContent.contains(key)
            ? durableContent.getOrDefault(key, EMPTY)
            : Files.readAllBytes(raw);
    return new RegularFile(key, content, mode(raw));
  }

  /**
   * Puts a removed entry back. A regular file that still has another name is linked to it again,
   * as the disk would show it; when none is found (a rename undone since moved it) it is put back
   * as a copy of the content it had on disk, which no reader can tell apart.
   */
  private void restore(Entry entry, Path at) throws IOException {
    if (entry instanceof RegularFile file) {
      for (Path name : namesOf(file.key())) {
        if (exists(name) && file.key().equals(keyOf(name))) {
          Files.createLink(at, name);
          namesOf(file.key()).add(at);
          return;
        }
      }
    }
    entry.restore(at);
  }

  private List<Path> namesOf(Object key) throws IOException {
    if (namesByKey == null) {
      Map<Object, List<Path>> names = new HashMap<>();
      for (Path root : disk.getRootDirectories()) {
        Files.walkFileTree(
            root,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                  names.computeIfAbsent(attributes.fileKey(), k -> new ArrayList<>()).add(file);
                }
                return FileVisitResult.CONTINUE;
              }
            });
      }
      namesByKey = names;
    }
    return namesByKey.computeIfAbsent(key, k -> new ArrayList<>());
  }

  private static Set<PosixFilePermission> mode(Path raw) throws IOException {
    return Files.readAttributes(raw, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .permissions();
  }

  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** A directory entry as it was, to put back. */
  private sealed interface Entry {
    void restore(Path at) throws IOException;
  }

  private record RegularFile(Object key, byte[] content, Set<PosixFilePermission> mode)
      implements Entry {
    @Override
    public void restore(Path at) throws IOException {
      Files.createFile(at, PosixFilePermissions.asFileAttribute(mode));
      Files.write(at, content);
    }
  }

  private record Directory(Set<PosixFilePermission> mode) implements Entry {
    @Override
    public void restore(Path at) throws IOException {
      Files.createDirectory(at, PosixFilePermissions.asFileAttribute(mode));
    }
  }

  private record Link(Path target) implements Entry {
    @Override
    public void restore(Path at) throws IOException {
      Files.createSymbolicLink(at, target);
    }
  }

  /** A change in the journal: whether it reached the disk, and how to take it back. */
  private abstract class Change {
    final int index;

    Change(int index) {
      this.index = index;
    }

    abstract boolean durable();

    abstract void undo(int journalIndex) throws IOException;
  }

  private final class Created extends Change {
    final Path path;
    final Object parent;

    Created(int index, Path path, Object parent) {
      super(index);
      this.path = path;
      this.parent = parent;
    }

    @Override
    boolean durable() {
      return syncedAfter(parent, index);
    }

    @Override
    void undo(int journalIndex) throws IOException {
      Path p = now(path, journalIndex);
      if (exists(p)) {
        deleteTree(p);
      }
    }
  }

  private final class Deleted extends Change {
    final Path path;
    final Object parent;
    final Entry entry;

    Deleted(int index, Path path, Object parent, Entry entry) {
      super(index);
      this.path = path;
      this.parent = parent;
      this.entry = entry;
    }

    @Override
    boolean durable() {
      return syncedAfter(parent, index);
    }

    @Override
    void undo(int journalIndex) throws IOException {
      Path p = now(path, journalIndex);
      if (!exists(p) && exists(p.getParent())) {
        restore(entry, p);
      }
    }
  }

  private final class Moved extends Change {
    final Path source;
    final Path target;
    final Object sourceParent;
    final Object targetParent;
    final Entry replaced;

    Moved(int index, Path source, Path target, Object sourceParent, Object targetParent,
        Entry replaced) {
      super(index);
      this.source = source;
      this.target = target;
      this.sourceParent = sourceParent;
      this.targetParent = targetParent;
      this.replaced = replaced;
    }

    @Override
    boolean durable() {
      return syncedAfter(sourceParent, index) && syncedAfter(targetParent, index);
    }

    @Override
    void undo(int journalIndex) throws IOException {
      Path from = now(source, journalIndex);
      Path to = now(target, journalIndex);
      if (exists(to) && !exists(from)) {
        Files.move(to, from);
      }
      if (replaced != null && !exists(to)) {
        restore(replaced, to);
      }
    }
  }

  private final class ModeSet extends Change {
    final Path path;
    final Object key;
    final Set<PosixFilePermission> before;

    ModeSet(int index, Path path, Object key, Set<PosixFilePermission> before) {
      super(index);
      this.path = path;
      this.key = key;
      this.before = before;
    }

    @Override
    boolean durable() {
      return syncedAfter(key, index);
    }

    @Override
    void undo(int journalIndex) {
      Path p = now(path, journalIndex);
      try {
        if (exists(p)) {
          Files.setPosixFilePermissions(p, before);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
