package org.hostpki.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.hostpki.apply.HookLedger;
import org.hostpki.apply.Reconciler;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DurationText;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;
import org.hostpki.plan.Change;
import org.hostpki.plan.Intent;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.PlanText;
import org.hostpki.plan.Reason;
import org.hostpki.plan.ReasonCode;
import org.hostpki.plan.Refusal;
import org.hostpki.plan.Warning;
import org.hostpki.plan.WarningCode;

/**
 * The loop behind {@code hostpki watch}: every interval it reads the desired state, the host
 * identity and the clock, and plans. A plan is applied once the same plan (the same basis: store,
 * host identity, desired state, trusted inputs) has been seen for the whole debounce time, so a
 * DHCP lease that flaps for a minute does not re-key the host. A plan caused only by time or by
 * missing files applies at once: waiting cannot make it go away; so does any plan with a
 * certificate expired, missing or not yet valid, whatever drift is beside it. A drift that keeps
 * changing and holds a renewal the clock made due is applied {@link #MAX_POSTPONEMENT} debounces
 * after it was first seen at the latest.
 *
 * <p>Hooks an earlier write left pending (failed, timed out, or hostpki was killed before they
 * ran) are run at once, and while they keep failing again after a growing pause: the interval,
 * then twice that, up to {@link #MAX_HOOK_BACKOFF}, so that a hook that hangs until its timeout
 * does not hold the store lock most of the time. Applies are unattended: a store held by a
 * rollback is left as it is (pending hooks still run) until a person's apply releases it.
 *
 * <p>One log line per event (started, drift seen, drift changed, drift gone, applied, hooks ran,
 * drift flapping (the same drift back within the debounce after it went: then a count every ten
 * minutes instead of a line each time; another drift then is a drift seen), drift settled, drift
 * changing (a drift that changed changes again before it held: then a count every ten minutes,
 * and its last count when it is applied, goes or watch stops),
 * held, hold released, waiting (for another writer's lock), hooks done, renewal waiting, order waiting, warning, clock stepped back,
 * clock stepped forward, error, reload, stopped). An error is logged and watching goes on; the same error again is not repeated.
 *
 * <p>Over 400 lines on purpose: the debounce, the hooks' back-off and the clock steps share one
 * loop's state (what is pending since when, when hooks are due); split, each part would need it.
 */
final class Watcher {

  /**
   * A generation folder's name, {@code ..2026_12_08_00_03_08.146449391}, maybe with {@code .partial}:
   * left out when two errors are compared. A store write that fails (a full file system) names the
   * folder it was writing, a new one at each try: found in the watch trial (twatch17), where a full
   * store logged the same error again at every observation, a line each interval for as long as the
   * disk stayed full.
   */
  private static final Pattern GENERATION_NAME =
      Pattern.compile("\\.\\.\\d{4}(_\\d{2}){5}\\.\\d{9}(\\.partial)?");

  /** Waits between observations; a test moves its clock instead. */
  interface Sleeper {
    /**
     * Waits {@code duration}; returns true early when {@code wakeUp} is counted down (a stop, a
     * reload). A test's sleeper returns true to end the loop.
     */
    boolean sleep(Duration duration, CountDownLatch wakeUp) throws InterruptedException;

    Sleeper REAL = (duration, stop) -> stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * @param lockTimeout how long an apply waits for another one (a timer run, Ansible) to finish
   */
  record Settings(Duration interval, Duration debounce, Duration lockTimeout) {}

  /** Reasons that time or a lost file cause, and what follows from them: no flap to wait out. */
  private final Supplier<DesiredState> desired;
  private final Reconciler reconciler;
  private final Clock clock;
  private final Sleeper sleeper;
  private final PrintWriter log;
  private final Settings settings;
  private final String what;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  /** Ends the current wait: counted down by {@link #stop()} and {@link #reload()}. */
  private volatile CountDownLatch nap = new CountDownLatch(1);
  private final AtomicBoolean reloadRequested = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);

  /**
   * The drift being waited out: the basis of its plan, when it was seen as it is, whether an apply
   * of it just failed (an ACME order: the failure's record then changes the basis, not the drift),
   * and when a drift was first seen, however it changed since (it is applied {@link
   * #MAX_POSTPONEMENT} debounces after that at the latest).
   */
  private record Pending(Fingerprint basis, Instant since, boolean applyFailed, Instant first) {}

  /**
   * Whether the drift last seen has a change the clock made due ({@link
   * ReasonCode#madeDueByTheClock}): only then is its postponement capped (rvfinal15: an address
   * that never holds re-keyed the host, with ACME an order, every ten minutes).
   */
  private boolean postponementCapped;

  /**
   * How many debounces a drift that keeps changing waits at most, from when it was first seen:
   * found in the watch trial, an address added every minute restarted the debounce each time and
   * kept the drift (with it an expiring certificate's renewal) from being applied for hours.
   */
  static final int MAX_POSTPONEMENT = 5;

  /** The plan's warnings logged when they first appear, with their event. */
  private static final Map<WarningCode, String> LOGGED_ONCE =
      Map.of(
          WarningCode.RENEWAL_WAITING, "renewal waiting",
          WarningCode.ACME_WAITING, "order waiting",
          WarningCode.HOST_NO_ADDRESS, "warning",
          WarningCode.HOST_NO_NAME, "warning",
          WarningCode.HOST_FILE_ENTRY, "warning",
          // the store goes ahead without it; each apply tries it again and exits 3 meanwhile
          WarningCode.INSTALL_UNREADABLE, "error",
          WarningCode.INSTALL_FAILED, "error");

  /** The longest pause between two runs of hooks that keep failing. */
  static final Duration MAX_HOOK_BACKOFF = Duration.ofMinutes(15);

  /**
   * How much later than its wait should have ended an observation may come before the time between
   * is taken for a step of the clock (a suspend, a clock set ahead) rather than a slow wake-up.
   */
  static final Duration LATE = Duration.ofMinutes(1);

  /** How many changes a log line describes; the rest it counts. */
  static final int SUMMARY_CHANGES = 20;

  /** How often a drift that keeps coming and going is counted in the log. */
  static final Duration FLAP_REPORT = Duration.ofMinutes(10);

  /**
   * A drift that came back within the debounce after it went (an address that flaps): its comings
   * and goings are counted, not logged each, until it stays, or stays away, for the debounce.
   *
   * @param since when it first went
   * @param reported when the last line about it was logged
   * @param returns how often it came back since it first went
   */
  private record Flap(Instant since, Instant lastChange, Instant reported, int returns) {}

  /**
   * A drift that keeps changing before it has held for the debounce (addresses added one by one to
   * a bridge, a burst of netlink changes): after its first "drift changed" line, its changes are
   * counted, not logged each, until it holds for the debounce (then applied) or goes. Found: a
   * burst of 1,500 address changes over 45 s logged a line each second, each listing hundreds of
   * addresses: 270 KB of log for a drift that was never applied.
   *
   * @param since when it first changed
   * @param reported when the last line about it was logged
   * @param changes how often it changed since
   * @param logged the count the last line about it gave
   */
  private record Churn(Instant since, Instant reported, int changes, int logged) {}

  private Optional<Pending> pending = Optional.empty();
  /** When "drift gone" was last logged, and the flapping since (none while the drift is steady). */
  private Optional<Instant> lastGone = Optional.empty();
  /** What the drift that went last was based on: only that drift coming back is flapping. */
  private Optional<Fingerprint> goneBasis = Optional.empty();
  private Optional<Flap> flap = Optional.empty();
  private Optional<Churn> churn = Optional.empty();
  private Optional<String> lastError = Optional.empty();
  /** When the error that stands (the last observation's) was first logged. */
  private Optional<Instant> errorSince = Optional.empty();
  /**
   * The store's generation at the last observation: a drift that goes while the store moved to
   * another generation was applied by another run (a timer's apply, a person's), and is said so.
   */
  private Optional<String> generationSeen = Optional.empty();
  private List<String> loggedWaits = new ArrayList<>();
  private final MetricsRecorder metrics = new MetricsRecorder(w -> log("warning", w));
  private Optional<RollbackHold> hold = Optional.empty();
  /**
   * The store as this watch last saw it written (its generation and CA), to refuse to make a new
   * CA where the store went (an unmounted volume, a moved folder); cleared by SIGHUP, which accepts
   * the store as it is then.
   */
  private Optional<String> seenStore = Optional.empty();

  /** Where {@link #seenStore} was: a store.path edited to a place without a store is said as such. */
  private Optional<java.nio.file.Path> seenPath = Optional.empty();
  /** Lines logged right after "started" (event, detail): what the command found at start. */
  private final List<String[]> atStart = new ArrayList<>();
  /** Whether the store watch saw has gone and nothing is applied for it. */
  private boolean storeGone;
  /** Failed runs of pending hooks in a row, and when they may run next. */
  private int hookFailures;
  private Instant hooksDueAt = Instant.MIN;
  /**
   * Install targets whose change failed (a lock their app's user holds, a tool that fails): failed
   * changes in a row and when the target is tried again. Each attempt waits up to a minute for a
   * held lock, with the store locked: found, a tick every 10 s then waited a minute each time.
   */
  private final Map<InstallTarget, InstallRetry> installRetries = new HashMap<>();

  private record InstallRetry(int failures, Instant dueAt) {}
  /**
   * The clock at the last observation, to notice a step back, when the wait after it began, to
   * notice a step forward, and how long was waited since.
   */
  private Instant lastObserved;
  private Instant waitBegan;
  private Duration lastWait;
  /** Whether the apply under way has logged "applied" (before its hooks ran). */
  private boolean loggedApplied;

  /**
   * @param desired reads the desired state afresh; throws {@link HostpkiException} when invalid
   * @param what what is watched, for the log (the file)
   */
  Watcher(
      Supplier<DesiredState> desired,
      Reconciler reconciler,
      Clock clock,
      Sleeper sleeper,
      PrintWriter log,
      Settings settings,
      String what) {
    this.desired = desired;
    this.reconciler = reconciler;
    this.clock = clock;
    this.sleeper = sleeper;
    this.log = TerminalWriter.of(log); // a log line quotes subjects, names, messages: one line each
    this.settings = settings;
    this.what = what;
  }

  /** Watches until {@link #stop()}; an apply in progress is finished first. */
  void run() {
    log(
        "started",
        "watching "
            + what
            + " every "
            + DurationText.of(settings.interval())
            + ", applying drift that persists for "
            + DurationText.of(settings.debounce()));
    atStart.forEach(line -> log(line[0], line[1]));
    try {
      while (true) {
        if (reloadRequested.getAndSet(false)) {
          // A person asked (systemctl reload): look now, and run pending hooks now, not after
          // their back-off — the service they failed on may just have been fixed.
          hookFailures = 0;
          hooksDueAt = Instant.MIN;
          installRetries.clear();
          log("reload", "SIGHUP: reading " + what + ", the host and the clock now; pending hooks and failed"
              + " install targets are tried now" + (storeGone ? "; the store that went is not waited for: a new one is made" : ""));
          seenStore = Optional.empty();
          storeGone = false;
        }
        observe();
        CountDownLatch wait = new CountDownLatch(1);
        nap = wait;
        if (stopRequested.getCount() == 0) {
          break;
        }
        if (reloadRequested.get()) {
          continue;
        }
        waitBegan = clock.instant();
        lastWait = nextWait(waitBegan);
        boolean early = sleeper.sleep(lastWait, wait);
        if (stopRequested.getCount() == 0 || (early && !reloadRequested.get())) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      endChurn(clock.instant(), "still changing when watch stopped");
      log("stopped", "");
      finished.countDown();
    }
  }

  /** Logs this line right after "started" ({@link #run()} not yet called). */
  void noteAtStart(String event, String detail) {
    atStart.add(new String[] {event, detail});
  }

  /** Asks the loop to end after the current observation (and apply, if one is running). */
  void stop() {
    stopRequested.countDown();
    nap.countDown();
  }

  /**
   * Asks the loop to look again at once, after the current observation (SIGHUP, {@code systemctl
   * reload}): the file, the host and the clock are read anew every interval anyway; this does it
   * now, and runs pending hooks without waiting for their back-off.
   */
  void reload() {
    reloadRequested.set(true);
    nap.countDown();
  }

  /** Waits until {@link #run()} has returned; false when it did not within {@code timeout}. */
  boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One observation: plan, and apply when the drift is due. */
  void observe() {
    // the error of the last observation, which stands while observations fail
    Optional<Instant> standing = lastError.isPresent() ? errorSince : Optional.empty();
    try {
      if (planAndMaybeApply()) {
        // An error stood since an earlier observation (a clock behind, a host name refused, a
        // desired state that did not load): one line when it no longer does. Found in the watch
        // trial (twatch17): watch logged the error, then nothing when it cleared.
        standing.ifPresent(at -> log("error cleared", "the error logged at " + time(at) + " no longer occurs"));
        lastError = Optional.empty();
        errorSince = Optional.empty();
      }
    } catch (HostpkiException e) {
      error(e.getMessage());
    } catch (RuntimeException e) {
      error("internal error: " + e + " (please report it)");
    }
  }

  /**
   * Notices a step of the clock since the last observation at {@code now}, the time this
   * observation counts from: its plan's when there is one. A suspend between reading the clock and
   * planning (found in the time trial: SIGSTOP, the clock weeks ahead, SIGCONT) otherwise logged
   * the plan's words under the time before it, and debounced a drift first seen then from before.
   */
  private Instant observedAt(Instant now) {
    noticeClockStepBack(now);
    noticeClockStepForward(now);
    return now;
  }

  /** Whether the observation went without an error. */
  private boolean planAndMaybeApply() {
    DesiredState state;
    try {
      state = desired.get();
    } catch (RuntimeException e) {
      observedAt(clock.instant());
      throw e;
    }
    Reconciler.Observation observation;
    try {
      observation = reconciler.plan(state, EnumSet.noneOf(PlanInput.Replace.class), true);
    } catch (RuntimeException e) {
      metrics.failed(state, reconciler, observedAt(clock.instant()));
      throw e;
    }
    Instant now = observedAt(observation.now());
    Plan plan = observation.plan();
    requireStoreNotGone(state, observation, now);
    Optional<String> generationBefore = generationSeen;
    generationSeen = observation.store().snapshot().generation();
    forgetSettledHooks(plan);
    if (plan.isRefused()) {
      // Apply would refuse it (a clock that is behind, a chain that cannot be imported): said
      // once, although its words change with the clock, and nothing is applied until it is fixed.
      pending = Optional.empty();
      metrics.observed(state, observation, false);
      error(
          String.join("\n", plan.refusals().stream().map(Refusal::describe).toList()),
          "refused: " + plan.refusals().stream().map(r -> r.code() + " " + r.subject()).toList());
      // A refused renewal leaves certificates expiring: their onExpiring hooks still run.
      boolean expiringPending = plan.pendingHooks().stream().anyMatch(h -> h.expiring().isPresent());
      if (!observation.arising().isEmpty() || (expiringPending && !now.isBefore(hooksDueAt))) {
        // Only onExpiring runs on a refused plan: hooks after a change wait for it to be fixed.
        logArising(now, observation);
        try {
          reconciler.apply(
              state, EnumSet.noneOf(PlanInput.Replace.class), Optional.empty(), settings.lockTimeout(), true);
        } catch (Reconciler.Refused refused) {
          hooksRan(refused.hooks());
        }
      }
      return false;
    }
    logWaits(now, plan);
    noticeHold(now, plan.hold());
    forgetSettledInstalls(plan);
    if (onlyInstallsBackingOff(plan, now)) {
      // Its failure was logged with when it is tried again; the store matches otherwise.
      metrics.observed(state, observation, true);
      return true;
    }
    boolean drifting = !plan.isEmpty() && plan.hold().isEmpty();
    if (drifting != pending.isEmpty()) { // no drift came or went
      noticeFlap(now, plan);
    }
    if (plan.isEmpty() && pending.isPresent() && plan.acmeOrderWaits()) {
      // The drift is still there, the CA's back-off holds the order: it is applied when the
      // back-off ends, debounced from when it was first seen (the failure's record is not a drift).
      Pending p = pending.get();
      pending = Optional.of(new Pending(plan.basis(), p.applyFailed() || p.basis().equals(plan.basis()) ? p.since() : now, false, p.first()));
      metrics.observed(state, observation, true);
      return true;
    }
    if (plan.isEmpty() || plan.hold().isPresent()) {
      if (pending.isPresent()) {
        if (flap.isPresent()) {
          flap = Optional.of(new Flap(flap.get().since(), now, flap.get().reported(), flap.get().returns()));
        } else {
          boolean written = generationBefore.isPresent() && !generationBefore.equals(generationSeen);
          log(now, "drift gone", plan.isEmpty()
              ? (written
                  ? "another run (a timer's apply, a person's) applied it meanwhile: the store is at generation "
                      + generationSeen.orElse("(none)") + " and matches the desired state; nothing applied here"
                  : "the store matches the desired state again; nothing applied")
              : "the store is held by a rollback; nothing applied");
          lastGone = Optional.of(now);
        }
        goneBasis = Optional.of(pending.get().basis());
        pending = Optional.empty();
        endChurn(now, "then it went");
      }
      if (!observation.arising().isEmpty() || (plan.hasPendingHooks() && !now.isBefore(hooksDueAt))) {
        if (hookFailures == 0) {
          plan.pendingHooks().stream()
              .filter(h -> !observation.arising().contains(h))
              .forEach(h -> log(now, "hooks pending", PlanText.pendingLine(h) + "; running them now"));
        }
        logArising(now, observation);
        Reconciler.Result result = apply(state, now);
        if (plan.hasPendingHooks() && result.hooks().attempted().isEmpty() && result.generation().isEmpty()) {
          // Seen while another run (a timer's apply) held the store and ran them.
          log("hooks done", "another run ran them meanwhile");
        }
      } else {
        metrics.observed(state, observation, true);
      }
      return true;
    }
    boolean atOnce = dueAtOnce(plan) || settings.debounce().isZero();
    postponementCapped = plan.changes().stream().flatMap(c -> c.reasons().stream()).map(Reason::code)
        .anyMatch(ReasonCode::madeDueByTheClock);
    if (pending.isEmpty() || !pending.get().basis().equals(plan.basis())) {
      String event = pending.isEmpty() ? "drift seen" : "drift changed";
      Instant first = pending.map(Pending::first).orElse(now);
      String when = atOnce ? "applying now" : latest(first).isBefore(now.plus(settings.debounce()))
          ? "applying it at " + time(latest(first)) + " whether or not it holds until then: first seen at "
              + time(first) + ", a drift waits at most " + MAX_POSTPONEMENT + " times " + DurationText.of(settings.debounce())
          : "applying if it persists until " + time(now.plus(settings.debounce()));
      boolean back = pending.isEmpty() && goneBasis.equals(Optional.of(plan.basis()));
      if (pending.isEmpty() && !back) {
        // A drift other than the one that went: a new drift, debounced from now, not a flap.
        flap = Optional.empty();
        lastGone = Optional.empty();
      }
      if (pending.isEmpty() && flap.isPresent()) {
        Flap f = flap.get();
        flap = Optional.of(new Flap(f.since(), now, f.reported(), f.returns() + 1));
      } else if (pending.isEmpty() && lastGone.isPresent() && now.isBefore(lastGone.get().plus(settings.debounce()))) {
        flap = Optional.of(new Flap(lastGone.get(), now, now, 1));
        log(now, "drift flapping", summary(plan) + "; back " + DurationText.of(Duration.between(lastGone.get(), now).truncatedTo(ChronoUnit.SECONDS))
            + " after it went: while it comes and goes, a count every " + DurationText.of(FLAP_REPORT)
            + " instead of each change, until it stays or stays away for " + DurationText.of(settings.debounce()));
      } else if (pending.isPresent() && churn.isPresent()) {
        noticeChurn(now);
      } else {
        log(now, event, summary(plan) + "; " + when);
        churn = pending.isPresent() ? Optional.of(new Churn(now, now, 1, 1)) : Optional.empty();
      }
      pending = Optional.of(new Pending(plan.basis(), now, false, first));
    }
    // A failed apply leaves the drift pending: the next observation tries again.
    Pending p = pending.get();
    if (atOnce || !now.isBefore(p.since().plus(settings.debounce()))) {
      apply(state, now);
    } else if (!now.isBefore(latest(p.first()))) {
      int changes = churn.map(Churn::changes).orElse(1);
      log(now, "drift changing", "changed " + changes + (changes == 1 ? " time" : " times") + " since it was first seen at "
          + time(p.first()) + " without holding for " + DurationText.of(settings.debounce()) + "; applying it now: a drift"
          + " waits at most " + MAX_POSTPONEMENT + " times " + DurationText.of(settings.debounce()));
      churn = Optional.empty();
      apply(state, now);
    } else {
      metrics.observed(state, observation, true);
    }
    return true;
  }

  /**
   * Refuses to plan on when the store this watch saw written has no generation now: found in the
   * watch trial, the store's folder removed under watch (an unmounted volume, a moved folder) made
   * the next tick create a new CA at once in a new folder at that path, which every client that
   * trusts the old one rejects. A person decides: the volume mounted again (watch goes on as
   * before), or SIGHUP or a restart (a new store is made).
   */
  private void requireStoreNotGone(DesiredState state, Reconciler.Observation observation, Instant now) {
    org.hostpki.apply.StoreContents store = observation.store();
    if (store.snapshot().exists()) {
      seenPath = Optional.of(state.store().path());
      seenStore = Optional.of("at generation " + store.snapshot().generation().orElseThrow()
          + store.caCertificate().map(ca -> " with the CA '" + ca.facts().subjectDn() + "' (sha256 "
              + ca.fingerprint().colonHex() + ")").orElse("") + ", seen " + time(now));
      storeGone = false;
      return;
    }
    if (seenStore.isEmpty()) {
      return;
    }
    storeGone = true;
    pending = Optional.empty();
    metrics.observed(state, observation, false);
    if (!seenPath.equals(Optional.of(state.store().path()))) {
      throw new HostpkiException("store.path changed from " + seenPath.orElseThrow() + " to " + state.store().path()
          + ", which holds no store: not making a new store or CA there; if one is meant there, send SIGHUP"
          + " (systemctl reload hostpki-watch) or restart watch");
    }
    throw new HostpkiException("the store " + state.store().path() + " has no generation now, but this watch saw it "
        + seenStore.get() + " (an unmounted volume? a moved or removed folder?): not making a new store"
        + " or CA there; looking again every " + DurationText.of(settings.interval()) + ". Mount or move it back,"
        + " or, if a new store is meant, send SIGHUP (systemctl reload hostpki-watch) or restart watch");
  }

  /**
   * Counts a change of a drift that changed before: the second change says that the changes are
   * counted from then on, and then a count every {@link #FLAP_REPORT}.
   */
  private void noticeChurn(Instant now) {
    Churn c = churn.get();
    int changes = c.changes() + 1;
    String count = "changed " + changes + " times since " + time(c.since());
    if (changes == 2) {
      log(now, "drift changing", count + " without holding for " + DurationText.of(settings.debounce())
          + ": while it keeps changing, a count every " + DurationText.of(FLAP_REPORT)
          + " instead of each change, until it holds for " + DurationText.of(settings.debounce())
          + " (then applied) or goes");
      churn = Optional.of(new Churn(c.since(), now, changes, changes));
    } else if (!now.isBefore(c.reported().plus(FLAP_REPORT))) {
      log(now, "drift changing", count + "; applying it once it holds for " + DurationText.of(settings.debounce()));
      churn = Optional.of(new Churn(c.since(), now, changes, changes));
    } else {
      churn = Optional.of(new Churn(c.since(), c.reported(), changes, c.logged()));
    }
  }

  /**
   * Ends the count of a drift that kept changing ({@code how}: it held and is applied, it went,
   * watch stops), logging its last count when changes since the last line went uncounted: found,
   * a burst that settled between two ten-minute counts never had its final count logged.
   */
  private void endChurn(Instant now, String how) {
    churn.filter(c -> c.logged() >= 2 && c.changes() > c.logged()).ifPresent(c ->
        log(now, "drift changing", "changed " + c.changes() + " times since " + time(c.since()) + " in all; " + how));
    churn = Optional.empty();
  }

  /**
   * Logs a flapping drift that has not changed in this observation: settled once it stayed as it
   * is for the debounce (then the debounce applies a drift that stays, as for any), else a count
   * every {@link #FLAP_REPORT}.
   */
  private void noticeFlap(Instant now, Plan plan) {
    if (flap.isEmpty()) {
      return;
    }
    Flap f = flap.get();
    String count = "came back " + f.returns() + (f.returns() == 1 ? " time" : " times") + " since " + time(f.since())
        + "; " + (pending.isPresent() ? "there" : "gone") + " since " + time(f.lastChange());
    if (!now.isBefore(f.lastChange().plus(settings.debounce()))) {
      log(now, "drift settled", count + ": "
          + (pending.isPresent() ? "the drift stays: " + summary(plan) : "the store matches the desired state"));
      flap = Optional.empty();
      lastGone = Optional.empty();
    } else if (!now.isBefore(f.reported().plus(FLAP_REPORT))) {
      log(now, "drift flapping", count);
      flap = Optional.of(new Flap(f.since(), f.lastChange(), now, f.returns()));
    }
  }

  /**
   * How long to wait before the next observation: the interval, or less when the drift being
   * waited out is due sooner — the log said until when it must persist, and a person reading it
   * expects it applied then, not up to an interval later.
   */
  private Duration nextWait(Instant now) {
    if (pending.isEmpty() || pending.get().applyFailed()) {
      return settings.interval();
    }
    Instant due = pending.get().since().plus(settings.debounce());
    Instant latest = latest(pending.get().first());
    Duration left = Duration.between(now, latest.isBefore(due) ? latest : due);
    if (left.isNegative() || left.compareTo(settings.interval()) >= 0) {
      return settings.interval();
    }
    // Whole milliseconds, rounded up: a wait cut short by the rounding would find it not yet due.
    return Duration.ofMillis(left.toMillis() + 1);
  }

  /**
   * A wall clock stepped back (NTP correcting a clock that ran ahead, a person's {@code date -s})
   * moves the debounce deadline and the hooks' next attempt back by the step: they count time that
   * passed, and would otherwise wait for as long as the step on top. The step is taken as the
   * distance from where the clock should be, one wait (an interval, or less) after the last observation.
   */
  private void noticeClockStepBack(Instant now) {
    Instant before = lastObserved;
    lastObserved = now;
    if (before == null || !now.isBefore(before)) {
      return;
    }
    Duration back = Duration.between(now, before.plus(lastWait == null ? settings.interval() : lastWait));
    if (!hooksDueAt.equals(Instant.MIN)) {
      hooksDueAt = hooksDueAt.minus(back);
    }
    if (pending.isPresent()) {
      // The log said until when the drift must persist: it says the new time.
      Pending p = pending.get();
      pending = Optional.of(new Pending(p.basis(), p.since().minus(back), p.applyFailed(), p.first().minus(back)));
      log(now, "clock stepped back", "by about " + about(back)
          + " (it was " + time(before) + " one interval ago); applying the drift if it persists until "
          + time(pending.get().since().plus(settings.debounce())));
    }
  }

  /**
   * A wall clock stepped forward (a suspend and resume, NTP correcting a clock that ran slow, a
   * person's {@code date -s}): the drift being waited out was not watched for the time between, so
   * its debounce starts again. Without this, the first look after a night's suspend applied a drift
   * seen for one interval before it (an address the network dropped on the way down). A due
   * renewal needs no debounce and is applied at once, as ever.
   */
  private void noticeClockStepForward(Instant now) {
    if (waitBegan == null || lastWait == null || pending.isEmpty() || pending.get().applyFailed()) {
      return; // an apply that failed was due already: the next look tries it again
    }
    Instant expected = waitBegan.plus(lastWait);
    if (!now.isAfter(expected.plus(LATE))) {
      return;
    }
    Duration ahead = Duration.between(expected, now);
    pending = Optional.of(new Pending(pending.get().basis(), now, false, now));
    log(now, "clock stepped forward", "by about " + about(ahead)
        + " (a suspend, or the clock set ahead: the " + DurationText.exact(lastWait) + " wait began at "
        + time(waitBegan) + "); the drift was not watched meanwhile: applying it if it persists until "
        + time(now.plus(settings.debounce())));
  }

  /**
   * A step of the clock in its largest unit, the rest dropped: {@code 14d}, {@code 8h}, {@code
   * 50m}. Found in the watch trial: a step back of two weeks was logged as "by about 20159m".
   */
  private static String about(Duration step) {
    ChronoUnit unit = step.toDays() > 0 ? ChronoUnit.DAYS : step.toHours() > 0 ? ChronoUnit.HOURS
        : step.toMinutes() > 0 ? ChronoUnit.MINUTES : ChronoUnit.SECONDS;
    return DurationText.of(Duration.of(step.getSeconds() / unit.getDuration().getSeconds(), unit));
  }

  /**
   * Logs what an apply wrote as soon as it is written, before its hooks run (the reconciler's
   * {@link org.hostpki.apply.Progress#committed}): their output then follows it in the log.
   */
  void committed(Reconciler.Result beforeHooks) {
    beforeHooks.generation().ifPresent(g -> {
      log("applied", summary(beforeHooks.plan()) + "; store is at generation " + g);
      loggedApplied = true;
    });
  }

  /**
   * A renewal waiting for a window, an ACME order waiting for the CA's back-off, and what host
   * detection found wanting (no address: the certificate keeps its own) are logged once, when they
   * begin.
   */
  private void logWaits(Instant now, Plan plan) {
    List<Warning> waits = plan.warnings().stream().filter(w -> LOGGED_ONCE.containsKey(w.kind())).toList();
    for (Warning wait : waits) {
      if (!loggedWaits.contains(onceKey(wait))) {
        log(now, LOGGED_ONCE.get(wait.kind()), wait.message());
      }
    }
    loggedWaits = waits.stream().map(Watcher::onceKey).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
  }

  /**
   * What makes a warning new: its text, except for a target whose change failed, whose text names
   * the last attempt's time — that target is logged once while it keeps failing (watch's own tries
   * log their errors themselves).
   */
  private static String onceKey(Warning w) {
    return w.kind() == WarningCode.INSTALL_FAILED ? failedKey(w.subject()) : w.message();
  }

  private static String failedKey(String subject) {
    return WarningCode.INSTALL_FAILED.code() + " " + subject;
  }

  private Reconciler.Result apply(DesiredState state, Instant now) {
    endChurn(now, "applying it now");
    loggedApplied = false;
    Reconciler.Result result;
    try {
      result =
          reconciler.apply(
              state, EnumSet.noneOf(PlanInput.Replace.class), Optional.empty(), settings.lockTimeout(), true);
    } catch (RuntimeException e) {
      metrics.failed(state, reconciler, now);
      pending = pending.map(p -> new Pending(p.basis(), p.since(), true, p.first()));
      throw e;
    }
    metrics.applied(state, result);
    boolean hadDrift = pending.isPresent();
    pending = Optional.empty();
    churn = Optional.empty();
    noticeHold(clock.instant(), result.heldBy().or(() -> result.plan().hold()));
    if (result.generation().isPresent()) {
      if (!loggedApplied) {
        log("applied", summary(result.plan()) + "; store is at generation " + result.generation().get());
      }
    } else if (!result.plan().isEmpty() && result.heldBy().isEmpty() && !onlyFailedInstalls(result)) {
      // Changes that need no new generation: links made again, install targets.
      log("applied", summary(result.plan()) + "; no new generation");
    } else if (!result.plan().isEmpty() && result.heldBy().isEmpty()) {
      // Every change was into a target whose change failed again: its error line below says so,
      // the drift did not go (rvcore15: each retry logged "drift gone ... another run applied it").
    } else if (hadDrift && result.heldBy().isEmpty()) {
      log("drift gone", "nothing left to apply once the store was locked (another run applied it, or the drift went away)");
    }
    result.notices().forEach(n -> log("warning", n));
    // A target left as it was: the store went ahead; it is tried again after a growing pause.
    Instant after = clock.instant();
    result.plan().changes().stream()
        .filter(c -> c.intent() instanceof Intent.InstallTrust)
        .map(c -> ((Intent.InstallTrust) c.intent()).target())
        .filter(t -> !result.installFailures().containsKey(t))
        .forEach(installRetries::remove);
    result.installFailures().forEach((target, lines) -> {
      int failures = installRetries.containsKey(target) ? installRetries.get(target).failures() + 1 : 1;
      Duration pause = backoff(failures);
      installRetries.put(target, new InstallRetry(failures, after.plus(pause)));
      loggedWaits.add(failedKey(target.subject()));
      error(String.join("; ", lines) + "; this target is left as it was, the store went ahead; trying it again in "
          + DurationText.of(pause) + " (sooner on SIGHUP)");
    });
    hooksRan(result.hooks());
    return result;
  }

  /**
   * Back-off is kept only for targets still to change: one that a person's apply changed, or that
   * left trust.install, starts a later failure at the first pause again, not where its old run of
   * failures left off (a stale entry was kept for the watch's life).
   */
  private void forgetSettledInstalls(Plan plan) {
    installRetries.keySet().removeIf(target -> plan.changes().stream()
            .noneMatch(c -> c.intent() instanceof Intent.InstallTrust install && install.target().equals(target))
        && !stillFailing(plan, target));
  }

  /**
   * A target that cannot be read now, or whose last change failed, has not settled: its owner
   * making it unreadable for a tick must not start its back-off again (each try may hold the
   * store's lock for the target's whole lock wait).
   */
  private static boolean stillFailing(Plan plan, InstallTarget target) {
    return plan.warnings().stream().anyMatch(w -> w.kind().failingInstall() && w.subject().equals(target.subject()));
  }

  /**
   * No hook pending (another run, a timer's apply or a person's, ran them; or a rollback took
   * their change away): a later failure starts its back-off at the first pause again and says the
   * hooks are pending, not where the old run of failures left off.
   */
  private void forgetSettledHooks(Plan plan) {
    if (!plan.hasPendingHooks()) {
      hookFailures = 0;
      hooksDueAt = Instant.MIN;
    }
  }

  /** Whether every change of an apply that wrote no generation was into a target whose change failed. */
  private static boolean onlyFailedInstalls(Reconciler.Result result) {
    return result.plan().changes().stream().allMatch(c -> c.intent() instanceof Intent.InstallTrust install
        && result.installFailures().containsKey(install.target()));
  }

  /**
   * Whether every change of the plan is an install into a target that failed and is not yet due
   * again, and no pending hook is due: then nothing is applied (each attempt would wait for the
   * target's lock again).
   */
  private boolean onlyInstallsBackingOff(Plan plan, Instant now) {
    if (plan.isEmpty() || plan.hold().isPresent() || (plan.hasPendingHooks() && !now.isBefore(hooksDueAt))) {
      return false;
    }
    return plan.changes().stream().allMatch(c -> c.intent() instanceof Intent.InstallTrust install
        && installRetries.containsKey(install.target())
        && now.isBefore(installRetries.get(install.target()).dueAt()));
  }

  /** Logs the hooks an apply ran; a failure backs the next attempt off. */
  private void hooksRan(HookLedger.Attempt hooks) {
    if (!hooks.ran().isEmpty()) {
      log("hooks ran", String.join(", ", hooks.ran().stream().map(PendingHook::label).toList()));
    }
    if (hooks.failure().isPresent()) {
      hookFailures++;
      Duration pause = backoff(hookFailures);
      hooksDueAt = clock.instant().plus(pause);
      error(hooks.failure().get() + "; recorded as pending, trying again in "
          + DurationText.of(pause) + " or at the next change");
    } else if (!hooks.attempted().isEmpty()) {
      hookFailures = 0;
      hooksDueAt = Instant.MIN;
    }
  }

  /** Logs each certificate that became expiring with nothing to renew it. */
  private void logArising(Instant now, Reconciler.Observation observation) {
    for (PendingHook h : observation.arising()) {
      PendingHook.Expiring e = h.expiring().orElseThrow();
      log(now, "expiring", e.certificate() + " expires " + PlanText.time(e.notAfter()) + ", within "
          + e.within() + ", and nothing renews it in time: " + e.reason() + "; running " + h.label());
    }
  }

  /** The pause after {@code failures} failed runs of pending hooks in a row. */
  Duration backoff(int failures) {
    Duration pause = settings.interval();
    for (int i = 1; i < failures && pause.compareTo(MAX_HOOK_BACKOFF) < 0; i++) {
      pause = pause.multipliedBy(2);
    }
    return pause.compareTo(MAX_HOOK_BACKOFF) > 0 ? MAX_HOOK_BACKOFF : pause;
  }

  /** Logs a rollback's hold when one appears, and its release. */
  private void noticeHold(Instant now, Optional<RollbackHold> seen) {
    if (seen.equals(hold)) {
      return;
    }
    if (seen.isPresent()) {
      log(now, "held", PlanText.holdLine(seen.get()) + "; not applying drift until then");
    } else {
      log(now, "hold released", "the hold of the rollback at " + PlanText.time(hold.get().at())
          + " was released; applying drift again");
    }
    hold = seen;
  }

  /**
   * Whether a plan is applied without the debounce: when any change is urgent (an expired,
   * missing, not yet valid certificate: no drift beside it may hold it back), or every change is
   * due at once.
   */
  static boolean dueAtOnce(Plan plan) {
    List<ReasonCode> codes = plan.changes().stream().flatMap(c -> c.reasons().stream()).map(Reason::code).toList();
    return codes.stream().anyMatch(ReasonCode::appliesAtOnceWithAnyDrift) || codes.stream().allMatch(ReasonCode::appliesAtOnce);
  }

  /**
   * When a drift first seen at {@code first} is applied at the latest, held or not: with a change
   * the clock made due, {@link #MAX_POSTPONEMENT} debounces after it; otherwise never before it
   * holds ({@link #postponementCapped}).
   */
  private Instant latest(Instant first) {
    return postponementCapped ? first.plus(settings.debounce().multipliedBy(MAX_POSTPONEMENT)) : Instant.MAX;
  }

  private void error(String message) {
    error(message, GENERATION_NAME.matcher(message.replace('\n', ' ')).replaceAll("..GENERATION"));
  }

  /** Logs the error unless the one logged last had the same {@code key}. */
  private void error(String message, String key) {
    if (lastError.filter(key::equals).isEmpty()) {
      log("error", message.replace('\n', ' '));
      errorSince = Optional.of(clock.instant());
    }
    lastError = Optional.of(key);
  }

  /**
   * The changes with their reasons, the first {@link #SUMMARY_CHANGES} of them (the rest counted
   * by action); the output files that follow them only by name. Found in the watch trial: the
   * first apply of a trust store of 1,500 certificates logged "drift seen" and "applied" as two
   * lines of 105 KB each, which journald cuts into pieces (its LineMax= is 48K).
   */
  private static String summary(Plan plan) {
    List<String> parts = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    Map<String, Integer> more = new LinkedHashMap<>();
    for (Change c : plan.changes()) {
      boolean follows = c.address().startsWith("output/") && c.reasons().stream().allMatch(r -> r.code() == ReasonCode.OUT_OF_DATE);
      if (follows) {
        outputs.add(c.address());
      } else if (parts.size() < SUMMARY_CHANGES) {
        parts.add(describe(c));
      } else {
        more.merge(c.action().word(), 1, Integer::sum);
      }
    }
    if (!more.isEmpty()) {
      int count = more.values().stream().mapToInt(Integer::intValue).sum();
      parts.add("and " + count + " more (" + String.join(", ", more.entrySet().stream()
          .map(e -> e.getValue() + " " + e.getKey()).toList()) + "; 'hostpki plan' lists each)");
    }
    if (!outputs.isEmpty()) {
      parts.add(String.join(", ", outputs) + (outputs.size() == 1 ? " follows" : " follow"));
    }
    return String.join("; ", parts);
  }

  private static String describe(Change c) {
    return c.address() + " " + c.action().word() + " (" + c.reasonText() + ")";
  }

  /** An apply waits for another writer of the store (a timer's apply, Ansible) to finish. */
  void waiting(String description) {
    log("waiting", description.replaceFirst("^waiting ", "")); // "waiting: up to 2m for store ..."
  }

  private void log(String event, String detail) {
    log(clock.instant(), event, detail);
  }

  /** Logs an observation with the time it was made, which the debounce deadline counts from. */
  private void log(Instant at, String event, String detail) {
    log.println(time(at) + " " + event + (detail.isEmpty() ? "" : ": " + detail));
    log.flush();
  }

  private static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
