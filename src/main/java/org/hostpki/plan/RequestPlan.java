package org.hostpki.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreLayout;

/**
 * Plans the request for an external CA ({@code server.csr}): kept matching the server key and the
 * desired names while the issuer is external, removed (with the record of the chain imported last)
 * when it is internal again, and removed alone when it is acme (each order carries its own request,
 * and external-chain.crt holds the ordered chain then).
 */
final class RequestPlan {
  private RequestPlan() {}

  /** @param keyChange why this plan makes a new server key, which the request must be for */
  static void plan(PlanInput in, Optional<Reason> keyChange, PlanDraft draft) {
    ServerSpec server = in.desired().server();
    ObservedStore observed = in.observed();
    Optional<CsrFacts> csr = observed.serverCsr();
    if (server.issuer() == ServerSpec.Issuer.ACME) {
      // The order carries its own request; external-chain.crt records the ordered chain and stays.
      // A request left from the external issuer goes, as it does when the issuer is internal: kept,
      // it was a request no CA would ever sign for this store (facme17).
      removeUnwanted(observed, draft, false);
      return;
    }
    if (server.issuer() != ServerSpec.Issuer.EXTERNAL || server.external().isEmpty()) {
      removeUnwanted(observed, draft, true);
      return;
    }
    ServerNames names = ServerNames.of(in);
    Attributes after = PlanWords.nameAttributes(names);
    Intent.WriteCsr write =
        new Intent.WriteCsr(
            names.subject(), names.dnsNames(), names.ipAddresses(), server.clientAuth());
    if (csr.isEmpty()) {
      draft.add(
          new Change(
              Address.SERVER_CSR,
              Action.CREATE,
              List.of(
                  new Reason(
                      ReasonCode.MISSING, "no certificate request yet: written for your CA to sign")),
              write,
              Attributes.none(),
              after));
      return;
    }
    CsrFacts c = csr.get();
    List<Reason> reasons = new ArrayList<>();
    Optional<KeyFacts> key = observed.serverKey();
    if (keyChange.isPresent()) {
      reasons.add(new Reason(keyChange.get().code(), "server.key is being replaced"));
    } else if (key.isPresent()
        && !c.publicKey().publicKeyFingerprint().equals(key.get().publicKeyFingerprint())) {
      reasons.add(
          new Reason(
              ReasonCode.KEY_MISMATCH,
              "server.csr is for another key "
                  + PlanWords.keys(
                      "request key",
                      c.publicKey().publicKeyFingerprint(),
                      StoreLayout.SERVER_KEY,
                      key.get().publicKeyFingerprint())));
    }
    if (!c.signatureValid()) {
      reasons.add(new Reason(ReasonCode.OUT_OF_DATE, "the request's signature does not verify"));
    }
    reasons.addAll(new NameChanges(server, names).exact(c.dnsNames(), c.ipAddresses()));
    CertificateChecks.subjectReason(c.subject(), c.subjectDn(), names.subject())
        .ifPresent(reasons::add);
    if (reasons.isEmpty()) {
      draft.unchanged();
      return;
    }
    draft.add(
        new Change(
            Address.SERVER_CSR,
            Action.UPDATE,
            reasons,
            write,
            PlanWords.requestAttributes(c),
            after));
  }

  /**
   * The issuer is internal: the request and the record of the imported chain go; it is acme
   * ({@code chainToo} false): the request alone.
   */
  private static void removeUnwanted(ObservedStore observed, PlanDraft draft, boolean chainToo) {
    List<String> present = new ArrayList<>();
    observed.serverCsr().ifPresent(c -> present.add(StoreLayout.SERVER_CSR));
    if (chainToo) {
      observed.externalChain().ifPresent(c -> present.add(StoreLayout.EXTERNAL_CHAIN));
    }
    if (present.isEmpty()) {
      return;
    }
    draft.add(
        new Change(
            Address.SERVER_CSR,
            Action.DELETE,
            List.of(
                new Reason(
                    ReasonCode.NOT_WANTED,
                    (chainToo ? "server.issuer is internal: " : "server.issuer is acme: ")
                        + String.join(" and ", present)
                        + (present.size() == 1 ? " is" : " are")
                        + " no longer needed"
                        + (chainToo ? "" : " (each order sends its own request)"))),
            new Intent.RemoveCsr(chainToo),
            observed.serverCsr().map(PlanWords::requestAttributes).orElseGet(Attributes::none),
            Attributes.none()));
  }
}
