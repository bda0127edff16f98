package org.hostpki.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hostpki.model.AcmeIdentifiers;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeyRotation;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TerminalText;
import org.hostpki.renewal.RenewalSchedule;

/**
 * Decides whether the server certificate is ordered from the ACME CA ({@code server.issuer:
 * acme}), and why. Pure, like the planner: the order itself is the apply edge's. The rules:
 *
 * <ol>
 *   <li>The identifiers are the desired SANs {@link AcmeIdentifiers#select} keeps; what it leaves
 *       out is a warning, and nothing left is a refusal.
 *   <li>An order is needed when there is no certificate or key, on {@code --replace server}, when
 *       the key must change its kind, when the served certificate is not the one this store's
 *       account last ordered from this directory, when the identifiers changed (a live host
 *       identity included), and when renewal is due: inside the CA's suggested window (ARI) at the
 *       host's deterministic point, else at {@code server.renewBefore} with the renewal jitter.
 *   <li>A failed order is recorded with its next attempt. Until then unattended runs (and the run
 *       whose own order just failed) do not order again; a person's apply orders at once unless
 *       the CA asked to wait (Retry-After, a rate limit). Meanwhile the current certificate keeps
 *       serving while it covers the identifiers and is valid; otherwise, with {@code
 *       server.acme.fallback: internal} (or with no certificate at all, or only the internal CA's
 *       stand-in), the internal CA issues one at once.
 * </ol>
 *
 * The key follows {@code server.keyRotation}: a new one on each order with {@code always}.
 */
final class AcmeOrders {
  /** What the server serves. */
  sealed interface Decision {
    /** Order for these reasons; the outcome is served. */
    record Order(List<Reason> reasons, Intent.OrderAcme intent) implements Decision {}

    /** The served certificate stays; {@code chain} is its recorded chain when it was ordered. */
    record Keep(Optional<List<CertificateFacts>> chain) implements Decision {}

    /** An internal certificate serves until an order succeeds. */
    record FallBack(List<Reason> reasons, boolean newKey) implements Decision {}

    /** Nothing can be ordered. */
    record Refused() implements Decision {}
  }

  private final PlanInput in;
  private final ObservedStore observed;
  private final ServerSpec server;
  private final AcmeSpec acme;
  private final AcmeObservation seen;
  private final ServerNames names;
  private final PlanDraft draft;
  private final String directory;

  private AcmeOrders(PlanInput in, ServerNames names, PlanDraft draft) {
    this.in = in;
    this.observed = in.observed();
    this.server = in.desired().server();
    this.acme = server.acme().orElseThrow();
    this.seen = in.acme();
    this.names = names;
    this.draft = draft;
    this.directory = TerminalText.escape(acme.directory().toString());
  }

  static Decision decide(PlanInput in, ServerNames names, PlanDraft draft) {
    return new AcmeOrders(in, names, draft).decide();
  }

  private Decision decide() {
    AcmeIdentifiers.Selection selection =
        AcmeIdentifiers.select(
            names.dnsNames(), names.ipAddresses(), acme.includeAddresses(), acme.identifiers());
    if (!selection.leftOut().isEmpty()) {
      draft.warn(
          new Warning(
              WarningCode.ACME_LEFT_OUT,
              Address.SERVER,
              "not ordered from the ACME CA, so the certificate does not name them: "
                  + selection.leftOut().stream()
                      .map(l -> TerminalText.escape(l.toString()))
                      .collect(Collectors.joining("; "))));
    }
    if (selection.isEmpty()) {
      draft.refuse(
          new Refusal(
              RefusalCode.ACME_NO_IDENTIFIERS,
              Address.SERVER,
              AcmeIdentifiers.nothingToOrder(directory),
              selection.leftOut().stream().map(l -> TerminalText.escape(l.toString())).toList()));
      return new Decision.Refused();
    }
    seen.renewalInfoProblem()
        .ifPresent(
            p ->
                draft.warn(
                    new Warning(
                        WarningCode.ACME_RENEWAL_INFO,
                        Address.SERVER,
                        "no renewal information from the ACME CA (" + p + "); renewing at"
                            + " server.renewBefore instead")));
    ServerNames ordered =
        new ServerNames(subject(selection), selection.dnsNames(), selection.addresses());
    NameChanges changes = new NameChanges(server, ordered);
    List<Reason> reasons = new ArrayList<>();
    boolean keyChange = reasons(changes, reasons);
    if (reasons.isEmpty()) {
      return new Decision.Keep(servedRecord());
    }
    Optional<KeyFacts> key = observed.serverKey();
    boolean newKey = keyChange || key.isEmpty() || server.keyRotation() == KeyRotation.ALWAYS;
    Optional<AcmeObservation.Failure> failure = seen.failure();
    if (failure.isPresent() && waits(failure.get())) {
      return waiting(failure.get(), changes, reasons, keyChange);
    }
    Optional<Fingerprint> replaces =
        observed.serverCertificate().map(CertificateFacts::fingerprint).filter(seen::orderedHere);
    return new Decision.Order(
        reasons,
        new Intent.OrderAcme(
            ordered.subject(), ordered.dnsNames(), ordered.ipAddresses(), server.key(), newKey, replaces));
  }

  /**
   * Why an order is needed, into {@code reasons}.
   *
   * @return whether the key must change
   */
  private boolean reasons(NameChanges changes, List<Reason> reasons) {
    Optional<CertificateFacts> cert = observed.serverCertificate();
    Optional<KeyFacts> key = observed.serverKey();
    Optional<Reason> missing = CertificateChecks.missingServer(cert, key);
    if (missing.isPresent()) {
      reasons.add(missing.get());
      return key.isEmpty();
    }
    CertificateFacts c = cert.get();
    boolean keyChange = false;
    if (in.replace().contains(PlanInput.Replace.SERVER)) {
      reasons.add(new Reason(ReasonCode.REPLACE_REQUESTED, "replacement requested (--replace server)"));
      keyChange = true;
    }
    int before = reasons.size();
    CertificateChecks.keyReasons(c, key.get(), server.key(), "server", reasons);
    keyChange |=
        reasons.subList(before, reasons.size()).stream().anyMatch(r -> r.code() == ReasonCode.KEY_SPEC_CHANGED);
    if (!seen.orderedHere(c.fingerprint())) {
      reasons.add(
          new Reason(
              ReasonCode.ISSUER_CHANGED,
              // An imported leaf is also the one another directory's account ordered (the CA
              // switched, staging to production): the sentence must read for that case too.
              observed.isImportedLeaf(c)
                  ? "server.crt (issued by " + c.issuerDn() + ") was not ordered by this store's ACME account at "
                      + directory + ": ordering from it"
                  : "server.issuer is acme: ordering from " + directory
                      + " instead of serving the certificate issued by " + c.issuerDn()));
    } else if (servedRecord().isEmpty()) {
      reasons.add(
          new Reason(
              ReasonCode.OUT_OF_DATE,
              "external-chain.crt, the record of the ordered chain, is missing or for another"
                  + " certificate"));
    }
    reasons.addAll(changes.exact(c.dnsNames(), c.ipAddresses()));
    RenewalSchedule schedule = Renewals.ordered(server.renewBefore(), in.desired(), c, seen);
    CertificateChecks.validityReasons(c, schedule, in.now(), in.unattended(), Address.SERVER, reasons, draft::warn);
    return keyChange;
  }

  /** Whether an order waits for the recorded failure's next attempt. */
  private boolean waits(AcmeObservation.Failure failure) {
    if (!in.now().isBefore(failure.nextAttempt())) {
      return false;
    }
    return seen.honourBackOff() || failure.caAskedToWait(in.now());
  }

  /**
   * The order waits: the served certificate stays while it still serves the identifiers, else an
   * internal one takes its place.
   */
  private Decision waiting(
      AcmeObservation.Failure failure, NameChanges changes, List<Reason> reasons, boolean keyChange) {
    Optional<CertificateFacts> cert = observed.serverCertificate();
    Optional<KeyFacts> key = observed.serverKey();
    boolean serves =
        cert.isPresent()
            && key.isPresent()
            && cert.get().publicKey().publicKeyFingerprint().equals(key.get().publicKeyFingerprint())
            && cert.get().isValidAt(in.now())
            && changes.uncovered(cert.get()).isEmpty();
    // fallback none keeps a certificate the ACME CA issued; the internal stand-in made because
    // there was none at all is re-made whenever it no longer serves
    boolean fallBack =
        !serves && (cert.isEmpty() || standIn(cert.get()) || acme.fallback() == ExternalSpec.Fallback.INTERNAL);
    String next =
        "the last ACME order failed at " + DateText.of(failure.at())
            + (failure.inARow() > 1 ? " (" + failure.inARow() + " failures in a row)" : "")
            + ": " + failure.message() + "; the next order is tried at " + DateText.of(failure.nextAttempt())
            + (failure.caAskedToWait(in.now())
                ? ", as the CA asked"
                : seen.honourBackOff() && in.unattended() ? " ('hostpki apply' tries at once)" : "");
    String meanwhile =
        serves
            ? "; the current certificate keeps serving meanwhile"
            : fallBack
                ? "; a certificate from the internal CA serves meanwhile"
                : "; the current certificate is still served (server.acme.fallback: none) although "
                    + (cert.isPresent() && !cert.get().isValidAt(in.now())
                        ? "it is not valid now"
                        : "it does not cover " + cert.map(c -> changes.uncovered(c).words()).orElse(""));
    draft.warn(new Warning(WarningCode.ACME_WAITING, Address.SERVER, next + meanwhile, !serves && !fallBack));
    if (!fallBack) {
      return new Decision.Keep(servedRecord());
    }
    if (cert.isPresent() && standIn(cert.get()) && key.isPresent() && cert.get().isValidAt(in.now())
        && cert.get().publicKey().publicKeyFingerprint().equals(key.get().publicKeyFingerprint())
        && changes.uncovered(cert.get()).isEmpty()) {
      return new Decision.Keep(Optional.empty()); // the internal certificate already serves
    }
    List<Reason> fallBackReasons = new ArrayList<>(reasons);
    fallBackReasons.add(
        new Reason(
            ReasonCode.ISSUER_CHANGED,
            "the ACME order waits until " + DateText.of(failure.nextAttempt())
                + ": serving a certificate from the internal CA until it succeeds"
                + (cert.isEmpty() || standIn(cert.get()) ? "" : " (server.acme.fallback: internal)")));
    return new Decision.FallBack(fallBackReasons, keyChange || key.isEmpty());
  }

  /** A certificate from the internal CA serving until an order succeeds. */
  private boolean standIn(CertificateFacts certificate) {
    return !observed.isImportedLeaf(certificate) && observed.serverSignedByCa();
  }

  /**
   * The recorded chain of the served certificate ({@code external-chain.crt}), whoever issued it:
   * what the outputs hold with it while it keeps serving.
   */
  private Optional<List<CertificateFacts>> servedRecord() {
    Optional<CertificateFacts> cert = observed.serverCertificate();
    return observed.externalChain()
        .filter(chain -> cert.isPresent() && chain.get(0).fingerprint().equals(cert.get().fingerprint()));
  }

  /** The request's subject: the first ordered DNS name, as CAs copy it from the SANs anyway. */
  private static Subject subject(AcmeIdentifiers.Selection selection) {
    return selection.dnsNames().stream()
        .filter(n -> n.length() <= 64)
        .findFirst()
        .map(Subject::commonName)
        .orElse(Subject.empty());
  }
}
