package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.Backdate;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CrlSpec;
import org.hostpki.model.CrlUrl;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeyRotation;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ServerSpec;
import org.hostpki.renewal.RenewalSchedule;

/**
 * Plans the server certificate and its key ({@code server.crt}, {@code server.key}): issued by the
 * internal CA, and issued again when anything about it drifted; with {@code server.issuer:
 * external}, what {@link ExternalIssuer} decides to serve (an imported chain, or an internal
 * certificate until one arrives). Pure, like the planner.
 *
 * <p>Just over 400 lines on purpose: what the external and ACME issuers decide lives apart
 * ({@link ExternalIssuer}, {@link AcmeOrders}); what stays is where the three issuers meet. Each
 * ends in one of the same two changes (an internal certificate issued, a chain installed), and the
 * drift reasons and the issue share the names checked once per plan against the CA's constraints
 * (whose warnings must come once) and the CA this plan makes or promotes; apart, they would pass
 * that state back and forth.
 */
final class ServerPlan {
  /**
   * What the parts planned after the server need to know of it.
   *
   * @param changes the server certificate changes
   * @param importedChain the imported chain the server serves after apply, leaf first, as recorded
   *     (perhaps with its root); empty when the internal CA issues the server certificate
   * @param keyChange why the server key changes, with an external issuer: the request must be
   *     written again
   * @param ordered the certificate is ordered from the ACME CA in this apply: the outputs hold the
   *     chain it brings ({@link Held.Ordered})
   */
  record Outcome(
      boolean changes,
      Optional<List<CertificateFacts>> importedChain,
      Optional<Reason> keyChange,
      boolean ordered) {

    Outcome(boolean changes, Optional<List<CertificateFacts>> importedChain, Optional<Reason> keyChange) {
      this(changes, importedChain, keyChange, false);
    }

    /** What {@code server-fullchain.crt} holds after apply when an imported chain is served. */
    Optional<List<CertificateFacts>> servedChain() {
      return importedChain.map(ExternalChainFile::servedChain);
    }
  }

  private final PlanInput in;
  private final ObservedStore observed;
  private final ServerSpec server;
  private final ServerNames names;
  private final Optional<NameConstraints> caConstraints;
  private final PlanDraft draft;
  /** The names a certificate of the internal CA gets: {@link #names} within its constraints. */
  private ServerNames issued;

  private ServerPlan(PlanInput in, Optional<NameConstraints> caConstraints, PlanDraft draft) {
    this.in = in;
    this.observed = in.observed();
    this.server = in.desired().server();
    this.names = ServerNames.of(in);
    this.caConstraints = caConstraints;
    this.draft = draft;
  }

  /**
   * @param caChanges {@code ca.crt} changes: a server certificate of the internal CA must be issued
   *     by the new one
   * @param caConstraints the name constraints of the CA that signs after apply
   */
  static Outcome plan(
      PlanInput in, boolean caChanges, Optional<NameConstraints> caConstraints, PlanDraft draft) {
    return new ServerPlan(in, caConstraints, draft).plan(caChanges);
  }

  private Outcome plan(boolean caChanges) {
    if (server.issuer() == ServerSpec.Issuer.ACME && server.acme().isPresent()) {
      return acme();
    }
    if (server.issuer() != ServerSpec.Issuer.EXTERNAL || server.external().isEmpty()) {
      return new Outcome(internal(caChanges, false), Optional.empty(), Optional.empty());
    }
    ExternalIssuer.Outcome outcome = ExternalIssuer.decide(in, names);
    outcome.warnings().forEach(draft::warn);
    outcome.refusals().forEach(draft::refuse);
    Optional<Reason> keyChange = outcome.keyChange().stream().findFirst();
    ExternalIssuer.Decision decision = outcome.decision();
    if (decision instanceof ExternalIssuer.Decision.KeepRecord keep) {
      draft.unchanged();
      return new Outcome(false, Optional.of(keep.chain()), keyChange);
    }
    if (decision instanceof ExternalIssuer.Decision.Import imported) {
      ExternalChainFile.Valid chain = imported.chain();
      CertificateFacts leaf = chain.leaf();
      install(
          new Reason(
              ReasonCode.CHAIN_IMPORTED,
              "import the chain from "
                  + chain.path()
                  + ": "
                  + leaf.subjectDn()
                  + ", issued by "
                  + leaf.issuerDn()
                  + ", valid until "
                  + DateText.of(leaf.notAfter())
                  + ImportNotes.of(chain, names, observed)),
          Intent.ChainSource.FILE,
          chain.chain());
      return new Outcome(true, Optional.of(chain.chain()), keyChange);
    }
    if (decision instanceof ExternalIssuer.Decision.InstallRecord record) {
      install(record.reason(), Intent.ChainSource.RECORD, record.chain());
      return new Outcome(true, Optional.of(record.chain()), keyChange);
    }
    if (decision instanceof ExternalIssuer.Decision.FallBack fallBack) {
      issue(Action.REPLACE, fallBack.reasons(), keyChange.isPresent());
      return new Outcome(true, Optional.empty(), keyChange);
    }
    return new Outcome(internal(caChanges, true), Optional.empty(), keyChange);
  }

  /** With {@code server.issuer: acme}: what {@link AcmeOrders} decides. */
  private Outcome acme() {
    AcmeOrders.Decision decision = AcmeOrders.decide(in, names, draft);
    if (decision instanceof AcmeOrders.Decision.Order order) {
      Intent.OrderAcme intent = order.intent();
      Attributes after =
          PlanWords.nameAttributes(
                  new ServerNames(intent.subject(), intent.dnsNames(), intent.ipAddresses()))
              .with("key", server.key().toString())
              .with("new_key", intent.newKey())
              .with("issuer", "ACME CA " + server.acme().orElseThrow().directory());
      draft.add(
          new Change(
              Address.SERVER,
              observed.serverCertificate().isEmpty() ? Action.CREATE : Action.REPLACE,
              order.reasons(),
              intent,
              before(),
              after));
      return new Outcome(true, Optional.empty(), Optional.empty(), true);
    }
    if (decision instanceof AcmeOrders.Decision.FallBack fallBack) {
      issue(
          observed.serverCertificate().isEmpty() ? Action.CREATE : Action.REPLACE,
          fallBack.reasons(),
          fallBack.newKey());
      return new Outcome(true, Optional.empty(), Optional.empty());
    }
    draft.unchanged();
    Optional<List<CertificateFacts>> chain =
        decision instanceof AcmeOrders.Decision.Keep keep ? keep.chain() : Optional.empty();
    return new Outcome(false, chain, Optional.empty());
  }

  /** Serves an imported chain: {@code server.crt} becomes its leaf. */
  private void install(Reason reason, Intent.ChainSource source, List<CertificateFacts> chain) {
    Optional<CertificateFacts> cert = observed.serverCertificate();
    draft.add(
        new Change(
            Address.SERVER,
            cert.isEmpty() ? Action.CREATE : Action.REPLACE,
            List.of(reason),
            new Intent.InstallExternalChain(
                source, chain.stream().map(CertificateFacts::fingerprint).toList()),
            before(),
            PlanWords.chainAttributes(chain)));
  }

  /**
   * Plans a certificate of the internal CA: issued again when anything about it drifted.
   *
   * @param awaitingChain the issuer is external and this certificate serves until a chain
   *     arrives: the key is kept (the request is for it) unless it must change
   * @return whether it changes
   */
  private boolean internal(boolean caChanges, boolean awaitingChain) {
    Optional<CertificateFacts> cert = observed.serverCertificate();
    Optional<KeyFacts> key = observed.serverKey();
    List<Reason> reasons = new ArrayList<>();
    Action action = cert.isEmpty() && key.isEmpty() ? Action.CREATE : Action.REPLACE;
    Optional<Reason> missing = CertificateChecks.missingServer(cert, key);
    if (missing.isPresent()) {
      reasons.add(missing.get());
    } else {
      CertificateFacts c = cert.get();
      boolean imported = observed.isImportedLeaf(c);
      if (in.replace().contains(PlanInput.Replace.SERVER)) {
        reasons.add(
            new Reason(ReasonCode.REPLACE_REQUESTED, "replacement requested (--replace server)"));
      }
      // Every reason that applies, not only the first: a replaced CA or a switch of issuer does
      // not hide the names and key the new certificate changes too.
      if (caChanges) {
        reasons.add(new Reason(ReasonCode.ISSUER_CHANGED, "the CA is being replaced"));
      }
      if (imported && !awaitingChain) {
        reasons.add(
            new Reason(
                ReasonCode.ISSUER_CHANGED,
                "server.issuer is internal: re-issuing from the store's CA instead of the"
                    + " imported certificate (issuer "
                    + c.issuerDn()
                    + ")"));
        importedDriftReasons(c, key.get(), reasons);
      } else {
        if (!caChanges && !observed.serverSignedByCa()) {
          reasons.add(
              new Reason(
                  ReasonCode.ISSUER_CHANGED,
                  "server.crt is not signed by the store's CA (issuer " + c.issuerDn() + ")"));
        }
        driftReasons(c, key.get(), caChanges, reasons);
      }
    }
    return reissue(action, reasons, key, awaitingChain);
  }

  /**
   * What the internal certificate replacing an imported one changes besides its issuer: the key
   * when its kind is no longer wanted, and the names the imported one does not cover. An outside
   * CA's profile, subject and extra names are its own, no reason to report.
   */
  private void importedDriftReasons(CertificateFacts c, KeyFacts key, List<Reason> reasons) {
    CertificateChecks.keySpecReason(key, server.key()).ifPresent(reasons::add);
    NameChanges changes = new NameChanges(server, issued());
    reasons.addAll(changes.reasons(changes.uncovered(c)));
  }

  /**
   * How a certificate for this key differs from the one the internal CA would issue now.
   *
   * @param caChanges the plan replaces the CA: the certificate is issued again anyway
   */
  private void driftReasons(CertificateFacts c, KeyFacts key, boolean caChanges, List<Reason> reasons) {
    CertificateChecks.keyReasons(c, key, server.key(), "server", reasons);
    List<Reason> sanReasons = new NameChanges(server, issued()).exact(c.dnsNames(), c.ipAddresses());
    reasons.addAll(sanReasons);
    // A default subject follows the names: a new name alone is no second reason.
    if (sanReasons.isEmpty() || server.subject().commonName().isPresent()) {
      CertificateChecks.subjectReason(c.subject(), c.subjectDn(), issued().subject())
          .ifPresent(reasons::add);
    }
    CertificateChecks.usageReason(c, server.clientAuth()).ifPresent(reasons::add);
    // With {keyId}, the URL of the CA that signs it; a new CA (its key id unknown yet) issues it
    // again anyway, with its own.
    Optional<CrlUrl> url = crlUrl();
    if (!(caChanges && url.map(CrlUrl::perCa).orElse(false))) {
      CertificateChecks.distributionPointReason(
              observed.serverCrlDistributionPoints(),
              url.flatMap(u -> u.perCa() ? observed.caCertificate().map(u::forCa) : Optional.of(u.forCa(""))))
          .ifPresent(reasons::add);
    }
    if (!observed.isImportedLeaf(c) && observed.serverSignedByCa()) {
      CertificateChecks.lifetimeReason(c, server.validity(), "server.validity").ifPresent(reasons::add);
    }
    if (!caChanges && Renewals.endsWithItsCa(c, observed) && !c.isExpiredAt(in.now())) {
      // Its CA's rotation renews it: the same CA would issue it again ending on the same day.
      return;
    }
    RenewalSchedule schedule =
        observed.isImportedLeaf(c)
            ? Renewals.imported(server.renewBefore(), in.desired(), c)
            : Renewals.issuedHere(server.renewBefore(), in.desired(), c);
    CertificateChecks.validityReasons(c, schedule, in.now(), in.unattended(), Address.SERVER, reasons, draft::warn);
  }

  private boolean reissue(
      Action action, List<Reason> reasons, Optional<KeyFacts> key, boolean awaitingChain) {
    if (reasons.isEmpty()) {
      draft.unchanged();
      return false;
    }
    boolean keyUsable =
        key.isPresent()
            && key.get().spec().equals(Optional.of(server.key()))
            && reasons.stream().noneMatch(r -> r.code() == ReasonCode.REPLACE_REQUESTED);
    boolean newKey = !keyUsable || (!awaitingChain && server.keyRotation() == KeyRotation.ALWAYS);
    if (awaitingChain) {
      reasons.add(
          new Reason(
              ReasonCode.CHAIN_AWAITED,
              "issued by the internal CA until a signed chain arrives at "
                  + server.external().orElseThrow().chain()));
    }
    issue(action, reasons, newKey);
    return true;
  }

  private void issue(Action action, List<Reason> why, boolean newKey) {
    List<Reason> reasons = new ArrayList<>(why);
    Duration validity = server.validity();
    Optional<Instant> caEnd = signingCaEnd();
    if (caEnd.isPresent()) {
      validity = Backdate.within(validity, in.now(), caEnd.get());
    }
    Attributes after =
        PlanWords.nameAttributes(issued())
            .with("key", server.key().toString())
            .with("new_key", newKey)
            .with("validity", validity)
            .with("issuer", issuingCa());
    if (!validity.equals(server.validity())) {
      // The plan line says why it lasts less than server.validity; the CA's rotation renews it.
      after = after.with("not_after", caEnd.orElseThrow());
      Reason last = reasons.remove(reasons.size() - 1);
      reasons.add(
          new Reason(
              last.code(),
              last.message()
                  + "; it lasts "
                  + DurationText.left(Backdate.usable(validity))
                  + ", not server.validity "
                  + DurationText.of(server.validity())
                  + ": it ends with the CA on "
                  + DateText.of(caEnd.get())
                  + " (a certificate cannot outlive the CA that signed it), and the CA's rotation"
                  + " renews it"));
    }
    draft.add(
        new Change(
            Address.SERVER,
            action,
            reasons,
            new Intent.IssueServer(
                issued().subject(),
                issued().dnsNames(),
                issued().ipAddresses(),
                server.key(),
                validity,
                server.clientAuth(),
                newKey,
                crlUrl()),
            before(),
            after));
  }

  /**
   * When the CA that signs the server certificate after apply ends: the store's, the promoted
   * {@code ca-next}, or the one this plan makes (as the issuer dates it); empty when unknown.
   */
  private Optional<Instant> signingCaEnd() {
    Optional<Change> ca = draft.change(Address.CA);
    if (ca.isEmpty()) {
      return observed.caCertificate().map(CertificateFacts::notAfter);
    }
    if (ca.get().intent() instanceof Intent.PromoteNextCa) {
      return observed.caNextCertificate().map(CertificateFacts::notAfter);
    }
    if (ca.get().intent() instanceof Intent.IssueCa made) {
      Instant notBefore =
          in.now().truncatedTo(ChronoUnit.SECONDS).minus(Backdate.of(made.validity()));
      return Optional.of(notBefore.plus(made.validity()));
    }
    return Optional.empty();
  }

  /** The names a certificate of the internal CA gets, checked once per plan. */
  private ServerNames issued() {
    if (issued == null) {
      issued =
          ServerNameConstraints.within(
              server, names, caConstraints, in.desired().ca().nameConstraints().isPresent(), draft);
    }
    return issued;
  }

  /**
   * The CRL Distribution Point the CA host's server certificate names: {@code ca.crl.url}, which
   * its CA expands when it holds {@code {keyId}}.
   */
  private Optional<CrlUrl> crlUrl() {
    return in.desired().ca().crl().flatMap(CrlSpec::url);
  }

  /**
   * The subject of the CA that signs an internal server certificate: the new CA's when this plan
   * replaces it, else the store's — so a diff shows an issuer only when it changes.
   */
  private String issuingCa() {
    return draft.change(Address.CA)
        .flatMap(c -> c.after().text("subject"))
        .or(() -> observed.caCertificate().map(CertificateFacts::subjectDn))
        .orElse("the internal CA");
  }

  private Attributes before() {
    return observed.serverCertificate().map(PlanWords::certificateAttributes).orElseGet(Attributes::none);
  }

  static List<Fingerprint> fingerprints(List<CertificateFacts> certificates) {
    return certificates.stream().map(CertificateFacts::fingerprint).toList();
  }
}
