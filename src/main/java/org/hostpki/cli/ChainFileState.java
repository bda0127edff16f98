package org.hostpki.cli;

import java.util.stream.Collectors;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.ObservedStore;
import org.hostpki.plan.PlanText;

/** What the external chain file holds, as status shows it: the JSON's word for it, and the text's. */
record ChainFileState(String word, String text) {
  static ChainFileState of(ExternalChainFile f, ObservedStore s) {
    if (f instanceof ExternalChainFile.Refused refused
        && s.externalChain()
            .map(c -> c.stream().map(CertificateFacts::fingerprint).collect(Collectors.toSet()))
            .filter(refused.certificates()::equals)
            .isPresent()) {
      // The chain imported before, refused now (an intermediate expired): no plan error says why.
      return new ChainFileState("refused", "the chain imported before, refused now: "
          + String.join("; ", refused.problems()));
    }
    if (f instanceof ExternalChainFile.NotYetValid early) {
      return new ChainFileState("waiting", "a valid chain from " + PlanText.time(early.validFrom())
          + " on, when the first apply imports it");
    }
    return f instanceof ExternalChainFile.Absent
        ? new ChainFileState("absent", "not there yet")
        : f instanceof ExternalChainFile.Valid
            ? new ChainFileState("valid", "a valid chain")
            : new ChainFileState("refused", "refused, see the error below");
  }
}
