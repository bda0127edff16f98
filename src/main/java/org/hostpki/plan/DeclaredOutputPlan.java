package org.hostpki.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.FileAccess;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.ObservedAccess;
import org.hostpki.model.ObservedOutputs;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.OutputFacts;
import org.hostpki.model.OutputFormat;
import org.hostpki.model.OutputSpec;
import org.hostpki.model.StoreLayout;

/**
 * Plans the files a desired state declares on top of the store's own ({@code outputs:}), at
 * {@code output/FILE}: written when missing; written again when what they hold differs from what
 * they would hold as declared (compared by {@link OutputFacts}, never by bytes: encrypted files
 * differ at each write), when what they are made from changes, when they open only with {@code
 * store.previousPassword}, or when their owner, group or mode is not the declared one; removed
 * when no longer declared. Also the access of the store's own files that {@code store.access}
 * covers ({@code server.key}, {@code server.p12}) when that is all that differs.
 */
final class DeclaredOutputPlan {
  private final DesiredState desired;
  private final ObservedStore observed;
  private final ObservedOutputs outputs;
  private final PlanDraft draft;

  DeclaredOutputPlan(PlanInput in, PlanDraft draft) {
    this.desired = in.desired();
    this.observed = in.observed();
    this.outputs = in.observed().outputs();
    this.draft = draft;
  }

  /**
   * @param caChanges {@code ca.crt} changes
   * @param server what the plan does to the server certificate
   * @param addresses the addresses the plan changes so far, for the access of the store's own
   *     files: a file written anyway needs no change of its own
   */
  void plan(boolean caChanges, ServerPlan.Outcome server, List<String> addresses) {
    List<Held> chain = OutputPlan.serverChain(server);
    boolean caCascades = caChanges && server.importedChain().isEmpty();
    for (OutputSpec output : desired.outputs()) {
      boolean derFromCa =
          output.format() instanceof OutputFormat.Der der && der.certificate() == OutputFormat.CertificateChoice.CA;
      Optional<String> cascade =
          derFromCa
              ? (caChanges ? Optional.of("the CA is being replaced") : Optional.empty())
              : output.format() instanceof OutputFormat.Key
                  // A key alone changes only with the key, not with a renewal that keeps it.
                  ? (keyChanges(server) ? Optional.of("the server key is being replaced") : Optional.empty())
                  : caCascades
                  ? Optional.of("the CA is being replaced")
                  : server.changes() ? Optional.of("the server certificate is being replaced") : Optional.empty();
      declared(output, chain, cascade);
    }
    for (String file : outputs.undeclared()) {
      draft.add(
          new Change(
              Address.output(file),
              Action.DELETE,
              List.of(new Reason(ReasonCode.NOT_WANTED, file + " is no longer declared in outputs")),
              new Intent.RemoveUndeclaredOutput(file)));
    }
    for (String own : List.of(StoreLayout.SERVER_KEY, StoreLayout.SERVER_PKCS12)) {
      String address = Address.output(own);
      ObservedAccess drift = outputs.accessDrift().get(own);
      if (drift != null && !addresses.contains(address) && !addresses.contains(Address.SERVER)) {
        draft.add(
            new Change(
                address,
                Action.UPDATE,
                List.of(accessReason(own, drift)),
                new Intent.SetAccess(own)));
      }
    }
  }

  /** Whether apply makes the server a new key: a new one issued with, or none there yet. */
  private boolean keyChanges(ServerPlan.Outcome server) {
    return observed.serverKey().isEmpty()
        || server.keyChange().isPresent()
        || draft.change(Address.SERVER)
            .map(c -> c.intent() instanceof Intent.IssueServer s && s.newKey()
                // an ACME order for a new key (--replace server, a changed key spec): a key output
                // kept the old key beside the new certificate, and apply did not converge (tacme17)
                || c.intent() instanceof Intent.OrderAcme o && o.newKey())
            .orElse(false);
  }

  private void declared(OutputSpec output, List<Held> chain, Optional<String> cascade) {
    Intent write = new Intent.WriteDeclaredOutput(output, chain);
    Optional<ObservedOutputs.Observed> have = Optional.ofNullable(outputs.declared().get(output.file()));
    if (have.isEmpty()) {
      draft.add(
          new Change(
              output.address(),
              Action.CREATE,
              List.of(new Reason(ReasonCode.MISSING, output.file() + " is missing")),
              write));
      return;
    }
    List<Reason> reasons = new ArrayList<>();
    if (cascade.isPresent()) {
      reasons.add(new Reason(ReasonCode.OUT_OF_DATE, cascade.get()));
    } else if (have.get().problem().isPresent()) {
      reasons.add(new Reason(ReasonCode.OUT_OF_DATE, have.get().problem().get()));
    } else {
      expected(output, chain)
          .flatMap(want -> difference(have.get().facts().orElseThrow(), want))
          .ifPresent(d -> reasons.add(new Reason(ReasonCode.OUT_OF_DATE, d)));
    }
    if (outputs.previousPassword().contains(output.file())) {
      reasons.add(new Reason(ReasonCode.PASSWORD_CHANGED, "store password changed"));
    }
    for (String name : output.fileNames()) {
      ObservedAccess drift = outputs.accessDrift().get(name);
      if (drift != null) {
        reasons.add(accessReason(name, drift));
      }
    }
    if (reasons.isEmpty()) {
      draft.unchanged();
      return;
    }
    draft.add(new Change(output.address(), Action.UPDATE, reasons, write));
  }

  private Reason accessReason(String file, ObservedAccess drift) {
    StoreLayout layout = StoreLayout.of(desired);
    FileAccess declared = layout.accessOf(file);
    return new Reason(
        ReasonCode.ACCESS_CHANGED,
        file + " is " + drift + "; declared " + declared.mode() + " " + declared.owner().orElse("(hostpki's user)")
            + ":" + declared.group().orElse("(its group)")
            + (layout.kindOf(file).ownerOnly() && drift.readableBeyondByItsOwner(declared)
                ? "; the server's key in it may have been read by others meanwhile: consider replacing it"
                    + " (hostpki apply --replace server)"
                : ""));
  }


  /** What the output holds when it is as declared for the store as observed; empty when unknowable. */
  private Optional<OutputFacts> expected(OutputSpec output, List<Held> chain) {
    Optional<Fingerprint> key = observed.serverKey().map(KeyFacts::publicKeyFingerprint);
    Optional<List<Fingerprint>> fingerprints = fingerprints(chain);
    if (key.isEmpty() || fingerprints.isEmpty()) {
      return Optional.empty();
    }
    Fingerprint ca =
        observed.caCertificate().map(CertificateFacts::fingerprint)
            .orElse(fingerprints.get().get(fingerprints.get().size() - 1));
    return Optional.of(output.expectedFacts(key.get(), fingerprints.get(), ca, desired.store().pkcs12Profile()));
  }

  private Optional<List<Fingerprint>> fingerprints(List<Held> chain) {
    List<Fingerprint> out = new ArrayList<>();
    for (Held h : chain) {
      Optional<Fingerprint> fp =
          h instanceof Held.Issuer issuer
              ? Optional.of(issuer.fingerprint())
              : h == Held.Stored.SERVER
                  ? observed.serverCertificate().map(CertificateFacts::fingerprint)
                  : observed.caCertificate().map(CertificateFacts::fingerprint);
      if (fp.isEmpty()) {
        return Optional.empty();
      }
      out.add(fp.get());
    }
    return Optional.of(out);
  }

  /** What differs, in words; empty when the file holds what it should. */
  private static Optional<String> difference(OutputFacts have, OutputFacts want) {
    if (!have.publicKey().equals(want.publicKey())) {
      return Optional.of(have.publicKey().isEmpty() ? "holds no private key" : "holds a different key than server.key");
    }
    if (!have.certificates().equals(want.certificates())) {
      return Optional.of("holds other certificates than the server's chain");
    }
    if (!have.alias().equals(want.alias())) {
      return Optional.of("its entry is named '" + have.alias().orElse("") + "', not '" + want.alias().orElse("") + "'");
    }
    if (!have.keyEncoding().equals(want.keyEncoding())) {
      return Optional.of("the key is encoded as " + have.keyEncoding().map(e -> e.yamlName()).orElse("none")
          + ", not " + want.keyEncoding().map(e -> e.yamlName()).orElse("none"));
    }
    if (have.passwordProtected() != want.passwordProtected()) {
      return Optional.of(want.passwordProtected() ? "is not protected with the store password" : "is protected with a password");
    }
    if (!have.profile().equals(want.profile())) {
      return Optional.of("written with the " + have.profile().map(p -> p.yamlName()).orElse("")
          + " profile; " + want.profile().map(p -> p.yamlName()).orElse("") + " is wanted");
    }
    return Optional.empty();
  }
}
