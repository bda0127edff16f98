package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DurationText;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Subject;

/**
 * Plans the internal CA: {@code ca.crt} and {@code ca.key}, and with {@code ca.rotation.overlap}
 * its phased replacement through {@code ca-next.crt}/{@code ca-next.key} and {@code
 * ca-previous.crt}. Pure, like the planner: every date comes from the certificates in the store and
 * {@code now}, so the store itself shows which phase it is in; there is no state file.
 *
 * <p>A CA that is expiring (within renewBefore) or whose subject or key spec no longer match is
 * replaced in three phases when an overlap O is set:
 *
 * <ol>
 *   <li>a new CA is made as {@code ca-next} and joins the trusted certificates ({@code
 *       trust-bundle.crt}, {@code truststore.p12}, {@code trust-hashed/}); {@code ca.crt} keeps
 *       signing and the server keeps its certificate. When the new CA was made is its notBefore
 *       plus the issuer's backdating ({@link RotationSchedule#madeAt}).
 *   <li>from made + O, the next apply promotes it: {@code ca-next} becomes {@code ca}, the server
 *       is issued again by it, and the old CA stays trusted as {@code ca-previous} (without its
 *       key: it signs nothing any more), for the certificates it signed for other hosts.
 *   <li>from made + 2·O, or when it expires if that is earlier, {@code ca-previous} leaves the
 *       trusted certificates.
 * </ol>
 *
 * Without an overlap a CA is replaced at once, as it always was. With one it is still replaced at
 * once when the current CA cannot be used any longer (missing, not matching its key, expired, not
 * yet valid, not a CA) — a new CA already trusted as {@code ca-next} then takes over — and for
 * {@code --replace ca}, which is for a suspected key compromise: then no old CA stays trusted and a
 * pending {@code ca-next} (its key was in the same store) is dropped as well.
 */
final class CaRotation {
  /** Reasons a phased rotation may wait out: the current CA still signs correctly meanwhile. */
  private static final Set<ReasonCode> PHASED =
      EnumSet.of(ReasonCode.EXPIRING, ReasonCode.SUBJECT_CHANGED, ReasonCode.KEY_SPEC_CHANGED);

  private static final List<String> ORDER = List.of("ca", "ca-next", "ca-previous");

  /**
   * What the planner needs to go on.
   *
   * @param unchanged how many of {@code ca}, {@code ca-next}, {@code ca-previous} were checked and
   *     stay as they are
   * @param signerChanges {@code ca.crt} changes: the server certificate must be issued by the new
   *     one
   * @param bundleCascade why the trust outputs must be written again, when the internal CAs they
   *     hold change
   */
  record Outcome(
      List<Change> changes,
      List<Warning> warnings,
      int unchanged,
      boolean signerChanges,
      Optional<String> bundleCascade) {}

  private final PlanInput in;
  private final CaSpec ca;
  private final Subject subject;
  private final ObservedStore observed;
  private final Optional<CertificateFacts> current;
  private final Instant now;
  private final Optional<Duration> overlap;
  private final List<Change> changes = new ArrayList<>();
  private final List<Warning> warnings = new ArrayList<>();
  private int unchanged;
  private boolean signerChanges;
  private Optional<String> bundleCascade = Optional.empty();

  private CaRotation(PlanInput in) {
    this.in = in;
    this.ca = in.desired().ca();
    this.subject = ca.effectiveSubject(in.host());
    this.observed = in.observed();
    this.current = observed.caCertificate();
    this.now = in.now();
    this.overlap = ca.rotationOverlap();
  }

  static Outcome decide(PlanInput in) {
    return new CaRotation(in).decide();
  }

  /**
   * The internal CAs among the trusted certificates, by their {@code truststore.p12} alias, in
   * bundle order: {@code ca.crt}, {@code ca-next.crt}, {@code ca-previous.crt}.
   */
  static LinkedHashMap<String, CertificateFacts> trustedCas(ObservedStore observed) {
    LinkedHashMap<String, CertificateFacts> cas = new LinkedHashMap<>();
    observed.caCertificate().ifPresent(c -> cas.put(Planner.CA_TRUST_ALIAS, c));
    observed.caNextCertificate().ifPresent(c -> cas.put(Planner.CA_NEXT_TRUST_ALIAS, c));
    observed.caPreviousCertificate().ifPresent(c -> cas.put(Planner.CA_PREVIOUS_TRUST_ALIAS, c));
    return cas;
  }

  private Outcome decide() {
    List<Reason> reasons = currentReasons();
    if (reasons.isEmpty()) {
      unchanged++;
      abandonNext();
      planPrevious();
    } else if (in.replace().contains(PlanInput.Replace.CA)) {
      replaceAtOnce(reasons, true);
    } else {
      boolean phased =
          overlap.isPresent() && reasons.stream().allMatch(r -> PHASED.contains(r.code()));
      Optional<CertificateFacts> next = usableNext();
      if (!phased) {
        if (next.isPresent()) {
          promote(reasons, next.get(), true);
        } else {
          replaceAtOnce(reasons, false);
        }
      } else if (next.isEmpty()) {
        startRotation(reasons);
      } else if (now.isBefore(moveAt(next.get()))) {
        awaitMove(reasons, next.get());
      } else {
        promote(reasons, next.get(), false);
      }
    }
    changes.sort(Comparator.comparingInt(c -> ORDER.indexOf(c.address())));
    return new Outcome(changes, warnings, unchanged, signerChanges, bundleCascade);
  }

  /** Why {@code ca.crt} must be replaced; empty when it stays. */
  private List<Reason> currentReasons() {
    Optional<KeyFacts> key = observed.caKey();
    List<Reason> reasons = new ArrayList<>();
    if (current.isEmpty() && key.isEmpty()) {
      reasons.add(new Reason(ReasonCode.MISSING, "no CA in the store yet"));
    } else if (current.isEmpty()) {
      reasons.add(new Reason(ReasonCode.MISSING, "ca.crt is missing"));
    } else if (key.isEmpty()) {
      reasons.add(new Reason(ReasonCode.MISSING, "ca.key is missing"));
    } else {
      CertificateFacts c = current.get();
      if (in.replace().contains(PlanInput.Replace.CA)) {
        reasons.add(new Reason(ReasonCode.REPLACE_REQUESTED, "replacement requested (--replace ca)"));
      }
      Planner.keyReasons(c, key.get(), ca.key(), "ca", reasons);
      if (ca.subject().isPresent() && !c.subject().equals(subject)) {
        reasons.add(
            new Reason(ReasonCode.SUBJECT_CHANGED, "subject changed: " + c.subjectDn() + " → " + subject));
      }
      if (!c.ca()) {
        reasons.add(new Reason(ReasonCode.PROFILE_CHANGED, "ca.crt is not a CA certificate"));
      }
      // A rotation under way goes on outside windows: only its start waits for one.
      boolean unattended = in.unattended() && observed.caNextCertificate().isEmpty();
      Planner.validityReasons(
          c,
          Renewals.issuedHere(ca.renewBefore(), in.desired(), in.host(), c),
          now,
          unattended,
          "ca",
          reasons,
          warnings);
    }
    return reasons;
  }

  /** Why {@code ca-next} cannot take over; empty when it can (or when there is none). */
  private List<Reason> nextProblems() {
    Optional<CertificateFacts> cert = observed.caNextCertificate();
    Optional<KeyFacts> key = observed.caNextKey();
    List<Reason> problems = new ArrayList<>();
    if (cert.isEmpty() && key.isEmpty()) {
      return problems;
    }
    if (cert.isEmpty()) {
      problems.add(new Reason(ReasonCode.MISSING, Planner.CA_NEXT_CERT_FILE + " is missing"));
    } else if (key.isEmpty()) {
      problems.add(new Reason(ReasonCode.MISSING, Planner.CA_NEXT_KEY_FILE + " is missing"));
    } else {
      CertificateFacts c = cert.get();
      List<Reason> found = new ArrayList<>();
      Planner.keyReasons(c, key.get(), ca.key(), "ca-next", found);
      if (ca.subject().isPresent() && !c.subject().equals(subject)) {
        found.add(
            new Reason(ReasonCode.SUBJECT_CHANGED, "subject changed: " + c.subjectDn() + " → " + subject));
      }
      if (!c.ca()) {
        found.add(new Reason(ReasonCode.PROFILE_CHANGED, "not a CA certificate"));
      }
      Planner.validityReasons(
          c,
          Renewals.issuedHere(ca.renewBefore(), in.desired(), in.host(), c),
          now,
          false,
          "ca-next",
          found,
          new ArrayList<>());
      found.forEach(r -> problems.add(named(Planner.CA_NEXT_CERT_FILE, r)));
    }
    return problems;
  }

  private Optional<CertificateFacts> usableNext() {
    return nextProblems().isEmpty() ? observed.caNextCertificate() : Optional.empty();
  }

  private boolean nextPresent() {
    return observed.caNextCertificate().isPresent() || observed.caNextKey().isPresent();
  }

  /** When the server moves to {@code ca-next}: one overlap after it was made. */
  private Instant moveAt(CertificateFacts next) {
    return RotationSchedule.madeAt(next).plus(overlap.orElse(Duration.ZERO));
  }

  // ---- the phases ---------------------------------------------------------------------------

  /** Phase 1: a new CA joins the trusted certificates; the current one keeps signing. */
  private void startRotation(List<Reason> reasons) {
    Duration o = overlap.orElseThrow();
    boolean again = nextPresent();
    List<Reason> all = new ArrayList<>();
    reasons.forEach(r -> all.add(named("ca.crt", r)));
    all.addAll(nextProblems());
    Instant move = now.plus(o);
    all.add(
        new Reason(
            ReasonCode.CA_ROTATION,
            "a new CA is made now and trusted next to the current one, which keeps signing; the"
                + " server moves to it on "
                + Planner.DATE.format(move)
                + " (overlap "
                + span(o)
                + ")"
                + (again ? "; the overlap starts again" : "")));
    SortedMap<String, String> after = new TreeMap<>();
    after.put("subject", subject.toString());
    after.put("key", ca.key().toString());
    after.put("validity", DurationText.exact(ca.validity()));
    after.put("serverMovesOn", Planner.DATE.format(move));
    changes.add(
        new Change(
            "ca-next",
            again ? Action.REPLACE : Action.CREATE,
            all,
            new Intent.IssueNextCa(subject, ca.key(), ca.validity()),
            observed.caNextCertificate().map(Planner::certificateAttributes).orElseGet(TreeMap::new),
            after));
    unchanged++; // ca.crt keeps signing until the move
    cascade(again ? "the new CA is made again" : "the new CA joins the trusted certificates");
    planPrevious();
  }

  /** Between phase 1 and 2: nothing to do but say when the server moves. */
  private void awaitMove(List<Reason> reasons, CertificateFacts next) {
    unchanged += 2;
    warnings.add(
        new Warning(
            ReasonCode.CA_ROTATION.code(),
            "ca-next",
            "CA rotation: the new CA "
                + next.subjectDn()
                + " ("
                + Planner.CA_NEXT_CERT_FILE
                + ") was made on "
                + Planner.DATE.format(RotationSchedule.madeAt(next))
                + " and is trusted; the server moves to it on "
                + Planner.DATE.format(moveAt(next))
                + " (overlap "
                + span(overlap.orElseThrow())
                + "): the first apply from then on does it. It replaces ca.crt: "
                + reasons.stream().map(Reason::message).collect(Collectors.joining("; "))));
    planPrevious();
  }

  /**
   * Phase 2: {@code ca-next} becomes the CA.
   *
   * @param atOnce the current CA cannot wait for the overlap to end (or there is none)
   */
  private void promote(List<Reason> reasons, CertificateFacts next, boolean atOnce) {
    List<Reason> all = new ArrayList<>(reasons);
    String made = Planner.DATE.format(RotationSchedule.madeAt(next));
    String move = Planner.DATE.format(moveAt(next));
    if (overlap.isEmpty()) {
      all.add(
          new Reason(
              ReasonCode.CA_ROTATION,
              "ca.rotation.overlap is not set: the new CA made on "
                  + made
                  + " (ca-next.crt), already trusted, takes over at once"));
    } else if (atOnce) {
      all.add(
          new Reason(
              ReasonCode.CA_ROTATION,
              "the current CA cannot be used any longer: the new CA made on "
                  + made
                  + " (ca-next.crt) takes over at once"
                  + (now.isBefore(moveAt(next)) ? ", before its overlap ends on " + move : "")));
    } else {
      all.add(
          new Reason(
              ReasonCode.CA_ROTATION,
              "the overlap of "
                  + span(overlap.get())
                  + " since the new CA was made on "
                  + made
                  + " ended on "
                  + move
                  + ": ca-next.crt becomes ca.crt and signs the server"));
    }
    changes.add(
        new Change(
            "ca",
            current.isEmpty() && observed.caKey().isEmpty() ? Action.CREATE : Action.REPLACE,
            all,
            new Intent.PromoteNextCa(next.fingerprint()),
            current.map(Planner::certificateAttributes).orElseGet(TreeMap::new),
            Planner.certificateAttributes(next)));
    signerChanges = true;
    cascade("the CA is being replaced");
    retire(RotationSchedule.madeAt(next));
  }

  /**
   * The CA is replaced by one made now.
   *
   * @param compromise {@code --replace ca}: no old CA stays trusted
   */
  private void replaceAtOnce(List<Reason> reasons, boolean compromise) {
    List<Reason> all = new ArrayList<>(reasons);
    if (overlap.isPresent() && current.isPresent()) {
      all.add(
          new Reason(
              ReasonCode.CA_ROTATION,
              "at once, without the overlap of "
                  + span(overlap.get())
                  + (compromise
                      ? ": --replace ca is for a suspected key compromise, which must not wait; no"
                          + " old CA stays trusted"
                      : ": the current CA cannot be used any longer")));
    }
    // A replaced CA always gets a new key: a re-issued root with an old key but a new subject
    // or validity confuses clients that cache issuers by key identifier.
    SortedMap<String, String> after = new TreeMap<>();
    after.put("subject", subject.toString());
    after.put("key", ca.key().toString());
    after.put("validity", DurationText.exact(ca.validity()));
    changes.add(
        new Change(
            "ca",
            current.isEmpty() && observed.caKey().isEmpty() ? Action.CREATE : Action.REPLACE,
            all,
            new Intent.IssueCa(subject, ca.key(), ca.validity(), true),
            current.map(Planner::certificateAttributes).orElseGet(TreeMap::new),
            after));
    signerChanges = true;
    cascade("the CA is being replaced");
    if (nextPresent()) {
      dropNext(
          compromise
              ? new Reason(
                  ReasonCode.REPLACE_REQUESTED,
                  "--replace ca: the pending new CA's key was kept in the same store; it is"
                      + " dropped too")
              : new Reason(
                  ReasonCode.NOT_WANTED,
                  "it cannot take over ("
                      + nextProblems().stream().map(Reason::message).collect(Collectors.joining("; "))
                      + "): the CA made now replaces it"));
    }
    if (compromise) {
      observed
          .caPreviousCertificate()
          .ifPresent(
              p ->
                  dropPrevious(
                      new Reason(
                          ReasonCode.REPLACE_REQUESTED,
                          "--replace ca: the previous CA no longer stays trusted")));
    } else {
      retire(now);
    }
  }

  /**
   * The CA being replaced stays trusted as {@code ca-previous} until two overlaps after its
   * successor was made (or until it expires); any CA retired before leaves.
   */
  private void retire(Instant successorMade) {
    Optional<CertificateFacts> previous = observed.caPreviousCertificate();
    if (overlap.isPresent()
        && current.isPresent()
        && current.get().ca()
        && !now.isBefore(current.get().notBefore())
        && now.isBefore(current.get().notAfter())) {
      CertificateFacts old = current.get();
      Instant until = earlier(old.notAfter(), successorMade.plus(overlap.get().multipliedBy(2)));
      if (now.isBefore(until)) {
        SortedMap<String, String> after = Planner.certificateAttributes(old);
        after.put("trustedUntil", Planner.DATE.format(until));
        changes.add(
            new Change(
                "ca-previous",
                previous.isPresent() ? Action.REPLACE : Action.CREATE,
                List.of(
                    new Reason(
                        ReasonCode.CA_ROTATION,
                        "the old CA "
                            + old.subjectDn()
                            + " stays trusted until "
                            + Planner.DATE.format(until)
                            + " for the certificates it signed for other hosts"
                            + previous
                                .map(p -> "; the CA retired before (" + p.subjectDn() + ") leaves")
                                .orElse(""))),
                new Intent.KeepPreviousCa(old.fingerprint()),
                previous.map(Planner::certificateAttributes).orElseGet(TreeMap::new),
                after));
        return;
      }
      warnings.add(
          new Warning(
              ReasonCode.CA_ROTATION.code(),
              "ca-previous",
              "the old CA "
                  + old.subjectDn()
                  + " does not stay trusted: its overlap after the move ended on "
                  + Planner.DATE.format(until)
                  + " (no apply ran between the move date and then)"));
    }
    if (previous.isPresent()) {
      dropPrevious(
          overlap.isEmpty()
              ? new Reason(
                  ReasonCode.NOT_WANTED,
                  "ca.rotation.overlap is not set: no old CA stays trusted")
              : new Reason(
                  ReasonCode.CA_ROTATION,
                  "the CA is replaced again: the CA retired before leaves the trusted certificates"));
    }
  }

  /** Phase 3, or nothing: {@code ca-previous} stays trusted until its time is up. */
  private void planPrevious() {
    Optional<CertificateFacts> previous = observed.caPreviousCertificate();
    if (previous.isEmpty()) {
      return;
    }
    CertificateFacts p = previous.get();
    if (overlap.isEmpty()) {
      dropPrevious(
          new Reason(
              ReasonCode.NOT_WANTED,
              "ca.rotation.overlap is not set: the previous CA leaves the trusted certificates"));
      return;
    }
    if (!now.isBefore(p.notAfter())) {
      dropPrevious(
          new Reason(
              ReasonCode.EXPIRED,
              "expired on "
                  + Planner.DATE.format(p.notAfter())
                  + ": the previous CA leaves the trusted certificates"));
      return;
    }
    Instant until =
        current.map(c -> RotationSchedule.madeAt(c).plus(overlap.get().multipliedBy(2))).orElse(now);
    if (!now.isBefore(until)) {
      dropPrevious(
          new Reason(
              ReasonCode.CA_ROTATION,
              "the overlap after the move to the new CA ended on "
                  + Planner.DATE.format(until)
                  + ": the previous CA leaves the trusted certificates"));
      return;
    }
    unchanged++;
    warnings.add(
        new Warning(
            ReasonCode.CA_ROTATION.code(),
            "ca-previous",
            "CA rotation: the previous CA "
                + p.subjectDn()
                + " ("
                + Planner.CA_PREVIOUS_CERT_FILE
                + ") stays trusted until "
                + Planner.DATE.format(
                    RotationSchedule.of(ca, observed).previousTrustedUntil().orElse(until))
                + " for the certificates it signed for other hosts; the first apply from then on"
                + " removes it"));
  }

  /** {@code ca.crt} is fine: a {@code ca-next} made for a rotation that is off now goes. */
  private void abandonNext() {
    if (!nextPresent()) {
      return;
    }
    dropNext(
        new Reason(
            ReasonCode.NOT_WANTED,
            "ca.crt matches the desired state: no CA rotation is pending, the new CA made for one"
                + " is dropped"));
  }

  // ---- shared -------------------------------------------------------------------------------

  private void dropNext(Reason reason) {
    changes.add(
        new Change(
            "ca-next",
            Action.DELETE,
            List.of(reason),
            new Intent.RemoveNextCa(),
            observed.caNextCertificate().map(Planner::certificateAttributes).orElseGet(TreeMap::new),
            new TreeMap<>()));
    if (observed.caNextCertificate().isPresent()) {
      cascade("the new CA leaves the trusted certificates");
    }
  }

  private void dropPrevious(Reason reason) {
    changes.add(
        new Change(
            "ca-previous",
            Action.DELETE,
            List.of(reason),
            new Intent.RemovePreviousCa(),
            observed.caPreviousCertificate().map(Planner::certificateAttributes).orElseGet(TreeMap::new),
            new TreeMap<>()));
    cascade("the previous CA leaves the trusted certificates");
  }

  /** The first cause wins: it is the one a reviewer needs (a replaced CA above all). */
  private void cascade(String why) {
    if (bundleCascade.isEmpty()) {
      bundleCascade = Optional.of(why);
    }
  }

  /** The reason with the file it is about in front, unless it names one already. */
  private static Reason named(String file, Reason reason) {
    String message = reason.message();
    return message.startsWith("ca.") || message.startsWith("ca-next.")
        ? reason
        : new Reason(reason.code(), file + ": " + message);
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** A duration as configured: {@code 7d}, {@code 12h}, {@code 30m}. */
  static String span(Duration d) {
    long s = d.toSeconds();
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3_600 == 0) {
      return s / 3_600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
