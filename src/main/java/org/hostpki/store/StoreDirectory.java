package org.hostpki.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import org.hostpki.model.HostpkiException;

/**
 * A store directory: reading the current set, committing a new one atomically, history and
 * rollback. See the package documentation for the layout and why each step is safe.
 *
 * <p>Writes and rollbacks must be made under a {@link StoreLock}; reads need none.
 */
public final class StoreDirectory {
  /** How many generations are kept, the current one among them, for history and rollback. */
  public static final int KEPT_GENERATIONS = 5;

  static final String DATA_LINK = "..data";
  static final String DATA_TMP_LINK = "..data_tmp";

  private final Path directory;
  private final Clock clock;
  private final StoreSafety safety;
  private final GenerationReader reader;
  private final VisibleLinks links;

  /** A store checked against the user this JVM runs as ({@code user.name}). */
  public StoreDirectory(Path directory, Clock clock) {
    this(directory, clock, System.getProperty("user.name"));
  }

  /**
   * @param directory the store directory; it need not exist yet
   * @param clock names new generations
   * @param userName the user the process runs as: the store must be owned by them or by root
   */
  public StoreDirectory(Path directory, Clock clock, String userName) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.safety = new StoreSafety(Objects.requireNonNull(userName, "userName"));
    this.reader = new GenerationReader(directory, safety);
    this.links = new VisibleLinks(directory);
  }

  public Path directory() {
    return directory;
  }

  /**
   * Reads the current generation whole, through {@code ..data}; never writes. A store that does
   * not exist or was never written is an empty snapshot. Leftovers of an interrupted write are
   * ignored, and so is a visible link that is missing; a visible name that is anything but the
   * right link is refused.
   *
   * @throws HostpkiException when the store is unsafe or broken, with the fix in the message
   */
  public StoreSnapshot read() {
    if (!Files.exists(directory)) {
      return StoreSnapshot.empty();
    }
    requireDirectory();
    try {
      safety.checkStoreDirectory(directory);
      Optional<String> current = currentGeneration();
      if (current.isEmpty()) {
        return StoreSnapshot.empty();
      }
      GenerationReader.Content content = reader.read(directory.resolve(current.get()));
      links.requireNoForeignEntries(StoreNames.topLevelNames(content.files().keySet()));
      return StoreSnapshot.of(current.get(), content.files());
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw new HostpkiException("cannot read store " + directory + ": " + describe(e), e);
    }
  }

  /**
   * Commits a complete new set: a new generation directory with every file, synced, then one
   * rename of {@code ..data}; then the visible links and the pruning of old generations.
   *
   * @param files the complete set, by {@code /}-separated name; {@code *.key} and {@code *.p12}
   *     must be secret
   * @param generationMetadata stored as the generation's {@code .generation.json}, uninterpreted
   * @return the new generation's name
   * @throws StoreTidyUpException when the new set is committed but tidying up after it failed
   * @throws HostpkiException when the store is unsafe or the write failed; the store is unchanged
   */
  public String write(SortedMap<String, StoreFile> files, byte[] generationMetadata) {
    Objects.requireNonNull(generationMetadata, "generationMetadata");
    StoreNames.requireValidSet(files.keySet());
    for (Map.Entry<String, StoreFile> file : files.entrySet()) {
      if (StoreSafety.isPrivateKeyName(file.getKey()) && !file.getValue().secret()) {
        throw new IllegalArgumentException(file.getKey() + " holds a private key: make it secret");
      }
    }
    SortedSet<String> visible = StoreNames.topLevelNames(files.keySet());
    String name;
    try {
      SafeFiles.ensureStoreDirectory(directory);
      requireDirectory();
      safety.checkStoreDirectory(directory);
      requireReplaceableDataLink();
      links.requireNoForeignEntries(visible);
      removeLeftovers();
      name = GenerationNames.next(clock.instant(), generationNames().stream().findFirst());
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw new HostpkiException(
          "cannot write store " + directory + ": " + describe(e) + ". The store is unchanged", e);
    }
    commitNewGeneration(name, files, generationMetadata);
    tidyUp(name, visible, true);
    return name;
  }

  /** The kept generations, newest first. */
  public List<Generation> generations() {
    if (!Files.exists(directory)) {
      return List.of();
    }
    requireDirectory();
    try {
      safety.checkStoreDirectory(directory);
      Optional<String> current = dataLinkTarget();
      List<Generation> generations = new ArrayList<>();
      for (String name : generationNames()) {
        generations.add(
            new Generation(name, current.equals(Optional.of(name)), metadataOf(name)));
      }
      return generations;
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw new HostpkiException("cannot read store " + directory + ": " + describe(e), e);
    }
  }

  /**
   * Points {@code ..data} at a kept generation (rollback, or forward again) in one rename, then
   * fixes the visible links. Works on a store whose {@code ..data} is broken: that is its repair.
   *
   * @throws StoreTidyUpException when the generation is active but the links could not be fixed
   * @throws HostpkiException when there is no such generation, it is unsafe, or the switch
   *     failed; the store is unchanged
   */
  public void activate(String generation) {
    Path path = directory.resolve(generation);
    if (!GenerationNames.isGeneration(generation)
        || !Files.isDirectory(directory)
        || !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new HostpkiException(
          "store " + directory + " has no generation " + generation
              + "; `hostpki history` lists the kept ones");
    }
    SortedSet<String> visible;
    try {
      safety.checkStoreDirectory(directory);
      visible = StoreNames.topLevelNames(reader.read(path).files().keySet());
      requireReplaceableDataLink();
      links.requireNoForeignEntries(visible);
      pointDataLinkAt(generation);
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw new HostpkiException(
          "cannot activate generation " + generation + " of store " + directory + ": "
              + describe(e) + ". The store is unchanged",
          e);
    }
    tidyUp(generation, visible, false);
  }

  private void commitNewGeneration(
      String name, SortedMap<String, StoreFile> files, byte[] metadata) {
    Path partial = directory.resolve(name + GenerationNames.PARTIAL_SUFFIX);
    boolean complete = false;
    try {
      GenerationWriter.write(partial, files, metadata);
      Files.move(partial, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      complete = true;
      // The generation's name must be on disk before a link to it can be.
      SafeFiles.syncDirectory(directory);
      pointDataLinkAt(name);
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      discardQuietly(complete ? name : null, partial);
      throw new HostpkiException(
          "cannot write store " + directory + ": " + describe(e) + ". The store is unchanged", e);
    }
  }

  /** The commit point: one rename of a new link over {@code ..data}. */
  private void pointDataLinkAt(String generation) throws IOException {
    Path dataTmp = directory.resolve(DATA_TMP_LINK);
    removeStaleDataTmp();
    Files.createSymbolicLink(dataTmp, directory.getFileSystem().getPath(generation));
    try {
      // rename(2) replaces the old link; Jimfs needs REPLACE_EXISTING to do the same.
      Files.move(
          dataTmp,
          directory.resolve(DATA_LINK),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(dataTmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void tidyUp(String generation, SortedSet<String> visible, boolean prune) {
    try {
      SafeFiles.syncDirectory(directory);
      links.createMissing(visible);
      links.removeStale(visible);
      SafeFiles.syncDirectory(directory);
      if (prune) {
        pruneGenerations(generation);
      }
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw new StoreTidyUpException(
          "store " + directory + ": generation " + generation
              + " is committed and in use, but tidying up after it failed: " + describe(e)
              + ". Fix that and run `hostpki apply` again to finish",
          generation,
          e);
    }
  }

  /** Keeps the newest generations and the current one; the rest go, each atomically. */
  private void pruneGenerations(String current) throws IOException {
    List<String> names = generationNames();
    List<Path> doomed = new ArrayList<>();
    for (int i = KEPT_GENERATIONS; i < names.size(); i++) {
      if (!names.get(i).equals(current)) {
        Path removing = directory.resolve(names.get(i) + GenerationNames.REMOVING_SUFFIX);
        Files.move(directory.resolve(names.get(i)), removing, StandardCopyOption.ATOMIC_MOVE);
        doomed.add(removing);
      }
    }
    if (!doomed.isEmpty()) {
      // The renames reach the disk before any file inside goes: never a half-deleted generation.
      SafeFiles.syncDirectory(directory);
      for (Path removing : doomed) {
        SafeFiles.deleteTree(removing);
      }
    }
  }

  /** Removes what an interrupted write or prune left behind. Needs the lock. */
  private void removeLeftovers() throws IOException {
    removeStaleDataTmp();
    List<Path> leftovers = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        if (GenerationNames.isLeftover(entry.getFileName().toString())) {
          leftovers.add(entry);
        }
      }
    }
    for (Path leftover : leftovers) {
      SafeFiles.deleteTree(leftover);
    }
  }

  private void removeStaleDataTmp() throws IOException {
    Path dataTmp = directory.resolve(DATA_TMP_LINK);
    if (Files.isSymbolicLink(dataTmp)) {
      Files.delete(dataTmp);
    } else if (Files.exists(dataTmp, LinkOption.NOFOLLOW_LINKS)) {
      throw new HostpkiException(
          "store entry " + dataTmp + " is not a symbolic link; hostpki did not make it and will "
              + "not remove it. Move it out of " + directory);
    }
  }

  /** Best effort after a failed commit; whatever stays is a leftover the next write removes. */
  private void discardQuietly(String completeGeneration, Path partial) {
    try {
      if (completeGeneration != null) {
        Path removing = directory.resolve(completeGeneration + GenerationNames.REMOVING_SUFFIX);
        Files.move(
            directory.resolve(completeGeneration), removing, StandardCopyOption.ATOMIC_MOVE);
        SafeFiles.deleteTree(removing);
      } else {
        SafeFiles.deleteTree(partial);
      }
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      // left for the next write's removeLeftovers()
    }
  }

  /**
   * The generation {@code ..data} names, checked: a link to a generation directory in the store.
   * Empty when there is no {@code ..data}: a store never written.
   */
  private Optional<String> currentGeneration() throws IOException {
    Path data = directory.resolve(DATA_LINK);
    if (!Files.exists(data, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    requireReplaceableDataLink();
    Path target = Files.readSymbolicLink(data);
    String name = target.toString();
    if (target.isAbsolute() || target.getNameCount() != 1 || !GenerationNames.isGeneration(name)) {
      throw brokenDataLink(data, "points to " + target + ", not to a generation in the store");
    }
    BasicFileAttributes attributes;
    try {
      attributes =
          Files.readAttributes(
              directory.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw brokenDataLink(data, "points to " + name + ", which does not exist (deleted by hand?)");
    }
    if (!attributes.isDirectory()) {
      throw brokenDataLink(data, "points to " + name + ", which is not a directory");
    }
    return Optional.of(name);
  }

  /** What {@code ..data} points at, unchecked; for history and for replacing it. */
  private Optional<String> dataLinkTarget() throws IOException {
    Path data = directory.resolve(DATA_LINK);
    return Files.isSymbolicLink(data)
        ? Optional.of(Files.readSymbolicLink(data).toString())
        : Optional.empty();
  }

  private void requireReplaceableDataLink() {
    Path data = directory.resolve(DATA_LINK);
    if (Files.exists(data, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(data)) {
      throw new HostpkiException(
          "store entry " + data + " is not a symbolic link; hostpki did not make it and will "
              + "neither read through nor replace it. Move it out of " + directory);
    }
  }

  private HostpkiException brokenDataLink(Path data, String problem) {
    return new HostpkiException(
        "store " + directory + " is broken: " + data + " " + problem + ". Run `hostpki rollback` "
            + "to activate a kept generation (`hostpki history` lists them), or remove " + data
            + " so that the next `hostpki apply` writes a complete new set");
  }

  /** Generation directories in the store, newest first. */
  private List<String> generationNames() throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (GenerationNames.isGeneration(name)
            && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          names.add(name);
        }
      }
    }
    names.sort(Comparator.reverseOrder());
    return names;
  }

  private Optional<byte[]> metadataOf(String generation) throws IOException {
    Path file = directory.resolve(generation).resolve(StoreNames.METADATA);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    return Optional.of(SafeFiles.readNoFollow(file));
  }

  private void requireDirectory() {
    if (!Files.isDirectory(directory)) {
      throw new HostpkiException(
          "store " + directory + " is not a directory; store.path must name a directory "
              + "(hostpki creates it when missing)");
    }
  }

  /** The cause of an I/O failure in words, naming the file. */
  static String describe(Exception e) {
    if (e instanceof UncheckedIOException u) {
      return describe(u.getCause());
    }
    if (e instanceof DirectoryIteratorException d) {
      return describe(d.getCause());
    }
    if (e instanceof AccessDeniedException a) {
      return "permission denied on " + a.getFile() + " (run hostpki as the store's owner)";
    }
    if (e instanceof NoSuchFileException n) {
      return n.getFile() + " disappeared (was the store changed at the same time?)";
    }
    if (e instanceof FileAlreadyExistsException f) {
      return f.getFile() + " already exists";
    }
    if (e instanceof FileSystemException f) {
      return f.getFile() + (f.getReason() == null ? "" : ": " + f.getReason());
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
