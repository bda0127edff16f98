package org.hostpki.store;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * The envelope every writer of a store shares ({@code apply}, {@code sign}, {@code revoke}): the
 * store's lock, the live set read under it, that set's files carried over with what each holds,
 * and the commit of the next set, where a failure to tidy up after the commit is a notice for the
 * user, not an error (the new set is live; the next write finishes the tidying up).
 */
public final class StoreCommit implements AutoCloseable {
  private final StoreDirectory directory;
  private final StoreLock lock;
  private final StoreSnapshot live;

  private StoreCommit(StoreDirectory directory, StoreLock lock, StoreSnapshot live) {
    this.directory = directory;
    this.lock = lock;
    this.live = live;
  }

  /**
   * Takes the store's lock (making the store directory: check what needs no lock first) and reads
   * the live set under it.
   *
   * @param command the command that writes, for another writer's message: {@code apply}
   * @throws org.hostpki.model.HostpkiException when another writer keeps the lock past {@code
   *     timeout}, naming it, or the store cannot be read
   */
  public static StoreCommit begin(
      StoreDirectory directory, Duration timeout, String command, Clock clock) {
    return begin(directory, timeout, command, clock, words -> {});
  }

  /**
   * {@link #begin(StoreDirectory, Duration, String, Clock)}, telling {@code waiting} whom it waits
   * for when another writer holds the lock.
   */
  public static StoreCommit begin(
      StoreDirectory directory, Duration timeout, String command, Clock clock, Consumer<String> waiting) {
    return begin(directory, timeout, command, clock, waiting, StoreDirectory::read);
  }

  /**
   * {@link #begin(StoreDirectory, Duration, String, Clock, Consumer)} for a writer that read the
   * store before the lock ({@code before}): the live set is that read when no other writer
   * committed meanwhile ({@link StoreDirectory#readAgain}), else read again.
   */
  public static StoreCommit begin(
      StoreDirectory directory,
      Duration timeout,
      String command,
      Clock clock,
      Consumer<String> waiting,
      StoreSnapshot before) {
    return begin(directory, timeout, command, clock, waiting, d -> d.readAgain(before));
  }

  private static StoreCommit begin(
      StoreDirectory directory,
      Duration timeout,
      String command,
      Clock clock,
      Consumer<String> waiting,
      java.util.function.Function<StoreDirectory, StoreSnapshot> live) {
    StoreLock lock =
        StoreLock.acquire(
            directory.directory(),
            timeout,
            "hostpki " + command,
            clock,
            waiting);
    try {
      return new StoreCommit(directory, lock, live.apply(directory));
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** The live set, as read under the lock. */
  public StoreSnapshot live() {
    return live;
  }

  /** The live set's files, each with what it holds: the start of the next set. */
  public SortedMap<String, StoreFile> carriedOver() {
    return directory.carriedOver(live);
  }

  /**
   * Commits {@code files} as the next set, its unchanged files linked from the live one; the live
   * generation's records are kept.
   *
   * @param notices gets the tidy-up problem when the commit succeeded but tidying up failed
   * @return the new generation
   */
  public String commit(SortedMap<String, StoreFile> files, byte[] metadata, List<String> notices) {
    return commit(() -> directory.write(files, metadata, live), notices);
  }

  /**
   * As {@link #commit(SortedMap, byte[], List)}, with the new generation's own records instead of
   * the live one's, and {@code .generation.json} written as {@code metadata} makes it.
   */
  public String commit(
      SortedMap<String, StoreFile> files,
      StreamedContent metadata,
      Map<GenerationRecord, byte[]> records,
      List<String> notices) {
    Objects.requireNonNull(records, "records");
    return commit(() -> directory.write(files, metadata, live, records), notices);
  }

  private static String commit(java.util.function.Supplier<String> write, List<String> notices) {
    try {
      return write.get();
    } catch (StoreTidyUpException e) {
      // Committed: the new set is live. Only the tidying up failed; the next write finishes it.
      notices.add(e.getMessage());
      return e.generation();
    }
  }

  /**
   * Ends a refusal that must leave nothing it made, such as a folder found to hold another
   * program's files under the lock: releases the lock and removes the lock file when this run made
   * it.
   */
  public void closeLeavingNothing() {
    lock.closeRemovingOwnFile();
  }

  @Override
  public void close() {
    lock.close();
  }
}
