package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hostpki.model.Backdate;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.Subject;
import org.hostpki.renewal.RenewalSchedule;

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
 *       plus the issuer's backdating ({@link CertificateFacts#madeAt}).
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
 *
 * <p>Over 400 lines on purpose: the phases of one rotation (start, wait, move, retire, abandon)
 * decide together what {@code ca}, {@code ca-next} and {@code ca-previous} become, and split
 * apart each would need the others' state.
 */
final class CaRotation {
  private static final List<String> ORDER = List.of(Address.CA, Address.CA_NEXT, Address.CA_PREVIOUS);

  /**
   * What the parts planned after the CA need to know of it.
   *
   * @param signerChanges {@code ca.crt} changes: the server certificate must be issued by the new
   *     one
   * @param bundleCascade why the trust outputs must be written again, when the internal CAs they
   *     hold change
   * @param trustedCas the internal CAs trusted after apply, by alias, in bundle order
   * @param signerConstraints the name constraints of the CA that signs after apply
   */
  record Outcome(
      boolean signerChanges,
      Optional<String> bundleCascade,
      LinkedHashMap<String, Held> trustedCas,
      Optional<NameConstraints> signerConstraints) {}

  private final PlanInput in;
  private final CaSpec ca;
  private final Subject subject;
  private final ObservedStore observed;
  private final Optional<CertificateFacts> current;
  private final Instant now;
  private final Optional<Duration> overlap;
  private final PlanDraft draft;
  private final List<Change> changes = new ArrayList<>();
  private boolean signerChanges;
  private Optional<String> bundleCascade = Optional.empty();
  private Optional<NameConstraints> signerConstraints;

  private CaRotation(PlanInput in, PlanDraft draft) {
    this.in = in;
    this.draft = draft;
    this.ca = in.desired().ca();
    this.subject = ca.effectiveSubject(in.host());
    this.observed = in.observed();
    this.current = observed.caCertificate();
    this.now = in.now();
    this.overlap = ca.rotationOverlap();
    this.signerConstraints = current.flatMap(CertificateFacts::nameConstraints);
  }

  /** Plans {@code ca}, {@code ca-next} and {@code ca-previous} into {@code draft}. */
  static Outcome decide(PlanInput in, PlanDraft draft) {
    return new CaRotation(in, draft).decide();
  }

  private Outcome decide() {
    List<Reason> reasons = currentReasons();
    if (reasons.isEmpty()) {
      draft.unchanged();
      abandonNext();
      planPrevious();
    } else if (in.replace().contains(PlanInput.Replace.CA)) {
      replaceAtOnce(reasons, true);
    } else {
      boolean phased =
          overlap.isPresent() && reasons.stream().allMatch(r -> r.code().waitsForOverlap());
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
    changes.forEach(draft::add);
    return new Outcome(signerChanges, bundleCascade, trustedAfterApply(), signerConstraints);
  }

  /**
   * The internal CAs trusted after apply, by their {@code truststore.p12} alias, in bundle order:
   * what the store holds, as this plan's changes leave it.
   */
  private LinkedHashMap<String, Held> trustedAfterApply() {
    boolean next = observed.caNextCertificate().isPresent();
    boolean previous = observed.caPreviousCertificate().isPresent();
    for (Change c : changes) {
      Intent intent = c.intent();
      if (intent instanceof Intent.IssueNextCa) {
        next = true;
      } else if (intent instanceof Intent.PromoteNextCa || intent instanceof Intent.RemoveNextCa) {
        next = false;
      } else if (intent instanceof Intent.KeepPreviousCa) {
        previous = true;
      } else if (intent instanceof Intent.RemovePreviousCa) {
        previous = false;
      }
    }
    LinkedHashMap<String, Held> cas = new LinkedHashMap<>();
    cas.put(StoreLayout.CA_ALIAS, Held.Stored.CA);
    if (next) {
      cas.put(StoreLayout.CA_NEXT_ALIAS, Held.Stored.CA_NEXT);
    }
    if (previous) {
      cas.put(StoreLayout.CA_PREVIOUS_ALIAS, Held.Stored.CA_PREVIOUS);
    }
    return cas;
  }

  /** Why {@code ca.crt} must be replaced; empty when it stays. */
  private List<Reason> currentReasons() {
    Optional<KeyFacts> key = observed.caKey();
    List<Reason> reasons = new ArrayList<>();
    Optional<Reason> missing =
        CertificateChecks.missingReason(
            current, key, "no CA in the store yet", StoreLayout.CA_CERT, StoreLayout.CA_KEY);
    if (missing.isPresent()) {
      reasons.add(missing.get());
    } else {
      CertificateFacts c = current.get();
      if (in.replace().contains(PlanInput.Replace.CA)) {
        reasons.add(new Reason(ReasonCode.REPLACE_REQUESTED, "replacement requested (--replace ca)"));
      }
      CertificateChecks.keyReasons(c, key.get(), ca.key(), "ca", reasons);
      subjectReason(c).ifPresent(reasons::add);
      constraintsReason(c).ifPresent(reasons::add);
      if (!c.ca()) {
        reasons.add(new Reason(ReasonCode.PROFILE_CHANGED, "ca.crt is not a CA certificate"));
      }
      // A rotation under way goes on outside windows: only its start waits for one.
      boolean unattended = in.unattended() && observed.caNextCertificate().isEmpty();
      RenewalSchedule schedule = Renewals.issuedHere(ca.renewBefore(), in.desired(), c);
      CertificateChecks.validityReasons(c, schedule, now, unattended, Address.CA, reasons, draft::warn);
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
      problems.add(new Reason(ReasonCode.MISSING, StoreLayout.CA_NEXT_CERT + " is missing"));
    } else if (key.isEmpty()) {
      problems.add(new Reason(ReasonCode.MISSING, StoreLayout.CA_NEXT_KEY + " is missing"));
    } else {
      CertificateFacts c = cert.get();
      List<Reason> found = new ArrayList<>();
      CertificateChecks.keyReasons(c, key.get(), ca.key(), "ca-next", found);
      subjectReason(c).ifPresent(found::add);
      constraintsReason(c).ifPresent(found::add);
      if (!c.ca()) {
        found.add(new Reason(ReasonCode.PROFILE_CHANGED, "not a CA certificate"));
      }
      RenewalSchedule schedule = Renewals.issuedHere(ca.renewBefore(), in.desired(), c);
      CertificateChecks.validityReasons(c, schedule, now, false, Address.CA_NEXT, found, warning -> {});
      found.forEach(r -> problems.add(named(StoreLayout.CA_NEXT_CERT, r)));
    }
    return problems;
  }

  /**
   * How the CA made now differs from the current one besides the reasons it is replaced for: what
   * alone replaces no CA but a new CA takes all the same — the subject after the host's current
   * name ({@code ca.subject} not set), the name constraints {@code ca.policy} gives or none ({@code
   * ca.nameConstraints} not set), and {@code ca.validity}. So the plan says every way it differs.
   */
  private List<Reason> alsoDiffers() {
    if (current.isEmpty()) {
      return List.of();
    }
    CertificateFacts c = current.get();
    List<Reason> more = new ArrayList<>();
    if (ca.subject().isEmpty()) {
      CertificateChecks.subjectReason(c.subject(), c.subjectDn(), subject)
          .map(r -> new Reason(r.code(), r.message() + " (after the host's name: ca.subject is not set)"))
          .ifPresent(more::add);
    }
    NameConstraints held = c.nameConstraints().orElse(NameConstraints.NONE);
    NameConstraints made = forNewCa().orElse(NameConstraints.NONE);
    if (ca.nameConstraints().isEmpty() && !held.equals(made)) {
      more.add(
          new Reason(
              ReasonCode.NAME_CONSTRAINTS_CHANGED,
              "name constraints " + held + " → " + made + " (ca.nameConstraints is not set)"));
    }
    Duration lifetime = c.validity();
    if (lifetime.minus(ca.validity()).abs().compareTo(Backdate.of(ca.validity())) > 0) {
      more.add(
          new Reason(
              ReasonCode.PROFILE_CHANGED,
              "validity " + DurationText.of(lifetime) + " → " + DurationText.of(ca.validity()) + " (ca.validity)"));
    }
    return more;
  }

  /** A subject change counts only when the desired state names one: the default follows the host. */
  private Optional<Reason> subjectReason(CertificateFacts c) {
    return ca.subject().isPresent()
        ? CertificateChecks.subjectReason(c.subject(), c.subjectDn(), subject)
        : Optional.empty();
  }

  /**
   * Declared {@code ca.nameConstraints} that differ from the certificate's are a change of the CA;
   * the default from {@code ca.policy} is not: it only goes into a CA made anyway.
   */
  private Optional<Reason> constraintsReason(CertificateFacts c) {
    Optional<NameConstraints> declared = ca.nameConstraints();
    NameConstraints held = c.nameConstraints().orElse(NameConstraints.NONE);
    if (declared.isEmpty() || declared.get().equals(held)) {
      return Optional.empty();
    }
    return Optional.of(
        new Reason(
            ReasonCode.NAME_CONSTRAINTS_CHANGED,
            "name constraints " + held + " → " + declared.get() + " (ca.nameConstraints)"));
  }

  /**
   * The name constraints of a CA made now: the declared ones, or the default from {@code
   * ca.policy} widened by the names this host's own server certificate carries, which the CA
   * signs too (otherwise every client would refuse it).
   */
  private Optional<NameConstraints> forNewCa() {
    Optional<NameConstraints> constraints = ca.nameConstraintsForNewCa();
    if (ca.nameConstraints().isPresent() || constraints.isEmpty()) {
      return constraints;
    }
    ServerNames own = ServerNames.of(in);
    return Optional.of(constraints.get().permitting(own.dnsNames(), own.ipAddresses()));
  }

  /** What a CA made now is described by, before it exists. */
  private Attributes newCa() {
    Attributes after =
        Attributes.none()
            .with("subject", subject.toString())
            .with("key", ca.key().toString())
            .with("validity", ca.validity());
    return forNewCa().map(c -> after.with("name_constraints", c.toString())).orElse(after);
  }

  /**
   * The CA of a kept generation newer than the current one whose key a CA made now takes over:
   * after a rollback to before a rotation began (or a CA was replaced), applying again must not
   * make a key that no client knows, while clients may already trust the one made then. It must
   * be a valid CA with the desired subject and key kind, made after the current CA and holding
   * neither its key nor the previous CA's; the newest such.
   */
  private Optional<PlanInput.KeptCa> keptCa() {
    List<Fingerprint> excluded = new ArrayList<>();
    current.ifPresent(c -> excluded.add(c.publicKey().publicKeyFingerprint()));
    observed.caKey().ifPresent(k -> excluded.add(k.publicKeyFingerprint()));
    observed.caPreviousCertificate().ifPresent(c -> excluded.add(c.publicKey().publicKeyFingerprint()));
    return in.keptCas().stream()
        .filter(
            k -> {
              CertificateFacts c = k.certificate();
              return c.ca()
                  && c.isValidAt(now)
                  && c.subject().equals(subject)
                  && CertificateChecks.keySpecReason(c.publicKey(), ca.key()).isEmpty()
                  && current.map(cur -> c.notBefore().isAfter(cur.notBefore())).orElse(true)
                  && !excluded.contains(c.publicKey().publicKeyFingerprint());
            })
        .max(Comparator.comparing((PlanInput.KeptCa k) -> k.certificate().notBefore()));
  }

  private static Reason keptKeyReason(PlanInput.KeptCa kept) {
    return new Reason(
        ReasonCode.CA_ROTATION,
        "it takes the key of the CA made on "
            + DateText.of(kept.certificate().madeAt())
            + " (" + kept.file() + " of generation " + kept.generation()
            + ", which a rollback went back past): clients may already trust that key, and would"
            + " not know a new one");
  }

  private Optional<CertificateFacts> usableNext() {
    return nextProblems().isEmpty() ? observed.caNextCertificate() : Optional.empty();
  }

  private boolean nextPresent() {
    return observed.caNextCertificate().isPresent() || observed.caNextKey().isPresent();
  }

  /** When the server moves to {@code ca-next}: one overlap after it was made. */
  private Instant moveAt(CertificateFacts next) {
    return next.madeAt().plus(overlap.orElse(Duration.ZERO));
  }

  // ---- the phases ---------------------------------------------------------------------------

  /** Phase 1: a new CA joins the trusted certificates; the current one keeps signing. */
  private void startRotation(List<Reason> reasons) {
    Duration o = overlap.orElseThrow();
    boolean again = nextPresent();
    List<Reason> all = new ArrayList<>();
    reasons.forEach(r -> all.add(named(StoreLayout.CA_CERT, r)));
    all.addAll(alsoDiffers());
    all.addAll(nextProblems());
    Instant move = now.plus(o);
    all.add(
        new Reason(
            ReasonCode.CA_ROTATION,
            "a new CA is made now and trusted next to the current one, which keeps signing; the"
                + " server moves to it on "
                + DateText.of(move)
                + " (overlap "
                + DurationText.of(o)
                + ")"
                + (again ? "; the overlap starts again" : "")
                + HAND_NEXT_TO_CLIENTS));
    Optional<PlanInput.KeptCa> kept = keptCa();
    kept.ifPresent(k -> all.add(keptKeyReason(k)));
    Attributes after = newCa().with("server_moves_on", move);
    changes.add(
        new Change(
            Address.CA_NEXT,
            again ? Action.REPLACE : Action.CREATE,
            all,
            new Intent.IssueNextCa(
                subject, ca.key(), ca.validity(), forNewCa(), kept.map(k -> k.certificate().fingerprint())),
            observed.caNextCertificate().map(Attributes::of).orElseGet(Attributes::none),
            after));
    draft.unchanged(); // ca.crt keeps signing until the move
    cascade(again ? "the new CA is made again" : "the new CA joins the trusted certificates");
    planPrevious();
  }

  /**
   * What the plan of a rotation's first phase says about the clients: the ones given the CA by
   * hand refuse the server at the move unless they trust the new CA by then (the README's
   * "Rotating the CA without an outage").
   */
  static final String HAND_NEXT_TO_CLIENTS =
      "; clients that trust the CA by hand need the new one before then: hostpki export"
          + " ca-next-cert (browsers) or trust-bundle";

  /** Between phase 1 and 2: nothing to do but say when the server moves. */
  private void awaitMove(List<Reason> reasons, CertificateFacts next) {
    draft.unchanged(); // ca.crt keeps signing
    draft.unchanged(); // ca-next.crt stays trusted
    warnNext(
        next,
        "is trusted; the server moves to it on "
            + DateText.of(moveAt(next))
            + " (overlap "
            + DurationText.of(overlap.orElseThrow())
            + "): the first apply from then on does it"
            + HAND_NEXT_TO_CLIENTS
            + ". It replaces ca.crt: "
            + reasons.stream().map(Reason::message).collect(Collectors.joining("; ")));
    planPrevious();
  }

  /** The rotation's warning about the new CA {@code next}: it was made on its date, and {@code then}. */
  private void warnNext(CertificateFacts next, String then) {
    draft.warn(
        new Warning(
            WarningCode.CA_ROTATION,
            Address.CA_NEXT,
            "CA rotation: the new CA "
                + next.subjectDn()
                + " ("
                + StoreLayout.CA_NEXT_CERT
                + ") was made on "
                + DateText.of(next.madeAt())
                + " and "
                + then));
  }

  /**
   * Phase 2: {@code ca-next} becomes the CA.
   *
   * @param atOnce the current CA cannot wait for the overlap to end (or there is none)
   */
  private void promote(List<Reason> reasons, CertificateFacts next, boolean atOnce) {
    List<Reason> all = new ArrayList<>(reasons);
    String made = DateText.of(next.madeAt());
    String move = DateText.of(moveAt(next));
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
                  + DurationText.of(overlap.get())
                  + " since the new CA was made on "
                  + made
                  + " ended on "
                  + move
                  + ": ca-next.crt becomes ca.crt and signs the server"));
    }
    changes.add(
        new Change(
            Address.CA,
            current.isEmpty() && observed.caKey().isEmpty() ? Action.CREATE : Action.REPLACE,
            all,
            new Intent.PromoteNextCa(next.fingerprint()),
            current.map(Attributes::of).orElseGet(Attributes::none),
            Attributes.of(next)));
    signerChanges = true;
    signerConstraints = next.nameConstraints();
    cascade("the CA is being replaced");
    retire(next.madeAt());
  }

  /**
   * The CA is replaced by one made now.
   *
   * @param compromise {@code --replace ca}: no old CA stays trusted
   */
  private void replaceAtOnce(List<Reason> reasons, boolean compromise) {
    if (overlap.isEmpty() && current.isPresent() && !compromise) {
      // The default: a browser that trusts ca.crt refuses the server from this apply on, and an
      // unattended run does it 90 days before the CA's end with nothing else to say so. (A CA
      // that signs nothing clients see is worded as the server's, as it always was.)
      CaAudience audience = CaAudience.of(in.desired()).orElse(new CaAudience(true, false));
      draft.warn(
          new Warning(
              WarningCode.CA_ROTATION,
              Address.CA,
              "the CA is replaced in one step (no ca.rotation): "
                  + audience.moves("in the same apply", "at their next signing")
                  + ", and clients that trust the CA by hand (browsers, a copied trust-bundle.crt or"
                  + " truststore.p12) refuse " + audience.refused() + " until they trust the new CA"
                  + " (hostpki export ca-cert); with ca.rotation.overlap the new CA is trusted"
                  + " first and " + (audience.fleet() ? "the move comes" : "the server moves") + " later"));
    }
    List<Reason> all = new ArrayList<>(reasons);
    all.addAll(alsoDiffers());
    if (overlap.isPresent() && current.isPresent()) {
      all.add(
          new Reason(
              ReasonCode.CA_ROTATION,
              "at once, without the overlap of "
                  + DurationText.of(overlap.get())
                  + (compromise
                      ? ": --replace ca is for a suspected key compromise, which must not wait; no"
                          + " old CA stays trusted"
                      : ": the current CA cannot be used any longer")));
    }
    // A replaced CA always gets a new key: a re-issued root with an old key but a new subject
    // or validity confuses clients that cache issuers by key identifier. The one exception has
    // the same subject: the key a rollback went back past, which clients may already trust.
    Optional<PlanInput.KeptCa> kept = compromise ? Optional.empty() : keptCa();
    kept.ifPresent(k -> all.add(keptKeyReason(k)));
    Attributes after = newCa();
    changes.add(
        new Change(
            Address.CA,
            current.isEmpty() && observed.caKey().isEmpty() ? Action.CREATE : Action.REPLACE,
            all,
            new Intent.IssueCa(
                subject, ca.key(), ca.validity(), true, forNewCa(), kept.map(k -> k.certificate().fingerprint())),
            current.map(Attributes::of).orElseGet(Attributes::none),
            after));
    signerChanges = true;
    signerConstraints = forNewCa();
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
        && current.get().isValidAt(now)) {
      CertificateFacts old = current.get();
      Instant until = earlier(old.notAfter(), successorMade.plus(overlap.get().multipliedBy(2)));
      if (now.isBefore(until)) {
        Attributes after = Attributes.of(old).with("trusted_until", until);
        changes.add(
            new Change(
                Address.CA_PREVIOUS,
                previous.isPresent() ? Action.REPLACE : Action.CREATE,
                List.of(
                    new Reason(
                        ReasonCode.CA_ROTATION,
                        "the old CA "
                            + old.subjectDn()
                            + " stays trusted until "
                            + DateText.of(until)
                            + " for the certificates it signed for other hosts"
                            + previous
                                .map(p -> "; the CA retired before (" + p.subjectDn() + ") leaves")
                                .orElse(""))),
                new Intent.KeepPreviousCa(old.fingerprint()),
                previous.map(Attributes::of).orElseGet(Attributes::none),
                after));
        return;
      }
      draft.warn(
          new Warning(
              WarningCode.CA_ROTATION,
              Address.CA_PREVIOUS,
              "the old CA "
                  + old.subjectDn()
                  + " does not stay trusted: its overlap after the move ended on "
                  + DateText.of(until)
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
    if (p.isExpiredAt(now)) {
      dropPrevious(
          new Reason(
              ReasonCode.EXPIRED,
              "expired on "
                  + DateText.of(p.notAfter())
                  + ": the previous CA leaves the trusted certificates"));
      return;
    }
    Instant until =
        current.map(c -> c.madeAt().plus(overlap.get().multipliedBy(2))).orElse(now);
    if (!now.isBefore(until)) {
      dropPrevious(
          new Reason(
              ReasonCode.CA_ROTATION,
              "the overlap after the move to the new CA ended on "
                  + DateText.of(until)
                  + ": the previous CA leaves the trusted certificates"));
      return;
    }
    draft.unchanged();
    draft.warn(
        new Warning(
            WarningCode.CA_ROTATION,
            Address.CA_PREVIOUS,
            "CA rotation: the previous CA "
                + p.subjectDn()
                + " ("
                + StoreLayout.CA_PREVIOUS_CERT
                + ") stays trusted until "
                + DateText.of(
                    RotationSchedule.of(ca, observed).previousTrustedUntil().orElse(until))
                + " for the certificates it signed for other hosts; the first apply from then on"
                + " removes it"));
  }

  /** {@code ca.crt} is fine: a {@code ca-next} made for a rotation that is off now goes. */
  private void abandonNext() {
    if (!nextPresent()) {
      return;
    }
    Optional<CertificateFacts> next = usableNext();
    if (overlap.isPresent() && next.isPresent()) {
      keepWaitingNext(next.get());
      return;
    }
    dropNext(
        new Reason(
            ReasonCode.NOT_WANTED,
            "ca.crt matches the desired state: no CA rotation is pending, the new CA made for one"
                + " is dropped"));
  }

  /**
   * A new CA that matches the desired state while {@code ca.crt} is not due (yet): the wall clock
   * went back across the CA's renewal time (NTP correcting a clock that ran ahead), or {@code
   * renewBefore} was shortened. It stays trusted and takes over when the CA is due: dropped, the
   * next apply after the renewal time made another one, and the clients and browsers given the
   * first (as the rotation asks) lost it (found in the time trial: a clock stepped back by 16
   * minutes made a second new CA a quarter of an hour later).
   */
  private void keepWaitingNext(CertificateFacts next) {
    draft.unchanged(); // ca-next.crt stays trusted
    // When the move comes: ca.crt's renewal time, and not before the overlap has passed.
    Instant moves = moveAt(next);
    Optional<Instant> due =
        current.map(c -> Renewals.issuedHere(ca.renewBefore(), in.desired(), c).dueAt());
    if (due.isPresent() && due.get().isAfter(moves)) {
      moves = due.get();
    }
    warnNext(
        next,
        "stays trusted, although ca.crt is not due for replacement now (the clock went back, or"
            + " ca.renewBefore was shortened); the server moves to it when ca.crt is due, on "
            + DateText.of(moves) + " (the first apply or watch look after then)");
  }

  // ---- shared -------------------------------------------------------------------------------

  private void dropNext(Reason reason) {
    delete(Address.CA_NEXT, new Intent.RemoveNextCa(), observed.caNextCertificate(), reason);
    if (observed.caNextCertificate().isPresent()) {
      cascade("the new CA leaves the trusted certificates");
    }
  }

  private void dropPrevious(Reason reason) {
    delete(Address.CA_PREVIOUS, new Intent.RemovePreviousCa(), observed.caPreviousCertificate(), reason);
    cascade("the previous CA leaves the trusted certificates");
  }

  /** A change that deletes the CA certificate at {@code address}, showing what it held. */
  private void delete(String address, Intent intent, Optional<CertificateFacts> held, Reason reason) {
    changes.add(
        new Change(
            address,
            Action.DELETE,
            List.of(reason),
            intent,
            held.map(Attributes::of).orElseGet(Attributes::none),
            Attributes.none()));
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
}
