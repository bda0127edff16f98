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
import org.hostpki.json.JsonWriter;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TrustedCrl;
import org.hostpki.model.UnsupportedSetting;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.RevocationList;
import org.hostpki.plan.AcmeObservation;
import org.hostpki.plan.Change;
import org.hostpki.plan.Expiries;
import org.hostpki.plan.Intent;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.PlanJson;
import org.hostpki.plan.Planner;
import org.hostpki.plan.Refusal;
import org.hostpki.store.GenerationRecord;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreCommit;
import org.hostpki.store.StoreSnapshot;

/**
 * The reconcile sequence around the pure planner: observe the store, the host and the declared
 * inputs; plan; and for apply, lock, write the new set atomically, observe again and check that
 * nothing is left to do, then run the hooks.
 *
 * <p>Over 400 lines, to be split next: the renewal work (onExpiring obligations, the refused-run
 * hook attempts) landed here beside the apply sequence; the envelope, the executor and the
 * convergence check already live apart.
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
   * @param plan the plan, with the hooks an apply would run: those the store records as pending,
   *     and the {@code arising} ones
   * @param arising {@code onExpiring} obligations not recorded yet that an apply like the one
   *     planned for would record and run: certificates nothing renews in time, within a threshold
   *     of their expiry
   * @param crls the CRLs of {@code trust.crls}, read, for apply to write
   * @param acme what the ACME edge found out ({@code server.issuer: acme})
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
      List<PendingHook> arising,
      List<CrlInputs.Read> crls,
      AcmeObservation acme) {
    public Observation {
      externalChain = List.copyOf(externalChain);
      arising = List.copyOf(arising);
      crls = List.copyOf(crls);
    }

    /** The same observation at a later time: after an order, whose certificate may be valid only from then. */
    Observation at(Instant later) {
      return new Observation(
          desired, host, store, desiredTrust, password, later, plan, externalChainFile, externalChain,
          arising, crls, acme);
    }

    /** What the planner is told of the CRLs. */
    public List<TrustedCrl> trustedCrls() {
      return crls.stream().map(CrlInputs.Read::trusted).toList();
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
    return plan(desired, replace, unattended, Optional.empty(), Optional.empty());
  }

  /**
   * @param live the store as read under the lock; empty: read it now
   * @param acmeFailed this run's own ACME order just failed: plan what serves meanwhile
   */
  private Observation plan(
      DesiredState desired,
      Set<PlanInput.Replace> replace,
      boolean unattended,
      Optional<StoreSnapshot> live,
      Optional<AcmeObservation.Failure> acmeFailed) {
    refuseNotYetSupported(desired);
    Instant now = clock.instant();
    HostIdentity host = hostProbe.identify(desired.host());
    Optional<char[]> password = secrets.password(desired.store().password());
    String passwordSource =
        desired.store().password().map(PasswordSource::describe).orElse("no password");
    progress.step("reading the store " + desired.store().path());
    StoreDirectory directory = directory(desired);
    StoreContents store =
        observer.observe(
            live.orElseGet(directory::read), desired.store().path(), password, passwordSource);
    progress.step("reading the declared trusted certificates");
    // A declared certificate already in the store is not parsed a second time.
    SortedMap<String, Certificate> trust =
        trustInputs.read(desired.trust(), store.trusted().values());
    progress.step("planning (" + trust.size() + " trusted certificates declared)");
    SortedMap<String, CertificateFacts> trustFacts = new TreeMap<>();
    trust.forEach((n, c) -> trustFacts.put(n, c.facts()));
    List<CrlInputs.Read> crls = CrlInputs.read(desired.trust().crls(), signers(store, trust));
    List<TrustedCrl> trustedCrls = crls.stream().map(CrlInputs.Read::trusted).toList();
    ExternalChainInput.Read external = externalChainInput.read(desired, host, store.serverKey(), now);
    AcmeObservation acme = observeAcme(desired, store, unattended, acmeFailed);
    Fingerprint basis = basis(desired, host, store, trustFacts, replace, external, trustedCrls, acme);
    HookLedger ledger = HookLedger.read(directory, store.snapshot().generation());
    Plan planned =
        planner
            .plan(
                new PlanInput(
                    desired, host, trustFacts, store.facts(), now, replace, basis, external.facts(),
                    directory.lastWritten(), unattended, trustedCrls, acme))
            .withRecords(ledger.pending(desired.hooks()), ledger.hold());
    Optional<String> blocked = Expiries.blocked(planned, unattended);
    List<PendingHook> arising =
        Expiries.clockRefused(planned)
            ? List.of()
            : arising(
                desired,
                host,
                store.facts(),
                now,
                blocked,
                blocked.isPresent() ? List.of() : planned.changes().stream().map(Change::address).toList(),
                ledger.recordedKeys());
    // The hooks an apply would run: those recorded as pending, and the onExpiring ones arising.
    List<PendingHook> pending = new ArrayList<>(planned.pendingHooks());
    pending.addAll(arising);
    Plan plan = planned.withRecords(pending, planned.hold());
    return new Observation(
        desired, host, store, trust, password, now, plan, external.facts(), external.chain(), arising,
        crls, acme);
  }

  /**
   * What the planner is told of the ACME CA: nothing unless the issuer is acme; the renewal
   * window is asked for only on a first pass (not after this run's own order failed).
   */
  private AcmeObservation observeAcme(
      DesiredState desired, StoreContents store, boolean unattended, Optional<AcmeObservation.Failure> failed) {
    if (desired.server().issuer() != org.hostpki.model.ServerSpec.Issuer.ACME) {
      return AcmeObservation.NONE; // and acme4j is never loaded
    }
    Optional<AcmeEdge> edge = AcmeEdge.of(desired, secrets, clock, random);
    if (edge.isEmpty()) {
      return AcmeObservation.NONE;
    }
    if (failed.isEmpty()) {
      progress.step("asking the ACME CA for renewal information");
    }
    AcmeObservation seen = edge.get().observe(unattended, store.serverCertificate(), failed.isEmpty());
    return failed.map(seen::afterOwnFailure).orElse(seen);
  }

  /** One more than any {@code ca.crl} number of the live set and the kept generations. */
  private static java.math.BigInteger nextCrlNumber(StoreSnapshot live, StoreDirectory directory) {
    List<byte[]> earlier = new ArrayList<>();
    live.file(StoreLayout.CA_CRL).ifPresent(earlier::add);
    earlier.addAll(directory.keptFiles(StoreLayout.CA_CRL));
    return RevocationList.nextNumber(earlier);
  }

  /** The certificates a consumed CRL may be signed by: the store's and the declared trusted ones. */
  private static List<Certificate> signers(StoreContents store, SortedMap<String, Certificate> trust) {
    List<Certificate> all = new ArrayList<>();
    store.caCertificate().ifPresent(all::add);
    store.caNextCertificate().ifPresent(all::add);
    store.caPreviousCertificate().ifPresent(all::add);
    all.addAll(trust.values());
    all.addAll(store.trusted().values());
    return all;
  }

  /**
   * The {@code onExpiring} obligations the store's certificates give rise to now, less those
   * recorded before: none when the desired state declares no such hook.
   *
   * @param blocked why unattended runs change nothing, if they do not
   * @param renewedNow addresses the run replaces, which nothing is expiring for
   */
  private static List<PendingHook> arising(
      DesiredState desired,
      HostIdentity host,
      ObservedStore store,
      Instant now,
      Optional<String> blocked,
      List<String> renewedNow,
      Set<String> recorded) {
    if (desired.hooks().onExpiring().isEmpty()) {
      return List.of();
    }
    return Expiries.expiring(
            Expiries.standings(desired, host, store, now, blocked),
            desired.hooks().onExpiringWithin(),
            now,
            renewedNow)
        .stream()
        .map(e -> e.obligation(now))
        .filter(h -> !recorded.contains(h.key()))
        .toList();
  }

  /**
   * Adds the {@code onExpiring} obligations arising at the observation's time for {@code store} to
   * {@code generation}'s due record (those not recorded before). Needs the store lock.
   */
  private static HookLedger recordArising(
      HookLedger ledger,
      StoreDirectory directory,
      String generation,
      DesiredState desired,
      Observation before,
      ObservedStore store,
      Optional<String> blocked) {
    return ledger.record(
        directory,
        generation,
        arising(desired, before.host(), store, before.now(), blocked, List.of(), ledger.recordedKeys()));
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
   * @param pendingAfter the hooks the store records as pending when the apply ends: those that
   *     failed in it
   * @param observed the store as it is after the apply (as it was, when nothing changed)
   * @param host the host identity the apply planned for
   * @param now the time the apply planned with
   */
  public record Result(
      Plan plan,
      Optional<String> generation,
      HookLedger.Attempt hooks,
      Optional<RollbackHold> heldBy,
      Optional<RollbackHold> released,
      List<String> notices,
      List<PendingHook> pendingAfter,
      ObservedStore observed,
      HostIdentity host,
      Instant now) {
    public Result {
      Objects.requireNonNull(hooks, "hooks");
      Objects.requireNonNull(heldBy, "heldBy");
      Objects.requireNonNull(released, "released");
      notices = List.copyOf(notices);
      pendingAfter = List.copyOf(pendingAfter);
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
    refuseNotYetSupported(desired); // before the lock, which makes the store folder
    progress.step("locking the store " + desired.store().path()); // shows while another holds it
    try (StoreCommit envelope =
        StoreCommit.begin(directory(desired), lockTimeout, "apply", Clock.systemUTC())) {
      Observation before =
          plan(
              desired, replace, unattended || savedPlan.isPresent(), Optional.of(envelope.live()),
              Optional.empty());
      Plan plan = before.plan();
      StoreDirectory directory = directory(desired);
      Optional<String> current = before.store().snapshot().generation();
      HookLedger ledger = HookLedger.read(directory, current);
      if (plan.isRefused()) {
        throw refusedRunningExpiringHooks(before, directory, ledger);
      }
      savedPlan.ifPresent(saved -> saved.checkCurrent(plan));
      boolean held = plan.hold().isPresent() && unattended;
      if (plan.isEmpty() || held) {
        Optional<RollbackHold> released = Optional.empty();
        if (plan.hold().isPresent() && !unattended) {
          directory.removeRecord(current.orElseThrow(), GenerationRecord.HOLD);
          released = plan.hold();
        }
        List<String> notices = new ArrayList<>();
        Optional<RollbackHold> heldBy = held ? plan.hold() : Optional.empty();
        progress.committed(
            new Result(
                plan, Optional.empty(), HookLedger.Attempt.none(), heldBy, released, notices,
                ledger.pending(desired.hooks()), before.store().facts(), before.host(), before.now()));
        HookLedger.Attempt hooksRun = HookLedger.Attempt.none();
        if (current.isPresent()) {
          ledger =
              recordArising(
                  ledger, directory, current.get(), desired, before, before.store().facts(),
                  Expiries.blocked(plan, unattended));
          hooksRun =
              ledger.attempt(
                  hooks, desired, directory, current.get(), ledger.pending(desired.hooks()), before.now(), notices);
        }
        return new Result(
            plan,
            Optional.empty(),
            hooksRun,
            heldBy,
            released,
            notices,
            hooksRun.stillPending(),
            before.store().facts(),
            before.host(),
            before.now());
      }
      Optional<Intent.OrderAcme> order = orderOf(plan);
      if (order.isEmpty()) {
        return write(envelope, before, ledger, Optional.empty());
      }
      AcmeEdge acme = AcmeEdge.of(desired, secrets, clock, random).orElseThrow();
      progress.step("ordering the server certificate from the ACME CA");
      AcmeOrdered ordered;
      try {
        ordered = acme.order(order.get(), before.store());
      } catch (AcmeEdge.OrderFailed f) {
        throw orderFailed(envelope, before, replace, unattended || savedPlan.isPresent(), f);
      }
      Result result = write(envelope, before, ledger, Optional.of(ordered));
      List<String> notices = new ArrayList<>(result.notices());
      notices.addAll(ordered.warnings());
      if (revokeOld) {
        revokeReplaced(acme, order.get(), before.store(), notices);
      }
      return new Result(
          result.plan(), result.generation(), result.hooks(), result.heldBy(), result.released(), notices,
          result.pendingAfter(), result.observed(), result.host(), result.now());
    }
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
    Observation meanwhile = plan(desired, replace, unattended, Optional.of(envelope.live()), f.recorded());
    Plan plan = meanwhile.plan();
    if (plan.isRefused() || plan.isEmpty() || orderOf(plan).isPresent()) {
      return f.error(false);
    }
    StoreDirectory directory = directory(desired);
    write(envelope, meanwhile, HookLedger.read(directory, meanwhile.store().snapshot().generation()), Optional.empty());
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
   * Writes the new set the plan makes, checks it converged, and runs the hooks.
   *
   * @param ordered what this apply's ACME order brought, when the plan orders
   */
  private Result write(
      StoreCommit envelope, Observation before, HookLedger ledger, Optional<AcmeOrdered> ordered) {
    Plan plan = before.plan();
    DesiredState desired = before.desired();
    StoreDirectory directory = directory(desired);
    progress.step(makingStep(plan));
    SortedMap<String, StoreFile> files =
        new Executor(random)
            .execute(
                plan,
                desired,
                envelope.carriedOver(),
                before.store(),
                before.desiredTrust(),
                before.crls(),
                before.externalChain(),
                before.password(),
                before.now(),
                () -> nextCrlNumber(envelope.live(), directory),
                ordered);
    List<String> notices = new ArrayList<>();
    // Hooks still pending from the generation before are carried into the new one, and the
    // record goes into it before its commit: a crash at any point never loses one. So are the
    // onExpiring obligations about certificates the new generation keeps, done or not.
    HookLedger.Carried expiring = ledger.expiringCarried(keptCertificates(before.store().facts(), plan));
    List<PendingHook> carried = new ArrayList<>();
    plan.pendingHooks().stream().filter(h -> h.expiring().isEmpty()).forEach(carried::add);
    carried.addAll(expiring.due());
    List<PendingHook> due =
        HookLedger.merge(carried, HookLedger.dueAfter(plan, desired.hooks(), before.now()));
    Map<GenerationRecord, byte[]> records = new java.util.EnumMap<>(GenerationRecord.class);
    if (!due.isEmpty()) {
      records.put(GenerationRecord.HOOKS_DUE, HookLedger.dueRecord(due));
    }
    if (!expiring.done().isEmpty()) {
      records.put(GenerationRecord.HOOKS_DONE, HookLedger.doneRecord(expiring.done()));
    }
    progress.step("writing a new generation of " + files.size() + " files");
    String generation =
        envelope.commit(
            files, metadata(plan, before.now()).getBytes(StandardCharsets.UTF_8), records, notices);
    progress.step("checking the written store");
    ObservedStore after =
        ordered.isEmpty()
            ? checkConverged(desired, before, files, before.acme())
            : checkConverged(
                desired, before.at(clock.instant()), files,
                before.acme().ordered(ordered.get().leaf().fingerprint()));
    removeOutdatedRecords(desired, notices);
    HookLedger written = HookLedger.fresh(due, expiring.done());
    written = recordArising(written, directory, generation, desired, before, after, Optional.empty());
    progress.committed(
        new Result(
            plan, Optional.of(generation), HookLedger.Attempt.none(), Optional.empty(), plan.hold(),
            notices, written.pending(desired.hooks()), after, before.host(), before.now()));
    HookLedger.Attempt hooksRun =
        written.attempt(
            hooks, desired, directory, generation, written.pending(desired.hooks()), before.now(), notices);
    // A new generation has no hold: a person's apply over a held store released it.
    return new Result(
        plan,
        Optional.of(generation),
        hooksRun,
        Optional.empty(),
        plan.hold(),
        notices,
        hooksRun.stillPending(),
        after,
        before.host(),
        before.now());
  }

  /**
   * The step that executes {@code plan}, naming what takes time: new keys (an RSA 4096 key takes
   * seconds), e.g. "generating keys: the CA's RSA 4096, the server's RSA 4096".
   */
  static String makingStep(Plan plan) {
    List<String> keys = new ArrayList<>();
    for (Change c : plan.changes()) {
      if (c.intent() instanceof Intent.IssueCa ca && ca.newKey()) {
        keys.add("the CA's " + ca.key());
      } else if (c.intent() instanceof Intent.IssueNextCa next) {
        keys.add("the next CA's " + next.key());
      } else if (c.intent() instanceof Intent.IssueServer server && server.newKey()) {
        keys.add("the server's " + server.key());
      }
    }
    if (keys.size() == 1) {
      return "generating " + keys.get(0) + " key";
    }
    if (keys.size() > 1) {
      return "generating keys: " + String.join(", ", keys);
    }
    int n = plan.changes().size();
    return "making " + n + (n == 1 ? " change" : " changes");
  }

  /**
   * Refuses the plan; first records and runs the {@code onExpiring} obligations that a refused
   * renewal gives rise to — unless it is refused because the clock is wrong, which would make any
   * expiry wrong too.
   */
  private Refused refusedRunningExpiringHooks(
      Observation before, StoreDirectory directory, HookLedger ledger) {
    HostpkiException refusal = refused(before.plan().refusals());
    Optional<String> current = before.store().snapshot().generation();
    DesiredState desired = before.desired();
    if (current.isEmpty() || Expiries.clockRefused(before.plan()) || desired.hooks().onExpiring().isEmpty()) {
      return new Refused(refusal, HookLedger.Attempt.none());
    }
    HookLedger recorded =
        recordArising(
            ledger, directory, current.get(), desired, before, before.store().facts(),
            Expiries.blocked(before.plan(), true));
    List<PendingHook> expiring =
        recorded.pending(desired.hooks()).stream().filter(h -> h.expiring().isPresent()).toList();
    List<String> notices = new ArrayList<>();
    HookLedger.Attempt attempt =
        recorded.attempt(hooks, desired, directory, current.get(), expiring, before.now(), notices);
    List<String> details = new ArrayList<>(refusal.details());
    attempt.ran().forEach(h -> details.add("ran the " + h.label() + " hook"));
    attempt.failure().ifPresent(f -> details.add(f + "; recorded as pending, the next run tries again"));
    details.addAll(notices);
    return new Refused(new HostpkiException(refusal.headline(), details), attempt);
  }

  /**
   * The fingerprints of the store's certificates that a write of this plan keeps: those at an
   * address it does not change.
   */
  private static Set<Fingerprint> keptCertificates(ObservedStore store, Plan plan) {
    Set<String> changed = new java.util.HashSet<>(plan.changes().stream().map(Change::address).toList());
    Set<Fingerprint> kept = new java.util.HashSet<>();
    store.caCertificate().filter(c -> !changed.contains("ca")).ifPresent(c -> kept.add(c.fingerprint()));
    store.caNextCertificate().filter(c -> !changed.contains("ca-next")).ifPresent(c -> kept.add(c.fingerprint()));
    store.serverCertificate().filter(c -> !changed.contains("server")).ifPresent(c -> kept.add(c.fingerprint()));
    return kept;
  }

  /**
   * Reads the new store back from disk and plans again on it: it must hold exactly the set
   * written, and nothing may be left to do. Only the files the write changed are parsed again,
   * see {@link ConvergenceCheck}.
   *
   * @return the new store's facts
   */
  private ObservedStore checkConverged(
      DesiredState desired,
      Observation before,
      SortedMap<String, StoreFile> written,
      AcmeObservation acmeAfter) {
    String passwordSource =
        desired.store().password().map(PasswordSource::describe).orElse("no password");
    SortedMap<String, CertificateFacts> trustFacts = new TreeMap<>();
    before.desiredTrust().forEach((n, c) -> trustFacts.put(n, c.facts()));
    return new ConvergenceCheck(planner, observer)
        .check(before, directory(desired).read(), written, trustFacts, passwordSource, acmeAfter);
  }

  /**
   * The new set has a current record of what its PKCS#12 files hold; records of hostpki 0.1.0
   * in the older generations keep a fast check of the password, and go too (a rollback to one of
   * those generations decodes its PKCS#12 files instead).
   */
  private void removeOutdatedRecords(DesiredState desired, List<String> notices) {
    try {
      directory(desired).removeFromKeptGenerations(StoreLayout.PKCS12_RECORD, Pkcs12Record::isOutdated);
    } catch (HostpkiException e) {
      notices.add(e.getMessage() + "; the next apply that writes the store tries again");
    }
  }

  private StoreDirectory directory(DesiredState desired) {
    return StoreDirectory.of(desired, clock);
  }

  /** The writer's record of a generation: when, and the plan that made it ({@code history}). */
  private static String metadata(Plan plan, Instant now) {
    JsonWriter w = new JsonWriter().beginObject().field("time", now);
    PlanJson.write(w.name("plan"), plan);
    return w.endObject().toString();
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
      ExternalChainInput.Read external,
      List<TrustedCrl> crls,
      AcmeObservation acme) {
    StringBuilder sb = new StringBuilder();
    sb.append("store ").append(store.facts().contentFingerprint().hex()).append('\n');
    sb.append("host ").append(host).append('\n');
    sb.append("desired ").append(desired).append('\n');
    trust.forEach((n, c) -> sb.append("trust ").append(n).append(' ').append(c.fingerprint().hex()).append('\n'));
    crls.forEach(c -> sb.append("crl ").append(c.facts().fingerprint().hex()).append(' ').append(c.signer().map(Fingerprint::hex).orElse("-")).append('\n'));
    sb.append("replace ").append(new java.util.TreeSet<>(replace)).append('\n');
    sb.append("external-chain ").append(external.basisWords());
    if (acme != AcmeObservation.NONE) {
      sb.append('\n').append("acme ").append(acme.basisWords());
    }
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
