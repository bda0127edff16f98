package org.hostpki.check;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DurationText;
import org.hostpki.model.ExpiryThreshold;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PendingHook;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.Percentage;
import org.hostpki.plan.Change;
import org.hostpki.plan.AcmeObservation;
import org.hostpki.plan.Address;
import org.hostpki.plan.CaOneStepRenewal;
import org.hostpki.plan.CaPhasedMove;
import org.hostpki.plan.Expiries;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanText;
import org.hostpki.plan.Refusal;
import org.hostpki.plan.Renewals;
import org.hostpki.plan.Warning;
import org.hostpki.plan.WarningCode;
import org.hostpki.renewal.Renewal;

/**
 * What {@code hostpki check} found: a status, what the exit code is for, one summary line, and
 * each certificate's standing.
 *
 * <p>Past 400 lines on purpose: every rule that makes check WARNING, CRITICAL or changes its exit
 * code (certificates, CRLs, plan warnings, holds, install targets, the CA's one-step renewal) is
 * decided in {@link #of}'s one pass, so that their order of severity is read in one place (the
 * JSON form is {@link VerdictJson}'s).
 *
 * @param problems what made the status worse than OK, in words, worst first
 * @param plan what unattended runs would do; empty when the check could not plan
 */
public record Verdict(
    Status status,
    Outcome outcome,
    String summary,
    Instant checkedAt,
    Thresholds thresholds,
    List<CertificateVerdict> certificates,
    List<CrlVerdict> crls,
    List<String> problems,
    Optional<Plan> plan) {

  /**
   * A fleet CA's CRL ({@code ca.crl}, or the previous CA's last, {@code ca-previous.crl}): clients
   * that check CRLs refuse every certificate of its CA once it is past its nextUpdate. WARNING
   * with a sixth of its validity left (apply and watch renew {@code ca.crl} with a third left:
   * half of that time went by without a run that did), CRITICAL past its nextUpdate.
   *
   * @param file {@code ca.crl} or {@code ca-previous.crl}
   * @param warningFrom when it turns WARNING; empty when it names no nextUpdate
   */
  public record CrlVerdict(
      String file, CrlFacts facts, Status status, Optional<Instant> warningFrom, Optional<String> problem) {
    public CrlVerdict {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(facts, "facts");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(warningFrom, "warningFrom");
      Objects.requireNonNull(problem, "problem");
    }
  }

  /** The contract's reasons to exit, most severe first: the CLI maps each to its code. */
  public enum Outcome {
    /**
     * Could not check, apply refuses the plan, a certificate is within a threshold, or the server
     * certificate is one clients refuse while an ACME order waits: 1.
     */
    ERROR,
    /** A hook is pending (and perhaps changes too): 3. */
    HOOK_PENDING,
    /** Changes are pending: 2. */
    CHANGES_PENDING,
    /** Nothing due, nothing wrong: 0. */
    NOTHING_DUE
  }

  /**
   * The two thresholds a certificate that nothing renews in time is judged by.
   *
   * @param warning WARNING from here; by default from when its renewal falls due
   * @param critical CRITICAL from here; by default half its safety margin
   */
  public record Thresholds(ExpiryThreshold warning, ExpiryThreshold critical) {
    public static final Thresholds DEFAULTS =
        new Thresholds(ExpiryThreshold.DUE, new ExpiryThreshold.OfMargin(Percentage.of(50)));

    public Thresholds {
      Objects.requireNonNull(warning, "warning");
      Objects.requireNonNull(critical, "critical");
    }
  }

  /**
   * One certificate's standing and status.
   *
   * @param warningBefore how long before its expiry the warning threshold is for this certificate
   * @param criticalBefore the same for the critical threshold
   * @param problem what is wrong, when its status is not OK
   * @param next what comes next for it when that is no renewal of its own: {@code ca.crt}'s during
   *     a phased rotation's overlap is the move to the new CA ({@link CaPhasedMove#nextWords})
   */
  public record CertificateVerdict(
      Expiries.Standing standing,
      Status status,
      Duration warningBefore,
      Duration criticalBefore,
      Optional<String> problem,
      Optional<String> next) {
    public CertificateVerdict(
        Expiries.Standing standing, Status status, Duration warningBefore, Duration criticalBefore,
        Optional<String> problem) {
      this(standing, status, warningBefore, criticalBefore, problem, Optional.empty());
    }
  }

  public Verdict {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(checkedAt, "checkedAt");
    Objects.requireNonNull(thresholds, "thresholds");
    certificates = List.copyOf(certificates);
    crls = List.copyOf(crls);
    problems = List.copyOf(problems);
    Objects.requireNonNull(plan, "plan");
  }

  /** A check that could not look: the desired state or the store could not be read. */
  public static Verdict unknown(String error, Instant at, Thresholds thresholds) {
    return new Verdict(
        Status.UNKNOWN,
        Outcome.ERROR,
        "UNKNOWN: cannot check: " + error,
        at,
        thresholds,
        List.of(),
        List.of(),
        List.of(error),
        Optional.empty());
  }

  /**
   * Judges what one observation saw, as unattended runs would act on it.
   *
   * @param plan the plan of an unattended run, with the pending hooks and hold the store records
   * @param neverApplied the store has no generation yet: no apply or watch has ever run for it
   *     (a timer never enabled), which is WARNING as the metrics' HostpkiNeverApplied rule says,
   *     not OK with changes pending that nothing is going to make
   */
  public static Verdict of(
      DesiredState desired,
      ObservedStore store,
      AcmeObservation acme,
      Plan plan,
      Instant now,
      Thresholds thresholds,
      boolean neverApplied) {
    List<Expiries.Standing> standings =
        Expiries.standings(desired, store, acme, now, Expiries.blocked(plan, true));
    Optional<CaPhasedMove> move =
        CaPhasedMove.of(desired, store, Renewals.of(desired, store, AcmeObservation.NONE, now, true), now);
    List<CertificateVerdict> certificates = new ArrayList<>();
    for (Expiries.Standing s : standings) {
      CertificateVerdict v = phasedMove(oneStep(judge(s, thresholds, now), desired, store, now), desired, store, now);
      if (move.isPresent() && s.certificate().equals(Address.CA)) {
        v = new CertificateVerdict(v.standing(), v.status(), v.warningBefore(), v.criticalBefore(), v.problem(),
            Optional.of("renewal by the phased rotation: " + move.get().nextWords(now)));
      }
      certificates.add(v);
    }
    Status status = Status.OK;
    List<String> problems = new ArrayList<>();
    if (neverApplied && !plan.isRefused()) {
      status = Status.WARNING;
      problems.add(
          "never applied: no apply or watch has run for the store " + desired.store().path()
              + ": run hostpki apply (and enable its timer, or run hostpki watch)");
    }
    for (Refusal r : plan.refusals()) {
      status = Status.CRITICAL;
      problems.add("apply refuses to change the store: " + r.line());
    }
    certificates.stream()
        .filter(c -> c.problem().isPresent())
        .sorted(Comparator.comparing(CertificateVerdict::status).reversed())
        .forEach(c -> problems.add(c.problem().get()));
    boolean atRisk = false;
    for (CertificateVerdict c : certificates) {
      status = status.worst(c.status());
      atRisk |= c.status() != Status.OK;
    }
    List<CrlVerdict> crls = new ArrayList<>();
    store.caCrl().ifPresent(c -> crls.add(judge(StoreLayout.CA_CRL, c, Optional.empty(), desired, now)));
    store.caPreviousCrl().ifPresent(c -> crls.add(judge(
        StoreLayout.CA_PREVIOUS_CRL, c,
        store.caPreviousCertificate().map(CertificateFacts::notAfter), desired, now)));
    for (CrlVerdict c : crls) {
      status = status.worst(c.status());
      atRisk |= c.status() != Status.OK;
      c.problem().ifPresent(problems::add);
    }
    for (PendingHook h : plan.pendingHooks()) {
      status = status.worst(Status.WARNING);
      problems.add(
          h.label() + " hook pending since " + PlanText.time(h.since())
              + h.lastFailure().map(f -> ": " + f.message()).orElse(" (the next apply runs it)"));
    }
    // A chain from a CA whose clock runs ahead waits to be valid: no error, but not yet served.
    boolean chainWaits = false;
    boolean installUnreadable = false;
    for (Warning w : plan.warnings()) {
      // A trust.install target that cannot be read: the store goes ahead without it, and apply
      // exits 3 (as for a failed hook) until it can be read again.
      // One whose last change failed (its lock held, its tool failing) is the same: recorded, not
      // only a pending change that Nagios would take for OK.
      if (w.kind().failingInstall()) {
        status = status.worst(Status.WARNING);
        problems.add(w.message());
        installUnreadable = true;
        continue;
      }
      // An ACME order that waits while the server certificate is none the CA issued (the
      // internal fallback serves): clients that trust only the CA's roots refuse it now. With
      // fallback none (ACME or external), a certificate kept while it lacks a name the desired
      // state wants, or its chain ends outside server.external.roots: clients that ask for that
      // name refuse it (found by a trial: "OK: nothing due"). The warning says so by its flag.
      boolean acmeWaits = w.kind() == WarningCode.ACME_WAITING;
      boolean acmeFallback = acmeWaits
          && store.serverCertificate().filter(c -> acme.orderedHere(c.fingerprint())).isEmpty();
      if (w.kind() == WarningCode.CHAIN_NOT_YET_VALID || acmeFallback || w.keepsWhatDoesNotServe()) {
        // (one kept that is no longer valid is CRITICAL by its own line, as any expired one)
        status = status.worst(Status.WARNING);
        problems.add(w.message());
        chainWaits = true;
        // Clients refuse what serves now, and no apply changes that before the CA answers: a
        // person looks (exit 1, as a certificate that is WARNING), not "changes pending" (exit 2)
        // while apply --check finds nothing to do.
        atRisk |= acmeFallback || w.keepsWhatDoesNotServe();
      }
    }
    boolean held = plan.hold().isPresent() && !plan.isEmpty();
    if (held) {
      status = status.worst(Status.WARNING);
      problems.add(
          PlanText.holdLine(plan.hold().get()) + "; " + changes(plan, "wait for a person's apply"));
    }
    Outcome outcome =
        plan.isRefused() || atRisk
            ? Outcome.ERROR
            : plan.hasPendingHooks() || installUnreadable
                ? Outcome.HOOK_PENDING
                : plan.isEmpty() && !chainWaits ? Outcome.NOTHING_DUE : Outcome.CHANGES_PENDING;

    List<String> parts = new ArrayList<>(problems);
    if (!plan.isEmpty() && !held && !plan.isRefused()) {
      parts.add(changes(plan, "pending"));
    } else if (problems.isEmpty() && plan.isEmpty()) {
      parts.add("nothing due");
    }
    next(standings, move, now).ifPresent(parts::add);
    nearest(standings, now).ifPresent(parts::add);
    if (standings.isEmpty() && !plan.isRefused()) {
      parts.add("no certificate in the store yet");
    }
    String summary = status.name() + ": " + String.join("; ", parts);
    return new Verdict(
        status, outcome, summary, now, thresholds, certificates, crls, problems, Optional.of(plan));
  }

  /**
   * This verdict for a desired state that apply refuses before it plans (one that others could
   * have written): CRITICAL, since no unattended run changes anything until a person fixes it.
   *
   * @param why the refusal, with its fix
   */
  public Verdict refused(String why) {
    String problem = "apply refuses to change the store: " + why;
    List<String> all = new ArrayList<>(problems);
    all.add(0, problem);
    String rest = summary.substring(summary.indexOf(": ") + 2);
    return new Verdict(
        Status.CRITICAL,
        Outcome.ERROR,
        Status.CRITICAL.name() + ": " + problem + "; " + rest,
        checkedAt,
        thresholds,
        certificates,
        crls,
        all,
        plan);
  }

  /**
   * @param issuerNotAfter for {@code ca-previous.crl}, when its CA ({@code ca-previous.crt}) expires
   */
  private static CrlVerdict judge(
      String file, CrlFacts crl, Optional<Instant> issuerNotAfter, DesiredState desired, Instant now) {
    if (crl.nextUpdate().isEmpty()) {
      return new CrlVerdict(file, crl, Status.OK, Optional.empty(), Optional.empty());
    }
    Instant next = crl.nextUpdate().get();
    if (issuerNotAfter.isPresent() && !next.isBefore(issuerNotAfter.get())) {
      // The previous CA's last CRL, valid until that CA expires: it runs out with its CA, whose
      // certificates clients refuse from then on anyway; nothing to renew, nothing to warn of.
      return new CrlVerdict(file, crl, Status.OK, Optional.empty(), Optional.empty());
    }
    Instant warningFrom = next.minus(Duration.between(crl.thisUpdate(), next).dividedBy(6));
    String source = desired.source().toString();
    String fix =
        file.equals(StoreLayout.CA_CRL)
            ? "hostpki apply (and watch) renews it: run it on the CA host and publish the CRL (hostpki export crl)"
            : "no CRL of the previous CA can be written now (its key is gone): end its trust early"
                + " instead: have the hosts of its certificates signed anew (hostpki sign), remove"
                + " ca.rotation.overlap from " + source + " and run " + ShellCommand.hostpki("apply", "-f", source) + " ("
                + StoreLayout.CA_PREVIOUS_CERT + " leaves the trust bundle, this CRL the store), hand clients"
                + " the new one (" + ShellCommand.hostpki("export", "-f", source, "trust-bundle") + "), and put"
                + " ca.rotation.overlap back";
    if (!now.isBefore(next)) {
      return new CrlVerdict(file, crl, Status.CRITICAL, Optional.of(warningFrom), Optional.of(
          file + " is past its next update (" + PlanText.time(next) + "): clients that check it refuse"
              + " every certificate of " + crl.issuerDn() + "; " + fix));
    }
    if (!now.isBefore(warningFrom)) {
      return new CrlVerdict(file, crl, Status.WARNING, Optional.of(warningFrom), Optional.of(
          file + " " + expires(next, now) + " and has not been renewed (a sixth of its validity is"
              + " left); " + fix));
    }
    return new CrlVerdict(file, crl, Status.OK, Optional.of(warningFrom), Optional.empty());
  }

  private static CertificateVerdict judge(Expiries.Standing s, Thresholds thresholds, Instant now) {
    Duration warning = s.before(thresholds.warning());
    Duration critical = s.before(thresholds.critical());
    Instant notAfter = s.facts().notAfter();
    Instant notBefore = s.facts().notBefore();
    if (now.isBefore(notBefore)) {
      // Found after the time trial: with the clock behind, the summary was CRITICAL and these
      // lines OK. Clients refuse such a certificate as they do an expired one.
      return new CertificateVerdict(
          s, Status.CRITICAL, warning, critical,
          Optional.of(s.certificate() + " is not valid before " + PlanText.time(notBefore) + " (in "
              + DurationText.left(Duration.between(now, notBefore)) + "): clients refuse it until then"
              + " (the clock is behind, or it was made by a clock that ran ahead)"));
    }
    if (!now.isBefore(notAfter)) {
      return new CertificateVerdict(
          s, Status.CRITICAL, warning, critical,
          Optional.of(s.certificate() + " expired on " + PlanText.time(notAfter)
              + s.unhandled().map(u -> ": " + u).orElse("")));
    }
    Status status =
        s.expiring(thresholds.critical(), now)
            ? Status.CRITICAL
            : s.expiring(thresholds.warning(), now) ? Status.WARNING : Status.OK;
    if (status == Status.OK) {
      return new CertificateVerdict(s, status, warning, critical, Optional.empty());
    }
    ExpiryThreshold crossed = status == Status.CRITICAL ? thresholds.critical() : thresholds.warning();
    return new CertificateVerdict(
        s, status, warning, critical,
        Optional.of(s.certificate() + " " + expires(notAfter, now) + ", within "
            + thresholdWords(crossed, s.before(crossed)) + ", and nothing renews it in time: "
            + s.unhandled().orElseThrow()));
  }

  /**
   * The CA's line WARNING when its renewal without {@code ca.rotation} is near or due: that apply
   * moves the server to a new CA at once, and clients that trust the CA by hand refuse it (see
   * {@link CaOneStepRenewal}). A line already worse keeps its own problem.
   */
  private static CertificateVerdict oneStep(
      CertificateVerdict v, DesiredState desired, ObservedStore store, Instant now) {
    if (v.status() != Status.OK || !v.standing().certificate().equals(Address.CA)) {
      return v;
    }
    return CaOneStepRenewal.of(desired, store, Map.of(Address.CA, v.standing().renewal()))
        .filter(r -> r.warnsAt(now))
        .map(r -> new CertificateVerdict(v.standing(), Status.WARNING, v.warningBefore(), v.criticalBefore(),
            Optional.of("ca is " + r.words(now, desired.source().toString()))))
        .orElse(v);
  }

  /**
   * The {@code ca-next} line WARNING for the whole overlap of a phased rotation: from its move the
   * new CA signs, and clients that trust the CA by hand refuse what it signs unless they were given
   * it before (see {@link CaPhasedMove}). A line already worse keeps its own problem.
   */
  private static CertificateVerdict phasedMove(
      CertificateVerdict v, DesiredState desired, ObservedStore store, Instant now) {
    if (v.status() != Status.OK || !v.standing().certificate().equals(Address.CA_NEXT)) {
      return v;
    }
    Map<String, Renewal> renewals = Renewals.of(desired, store, AcmeObservation.NONE, now, true);
    return CaPhasedMove.of(desired, store, renewals, now)
        .map(m -> new CertificateVerdict(v.standing(), Status.WARNING, v.warningBefore(), v.criticalBefore(),
            Optional.of("ca-next is " + m.words(now, desired.source().toString()))))
        .orElse(v);
  }

  /**
   * {@code its renewal time (131 days before expiry)}, {@code its safety margin (33 days)}, {@code
   * 14d}, {@code 10% of its lifetime (39 days)}.
   */
  public static String thresholdWords(ExpiryThreshold t, Duration before) {
    String amount = DurationText.left(before);
    if (t.equals(ExpiryThreshold.DUE)) {
      return "its renewal time (" + amount + " before expiry)";
    }
    if (t.equals(ExpiryThreshold.SAFETY_MARGIN)) {
      return "its safety margin (" + amount + ")";
    }
    if (t instanceof ExpiryThreshold.OfMargin m) {
      return m.share() + " of its safety margin (" + amount + ")";
    }
    return t.code().endsWith("%") ? t.code() + " of its lifetime (" + amount + ")" : t.code();
  }

  /** {@code expires 2027-06-03 10:00 UTC (in 180 days)}. */
  static String expires(Instant notAfter, Instant now) {
    return "expires " + PlanText.time(notAfter) + " (in " + DurationText.left(Duration.between(now, notAfter)) + ")";
  }

  /** {@code 5 changes pending: server replace, output/server.p12 update, trust/a create and 2 more}. */
  private static String changes(Plan plan, String state) {
    List<Change> changes = plan.changes();
    List<String> shown = changes.stream().limit(3).map(c -> c.address() + " " + c.action().word()).toList();
    String more = changes.size() > 3 ? " and " + (changes.size() - 3) + " more" : "";
    return changes.size() + (changes.size() == 1 ? " change " : " changes ") + state + ": "
        + String.join(", ", shown) + more;
  }

  /**
   * The next renewal not yet due: {@code next renewal server 2027-02-01 09:12 UTC (in 57 days)}.
   * During a phased rotation's overlap {@code ca.crt}'s is the move to the new CA ({@link
   * CaPhasedMove#nextWords}): its renewal, overdue, looked like one waiting for the catch-up hour.
   */
  private static Optional<String> next(List<Expiries.Standing> standings, Optional<CaPhasedMove> move, Instant now) {
    Optional<Expiries.Standing> next = standings.stream()
        .filter(s -> s.renewal().state() != Renewal.State.DUE && s.unhandled().isEmpty())
        .filter(s -> move.isEmpty() || !s.certificate().equals(Address.CA))
        .min(Comparator.comparing(s -> s.renewal().at()));
    if (move.isPresent() && (next.isEmpty() || !next.get().renewal().at().isBefore(move.get().at()))) {
      return Optional.of("next " + move.get().nextWords(now));
    }
    return next.map(s -> "next renewal " + s.certificate() + " " + PlanText.time(s.renewal().at()) + " (in "
            + DurationText.left(Duration.between(now, s.renewal().at())) + ")"
            + (s.renewal().state() == Renewal.State.WAITING
                ? ", waiting for " + s.renewal().waitingFor().orElse("a window")
                : ""));
  }

  /** {@code nearest expiry server 2027-06-03 10:00 UTC (in 180 days)}. */
  private static Optional<String> nearest(List<Expiries.Standing> standings, Instant now) {
    return standings.stream()
        .filter(s -> now.isBefore(s.facts().notAfter()))
        .min(Comparator.comparing(s -> s.facts().notAfter()))
        .map(s -> "nearest expiry " + s.certificate() + " " + PlanText.time(s.facts().notAfter()) + " (in "
            + DurationText.left(Duration.between(now, s.facts().notAfter())) + ")");
  }
}
