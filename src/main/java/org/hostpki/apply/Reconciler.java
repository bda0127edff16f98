package org.hostpki.apply;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;
import org.hostpki.model.UnsupportedSetting;
import org.hostpki.pki.Certificate;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.PlanJson;
import org.hostpki.plan.Refusal;
import org.hostpki.plan.Planner;
import org.hostpki.store.GenerationRecord;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreLock;
import org.hostpki.store.StoreTidyUpException;

/**
 * The reconcile sequence around the pure planner: observe the store, the host and the declared
 * inputs; plan; and for apply, lock, write the new set atomically, observe again and check that
 * nothing is left to do, then run the hooks.
 */
public final class Reconciler {
  private final HostIdentityProbe hostProbe;
  private final Clock clock;
  private final SecureRandom random;
  private final Secrets secrets;
  private final Planner planner = new Planner();
  private final StoreObserver observer = new StoreObserver();
  private final TrustInputs trustInputs = new TrustInputs();
  private final ExternalChainInput externalChainInput = new ExternalChainInput();
  private final Hooks hooks;
  private final Progress progress;

  public Reconciler(
      HostIdentityProbe hostProbe, Clock clock, SecureRandom random, Secrets secrets, Hooks hooks) {
    this(hostProbe, clock, random, secrets, hooks, Progress.NONE);
  }

  public Reconciler(
      HostIdentityProbe hostProbe,
      Clock clock,
      SecureRandom random,
      Secrets secrets,
      Hooks hooks,
      Progress progress) {
    this.hostProbe = hostProbe;
    this.clock = clock;
    this.random = random;
    this.secrets = secrets;
    this.hooks = hooks;
    this.progress = progress;
  }

  /**
   * Everything one planning pass looked at and decided.
   *
   * @param externalChainFile what {@code server.external.chain} holds, checked; empty with an
   *     internal issuer
   * @param externalChain the certificates of that file when it is a valid chain, leaf first, for
   *     apply to import
   */
  public record Observation(
      DesiredState desired,
      HostIdentity host,
      StoreContents store,
      SortedMap<String, Certificate> desiredTrust,
      Optional<char[]> password,
      Instant now,
      Plan plan,
      Optional<ExternalChainFile> externalChainFile,
      List<Certificate> externalChain) {
    public Observation {
      externalChain = List.copyOf(externalChain);
    }
  }

  /** Observes and plans; changes nothing. */
  public Observation plan(DesiredState desired, Set<PlanInput.Replace> replace) {
    refuseNotYetSupported(desired);
    Instant now = clock.instant();
    HostIdentity host = hostProbe.identify(desired.host());
    Optional<char[]> password = secrets.password(desired.store().password());
    String passwordSource =
        desired.store().password().map(PasswordSource::describe).orElse("no password");
    progress.step("reading the store " + desired.store().path());
    StoreDirectory directory = directory(desired);
    StoreContents store =
        observer.observe(directory.read(), desired.store().path(), password, passwordSource);
    progress.step("reading the declared trusted certificates");
    // A declared certificate already in the store is not parsed a second time.
    SortedMap<String, Certificate> trust =
        trustInputs.read(desired.trust(), store.trusted().values());
    progress.step("planning (" + trust.size() + " trusted certificates declared)");
    SortedMap<String, CertificateFacts> trustFacts = new TreeMap<>();
    trust.forEach((n, c) -> trustFacts.put(n, c.facts()));
    ExternalChainInput.Read external = externalChainInput.read(desired, host, store.serverKey(), now);
    Fingerprint basis = basis(desired, host, store, trustFacts, replace, external);
    HookLedger ledger = HookLedger.read(directory, store.snapshot().generation());
    Plan plan =
        planner
            .plan(
                new PlanInput(
                    desired, host, trustFacts, store.facts(), now, replace, basis, external.facts(),
                    directory.lastWritten()))
            .withRecords(ledger.pending(desired.hooks()), ledger.hold());
    return new Observation(
        desired, host, store, trust, password, now, plan, external.facts(), external.chain());
  }

  /**
   * Settings this build reads but cannot carry out yet ({@link DesiredState#notYetSupported()}: the
   * installers of {@code trust.install}, the encoders and file access of {@code outputs} exist, the
   * plan does not use them yet): refused, rather than silently left out.
   */
  private static void refuseNotYetSupported(DesiredState desired) {
    List<UnsupportedSetting> settings = desired.notYetSupported();
    if (settings.isEmpty()) {
      return;
    }
    List<String> keys = settings.stream().map(UnsupportedSetting::key).toList();
    boolean one = keys.size() == 1;
    throw new HostpkiException(
        settings.get(0).position() + ": " + String.join(", ", keys) + (one ? " is" : " are")
            + " not yet supported by this build: validate accepts " + (one ? "it" : "them")
            + ", but plan and apply cannot carry " + (one ? "it" : "them") + " out yet; remove "
            + (one ? "it" : "them") + " to plan or apply this desired state");
  }

  /**
   * What an apply did.
   *
   * @param plan the plan it made, with the hooks pending and the hold it found
   * @param generation the generation it wrote; empty when it wrote none
   * @param hooks the hooks it ran (pending ones, and those its own write made due) and how they
   *     ended
   * @param heldBy the hold it honoured (an unattended run on a held store): nothing was written
   * @param released the hold it released (a person's run on a held store)
   * @param notices things that went wrong after the new store was committed, for the log
   */
  public record Result(
      Plan plan,
      Optional<String> generation,
      HookLedger.Attempt hooks,
      Optional<RollbackHold> heldBy,
      Optional<RollbackHold> released,
      List<String> notices) {
    public Result {
      Objects.requireNonNull(hooks, "hooks");
      Objects.requireNonNull(heldBy, "heldBy");
      Objects.requireNonNull(released, "released");
      notices = List.copyOf(notices);
    }

    /** A hook that failed: the store is as it should be, the hook is pending. */
    public Optional<HooksFailure> hookFailure() {
      return hooks.failure().map(HooksFailure::new);
    }
  }

  /** A hook that failed after the store was written. */
  public record HooksFailure(String message) {}

  /**
   * Applies the desired state, as a person does: a rollback's hold is released.
   *
   * @param savedPlan a plan saved by {@code plan --out}: applied only if it is still current
   */
  public Result apply(
      DesiredState desired,
      Set<PlanInput.Replace> replace,
      Optional<SavedPlan> savedPlan,
      Duration lockTimeout) {
    return apply(desired, replace, savedPlan, lockTimeout, false);
  }

  /**
   * Applies the desired state; first, or instead when nothing else is to do, runs the hooks an
   * earlier write left pending.
   *
   * @param unattended a run no person started ({@code watch}, the timer's {@code apply
   *     --unattended}): it honours a rollback's hold, changing nothing but pending hooks; a
   *     person's run releases the hold
   */
  public Result apply(
      DesiredState desired,
      Set<PlanInput.Replace> replace,
      Optional<SavedPlan> savedPlan,
      Duration lockTimeout,
      boolean unattended) {
    refuseNotYetSupported(desired); // before the lock, which makes the store folder
    try (StoreLock lock =
        StoreLock.acquire(
            desired.store().path(), lockTimeout, "hostpki apply, pid " + ProcessHandle.current().pid())) {
      Observation before = plan(desired, replace);
      Plan plan = before.plan();
      if (plan.isRefused()) {
        throw refused(plan.refusals());
      }
      savedPlan.ifPresent(saved -> saved.checkCurrent(plan));
      StoreDirectory directory = directory(desired);
      Optional<String> current = before.store().snapshot().generation();
      HookLedger ledger = HookLedger.read(directory, current);
      boolean held = plan.hold().isPresent() && unattended;
      if (plan.isEmpty() || held) {
        Optional<RollbackHold> released = Optional.empty();
        if (plan.hold().isPresent() && !unattended) {
          directory.removeRecord(current.orElseThrow(), GenerationRecord.HOLD);
          released = plan.hold();
        }
        List<String> notices = new ArrayList<>();
        HookLedger.Attempt hooksRun =
            current.isEmpty()
                ? HookLedger.Attempt.none()
                : ledger.attempt(
                    hooks, desired, directory, current.get(), plan.pendingHooks(), before.now(), notices);
        return new Result(
            plan, Optional.empty(), hooksRun, held ? plan.hold() : Optional.empty(), released, notices);
      }
      progress.step("making " + plan.changes().size() + " change(s)");
      SortedMap<String, StoreFile> files =
          new Executor(random)
              .execute(
                  plan,
                  desired,
                  before.store(),
                  before.desiredTrust(),
                  before.externalChain(),
                  before.password(),
                  before.now());
      List<String> notices = new ArrayList<>();
      // Hooks still pending from the generation before are carried into the new one, and the
      // record goes into it before its commit: a crash at any point never loses one.
      List<PendingHook> due =
          HookLedger.merge(
              plan.pendingHooks(), HookLedger.dueAfter(plan, desired.hooks(), before.now()));
      Map<GenerationRecord, byte[]> records =
          due.isEmpty() ? Map.of() : Map.of(GenerationRecord.HOOKS_DUE, HookLedger.dueRecord(due));
      String generation;
      progress.step("writing a new generation of " + files.size() + " files");
      try {
        generation =
            directory.write(
                files,
                metadata(plan, before.now()).getBytes(StandardCharsets.UTF_8),
                before.store().snapshot(),
                records);
      } catch (StoreTidyUpException e) {
        // Committed: the new set is live. Only the tidying up failed; the next apply finishes it.
        generation = e.generation();
        notices.add(e.getMessage());
      }
      progress.step("checking the written store");
      checkConverged(desired, before, files);
      removeOutdatedRecords(desired, notices);
      HookLedger.Attempt hooksRun =
          HookLedger.fresh(due)
              .attempt(hooks, desired, directory, generation, due, before.now(), notices);
      // A new generation has no hold: a person's apply over a held store released it.
      return new Result(
          plan, Optional.of(generation), hooksRun, Optional.empty(), plan.hold(), notices);
    }
  }

  /**
   * Reads the new store back from disk and plans again on it: it must hold exactly the set
   * written, and nothing may be left to do. Only the files the write changed are parsed again,
   * see {@link ConvergenceCheck}.
   */
  private void checkConverged(
      DesiredState desired, Observation before, SortedMap<String, StoreFile> written) {
    String passwordSource =
        desired.store().password().map(PasswordSource::describe).orElse("no password");
    SortedMap<String, CertificateFacts> trustFacts = new TreeMap<>();
    before.desiredTrust().forEach((n, c) -> trustFacts.put(n, c.facts()));
    new ConvergenceCheck(planner, observer)
        .check(before, directory(desired).read(), written, trustFacts, passwordSource);
  }

  /**
   * The new set has a current record of what its PKCS#12 files hold; records of hostpki 0.1.0
   * in the older generations keep a fast check of the password, and go too (a rollback to one of
   * those generations decodes its PKCS#12 files instead).
   */
  private void removeOutdatedRecords(DesiredState desired, List<String> notices) {
    try {
      directory(desired).removeFromKeptGenerations(Pkcs12Record.FILE_NAME, Pkcs12Record::isOutdated);
    } catch (HostpkiException e) {
      notices.add(e.getMessage() + "; the next apply that writes the store tries again");
    }
  }

  private StoreDirectory directory(DesiredState desired) {
    return StoreDirectory.of(desired, clock);
  }

  private static String metadata(Plan plan, Instant now) {
    return "{\"time\":\"" + now + "\",\"plan\":" + PlanJson.render(plan) + "}";
  }

  /**
   * The digest of everything a plan depends on. Two observations with the same basis give the
   * same plan (up to the clock).
   */
  static Fingerprint basis(
      DesiredState desired,
      HostIdentity host,
      StoreContents store,
      SortedMap<String, CertificateFacts> trust,
      Set<PlanInput.Replace> replace,
      ExternalChainInput.Read external) {
    StringBuilder sb = new StringBuilder();
    sb.append("store ").append(store.facts().contentFingerprint().hex()).append('\n');
    sb.append("host ").append(host).append('\n');
    sb.append("desired ").append(desired).append('\n');
    trust.forEach((n, c) -> sb.append("trust ").append(n).append(' ').append(c.fingerprint().hex()).append('\n'));
    sb.append("replace ").append(new java.util.TreeSet<>(replace)).append('\n');
    sb.append("external-chain ").append(external.basisWords());
    return Fingerprint.sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The refusals as one error: the first's message, then every problem and further refusal. */
  private static HostpkiException refused(List<Refusal> refusals) {
    List<String> details = new ArrayList<>();
    for (int i = 0; i < refusals.size(); i++) {
      if (i > 0) {
        details.add(refusals.get(i).message());
      }
      refusals.get(i).problems().forEach(p -> details.add("- " + p));
    }
    return new HostpkiException(refusals.get(0).message(), details);
  }
}
