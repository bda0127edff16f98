package org.hostpki.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.hostpki.apply.HookLedger;
import org.hostpki.apply.Reconciler;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.PendingHook;
import org.hostpki.plan.Plan;
import org.hostpki.model.StoreLayout;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreSnapshot;

/**
 * Interrupts one apply at a chosen file-system operation, on a fresh copy of the old store, and
 * checks what is left on the underlying file system:
 *
 * <ol>
 *   <li>the store reads ({@link StoreDirectory#read()} succeeds);
 *   <li>it is exactly the old set (the same SHA-256 over every name and content: every file byte
 *       for byte) or a new one: a complete set the planner finds converged for the desired state
 *       (new keys are random, so "new" cannot be compared byte for byte); anything else is a
 *       mixed state and fails the test;
 *   <li>a following apply without failures succeeds (apply itself checks that what it wrote is
 *       converged), and every visible name of the current set is the link through {@code
 *       ..data};
 *   <li>no hook obligation is lost: when the apply makes a hook due (its clean run runs one) and
 *       the interrupted run left the new set without having run it, the store records it as
 *       pending; after the following apply it has run at least once and nothing is pending.
 * </ol>
 *
 * <p>Many runs leave the very same disk: an I/O error before the commit is cleaned up to the old
 * set, and a lossy power cut before the first sync loses everything. The checks are a function of
 * what is on the disk (its {@link DiskState}: names, modes, contents, links) and of how many hook
 * commands the interrupted run ran, so each such state is checked once, by the first run that
 * leaves it; the later ones are matched to it, and each run's outcome is still compared with what
 * its operation and mode expect.
 */
final class CrashEnumerator {
  /** Which set the store read as after the interruption. */
  enum Outcome {
    OLD,
    NEW
  }

  /**
   * The system property that sets how many runs go at a time; by default one a core, at least two.
   * Each run has its own disk, injector and write-back cache, so they are independent: {@code
   * -Dhostpki.crash.threads=1} makes the same runs one after another (to compare, or to debug).
   */
  static final String THREADS = "hostpki.crash.threads";

  /** Failed runs to report before the rest are skipped. */
  private static final int REPORTED_FAILURES = 5;

  private final CrashScenario scenario;
  private final StoreSnapshot old;
  private final TreeCopy oldTree;
  private final String storePath;
  private volatile List<FileOperation> cleanRun;
  /** The outcome of each state a run left (its disk and its hook runs) that has been checked. */
  private final Map<String, Outcome> checked = new ConcurrentHashMap<>();
  /** Whether the apply makes a hook due: its clean run ran one. */
  private volatile boolean hooksDue;

  CrashEnumerator(CrashScenario scenario) {
    this.scenario = scenario;
    this.storePath = scenario.oldStore().toString();
    this.old = storeAt(scenario.oldStore()).read();
    try {
      this.oldTree = TreeCopy.of(scenario.oldStore());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Applies without failure on a copy of the old store, checks that it converges, and returns the
   * operations it made: the ones to fail in turn.
   */
  synchronized List<FileOperation> cleanRun() {
    if (cleanRun == null) {
      try (FileSystem disk = Disks.newDisk()) {
        FaultInjector recorder = FaultInjector.recording();
        Path faultyStore = copyOfOldStore(disk, recorder);
        CrashScenario.HookRecorder hooks = new CrashScenario.HookRecorder();
        scenario.reconciler(hooks).apply(desired(faultyStore), scenario.replace(), Optional.empty(),
            Duration.ZERO);
        Path store = disk.getPath(storePath);
        hooksDue = hooks.runs() > 0;
        assertThat(pending(store)).as("%s: the hooks of a clean apply are done", scenario.name())
            .isEmpty();
        assertThat(plan(store).isEmpty()).as("%s: a clean apply converges", scenario.name())
            .isTrue();
        // What apply reported done must survive a power cut that loses everything not synced.
        recorder.cutPower();
        assertThat(plan(store).isEmpty())
            .as("%s: converged after a power cut that follows the apply", scenario.name())
            .isTrue();
        assertThat(storeAt(store).read().contentFingerprint().equals(old.contentFingerprint()))
            .as("%s: the apply changes the store", scenario.name())
            .isFalse();
        cleanRun = recorder.operations();
        assertThat(recorder.count()).isEqualTo(cleanRun.size());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return cleanRun;
  }

  /** The number of the commit: the rename of {@code ..data_tmp} over {@code ..data}. */
  int commitOperation() {
    return cleanRun().stream()
        .filter(op -> op.kind() == FileOperation.Kind.MOVE
            && op.target().getFileName().toString().equals("..data"))
        .mapToInt(FileOperation::index)
        .findFirst()
        .orElseThrow(() -> new AssertionError(scenario.name() + ": no rename over ..data"));
  }

  /**
   * The number of the first sync of the store directory after the commit: from then on the new
   * set survives a power cut that loses what is not synced.
   */
  int durableCommitOperation() {
    int commit = commitOperation();
    return cleanRun().stream()
        .filter(op -> op.index() > commit && op.kind() == FileOperation.Kind.FORCE
            && op.path().toString().equals(storePath))
        .mapToInt(FileOperation::index)
        .findFirst()
        .orElseThrow(() -> new AssertionError(scenario.name() + ": no sync after the commit"));
  }

  /**
   * Which set a failure at operation {@code k} must leave: one commit point, nothing between. An
   * I/O error the apply sees must leave what it reports: a failed apply (exit 1) has changed
   * nothing, a successful one (it coped, as {@code mkdir -p} does with a missing parent; or the
   * error came after the commit, in the tidy-up) has made the new set.
   */
  Outcome expected(int k, FailureMode mode, boolean applySucceeded) {
    if (mode == FailureMode.ERROR) {
      return applySucceeded ? Outcome.NEW : Outcome.OLD;
    }
    int last =
        mode == FailureMode.POWER_CUT_LOSING_UNSYNCED
            ? durableCommitOperation()
            : commitOperation();
    return k <= last ? Outcome.OLD : Outcome.NEW;
  }

  /**
   * Interrupts the apply at each of the given operations in each given mode, {@link #THREADS}
   * runs at a time, and checks each outcome against {@link #expected}. Every run has its own disk
   * and its own injector, so the result does not depend on the order the runs take; after a failure the runs
   * not yet started are skipped, and the failures found are reported in order of mode and
   * operation, each naming both.
   *
   * @return how many runs were made
   */
  int crashAtEach(Map<FailureMode, ? extends Collection<Integer>> operations) {
    cleanRun();
    List<FailureMode> modes = new ArrayList<>(operations.keySet());
    modes.sort(Comparator.naturalOrder());
    // A power cut at k that keeps everything and one that loses what was not synced interrupt
    // the apply at the same point: one run gives both (see cutPowerAt).
    Set<Integer> bothCuts = new TreeSet<>();
    if (operations.containsKey(FailureMode.POWER_CUT)
        && operations.containsKey(FailureMode.POWER_CUT_LOSING_UNSYNCED)) {
      bothCuts.addAll(operations.get(FailureMode.POWER_CUT));
      bothCuts.retainAll(new TreeSet<>(operations.get(FailureMode.POWER_CUT_LOSING_UNSYNCED)));
    }
    AtomicBoolean failed = new AtomicBoolean();
    int threads = threads();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Optional<AssertionError>>> runs = new ArrayList<>();
      int checks = 0;
      for (FailureMode mode : modes) {
        for (int k : new TreeSet<>(operations.get(mode))) {
          checks++;
          if (mode == FailureMode.POWER_CUT_LOSING_UNSYNCED && bothCuts.contains(k)) {
            continue; // checked with POWER_CUT at k
          }
          boolean both = mode == FailureMode.POWER_CUT && bothCuts.contains(k);
          String what = both ? "POWER_CUT and POWER_CUT_LOSING_UNSYNCED" : mode.toString();
          runs.add(
              pool.submit(
                  () -> {
                    if (failed.get()) {
                      return Optional.empty();
                    }
                    try {
                      if (both) {
                        checkPowerCuts(k);
                      } else {
                        checkRun(k, mode);
                      }
                      return Optional.empty();
                    } catch (AssertionError | RuntimeException e) {
                      failed.set(true);
                      return Optional.of(
                          new AssertionError(
                              scenario.name() + ", " + what + " at operation #" + k + ": "
                                  + e.getMessage(),
                              e));
                    }
                  }));
        }
      }
      List<AssertionError> failures = new ArrayList<>();
      for (Future<Optional<AssertionError>> run : runs) {
        await(run).ifPresent(failures::add);
      }
      if (!failures.isEmpty()) {
        throw report(failures);
      }
      System.out.printf(
          "%s: %d interrupted runs (%d applies) left %d distinct states, each checked once"
              + " (%d at a time)%n",
          scenario.name(), checks, runs.size(), checked.size(), threads);
      return checks;
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@value #THREADS}: a positive number, by default one a core and at least two. */
  private static int threads() {
    String value = System.getProperty(THREADS);
    if (value == null) {
      return Math.max(2, Runtime.getRuntime().availableProcessors());
    }
    try {
      int threads = Integer.parseInt(value.strip());
      if (threads > 0) {
        return threads;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("-D" + THREADS + "=" + value + ": use a positive number");
  }

  private void checkRun(int k, FailureMode mode) {
    checkOutcome(k, mode, crashAt(k, mode));
  }

  private void checkPowerCuts(int k) {
    cutPowerAt(k).forEach((mode, run) -> checkOutcome(k, mode, run));
  }

  private void checkOutcome(int k, FailureMode mode, Run run) {
    assertThat(run.outcome())
        .as("%s: %s at %s%s", scenario.name(), mode, cleanRun.get(k - 1),
            run.failure().map(f -> " (apply said: " + f + ")")
                .orElse(" (apply reported success)"))
        .isEqualTo(expected(k, mode, run.failure().isEmpty()));
  }

  private static AssertionError report(List<AssertionError> failures) {
    AssertionError first = failures.get(0);
    AssertionError error =
        new AssertionError(
            failures.size() + " failed run(s) (later runs skipped); the first: "
                + first.getMessage(), first);
    failures.stream().skip(1).limit(REPORTED_FAILURES - 1).forEach(error::addSuppressed);
    return error;
  }

  private static <T> T await(Future<T> run) {
    try {
      return run.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * What one interrupted apply left.
   *
   * @param failure what the interrupted apply reported, if it failed
   */
  record Run(Outcome outcome, Optional<String> failure) {}

  /** Runs the apply with operation {@code k} failing as {@code mode} says, and checks the store. */
  Run crashAt(int k, FailureMode mode) {
    try (FileSystem disk = Disks.newDisk()) {
      FaultInjector injector = FaultInjector.failingAt(k, mode);
      Path faultyStore = copyOfOldStore(disk, injector);
      CrashScenario.HookRecorder hooks = new CrashScenario.HookRecorder();
      RuntimeException failure = interruptedApply(faultyStore, hooks);
      assertThat(injector.fired()).as("%s: the failure was reached", where(k, mode, failure))
          .isTrue();
      return outcome(disk, k, mode, failure, hooks.runs(), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Cuts the power at operation {@code k} of one apply, and checks what {@link
   * FailureMode#POWER_CUT} leaves there (on a {@link DiskCopy}), then what {@link
   * FailureMode#POWER_CUT_LOSING_UNSYNCED} leaves (the disk itself, what was not synced taken
   * away): the same as two runs, each cut at {@code k}, would leave, since nothing reaches the
   * disk after the cut.
   */
  Map<FailureMode, Run> cutPowerAt(int k) {
    try (FileSystem disk = Disks.newDisk()) {
      FaultInjector injector = FaultInjector.cuttingPowerAt(k);
      Path faultyStore = copyOfOldStore(disk, injector);
      CrashScenario.HookRecorder hooks = new CrashScenario.HookRecorder();
      RuntimeException failure = interruptedApply(faultyStore, hooks);
      assertThat(injector.fired())
          .as("%s: the failure was reached", where(k, FailureMode.POWER_CUT, failure)).isTrue();
      Map<FailureMode, Run> runs = new EnumMap<>(FailureMode.class);
      runs.put(FailureMode.POWER_CUT,
          outcome(disk, k, FailureMode.POWER_CUT, failure, hooks.runs(), true));
      injector.cutPower();
      runs.put(FailureMode.POWER_CUT_LOSING_UNSYNCED,
          outcome(disk, k, FailureMode.POWER_CUT_LOSING_UNSYNCED, failure, hooks.runs(), false));
      return runs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The apply on the faulty store; what it threw, or null when it reported success. */
  private RuntimeException interruptedApply(Path faultyStore, CrashScenario.HookRecorder hooks) {
    try {
      scenario.reconciler(hooks).apply(desired(faultyStore), scenario.replace(), Optional.empty(),
          Duration.ZERO);
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  /**
   * The outcome of the state the interrupted run left on {@code disk}: checked when no run left
   * it before, on a copy when {@code keepDisk} (the check's following apply changes the disk).
   */
  private Run outcome(
      FileSystem disk, int k, FailureMode mode, RuntimeException failure, int hookRuns,
      boolean keepDisk) throws IOException {
    String where = where(k, mode, failure);
    String state = DiskState.of(disk) + " after " + hookRuns + " hook run(s)";
    Outcome outcome = checked.get(state);
    if (outcome == null) {
      if (keepDisk) {
        try (FileSystem copy = DiskCopy.of(disk)) {
          outcome = check(copy.getPath(storePath), where, hookRuns);
        }
      } else {
        outcome = check(disk.getPath(storePath), where, hookRuns);
      }
      checked.put(state, outcome);
    }
    return new Run(outcome, Optional.ofNullable(failure).map(RuntimeException::getMessage));
  }

  /**
   * @param hookRuns how many hook commands the interrupted apply ran (each after the commit)
   */
  private Outcome check(Path store, String where, int hookRuns) {
    StoreSnapshot after;
    try {
      after = storeAt(store).read();
    } catch (RuntimeException e) {
      throw new AssertionError(where + ": the store does not read: " + e.getMessage(), e);
    }
    assertNoKeyWiderThanDeclared(store, where);
    // The snapshot's SHA-256 over every name and content, computed as it is read: equal exactly
    // when every file is the old one byte for byte.
    boolean isOld = after.contentFingerprint().equals(old.contentFingerprint());
    if (!isOld && hooksDue && hookRuns == 0) {
      assertThat(pending(store, after))
          .as("%s: the new set is current and its hook never ran: it must be recorded as pending",
              where)
          .extracting(PendingHook::hook)
          .contains(HooksSpec.AFTER_SERVER_CHANGE);
    }
    // The following apply plans from what the crash left (an empty plan: a converged new set),
    // and itself refuses to return unless the store it wrote is converged.
    Reconciler.Result following;
    CrashScenario.HookRecorder followingHooks = new CrashScenario.HookRecorder();
    try {
      following =
          scenario.reconciler(followingHooks)
              .apply(desired(store), Set.of(), Optional.empty(), Duration.ZERO);
    } catch (RuntimeException e) {
      throw new AssertionError(where + ": the following apply fails: " + e.getMessage(), e);
    }
    // What the following apply left (the store it read when it wrote nothing), read again.
    StoreSnapshot current;
    try {
      current = storeAt(store).read();
    } catch (RuntimeException e) {
      throw new AssertionError(
          where + ": the store does not read after the following apply: " + e.getMessage(), e);
    }
    assertThat(pending(store, current))
        .as("%s: hooks pending after the following apply", where).isEmpty();
    if (hooksDue) {
      assertThat(hookRuns + followingHooks.runs())
          .as("%s: the hook ran for the new set, in the interrupted apply or the following one",
              where)
          .isPositive();
    }
    if (!isOld && !following.plan().isEmpty()) {
      fail("%s: MIXED STATE: the store is neither the old set nor a converged new one; still"
          + " to do: %s", where, describe(following.plan()));
    }
    assertVisibleLinks(store, current, where);
    return isOld ? Outcome.OLD : Outcome.NEW;
  }

  /** Every top-level name of the current set is there for services to open, through ..data. */
  private void assertVisibleLinks(Path store, StoreSnapshot current, String where) {
    Set<String> tops = new java.util.HashSet<>();
    for (String name : current.files().keySet()) {
      String top = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
      if (tops.add(top)) { // trust/ holds hundreds of files: its link is checked once
        Path visible = store.resolve(top);
        try {
          assertThat(Files.isSymbolicLink(visible)).as("%s: %s is a link", where, visible).isTrue();
          assertThat(Files.readSymbolicLink(visible).toString())
              .as("%s: %s", where, visible).isEqualTo("..data/" + top);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      assertThat(Files.exists(store.resolve(name))).as("%s: %s resolves", where, name).isTrue();
    }
  }

  private String where(int k, FailureMode mode, RuntimeException failure) {
    String operation =
        cleanRun != null && k <= cleanRun.size() ? cleanRun.get(k - 1).toString() : "#" + k;
    return scenario.name() + ", " + mode + " at " + operation
        + (failure == null ? " (the apply reported success)" : " (the apply said: "
            + failure.getMessage() + ")");
  }

  private Path copyOfOldStore(FileSystem disk, FaultInjector injector) throws IOException {
    oldTree.copyTo(disk.getPath(storePath));
    return new FaultyFileSystem(disk, injector).getPath(storePath);
  }

  private DesiredState desired(Path store) {
    return scenario.desired().apply(store);
  }

  private Plan plan(Path store) {
    return scenario.reconciler().plan(desired(store), Set.of()).plan();
  }

  /** The hooks the current generation of the store records as pending. */
  private List<PendingHook> pending(Path store) {
    return pending(store, storeAt(store).read());
  }

  /** The hooks the generation {@code current} (just read from the store) records as pending. */
  private List<PendingHook> pending(Path store, StoreSnapshot current) {
    return HookLedger.read(storeAt(store), current.generation()).pending(desired(store).hooks());
  }

  private StoreDirectory storeAt(Path store) {
    return new StoreDirectory(
        store, Clock.fixed(scenario.now(), ZoneOffset.UTC), System.getProperty("user.name"),
        Optional.empty(), StoreLayout.of(desired(store)));
  }

  /**
   * No file the layout knows as secret, or declares an access for, has a mode wider than it is
   * to have, in any generation, committed or not: a crash never leaves a key readable by more
   * than declared, even for a moment.
   */
  private void assertNoKeyWiderThanDeclared(Path store, String where) {
    if (!Files.isDirectory(store)) {
      return; // a fresh store the crash left unmade
    }
    StoreLayout layout = StoreLayout.of(desired(store));
    try {
      Files.walkFileTree(
          store,
          new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(
                Path file, java.nio.file.attribute.BasicFileAttributes attributes)
                throws IOException {
              checkMode(file, attributes);
              return java.nio.file.FileVisitResult.CONTINUE;
            }

            private void checkMode(Path file, java.nio.file.attribute.BasicFileAttributes attributes)
                throws IOException {
              // Links are not followed: a walk reports them, and the attributes are the link's own.
              if (!attributes.isRegularFile()) {
                return;
              }
              Path relative = store.relativize(file);
              if (relative.getNameCount() < 2) {
                return; // the lock
              }
              String name = relative.subpath(1, relative.getNameCount()).toString();
              boolean known = layout.declaredAccess(name).isPresent()
                  || (layout.kindOf(name).secret() && layout.kindOf(name) != org.hostpki.model.FileKind.UNKNOWN);
              if (!known) {
                return;
              }
              int mode = 0;
              for (java.nio.file.attribute.PosixFilePermission p :
                  Files.getPosixFilePermissions(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                mode |= 0400 >> p.ordinal();
              }
              int declared = layout.accessOf(name).mode().bits();
              assertThat(mode & ~declared)
                  .as("%s: %s has mode %o, wider than its %s", where, relative, mode, layout.accessOf(name))
                  .isZero();
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String describe(Plan plan) {
    return plan.changes().stream()
        .map(c -> c.address() + " " + c.action().word() + " (" + c.reasonText() + ")")
        .collect(Collectors.joining("; "));
  }
}
