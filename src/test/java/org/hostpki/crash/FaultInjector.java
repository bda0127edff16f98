package org.hostpki.crash;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hostpki.crash.FileOperation.Kind;

/**
 * Numbers the mutating operations that reach a {@link FaultyFileSystem} and fails the chosen one
 * as its {@link FailureMode} says.
 *
 * <p>Every call is made under this object's monitor, so operations from several threads (the
 * store syncs large sets in parallel) reach the file system one at a time, in the order they are
 * numbered: a power cut at operation k leaves exactly operations 1 to k-1 done.
 */
final class FaultInjector {
  /** A file-system call. */
  @FunctionalInterface
  interface IoCall<T> {
    T call() throws IOException;
  }

  private final int failAt;
  private final FailureMode mode;
  private final boolean tracksUnsynced;
  private final List<FileOperation> operations = new ArrayList<>();
  private WriteBackCache cache = WriteBackCache.disabled();
  private int count;
  private boolean poweredOff;

  private FaultInjector(int failAt, FailureMode mode) {
    this(failAt, mode, mode == FailureMode.POWER_CUT_LOSING_UNSYNCED);
  }

  private FaultInjector(int failAt, FailureMode mode, boolean tracksUnsynced) {
    this.failAt = failAt;
    this.mode = mode;
    this.tracksUnsynced = tracksUnsynced;
  }

  /**
   * Fails nothing; records the operations, and what is not synced yet, for a {@link #cutPower()}
   * after the code under test is done.
   */
  static FaultInjector recording() {
    return new FaultInjector(0, FailureMode.POWER_CUT_LOSING_UNSYNCED);
  }

  /** Fails the {@code k}-th mutating operation (from 1). */
  static FaultInjector failingAt(int k, FailureMode mode) {
    if (k < 1) {
      throw new IllegalArgumentException("operations are numbered from 1: " + k);
    }
    return new FaultInjector(k, mode);
  }

  /**
   * Cuts the power at the {@code k}-th mutating operation (from 1) as {@link
   * FailureMode#POWER_CUT} does, keeping everything done so far, and records what is not synced
   * yet: a {@link #cutPower()} once the code under test has given up then takes that away, as
   * {@link FailureMode#POWER_CUT_LOSING_UNSYNCED} at the same operation would have. Nothing
   * reaches the disk between the two (the power is off), so one interrupted run gives both.
   */
  static FaultInjector cuttingPowerAt(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("operations are numbered from 1: " + k);
    }
    return new FaultInjector(k, FailureMode.POWER_CUT, true);
  }

  /** Called once by the file system this injector serves. */
  synchronized void attach(FileSystem underlying) {
    if (tracksUnsynced) {
      cache = new WriteBackCache(underlying);
    }
  }

  synchronized WriteBackCache cache() {
    return cache;
  }

  /**
   * The operations issued to the file system, in order (one that failed on its own, as deleting a
   * missing file does, among them; the injected failure not).
   */
  synchronized List<FileOperation> operations() {
    return List.copyOf(operations);
  }

  /** How many mutating operations were issued, the injected failure among them. */
  synchronized int count() {
    return count;
  }

  /** Whether the chosen operation was reached (and so failed). */
  synchronized boolean fired() {
    return failAt > 0 && count >= failAt;
  }

  /** The number of the operation now being made. */
  synchronized int currentIndex() {
    return count;
  }

  /**
   * Cuts the power now, between operations: what was not synced is lost (for an injector that
   * tracks it: {@link #recording()}, or {@link FailureMode#POWER_CUT_LOSING_UNSYNCED}).
   */
  synchronized void cutPower() throws IOException {
    poweredOff = true;
    cache.revertUnsynced();
  }

  /** A call that changes nothing: fails only once the power is off. */
  synchronized <T> T read(IoCall<T> call) throws IOException {
    checkPower();
    return call.call();
  }

  /** A mutating operation: numbered, and failed when it is the chosen one. */
  synchronized <T> T mutate(Kind kind, Path path, Path target, IoCall<T> call)
      throws IOException {
    checkPower();
    int index = ++count;
    if (index == failAt) {
      String what = "operation #" + index + " " + kind + " " + path;
      if (mode == FailureMode.ERROR) {
        throw new IOException("injected failure of " + what);
      }
      poweredOff = true;
      if (mode == FailureMode.POWER_CUT_LOSING_UNSYNCED) {
        cache.revertUnsynced();
      }
      throw new IOException("power cut at " + what);
    }
    operations.add(new FileOperation(index, kind, path, target));
    return call.call();
  }

  private void checkPower() throws IOException {
    if (poweredOff) {
      throw new IOException("the power is off");
    }
  }
}
