package org.hostpki.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalText;

/**
 * Computes the minimal plan that makes a store match the desired state. Pure: the result depends
 * only on the {@link PlanInput}; nothing that still matches is touched, and a replaced resource
 * cascades to what is derived from it (CA → server → chain, PKCS#12 and bundle files).
 *
 * <p>Each resource has its part, in the order a plan lists them: the CA and its rotation ({@link
 * CaRotation}), a fleet CA's CRL ({@link CaCrl}), the server certificate ({@link ServerPlan},
 * with {@link ExternalIssuer} for an outside CA and {@link AcmeOrders} for an ACME CA), its request ({@link RequestPlan}), the trusted certificates ({@link TrustPlan})
 * and the CRLs consumed with them ({@link TrustCrls}), and the files derived from them all ({@link
 * OutputPlan}), then where the host's clients look ({@link InstallPlan}). The checks they share are {@link
 * CertificateChecks} and {@link NameChanges}; how they word what they found, {@link PlanWords}.
 */
public final class Planner {

  /** Trusted certificates expiring within this are warned about. */
  public static final Duration TRUST_EXPIRY_WARNING = TrustPlan.EXPIRY_WARNING;

  public Plan plan(PlanInput given) {
    PlanDraft draft = new PlanDraft();
    PlanInput in = filtered(given, draft);
    DetectionGaps.plan(in, draft);
    ServerNames.tooMany(in).ifPresent(draft::refuse);
    ClockCheck.refusals(in).forEach(draft::refuse);
    damagedCa(in).ifPresent(draft::refuse);
    CaRotation.Outcome ca = CaRotation.decide(in, draft);
    CaCrl.plan(in, ca.signerChanges(), draft);
    ServerPlan.Outcome server = ServerPlan.plan(in, ca.signerChanges(), ca.signerConstraints(), draft);
    RequestPlan.plan(in, server.keyChange(), draft);
    OutputPlan outputs = new OutputPlan(in, draft);
    outputs.server(ca.signerChanges(), server);
    boolean trustChanges = TrustPlan.plan(in, draft);
    List<Fingerprint> crls = TrustCrls.plan(in, draft);
    outputs.trust(ca.bundleCascade(), ca.trustedCas(), trustChanges, crls);
    outputs.pkcs12Record();
    InstallPlan.plan(in, ca.trustedCas(), draft);
    new DeclaredOutputPlan(in, draft).plan(ca.signerChanges(), server, draft.addresses());
    otherDesiredState(in, draft);
    LinkPlan.plan(in, draft); // after: restoring a link undoes no other file's change
    return draft.plan(in.basis());
  }

  /**
   * A plan that changes a store another desired-state file wrote last says so: two files naming
   * one {@code store.path} (an old copy beside a new one, two Ansible roles) re-issue and rewrite
   * back and forth on every run, each with its hooks, and nothing else would say why.
   */
  private static void otherDesiredState(PlanInput in, PlanDraft draft) {
    if (in.lastWriter().isEmpty() || draft.addresses().isEmpty()) {
      return;
    }
    String other = TerminalText.escape(in.lastWriter().get().toString());
    draft.warn(
        new Warning(
            WarningCode.OTHER_DESIRED_STATE,
            "store",
            "store " + TerminalText.escape(in.desired().store().path().toString())
                + " was last written from another desired-state file, " + other + "; this plan, from "
                + TerminalText.escape(in.desired().source().toString())
                + ", changes it. Two files naming one store.path undo each other's changes (and run"
                + " the hooks) on every run: keep one file per store: remove " + other
                + " or change its store.path. If the file was just renamed or moved, this warning"
                + " shows once"));
  }

  /**
   * The input with {@code trust.excludeExpired} and {@code trust.caOnly} applied to the declared
   * certificates (and the system's roots among them), each one left out a warning.
   */
  private static PlanInput filtered(PlanInput in, PlanDraft draft) {
    TrustFilter.Result<CertificateFacts> result =
        TrustFilter.apply(in.desiredTrust(), c -> c, in.desired().trust().filters(), in.now());
    if (result.dropped().isEmpty()) {
      return in;
    }
    for (TrustFilter.Dropped d : result.dropped()) {
      draft.warn(
          new Warning(
              WarningCode.TRUST_FILTERED,
              Address.trust(d.name()),
              "'" + d.name() + "' (" + d.facts().subjectDn() + ") is left out: " + d.describe()));
    }
    return new PlanInput(
        in.desired(), in.host(), result.kept(), in.observed(), in.now(), in.replace(), in.basis(),
        in.externalChain(), in.lastWritten(), in.unattended(), in.crls(), in.installs(), in.acme(),
        in.keptCas(), in.installedCrls(), in.lastWriter());
  }

  /**
   * A ca.crt that does not belong to ca.key (or is no CA at all: say, swapped with server.crt) is
   * a damaged store, not drift: "repairing" it would throw away the CA key that every client
   * trusts. Only an explicit --replace ca makes a new CA from such a store.
   */
  private static Optional<Refusal> damagedCa(PlanInput in) {
    ObservedStore observed = in.observed();
    if (in.replace().contains(PlanInput.Replace.CA)
        || observed.caCertificate().isEmpty()
        || observed.caKey().isEmpty()) {
      return Optional.empty();
    }
    CertificateFacts ca = observed.caCertificate().get();
    KeyFacts key = observed.caKey().get();
    String file = in.desired().store().path().resolve(StoreLayout.CA_CERT).toString();
    List<String> problems = new ArrayList<>();
    if (!ca.publicKey().publicKeyFingerprint().equals(key.publicKeyFingerprint())) {
      problems.add(
          file
              + " does not match ca.key "
              + PlanWords.keys(
                  "certificate key",
                  ca.publicKey().publicKeyFingerprint(),
                  StoreLayout.CA_KEY,
                  key.publicKeyFingerprint()));
    }
    if (!ca.ca()) {
      problems.add(file + " (" + ca.subjectDn() + ") is not a CA certificate");
    }
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal(
            RefusalCode.STORE_DAMAGED,
            Address.CA,
            "the store's CA is damaged; nothing was changed. Restore it with 'hostpki rollback',"
                + " or make a new CA with 'hostpki apply --replace ca' (clients must then trust"
                + " the new CA):",
            problems));
  }
}
