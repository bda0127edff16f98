package org.hostpki.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.function.Predicate;
import org.hostpki.files.FileOwners;
import org.hostpki.files.FileReasons;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.FileKind;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ObservedAccess;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalText;

/**
 * A store directory: reading the current set, committing a new one atomically, history and
 * rollback. See the package documentation for the layout and why each step is safe.
 *
 * <p>Writes and rollbacks must be made under a {@link StoreLock}; reads need none.
 *
 * <p>Over 400 lines on purpose: write, rollback, pruning and leftover removal are one protocol
 * over the same directory entries (see the package documentation's crash table); the steps that
 * stand alone (reading a generation, writing one, links, records) are classes of their own.
 */
public final class StoreDirectory {
  /** How many generations are kept, the current one among them, for history and rollback. */
  public static final int KEPT_GENERATIONS = 5;

  /** How many names of a foreign folder a refusal shows. */
  private static final int SHOWN_FOREIGN = 3;

  /**
   * Folders hostpki keeps beside the generations, which a failed first apply may leave without
   * one (an ACME account made before a failed order), and a mount point's {@code lost+found}.
   */
  private static final java.util.Set<String> OWN_RECORD_FOLDERS =
      java.util.Set.of(RecordDirectory.ACME, ".install", CrlNumberRecord.FOLDER, "lost+found");

  private final Path directory;
  private final Clock clock;
  private final Optional<Path> desiredStateFile;
  private final StoreSafety safety;
  private final StoreLayout layout;
  private final GenerationReader reader;
  private final VisibleLinks links;
  private final DataLink dataLink;

  /** A store checked against the user this JVM runs as ({@code user.name}). */
  public StoreDirectory(Path directory, Clock clock) {
    this(directory, clock, FileOwners.processUser(), Optional.empty());
  }

  /**
   * The store of a desired state, with the files it declares; the commands its messages suggest
   * name the file.
   */
  public static StoreDirectory of(DesiredState desired, Clock clock) {
    return new StoreDirectory(
        desired.store().path(),
        clock,
        FileOwners.processUser(),
        Optional.of(desired.source()),
        StoreLayout.of(desired));
  }

  /**
   * @param directory the store directory; it need not exist yet
   * @param clock names new generations
   * @param userName the user the process runs as: the store must be owned by them or by root
   */
  public StoreDirectory(Path directory, Clock clock, String userName) {
    this(directory, clock, userName, Optional.empty());
  }

  /**
   * @param desiredStateFile the desired-state file of this store, for the {@code -f FILE} of the
   *     commands that messages suggest ({@code hostpki rollback -f FILE --to GENERATION})
   */
  public StoreDirectory(
      Path directory, Clock clock, String userName, Optional<Path> desiredStateFile) {
    this(directory, clock, userName, desiredStateFile, StoreLayout.standard());
  }

  /**
   * @param layout what each file of a set holds: which files are secret, and which are for their
   *     owner alone
   */
  public StoreDirectory(
      Path directory,
      Clock clock,
      String userName,
      Optional<Path> desiredStateFile,
      StoreLayout layout) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.desiredStateFile = Objects.requireNonNull(desiredStateFile, "desiredStateFile");
    this.safety = new StoreSafety(Objects.requireNonNull(userName, "userName"));
    this.layout = Objects.requireNonNull(layout, "layout");
    this.reader = new GenerationReader(directory, safety, layout, this::restoreOtherThan);
    this.links = new VisibleLinks(directory);
    this.dataLink = new DataLink(directory, this::restoreNewest);
  }

  public Path directory() {
    return directory;
  }

  /**
   * The store directory is safe ({@link StoreSafety#checkStoreDirectory}) and in a format this
   * build reads ({@link StoreFormat}): every reading entry point starts here, so that no command
   * reads, let alone writes, a store a newer hostpki marked.
   */
  private void checkStoreDirectory() throws IOException {
    safety.checkStoreDirectory(directory);
    StoreFormat.requireReadable(directory);
  }

  /**
   * The files of {@code snapshot}, each with what this store's layout says it holds: the start of
   * a writer's next set, carried over byte for byte.
   */
  public SortedMap<String, StoreFile> carriedOver(StoreSnapshot snapshot) {
    SortedMap<String, StoreFile> files = new java.util.TreeMap<>();
    for (String name : snapshot.files().keySet()) { // its contents are not copied: see StoreFile
      files.put(name, StoreFile.carried(snapshot.files(), name, layout.kindOf(name)));
    }
    return files;
  }

  /**
   * Reads the current generation whole, through {@code ..data}; never writes. A store that does
   * not exist or was never written is an empty snapshot; one that keeps generations but has no
   * {@code ..data} (removed by hand, or by a copy that dropped links) is not empty, and is refused
   * with the rollback that restores it. Leftovers of an interrupted write are
   * ignored; a visible link that is missing does not change what is read ({@link #missingLinks}
   * names it, for apply to make again); a visible name that is anything but the right link is
   * refused.
   *
   * @throws HostpkiException when the store is unsafe or broken, with the fix in the message
   */
  public StoreSnapshot read() {
    if (!storeExists()) {
      return StoreSnapshot.empty();
    }
    try {
      checkStoreDirectory();
      Optional<String> current = dataLink.currentGeneration();
      if (current.isEmpty()) {
        List<String> kept = committedOnce();
        if (!kept.isEmpty()) {
          throw notEmpty(kept);
        }
        return StoreSnapshot.empty();
      }
      Path generation = directory.resolve(current.get());
      GenerationReader.Content content = reader.read(generation);
      links.requireNoForeignEntries(StoreNames.topLevelNames(content.files().keySet()));
      return StoreSnapshot.ofRead(current.get(), content.files(), name -> reader.readAgain(generation, name));
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw readFailure(e);
    }
  }

  /**
   * The live set again, for a writer that read it before taking the lock: {@code before} itself
   * when {@code ..data} still points at its generation (a generation's files never change once it
   * is made: every write makes a new one, a rollback points {@code ..data} elsewhere), else
   * {@link #read()}. A sign at 2,000 records spent a third of its time reading the store a second
   * time under the lock (bench/fleet-scale.sh).
   */
  public StoreSnapshot readAgain(StoreSnapshot before) {
    if (before.generation().isEmpty() || !storeExists()) {
      return read();
    }
    try {
      checkStoreDirectory();
      if (dataLink.currentGeneration().equals(before.generation())) {
        return before;
      }
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw readFailure(e);
    }
    return read();
  }

  /**
   * The visible names of {@code snapshot} (the current set, as {@link #read()} gave it) whose link
   * through {@code ..data} is gone, removed by hand: the generation still holds the file, and the
   * next apply makes the link again ({@link #restoreLinks}). Only looks at the store's top level.
   */
  public SortedSet<String> missingLinks(StoreSnapshot snapshot) {
    if (snapshot.generation().isEmpty()) {
      return new java.util.TreeSet<>();
    }
    return links.missing(StoreNames.topLevelNames(snapshot.files().keySet()));
  }

  /**
   * Makes the missing visible links of {@code live} again, and nothing else: no new generation,
   * no file written, the generation {@code ..data} points at untouched. Needs the lock, and {@code
   * live} read under it.
   *
   * @return the names whose link was made
   * @throws HostpkiException when {@code live} is no longer current, or something other than the
   *     link appeared at a name meanwhile (refused as {@link #read()} refuses it); links made
   *     before that stay, each right
   */
  public SortedSet<String> restoreLinks(StoreSnapshot live) {
    try {
      checkStoreDirectory();
      if (live.generation().isEmpty() || !dataLink.currentGeneration().equals(live.generation())) {
        throw new HostpkiException(
            "store " + directory + " changed while its links were restored; nothing was changed."
                + " Run `hostpki apply` again");
      }
      SortedSet<String> made = links.restore(missingLinks(live));
      SafeFiles.syncDirectory(directory);
      return made;
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw new HostpkiException(
          "cannot restore the links of store " + directory + ": " + IoFailures.describe(e)
              + "; the files are in generation " + live.generation().orElse("?")
              + ", and the next `hostpki apply` tries again", e);
    }
  }

  /**
   * Commits a complete new set: a new generation directory with every file, synced, then one
   * rename of {@code ..data}; then the visible links and the pruning of old generations.
   *
   * @param files the complete set, by {@code /}-separated name; what the layout calls {@link
   *     org.hostpki.model.FileKind#ownerOnly() owner-only} must be secret
   * @param generationMetadata stored as the generation's {@code .generation.json}, uninterpreted
   * @return the new generation's name
   * @throws StoreTidyUpException when the new set is committed but tidying up after it failed
   * @throws HostpkiException when the store is unsafe or the write failed; the store is unchanged
   */
  public String write(SortedMap<String, StoreFile> files, byte[] generationMetadata) {
    return write(files, generationMetadata, StoreSnapshot.empty());
  }

  /**
   * As {@link #write(SortedMap, byte[])}, carrying over unchanged files: a file of the new set
   * with exactly the bytes {@code live} has under its name is hard-linked from the live
   * generation instead of written again, when {@code live} is still the current generation and
   * the file system allows. The result is the same new generation as a full write's. The live
   * generation's {@link GenerationRecord records} are kept: copied into the new one.
   *
   * @param live the store as read under the same lock, by {@link #read()}
   */
  public String write(
      SortedMap<String, StoreFile> files, byte[] generationMetadata, StoreSnapshot live) {
    return write(files, generationMetadata, live, recordsOf(live));
  }

  /**
   * The records of the live generation, for a writer that changes the set without dealing in
   * them ({@code sign} adding an issued certificate): the new generation keeps them as they are —
   * the hooks still pending, a rollback's hold — each a copy written with it, never a link.
   */
  private Map<GenerationRecord, byte[]> recordsOf(StoreSnapshot live) {
    Map<GenerationRecord, byte[]> records = new java.util.EnumMap<>(GenerationRecord.class);
    if (live.generation().isPresent()) {
      for (GenerationRecord record : GenerationRecord.values()) {
        record(live.generation().get(), record).ifPresent(bytes -> records.put(record, bytes));
      }
    }
    return records;
  }

  /**
   * As {@link #write(SortedMap, byte[], StoreSnapshot)}, with records about the new generation
   * (the hooks it makes due) written into it before its commit: a reader that sees the new set
   * sees them too.
   */
  public String write(
      SortedMap<String, StoreFile> files,
      byte[] generationMetadata,
      StoreSnapshot live,
      Map<GenerationRecord, byte[]> records) {
    Objects.requireNonNull(generationMetadata, "generationMetadata");
    return write(files, StreamedContent.of(generationMetadata), live, records);
  }

  /**
   * As {@link #write(SortedMap, byte[], StoreSnapshot, Map)}, {@code .generation.json} written
   * into its file as {@code generationMetadata} makes it, once, before the commit.
   */
  public String write(
      SortedMap<String, StoreFile> files,
      StreamedContent generationMetadata,
      StoreSnapshot live,
      Map<GenerationRecord, byte[]> records) {
    Objects.requireNonNull(generationMetadata, "generationMetadata");
    Objects.requireNonNull(records, "records");
    Objects.requireNonNull(live, "live");
    StoreNames.requireValidSet(files.keySet());
    for (Map.Entry<String, StoreFile> file : files.entrySet()) {
      if (layout.kindOf(file.getKey()).ownerOnly() && !file.getValue().secret()) {
        throw new IllegalArgumentException(file.getKey() + " holds a private key: make it secret");
      }
    }
    SortedSet<String> visible = StoreNames.topLevelNames(files.keySet());
    String name;
    Optional<GenerationWriter.Live> carried;
    try {
      SafeFiles.ensureStoreDirectory(directory);
      storeExists();
      checkStoreDirectory();
      dataLink.requireLinkOrAbsent();
      links.requireNoForeignEntries(visible, heldBy(live));
      dataLink.removeStaleTmp();
      try {
        removeLeftovers();
      } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
        // One that cannot go (a file in it marked immutable, chattr +i) must not stop every write
        // from now on: no new generation takes its name. The tidy-up tries again and says why.
      }
      name = GenerationNames.next(clock.instant(), generationNames().stream().findFirst());
      carried = carriedFrom(live);
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw writeFailure(e);
    }
    commitNewGeneration(name, files, generationMetadata, records, carried);
    Path committed = directory.resolve(name);
    StoreFile.committed(files, file -> reader.readAgain(committed, file));
    tidyUp(name, visible, true, "run `hostpki apply` again to finish");
    return name;
  }

  /**
   * When the newest kept generation was written (from its name), whichever is current; empty for
   * a store never written. Lists the store directory, nothing more.
   */
  public Optional<Instant> lastWritten() {
    if (!storeExists()) {
      return Optional.empty();
    }
    try {
      return generationNames().stream().findFirst().map(GenerationNames::time);
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw readFailure(e);
    }
  }

  /**
   * The generation {@code ..data} points at, with its record; empty for a store never written or
   * one without a current generation. Reads that one record, nothing more.
   */
  public Optional<Generation> current() {
    if (!storeExists()) {
      return Optional.empty();
    }
    try {
      checkStoreDirectory();
      Optional<String> current = dataLink.target().filter(generationNames()::contains);
      return current.isEmpty()
          ? Optional.empty()
          : Optional.of(new Generation(current.get(), true, metadataOf(current.get())));
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw readFailure(e);
    }
  }

  /** The kept generations, newest first. */
  public List<Generation> generations() {
    if (!storeExists()) {
      return List.of();
    }
    try {
      checkStoreDirectory();
      Optional<String> current = dataLink.target();
      List<Generation> generations = new ArrayList<>();
      for (String name : generationNames()) {
        generations.add(
            new Generation(name, current.equals(Optional.of(name)), metadataOf(name)));
      }
      return generations;
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw readFailure(e);
    }
  }

  /**
   * The file of this name in each kept generation that has one, newest first (as {@link
   * #generationFile} reads them).
   */
  public List<byte[]> keptFiles(String name) {
    List<byte[]> files = new ArrayList<>();
    for (Generation generation : generations()) {
      generationFile(generation.name(), name).ifPresent(files::add);
    }
    return files;
  }

  /**
   * One file of the current generation, for a command that reads one public file (export) without
   * the permissions a whole read needs (the keys'). Refused as a whole read refuses: a store
   * without {@code ..data} (with the rollback that restores it), and a visible name that is not
   * hostpki's link through {@code ..data} (say {@code ca.crt -> /etc/shadow}, made by hand),
   * which clients reading the store's files would follow.
   *
   * @return empty when the current generation has no such file
   */
  public Optional<byte[]> currentFile(String name) {
    Optional<Generation> current = current();
    if (current.isEmpty()) {
      read(); // kept generations without ..data: refused with the rollback that restores it
      return Optional.empty();
    }
    try {
      links.requireNoForeignEntries(StoreNames.topLevelNames(Set.of(name)));
    } catch (IOException e) {
      throw readFailure(e);
    }
    return generationFile(current.get().name(), name);
  }

  /**
   * One file of a kept generation, read-only and without following links: for history and
   * rollback to tell generations apart (the server certificate of each, say) without reading
   * whole sets. Works whichever generation is current, and on a store whose {@code ..data} is
   * broken.
   *
   * @param name a store file name, {@code /}-separated ({@code server.crt}, {@code trust/x.crt})
   * @return empty when the generation has no such file
   * @throws HostpkiException when there is no such generation, or the file is unsafe or unreadable
   */
  public Optional<byte[]> generationFile(String generation, String name) {
    StoreNames.requireValid(name);
    Path path = existingGeneration(generation);
    try {
      checkStoreDirectory();
      Path file = StoreNames.resolve(path, name);
      for (Path parent = file.getParent(); !parent.equals(path); parent = parent.getParent()) {
        if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
          return Optional.empty(); // missing, or a link hostpki never makes: not followed
        }
      }
      if (!isRegularFileIfThere(path, file)) {
        return Optional.empty();
      }
      reader.checkFile(file, name, reader.writtenAccess(path));
      return Optional.of(SafeFiles.readNoFollow(file));
    } catch (IOException | UncheckedIOException e) {
      throw readFailure(e);
    }
  }

  /**
   * The names of the regular files in one folder of a kept generation ({@code trust} gives {@code
   * trust/x.crt}, ...), for comparing two generations; empty when it has no such folder. Entries
   * of another kind are passed over, as {@link #generationFile} passes them over.
   *
   * @throws HostpkiException when there is no such generation, or the folder cannot be read
   */
  public SortedSet<String> generationFolder(String generation, String folder) {
    StoreNames.requireValid(folder);
    Path path = existingGeneration(generation);
    SortedSet<String> names = new java.util.TreeSet<>();
    try {
      checkStoreDirectory();
      Path dir = StoreNames.resolve(path, folder);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        return names;
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path entry : entries) {
          if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
            names.add(folder + "/" + entry.getFileName());
          }
        }
      }
      return names;
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw readFailure(e instanceof DirectoryIteratorException d ? d.getCause() : e);
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
    activate(generation, Map.of());
  }

  /**
   * As {@link #activate(String)}, first replacing the records of the generation with these (each
   * written by a rename, synced; a record not given is removed), so that they are in place when
   * it becomes current: a rollback's hold and the hooks the switch makes due, never what the
   * generation recorded while it was current before. A crash before the switch leaves them on a
   * generation that is not current, where nothing reads them.
   */
  public void activate(String generation, Map<GenerationRecord, byte[]> records) {
    Path path = directory.resolve(generation);
    if (!GenerationNames.isGeneration(generation)
        || !storeExists()
        || !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      throw noSuchGeneration(generation);
    }
    SortedSet<String> visible;
    try {
      checkStoreDirectory();
      visible = StoreNames.topLevelNames(reader.read(path).files().keySet());
      dataLink.requireLinkOrAbsent();
      links.requireNoForeignEntries(visible);
      StoreFormat.raiseIn(directory); // before the switch: a rollback never lowers it
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw new HostpkiException(
          "cannot activate generation " + generation + " of store " + directory + ": "
              + IoFailures.describe(e) + ". The store is unchanged",
          e);
    }
    List<Path> newLinks = new ArrayList<>();
    try {
      for (GenerationRecord record : GenerationRecord.values()) {
        if (records.containsKey(record)) {
          replaceRecord(path, record, records.get(record));
        } else if (Files.deleteIfExists(path.resolve(record.fileName()))) {
          SafeFiles.syncDirectory(path);
        }
      }
      links.createMissing(visible, newLinks);
      FileModes.setExactly(path, FileModes.DIRECTORY); // a kept generation was closed (0700)
      SafeFiles.syncDirectory(directory);
      dataLink.pointAt(generation);
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      removeQuietly(newLinks);
      throw new HostpkiException(
          "cannot activate generation " + generation + " of store " + directory + ": "
              + IoFailures.describe(e) + ". The store is unchanged",
          e);
    }
    tidyUp(
        generation, visible, false, "run `" + rollbackCommand(generation) + "` again");
  }

  /**
   * Removes one file from the kept generations other than the current one, where {@code doomed}
   * says so: for a file of an older release that must not outlive its replacement (a record
   * keeping too fast a check of the password), and that a rollback can do without. Generations
   * are otherwise never changed, and this only removes a name. Needs the lock.
   *
   * @param name a dot-file of the set ({@link StoreLayout#CONTENT_DOT_FILES}), never content a
   *     rollback needs
   * @return the generations it was removed from
   * @throws HostpkiException when a generation cannot be read or changed; the current set is
   *     unaffected either way
   */
  public List<String> removeFromKeptGenerations(String name, Predicate<byte[]> doomed) {
    if (!StoreLayout.CONTENT_DOT_FILES.contains(name)) {
      throw new IllegalArgumentException("not a file a rollback can do without: " + name);
    }
    List<String> removed = new ArrayList<>();
    if (!storeExists()) {
      return removed;
    }
    try {
      checkStoreDirectory();
      Optional<String> current = dataLink.target();
      for (String generation : generationNames()) {
        Path file = directory.resolve(generation).resolve(name);
        if (current.equals(Optional.of(generation))
            || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
            || !doomed.test(SafeFiles.readNoFollow(file))) {
          continue;
        }
        Files.delete(file);
        SafeFiles.syncDirectory(file.getParent());
        removed.add(generation);
      }
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw new HostpkiException(
          "cannot remove " + name + " from the older generations of store " + directory + ": "
              + IoFailures.describe(e) + removedSoFar(removed),
          e);
    }
    return removed;
  }

  private static String removedSoFar(List<String> removed) {
    return removed.isEmpty() ? "" : " (removed from " + String.join(", ", removed) + ")";
  }

  /**
   * A record of a kept generation, read without following links.
   *
   * @return empty when the generation has none
   * @throws HostpkiException when there is no such generation, or the record is not a regular file
   */
  public Optional<byte[]> record(String generation, GenerationRecord record) {
    Path path = existingGeneration(generation);
    Path file = path.resolve(record.fileName());
    try {
      return isRegularFileIfThere(path, file)
          ? Optional.of(SafeFiles.readNoFollow(file))
          : Optional.empty();
    } catch (IOException | UncheckedIOException e) {
      throw readFailure(e);
    }
  }

  /**
   * False when nothing is there; true for a regular file; anything else (a link, a FIFO, a
   * directory) is refused as altered by hand: hostpki writes nothing else inside a generation.
   */
  private boolean isRegularFileIfThere(Path generation, Path file) throws IOException {
    Optional<BasicFileAttributes> entry = SafeFiles.entry(file);
    if (entry.isEmpty()) {
      return false;
    }
    BasicFileAttributes attributes = entry.get();
    if (!attributes.isRegularFile()) {
      throw reader.alteredByHand(generation, file, FileReasons.kindOf(file, attributes, LinkOption.NOFOLLOW_LINKS));
    }
    return true;
  }

  /**
   * Replaces a record of a kept generation as a whole: a new file written and synced beside it,
   * renamed over it, the directory synced. A reader sees the old record or the new one; no file
   * is ever changed in place (the files of a generation may be hard links shared with others;
   * records never are). Needs the lock.
   */
  public void putRecord(String generation, GenerationRecord record, byte[] content) {
    Path path = existingGeneration(generation);
    try {
      replaceRecord(path, record, content);
    } catch (IOException | UncheckedIOException e) {
      throw new HostpkiException(
          "cannot write " + path.resolve(record.fileName()) + ": " + IoFailures.describe(e), e);
    }
  }

  /** Removes a record of a kept generation, synced. Needs the lock. */
  public void removeRecord(String generation, GenerationRecord record) {
    Path path = existingGeneration(generation);
    try {
      if (Files.deleteIfExists(path.resolve(record.fileName()))) {
        SafeFiles.syncDirectory(path);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new HostpkiException(
          "cannot remove " + path.resolve(record.fileName()) + ": " + IoFailures.describe(e), e);
    }
  }

  private static void replaceRecord(Path generation, GenerationRecord record, byte[] content)
      throws IOException {
    Path temporary = generation.resolve(record.fileName() + GenerationRecord.TEMPORARY_SUFFIX);
    Files.deleteIfExists(temporary); // an interrupted earlier write; we hold the lock
    SafeFiles.writeNew(temporary, content, FileModes.PUBLIC);
    FileModes.setExactly(temporary, FileModes.PUBLIC);
    SafeFiles.sync(temporary);
    Files.move(
        temporary,
        generation.resolve(record.fileName()),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    SafeFiles.syncDirectory(generation);
  }

  private Path existingGeneration(String generation) {
    Path path = directory.resolve(generation);
    if (!GenerationNames.isGeneration(generation)
        || !storeExists()
        || !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      throw noSuchGeneration(generation);
    }
    return path;
  }

  /**
   * The files of {@code snapshot} whose owner, group or mode is not exactly what the desired state
   * declares (reading accepted them: narrower than declared, or as the generation declared them
   * when it was written), each with what it has, {@code 0600 root:root}: a plan writes them again
   * with the declared access. A file the generation declared an access for and the desired state
   * no longer does ({@code store.access} removed) is compared with hostpki's own access. Empty for a store never
   * written, or on a file system without owners.
   */
  public SortedMap<String, ObservedAccess> accessDrift(StoreSnapshot snapshot) {
    SortedMap<String, ObservedAccess> drift = new java.util.TreeMap<>();
    if (snapshot.generation().isEmpty()) {
      return drift;
    }
    Path generation = directory.resolve(snapshot.generation().get());
    try {
      // What is declared now, and what the generation declared and is no longer: narrowed back.
      SortedSet<String> names = layout.declaredNames();
      reader.writtenAccess(generation).keySet().stream()
          .filter(name -> layout.kindOf(name) != FileKind.UNKNOWN)
          .forEach(names::add);
      for (String name : names) {
        if (!snapshot.files().containsKey(name)) {
          continue;
        }
        Path file = StoreNames.resolve(generation, name);
        if (!OwnedFiles.hasAccess(file, layout.accessOf(name), generation)) {
          drift.put(name, OwnedFiles.describe(file));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw readFailure(e);
    }
    return drift;
  }

  /**
   * What an existing folder that is no hostpki store yet — no {@code ..data}, no generation —
   * holds beside what hostpki itself may leave there (its lock, the {@code ..data_tmp} and
   * leftovers of an interrupted first write, its links through {@code ..data}, the {@code .acme}
   * , {@code .install} and {@code .crl} records) and a mount point's {@code lost+found}: the names, sorted. A
   * store is made only in a new or empty folder, never beside files hostpki did not make (an
   * nginx configuration, a certificate of its own). Empty for a store, and for a folder that does
   * not exist or holds nothing else. Reads only: checked before the lock, which makes a file.
   */
  public List<String> foreignEntries() {
    if (!storeExists() || Files.exists(directory.resolve(DataLink.NAME), LinkOption.NOFOLLOW_LINKS)) {
      return List.of(); // the usual case, a store, without listing it on every apply
    }
    List<String> foreign = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.equals(DataLink.NAME) || GenerationNames.isGeneration(name)) {
          return List.of(); // a store, or one that lost its ..data: read() says which
        }
        if (!isOwnLeftover(entry, name)) {
          foreign.add(name);
        }
      }
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw readFailure(e);
    }
    foreign.sort(Comparator.naturalOrder());
    return foreign;
  }

  /**
   * The hostpki store this folder would sit inside: the nearest folder above it (after its links,
   * {@code ..} and its store's generation folders resolve) that holds a {@code ..data} entry. One
   * {@code lstat} per folder above, from the nearest that exists up to the first store or the root.
   * A store inside a store would be a foreign entry of the outer one and go with its generations.
   */
  public Optional<Path> enclosingStore() {
    Path existing = directory.toAbsolutePath();
    Path above;
    try {
      while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      if (existing == null) {
        return Optional.empty();
      }
      // the store folder itself may be a store; the search starts above it
      above = existing.equals(directory.toAbsolutePath()) ? existing.toRealPath().getParent() : existing.toRealPath();
    } catch (IOException e) {
      return Optional.empty(); // a folder above that cannot be read: the lock or the write says so
    }
    for (Path folder = above; folder != null; folder = folder.getParent()) {
      if (Files.exists(folder.resolve(DataLink.NAME), LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(folder);
      }
    }
    return Optional.empty();
  }

  /** The refusal of {@link #enclosingStore()}: the store folder, the outer store, and the fix. */
  public String nestedStoreMessage(Path outer) {
    String shown = TerminalText.escape(outer.toString());
    Path name = directory.toAbsolutePath().normalize().getFileName();
    return "store folder " + TerminalText.escape(directory.toString()) + " is inside the hostpki store " + shown
        + ": a store must not sit inside another (the outer store would hold it as a file it did not make)."
        + " Put store.path beside it, e.g. " + TerminalText.escape(String.valueOf(outer.resolveSibling(
            name == null ? "NAME" : name.toString()))) + "; nothing was changed";
  }

  /** The refusal of {@link #foreignEntries()}: the folder, up to three names, and the fix. */
  public String foreignFolderMessage(List<String> foreign) {
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < Math.min(SHOWN_FOREIGN, foreign.size()); i++) {
      names.append(i == 0 ? "" : ", ").append('\'').append(TerminalText.escape(foreign.get(i))).append('\'');
    }
    if (foreign.size() > SHOWN_FOREIGN) {
      names.append(" and ").append(foreign.size() - SHOWN_FOREIGN).append(" more");
    }
    if (foreign.contains(StoreLayout.CA_CERT) && foreign.contains(StoreLayout.CA_KEY)
        && (foreign.contains(StoreLayout.SERVER_CERT) || foreign.contains(StoreLayout.SERVER_KEY))) {
      return flatCopyMessage(names);
    }
    return "store folder " + TerminalText.escape(directory.toString()) + " holds files that are not a"
        + " hostpki store (" + names + "): hostpki makes its store only in a new or empty folder and"
        + " never writes beside files it did not make. Point store.path at a new or empty folder"
        + " (hostpki makes a missing one); nothing was changed";
  }

  /**
   * A folder holding a store's visible names (a CA's and a server's) as plain files, without
   * {@code ..data} and the generations: {@code cp -r pki/* DEST} (the shell's glob skips the names
   * that begin with a dot), restored. An empty folder, which the usual advice names, would get a
   * new CA that no client trusts: the way back is the whole backup, or these files made a store
   * again.
   */
  private String flatCopyMessage(StringBuilder names) {
    return "store folder " + TerminalText.escape(directory.toString()) + " holds a CA's " + StoreLayout.CA_CERT
        + " and " + StoreLayout.CA_KEY + " as plain files (" + names + ") but no ..data link and no"
        + " generations: it looks like a copy of a store's visible files only (cp pki/* skips the names"
        + " that begin with a dot; some backups follow the links). hostpki writes only in its own store."
        + " Restore the whole folder from the backup (cp -a pki/. DEST, tar with its dot entries);"
        + " with only these files, make them a store again as docs/guide.md, \"Restoring a"
        + " store\", shows. A new or empty folder would get a new CA that no client trusts (if this"
        + " is a CA folder of your own, point store.path at a new or empty folder); nothing was changed";
  }

  private static boolean isOwnLeftover(Path entry, String name) throws IOException {
    if (name.equals(StoreLock.LOCK_FILE)
        || name.equals(StoreFormat.FILE)
        || name.equals(StoreFormat.TEMPORARY)
        || name.equals(DataLink.TMP_NAME)
        || GenerationNames.isLeftover(name)) {
      return true;
    }
    BasicFileAttributes attributes =
        Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isDirectory()) {
      return OWN_RECORD_FOLDERS.contains(name);
    }
    // a link an interrupted first commit made (it dangles, as ..data never came)
    return attributes.isSymbolicLink()
        && Files.readSymbolicLink(entry)
            .equals(StoreNames.visibleLinkTarget(entry.getFileSystem(), name));
  }

  /**
   * Refuses a declared file whose name in the store is taken by anything but hostpki's link (a
   * link into the store or elsewhere, a FIFO, a directory, a file put there by hand): nothing is
   * read through it or replaced, and the message names the declaration.
   *
   * @param declared where the desired state declares the file
   */
  public void requireFreeName(String name, SourcePosition declared) {
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Optional<String> foreign;
    try {
      foreign = links.foreignEntry(name);
    } catch (IOException | UncheckedIOException e) {
      throw readFailure(e);
    }
    foreign.ifPresent(kind -> {
      Path visible = directory.resolve(name);
      throw new HostpkiException(
          declared + ": the output file '" + name + "' is taken: " + visible + " is " + kind
              + ", not hostpki's link to " + StoreNames.visibleLinkTarget(directory.getFileSystem(), name)
              + "; hostpki neither reads through nor replaces what it did not make. Move it out of "
              + directory + " (or give the output another file name), then apply again");
    });
  }

  /** The top-level names the live generation holds, while it is still current; else none. */
  private java.util.Set<String> heldBy(StoreSnapshot live) throws IOException {
    return live.generation().isPresent() && dataLink.currentGeneration().equals(live.generation())
        ? StoreNames.topLevelNames(live.files().keySet())
        : java.util.Set.of();
  }

  /** Files are carried over only from the generation they were read from, still current. */
  private Optional<GenerationWriter.Live> carriedFrom(StoreSnapshot live) throws IOException {
    if (live.generation().isEmpty()
        || !dataLink.currentGeneration().equals(live.generation())) {
      return Optional.empty();
    }
    return Optional.of(
        new GenerationWriter.Live(directory.resolve(live.generation().get()), live.files()));
  }

  private void commitNewGeneration(
      String name,
      SortedMap<String, StoreFile> files,
      StreamedContent metadata,
      Map<GenerationRecord, byte[]> records,
      Optional<GenerationWriter.Live> carried) {
    Path partial = directory.resolve(name + GenerationNames.PARTIAL_SUFFIX);
    boolean complete = false;
    List<Path> newLinks = new ArrayList<>();
    try {
      GenerationWriter.write(partial, files, metadata, records, carried, layout::declaredAccess);
      // Before the generation has its name: a complete generation without ..data always shows
      // that its commit was interrupted, and is never taken for a store whose ..data was lost.
      dataLink.prepare(name);
      Files.move(partial, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      complete = true;
      links.createMissing(StoreNames.topLevelNames(files.keySet()), newLinks);
      // The generation's name and the links must be on disk before ..data can point at them.
      SafeFiles.syncDirectory(directory);
      StoreFormat.raiseIn(directory); // last before the commit: a failed write leaves no marker
      dataLink.commit();
    } catch (IOException | UncheckedIOException | DirectoryIteratorException | UnsupportedOperationException e) {
      removeQuietly(newLinks);
      discardQuietly(complete ? name : null, partial);
      dataLink.discardQuietly();
      throw StoreFileSystem.failedForWantOfLinks(directory)
          .map(why -> new HostpkiException("cannot write store " + directory + ": " + why + ". The store is unchanged", e))
          .orElseGet(() -> writeFailure(e));
    } catch (RuntimeException | Error e) {
      // .generation.json is encoded while it is written (StreamedContent): an encoder's failure or
      // an OutOfMemoryError half-way left a half-written NAME.partial until the next write
      // (rvfinal16 4). Only before the generation has its name: after that, ..data may name it.
      if (!complete) {
        dataLink.discardQuietly();
        discardQuietly(null, partial);
      }
      throw e;
    }
  }

  private void tidyUp(
      String generation, SortedSet<String> visible, boolean prune, String howToFinish) {
    try {
      SafeFiles.syncDirectory(directory);
      links.createMissing(visible, new ArrayList<>()); // one removed by hand since the commit
      links.removeStale(visible);
      SafeFiles.syncDirectory(directory);
      Optional<IOException> pruning = prune ? pruneQuietly(generation) : Optional.empty();
      // Closed also when pruning failed (an immutable file in a doomed generation): a group this
      // write narrowed must not read the key under the generation before.
      closeKeptGenerations(generation);
      if (pruning.isPresent()) {
        throw pruning.get();
      }
      if (prune) {
        removeLeftovers(); // what the write could not remove before its commit
      }
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw new StoreTidyUpException(
          "store " + directory + ": generation " + generation
              + " is committed and in use, but tidying up after it failed: "
              + IoFailures.describe(e) + ". Fix that and " + howToFinish,
          generation,
          e);
    }
  }

  /** {@link #pruneGenerations}, its failure returned instead of thrown. */
  private Optional<IOException> pruneQuietly(String current) {
    try {
      pruneGenerations(current);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e);
    } catch (UncheckedIOException e) {
      return Optional.of(e.getCause());
    } catch (DirectoryIteratorException e) {
      return Optional.of(e.getCause());
    }
  }

  /**
   * Keeps the newest generations and the current one; the rest go, each atomically. A generation
   * that came with an overlay's lower layer (a container image that holds the store) stays:
   * overlayfs renames no directory of a lower layer (EXDEV), deleting it in place could leave it
   * half-deleted under its own name, and would free nothing, the lower layer being read-only.
   */
  private void pruneGenerations(String current) throws IOException {
    List<String> names = generationNames();
    List<Path> doomed = new ArrayList<>();
    for (int i = KEPT_GENERATIONS; i < names.size(); i++) {
      if (!names.get(i).equals(current)) {
        Path removing = directory.resolve(names.get(i) + GenerationNames.REMOVING_SUFFIX);
        try {
          Files.move(directory.resolve(names.get(i)), removing, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException lowerLayer) {
          continue;
        }
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

  /**
   * Makes every kept generation but the current one 0700: a file an older generation gave a
   * group (store.access, an output's group, an output since removed) holds the key still in use
   * when the change only narrowed who may read it, and a service must not read it there. A
   * rollback opens the generation it activates again (0755) before switching to it.
   */
  private void closeKeptGenerations(String current) throws IOException {
    for (String name : generationNames()) {
      Path generation = directory.resolve(name);
      Set<PosixFilePermission> mode = name.equals(current) ? FileModes.DIRECTORY : FileModes.KEPT_GENERATION;
      if (FileModes.hasPosix(generation)
          && !Files.getPosixFilePermissions(generation, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
        FileModes.setExactly(generation, mode);
      }
    }
  }

  /**
   * Removes what an interrupted write or prune left behind, as every write does first, for a run
   * that writes nothing: a store no write comes to for months (a steady one, or one a rollback
   * holds) keeps no {@code ..NAME.partial} of a killed apply, with the key it made, that long.
   * Needs the lock and a current generation.
   *
   * @return the problem, when removing failed: left for the next write
   */
  public Optional<String> removeInterruptedWrites() {
    try {
      checkStoreDirectory();
      removeLeftovers();
      return Optional.empty();
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      return Optional.of(
          "cannot remove what an interrupted write left in store " + directory + ": "
              + IoFailures.describe(e) + "; the next write tries again");
    }
  }

  /** Removes what an interrupted write or prune left behind. Needs the lock. */
  private void removeLeftovers() throws IOException {
    dataLink.removeStaleTmp();
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

  /**
   * Removes the visible links a failed commit made, best effort: they dangle (to a reader the same
   * as absent), and the next write's tidy-up removes any that stay.
   */
  private static void removeQuietly(List<Path> newLinks) {
    for (Path link : newLinks) {
      try {
        Files.deleteIfExists(link);
      } catch (IOException | UncheckedIOException e) {
        // left for the next write
      }
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

  /**
   * A generation's {@code .generation.json}, read when asked for ({@link Generation}): whole, or
   * only its head for the leading members every plan reads.
   */
  private Generation.Metadata metadataOf(String generation) {
    Path file = directory.resolve(generation).resolve(StoreNames.METADATA);
    return head -> {
      try {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          return Optional.empty();
        }
        return Optional.of(head ? SafeFiles.readHeadNoFollow(file, Generation.HEAD) : SafeFiles.readNoFollow(file));
      } catch (IOException | UncheckedIOException e) {
        throw readFailure(e);
      }
    };
  }

  /**
   * Whether the store directory exists; a file in its place is an error, and so is not being
   * able to tell (a store that cannot be looked at is not an empty one).
   */
  private boolean storeExists() {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(directory, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw readFailure(e);
    }
    if (!attributes.isDirectory()) {
      throw new HostpkiException(
          "store " + directory + " is not a directory; store.path must name a directory "
              + "(hostpki creates it when missing)");
    }
    return true;
  }

  /** A store whose {@code ..data} is gone keeps generations: it is not empty. */
  private HostpkiException notEmpty(List<String> kept) {
    String newest = kept.get(0);
    return new HostpkiException(
        "store " + directory + " has no " + DataLink.NAME + " link to its current generation, but"
            + " keeps " + kept.size() + (kept.size() == 1 ? " generation" : " generations")
            + ", the newest " + newest + " (written " + DateText.precise(GenerationNames.time(newest))
            + "): it is not empty, and hostpki will not make a new CA over it. " + DataLink.NAME
            + " was removed by hand, or by a copy or backup that dropped links. "
            + restoreNewest());
  }

  /**
   * The kept generations, newest first, without the one whose commit was interrupted ({@link
   * DataLink#interruptedCommit}): in a store without {@code ..data} whose first write that was,
   * the store was never written.
   */
  private List<String> committedOnce() throws IOException {
    List<String> kept = new ArrayList<>(generationNames());
    dataLink.interruptedCommit().ifPresent(kept::remove);
    return kept;
  }

  /**
   * The generation that repairs a missing or broken {@code ..data}: the newest kept one that was
   * committed, never the one an interrupted write left ({@code ..data_tmp} linking to it: its
   * files complete, but no service read it and no hook ran for it), which only when no other is
   * kept. The rule of {@link #read()}'s advice and of {@code hostpki rollback} without {@code
   * --to}. Empty for a store that keeps no generation.
   */
  public Optional<String> restorable() {
    if (!storeExists()) {
      return Optional.empty();
    }
    try {
      return restorableOtherThan(Optional.empty());
    } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
      throw readFailure(e);
    }
  }

  /** {@link #restorable()}, passing over a damaged generation too. */
  private Optional<String> restorableOtherThan(Optional<String> damaged) throws IOException {
    Predicate<String> usable = g -> !damaged.equals(Optional.of(g));
    Optional<String> committed = committedOnce().stream().filter(usable).findFirst();
    return committed.isPresent()
        ? committed
        : generationNames().stream().filter(usable).findFirst();
  }

  /** How to make the newest kept generation current: for a missing or broken {@code ..data}. */
  private String restoreNewest() {
    Optional<String> newest = restorableQuietly(Optional.empty());
    if (newest.isEmpty()) {
      return "No generation is kept to restore; remove " + directory.resolve(DataLink.NAME)
          + ", and the next `hostpki apply` writes a complete new set (a new CA)";
    }
    return "Make the newest kept generation current again with: " + rollbackCommand(newest.get())
        + passedOver(newest.get()) + " (`" + command("history") + "` lists the kept ones)";
  }

  /** How to leave a generation altered by hand: make the newest other kept one current. */
  private String restoreOtherThan(String damaged) {
    Optional<String> other = restorableQuietly(Optional.of(damaged));
    if (other.isEmpty()) {
      return "No other generation is kept to go back to: move the entry out of " + directory
          + "/" + damaged + ", and the next `hostpki apply` makes that file anew (a new key, if it"
          + " held one)";
    }
    return "Make a kept generation current instead with: " + rollbackCommand(other.get())
        + passedOver(other.get()) + " (`" + command("history") + "` lists the kept ones)";
  }

  /**
   * Why the advice names not the newest generation: a newer one is what an interrupted write
   * left, never current. Empty otherwise.
   */
  private String passedOver(String advised) {
    try {
      return dataLink.interruptedCommit()
          .filter(interrupted -> interrupted.compareTo(advised) > 0)
          .map(interrupted -> "; the newer " + interrupted + " is what an interrupted write left,"
              + " never current")
          .orElse("");
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private String rollbackCommand(String generation) {
    return command("rollback", "--to", generation);
  }

  /** {@code hostpki VERB -f FILE}, with the file when this store knows it. */
  private String command(String verb, String... more) {
    List<Object> words = new ArrayList<>(List.of(verb));
    desiredStateFile.ifPresent(f -> words.addAll(List.of("-f", f)));
    words.addAll(List.of(more));
    return ShellCommand.hostpki(words.toArray());
  }

  /** {@link #restorableOtherThan} for advice; none when the store cannot even be listed. */
  private Optional<String> restorableQuietly(Optional<String> damaged) {
    try {
      return storeExists() ? restorableOtherThan(damaged) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private HostpkiException noSuchGeneration(String generation) {
    return new HostpkiException(
        "store " + directory + " has no generation " + generation
            + "; `hostpki history` lists the kept ones");
  }

  private HostpkiException readFailure(Exception e) {
    return new HostpkiException(
        "cannot read store " + directory + ": " + IoFailures.describe(e), e);
  }

  private HostpkiException writeFailure(Exception e) {
    return new HostpkiException(
        "cannot write store " + directory + ": " + IoFailures.describe(e)
            + ". The store is unchanged",
        e);
  }
}
