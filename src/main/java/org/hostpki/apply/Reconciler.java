package org.hostpki.apply;

import java.security.SecureRandom;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hostpki.acme.AcmeCa;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.install.TrustHost;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;
import org.hostpki.model.TrustedCrl;
import org.hostpki.pki.Certificate;
import org.hostpki.plan.AcmeObservation;
import org.hostpki.plan.Change;
import org.hostpki.plan.Expiries;
import org.hostpki.plan.Intent;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.RefusalCode;
import org.hostpki.store.GenerationRecord;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreCommit;

/**
 * The reconcile sequence around the pure planner: observe the store, the host and the declared
 * inputs; plan; and for apply, lock, write the new set atomically, observe again and check that
 * nothing is left to do, then run the hooks.
 *
 * <p>The parts live apart: the planning pass ({@link PlanningPass}), the {@code onExpiring}
 * obligations ({@link ExpiringHooks}), the commit envelope ({@code StoreCommit}), one write of a
 * generation ({@link GenerationWrite}: executor, install steps, convergence check, hooks), the
 * ACME edge ({@link AcmeEdge}). What stays here is the sequence and its public results, which the
 * commands and the tests name as {@code Reconciler.Observation} and {@code Reconciler.Result}.
 *
 * <p>Near 500 lines on purpose: about half is those public result types and their documentation;
 * the rest is the one apply sequence with its branches (a first store planned before the lock,
 * nothing to write or a rollback's hold, install-only changes, a write, an ACME order and what
 * serves when it fails), kept in one place so that the order of lock, plan, hooks, order, commit
 * and check can be read top to bottom.
 */
public final class Reconciler {
  private final EngineParts parts;
  private final PlanningPass pass;
  private final GenerationWrite writing;

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
    this(
        new EngineParts(
            hostProbe, clock, random, secrets, hooks, progress, () -> TrustHost.live(System.getenv()),
            Optional.empty()));
  }

  private Reconciler(EngineParts parts) {
    this.parts = parts;
    this.pass = new PlanningPass(parts);
    this.writing = new GenerationWrite(pass, parts);
  }

  /** The same, installing {@code trust.install} into {@code host} (a test's root and tools). */
  public Reconciler installingInto(TrustHost host) {
    return new Reconciler(parts.installingInto(() -> host));
  }

  /**
   * The same, ordering from {@code ca} instead of over the network ({@code server.issuer: acme}):
   * a test's CA, so that every file operation of an ACME apply can be interrupted.
   */
  public Reconciler orderingFrom(AcmeCa ca) {
    return new Reconciler(parts.orderingFrom(ca));
  }

  /**
   * Everything one planning pass looked at and decided.
   *
   * @param externalChainFile what {@code server.external.chain} holds, checked; empty with an
   *     internal issuer
   * @param externalChain the certificates of that file when it is a valid chain, leaf first, for
   *     apply to import
   * @param importedOutsideRoots where the chain imported earlier ends, when {@code
   *     server.external.roots} names other roots ({@link PlanInput#importedOutsideRoots})
   * @param plan the plan, with the hooks an apply would run: those the store records as pending,
   *     and the {@code arising} ones
   * @param arising {@code onExpiring} obligations not recorded yet that an apply like the one
   *     planned for would record and run: certificates nothing renews in time, within a threshold
   *     of their expiry
   * @param crls the CRLs of {@code trust.crls}, read, for apply to write
   * @param installs the targets of {@code trust.install} and of the install record, observed
   * @param acme what the ACME edge found out ({@code server.issuer: acme})
   * @param basis what the plan was computed from, input by input: {@code plan.basis()} is its
   *     digest; a saved plan records the parts, to say which changed when it is stale
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
      List<Certificate> externalChain,
      Optional<String> importedOutsideRoots,
      List<PendingHook> arising,
      List<CrlInputs.Read> crls,
      List<CrlInputs.Read> installedCrls,
      TrustInstalls installs,
      AcmeObservation acme,
      PlanBasis basis) {
    public Observation {
      externalChain = List.copyOf(externalChain);
      arising = List.copyOf(arising);
      crls = List.copyOf(crls);
      installedCrls = List.copyOf(installedCrls);
    }

    /** What {@code trust.install} and the install record name, as found there now. */
    public org.hostpki.plan.InstallInput installed() {
      return installs.input();
    }

    /** The same observation at a later time: after an order, whose certificate may be valid only from then. */
    Observation at(Instant later) {
      return new Observation(
          desired, host, store, desiredTrust, password, later, plan, externalChainFile, externalChain,
          importedOutsideRoots, arising, crls, installedCrls, installs, acme, basis);
    }

    /** What the planner is told of the CRLs. */
    public List<TrustedCrl> trustedCrls() {
      return crls.stream().map(CrlInputs.Read::trusted).toList();
    }

    /** What the planner is told of the CRLs the store's {@code trust-crls.pem} holds. */
    public List<TrustedCrl> installedTrustedCrls() {
      return installedCrls.stream().map(CrlInputs.Read::trusted).toList();
    }

    /** The CRLs a write may take: those of {@code trust.crls} and those installed before. */
    List<CrlInputs.Read> writableCrls() {
      List<CrlInputs.Read> all = new java.util.ArrayList<>(crls);
      all.addAll(installedCrls);
      return all;
    }
  }

  /** Observes and plans as for a person's apply; changes nothing. */
  public Observation plan(DesiredState desired, Set<PlanInput.Replace> replace) {
    return plan(desired, replace, false);
  }

  /**
   * Observes and plans; changes nothing.
   *
   * @param unattended plan as a run without a person would: a renewal due outside the
   *     maintenance windows waits (a warning), instead of being a change
   */
  public Observation plan(DesiredState desired, Set<PlanInput.Replace> replace, boolean unattended) {
    return pass.observe(desired, replace, unattended, Optional.empty());
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
   * @param restoredLinks the visible links it made again without writing a generation (removed by
   *     hand), by name; empty when it wrote a generation, which makes every link
   * @param notices things that went wrong after the new store was committed, for the log
   * @param pendingAfter the hooks the store records as pending when the apply ends: those that
   *     failed in it
   * @param observed the store as it is after the apply (as it was, when nothing changed)
   * @param host the host identity the apply planned for
   * @param acme what the ACME edge knows after the apply: the certificate this apply ordered is the
   *     account's last, without a renewal window until the next observation asks the CA
   * @param now the time the apply planned with
   * @param files the names of the files of the store's current generation when the apply ends, in
   *     name order ({@code ca.crt}, {@code trust/ldap.crt}, ...): what {@code status} lists,
   *     without reading the store again
   * @param desiredTrust the names the desired state trusts: a trusted certificate of the store
   *     under another name is unmanaged (kept, prune is off)
   */
  public record Result(
      Plan plan,
      Optional<String> generation,
      HookLedger.Attempt hooks,
      Optional<RollbackHold> heldBy,
      Optional<RollbackHold> released,
      SortedSet<String> restoredLinks,
      List<String> notices,
      List<PendingHook> pendingAfter,
      ObservedStore observed,
      HostIdentity host,
      AcmeObservation acme,
      Instant now,
      Set<String> files,
      Set<String> desiredTrust,
      SortedMap<InstallTarget, List<String>> installFailures) {
    public Result {
      Objects.requireNonNull(hooks, "hooks");
      // views, not copies: a store of 100,000 trusted certificates has as many names
      files = Collections.unmodifiableSet(files);
      desiredTrust = Collections.unmodifiableSet(desiredTrust);
      Objects.requireNonNull(heldBy, "heldBy");
      Objects.requireNonNull(released, "released");
      restoredLinks = Collections.unmodifiableSortedSet(new TreeSet<>(restoredLinks));
      notices = List.copyOf(notices);
      pendingAfter = List.copyOf(pendingAfter);
      installFailures = Collections.unmodifiableSortedMap(new TreeMap<>(installFailures));
    }

    /** Every install target brought to what the plan says (or none to change). */
    public Result(
        Plan plan, Optional<String> generation, HookLedger.Attempt hooks, Optional<RollbackHold> heldBy,
        Optional<RollbackHold> released, SortedSet<String> restoredLinks, List<String> notices,
        List<PendingHook> pendingAfter, ObservedStore observed, HostIdentity host, AcmeObservation acme, Instant now,
        Set<String> files, Set<String> desiredTrust) {
      this(plan, generation, hooks, heldBy, released, restoredLinks, notices, pendingAfter, observed, host, acme, now,
          files, desiredTrust, new TreeMap<>());
    }

    /** A hook that failed: the store is as it should be, the hook is pending. */
    public Optional<HooksFailure> hookFailure() {
      return hooks.failure().map(HooksFailure::new);
    }
  }

  /** A hook that failed after the store was written. */
  public record HooksFailure(String message) {}

  /**
   * Apply refused the plan, and changed nothing in the store; it may still have run {@code
   * onExpiring} hooks, since a refused renewal is one nothing does in time.
   */
  public static final class Refused extends HostpkiException {
    private final transient HookLedger.Attempt hooks;

    Refused(HostpkiException refusal, HookLedger.Attempt hooks) {
      super(refusal.headline(), refusal.details());
      this.hooks = hooks;
    }

    /** The {@code onExpiring} hooks it ran, and how they ended. */
    public HookLedger.Attempt hooks() {
      return hooks;
    }
  }

  /**
   * Applies the desired state, as a person does: a rollback's hold is released, and a due
   * renewal does not wait for a window.
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
   * @param savedPlan a plan saved by {@code plan --out}: applied only if it is still current
   * @param unattended a run no person started ({@code watch}, the timer's {@code apply
   *     --unattended}): it honours a rollback's hold, changing nothing but pending hooks, and a
   *     due renewal waits for the maintenance windows; a person's run releases the hold. A saved
   *     plan is applied as {@code plan} made it, with renewals waiting for a window still waiting
   *     (or it would be stale), whoever applies it
   */
  public Result apply(
      DesiredState desired,
      Set<PlanInput.Replace> replace,
      Optional<SavedPlan> savedPlan,
      Duration lockTimeout,
      boolean unattended) {
    return apply(desired, replace, savedPlan, lockTimeout, unattended, false);
  }

  /**
   * @param revokeOld after a new ACME certificate replaced one this store's account ordered,
   *     revoke the old one at the CA (reason keyCompromise): {@code apply --replace server
   *     --revoke-old}
   */
  public Result apply(
      DesiredState desired,
      Set<PlanInput.Replace> replace,
      Optional<SavedPlan> savedPlan,
      Duration lockTimeout,
      boolean unattended,
      boolean revokeOld) {
    PlanningPass.refuseNotYetSupported(desired); // before the lock, which makes the store folder
    pass.refuseStorePathNotAFolder(desired);
    // A saved plan is applied with the replacements it was made with, named again or not.
    Set<PlanInput.Replace> replacing = savedPlan.isPresent() ? savedPlan.get().replacements(replace) : replace;
    boolean keepPlanned = unattended || savedPlan.isPresent();
    Optional<Observation> unlocked = firstStorePlanned(desired, replacing, keepPlanned);
    // A stale plan for a new store is refused before the lock makes the store's folder.
    savedPlan.ifPresent(saved -> unlocked.ifPresent(first -> saved.checkCurrent(first.plan(), first.basis())));
    parts.progress().step("locking the store " + desired.store().path()); // shows while another holds it
    try (StoreCommit envelope =
        StoreCommit.begin(
            pass.directory(desired), lockTimeout, "apply", Clock.systemUTC(), parts.progress()::waiting)) {
      StoreDirectory directory = pass.directory(desired);
      // Files may have come into a folder found new or empty before the lock: checked again.
      Observation before =
          unlocked.isPresent() && envelope.live().generation().isEmpty() && directory.foreignEntries().isEmpty()
              ? unlocked.get()
              : pass.observe(desired, replacing, keepPlanned, Optional.of(envelope.live()));
      Plan plan = before.plan();
      Optional<String> current = before.store().snapshot().generation();
      HookLedger ledger = HookLedger.read(directory, current);
      if (plan.isRefused()) {
        if (plan.refusals().stream()
            .anyMatch(r -> r.kind() == RefusalCode.FOREIGN_FOLDER || r.kind() == RefusalCode.NESTED_STORE)) {
          envelope.closeLeavingNothing(); // not even the lock file among another program's files
        }
        throw ExpiringHooks.refuseRunningExpiringHooks(parts.hooks(), before, directory, ledger);
      }
      savedPlan.ifPresent(saved -> saved.checkCurrent(plan, before.basis()));
      boolean held = plan.hold().isPresent() && unattended;
      List<String> installNotices = new ArrayList<>();
      SortedMap<InstallTarget, List<String>> installFailures = new TreeMap<>();
      if (!held && !TrustInstalls.changesStore(plan) && TrustInstalls.changesAny(plan)) {
        parts.progress().step("installing where the host's clients look (trust.install)");
        before.installs().settle(
            plan, HeldCertificates.held(before.store()), installNotices, parts.progress()::waiting, installFailures);
      } else if (!held && !TrustInstalls.changesAny(plan)) {
        before.installs().forgetPastFailures(plan);
      }
      if (!TrustInstalls.changesStore(plan) || held) {
        SortedSet<String> restored = new TreeSet<>();
        if (TrustInstalls.restoresLinks(plan)) {
          // Even under a rollback's hold: the set stays as it is, and services can read it again.
          parts.progress().step("making the store's missing links again");
          restored = directory.restoreLinks(envelope.live());
        }
        current.flatMap(c -> directory.removeInterruptedWrites()).ifPresent(installNotices::add);
        // A chain an older build imported gets its root recorded now, not at the next generation.
        if (ExternalChainRoots.applies(desired)) {
          ExternalChainRoots.record(
              desired.store().path(), parts.random(), before.store().externalChain().orElse(List.of()),
              before.desiredTrust().values(), false, installNotices);
        }
        return withoutWriting(before, directory, ledger, held, unattended, restored, installNotices, installFailures);
      }
      runBeforeChange(desired, plan, directory, current, before.now());
      Optional<Intent.OrderAcme> order = orderOf(plan);
      if (order.isEmpty()) {
        return writing.write(envelope, before, ledger, Optional.empty());
      }
      AcmeEdge acme = pass.acme(desired).orElseThrow();
      parts.progress().step("ordering the server certificate from the ACME CA");
      AcmeOrdered ordered;
      try {
        ordered = acme.order(order.get(), before.store());
      } catch (AcmeEdge.OrderFailed f) {
        throw orderFailed(envelope, before, replacing, keepPlanned, f);
      }
      Result result = writing.write(envelope, before, ledger, Optional.of(ordered));
      List<String> notices = new ArrayList<>(result.notices());
      notices.addAll(ordered.warnings());
      if (revokeOld) {
        revokeReplaced(acme, order.get(), before.store(), notices);
      }
      return new Result(
          result.plan(), result.generation(), result.hooks(), result.heldBy(), result.released(),
          result.restoredLinks(), notices,
          result.pendingAfter(), result.observed(), result.host(), result.acme(), result.now(), result.files(),
          result.desiredTrust(), result.installFailures());
    }
  }

  /**
   * For a store that does not exist yet, the plan made before the lock (which makes the store's
   * folder): a first apply refused, or failing on an input it reads, leaves no empty store folder
   * behind. Used under the lock only while the store there is still empty; otherwise planned again.
   * So is a folder of other files, or one inside another store (refused): no lock file is left there.
   */
  private Optional<Observation> firstStorePlanned(
      DesiredState desired, Set<PlanInput.Replace> replace, boolean keepPlanned) {
    boolean absent = Files.notExists(desired.store().path(), LinkOption.NOFOLLOW_LINKS);
    boolean foreign =
        !absent
            && Files.isDirectory(desired.store().path()) // else the lock says what is wrong, as before
            && !pass.directory(desired).foreignEntries().isEmpty();
    boolean nested = !absent && !foreign && pass.directory(desired).enclosingStore().isPresent();
    if (!absent && !foreign && !nested) {
      return Optional.empty();
    }
    Observation first = pass.observe(desired, replace, keepPlanned, Optional.empty());
    if (first.plan().isRefused()) {
      StoreDirectory directory = pass.directory(desired);
      throw ExpiringHooks.refuseRunningExpiringHooks(
          parts.hooks(), first, directory, HookLedger.read(directory, Optional.empty()));
    }
    return Optional.of(first);
  }

  /**
   * A failed order: what serves meanwhile is planned again with the failure recorded (the current
   * certificate, or an internal one as {@code server.acme.fallback} says) and written when that
   * changes anything; the error says what the CA said and when the next attempt is.
   */
  private HostpkiException orderFailed(
      StoreCommit envelope,
      Observation before,
      Set<PlanInput.Replace> replace,
      boolean unattended,
      AcmeEdge.OrderFailed f) {
    if (f.recorded().isEmpty()) {
      return f.error(false);
    }
    DesiredState desired = before.desired();
    Observation meanwhile = pass.observe(desired, replace, unattended, Optional.of(envelope.live()), f.recorded());
    Plan plan = meanwhile.plan();
    if (plan.isRefused() || !TrustInstalls.changesStore(plan) || orderOf(plan).isPresent()) {
      return f.error(false);
    }
    StoreDirectory directory = pass.directory(desired);
    writing.write(envelope, meanwhile, HookLedger.read(directory, meanwhile.store().snapshot().generation()), Optional.empty());
    return f.error(true);
  }

  /** The plan's ACME order, if it has one. */
  private static Optional<Intent.OrderAcme> orderOf(Plan plan) {
    return plan.changes().stream()
        .map(Change::intent)
        .filter(Intent.OrderAcme.class::isInstance)
        .map(Intent.OrderAcme.class::cast)
        .findFirst();
  }

  /** Revokes the certificate an order replaced, when this store's account ordered it. */
  private static void revokeReplaced(
      AcmeEdge acme, Intent.OrderAcme order, StoreContents before, List<String> notices) {
    Optional<Certificate> old = before.serverCertificate();
    if (old.isEmpty()) {
      return;
    }
    if (order.replaces().isEmpty()) {
      notices.add(
          "--revoke-old: the replaced certificate (issued by "
              + org.hostpki.model.TerminalText.escape(old.get().facts().issuerDn())
              + ") was not ordered by this store's ACME account, so it was not revoked");
      return;
    }
    acme.revoke(old.get())
        .ifPresent(
            problem ->
                notices.add(
                    "--revoke-old: the new certificate is in place, but revoking the old one (serial "
                        + old.get().facts().serialNumber().toString(16) + ") failed: " + problem
                        + "; revoke it at the CA"));
  }

  /**
   * An apply that writes no generation (nothing to do, or a rollback's hold honoured): releases
   * the hold if a person runs it, says what removing an interrupted write's leftovers met,
   * records the {@code onExpiring} obligations arising and runs the hooks pending.
   */
  private Result withoutWriting(
      Observation before,
      StoreDirectory directory,
      HookLedger ledger,
      boolean held,
      boolean unattended,
      SortedSet<String> restoredLinks,
      List<String> earlyNotices,
      SortedMap<InstallTarget, List<String>> installFailures) {
    Plan plan = before.plan();
    DesiredState desired = before.desired();
    Optional<String> current = before.store().snapshot().generation();
      Optional<RollbackHold> released = Optional.empty();
      if (plan.hold().isPresent() && !unattended) {
        directory.removeRecord(current.orElseThrow(), GenerationRecord.HOLD);
        released = plan.hold();
      }
      List<String> notices = new ArrayList<>(earlyNotices);
      Optional<RollbackHold> heldBy = held ? plan.hold() : Optional.empty();
      parts.progress().committed(
          new Result(
              plan, Optional.empty(), HookLedger.Attempt.none(), heldBy, released, restoredLinks, notices,
              ledger.pending(desired.hooks()), before.store().facts(), before.host(), before.acme(), before.now(),
              before.store().snapshot().files().keySet(), before.desiredTrust().keySet()));
      HookLedger.Attempt hooksRun = HookLedger.Attempt.none();
      if (current.isPresent()) {
        ledger =
            ExpiringHooks.recordArising(
                ledger, directory, current.get(), desired, before, before.store().facts(),
                Expiries.blocked(plan, unattended));
        hooksRun =
            ledger.attempt(
                parts.hooks(), desired, directory, current.get(), ledger.pending(desired.hooks()), before.now(), notices);
      }
      return new Result(
          plan,
          Optional.empty(),
          hooksRun,
          heldBy,
          released,
          restoredLinks,
          notices,
          hooksRun.stillPending(),
          before.store().facts(),
          before.host(),
          before.acme(),
          before.now(),
          before.store().snapshot().files().keySet(),
          before.desiredTrust().keySet(),
          TrustInstalls.failures(before.installs().input(), installFailures));
  }

  /**
   * Runs {@code hooks.beforeChange} before anything is written; a failure aborts the apply with
   * the store unchanged (exit 1). Nothing is recorded: it is owed nothing, and the next apply
   * that writes runs it again.
   */
  private void runBeforeChange(
      DesiredState desired, Plan plan, StoreDirectory directory, Optional<String> current, Instant now) {
    if (desired.hooks().beforeChange().isEmpty()) {
      return;
    }
    parts.progress().step("running the beforeChange hook");
    PendingHook before =
        PendingHook.due(HooksSpec.BEFORE_CHANGE, now, plan.changes().stream().map(Change::address).toList());
    Hooks.Outcome outcome = parts.hooks().run(desired, List.of(before), directory.directory(), current.orElse(""));
    if (outcome.firstFailure().isPresent()) {
      throw new HostpkiException(
          "the beforeChange hook failed, so nothing was changed: " + outcome.firstFailure().get(),
          List.of("fix the hook (or what it checks) and run apply again"));
    }
  }


}
