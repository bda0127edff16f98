package org.hostpki.plan;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.ExternalChainFile;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.ObservedStore;

/**
 * What the plan line of a chain import adds when the chain is not simply the next one: its
 * certificate was issued before the imported one served now (an older chain file put back: a
 * backup restored, a configuration tool copying last year's file), or it covers names {@code
 * server.csr} did not ask for (the CA added them; the server then answers for names the desired
 * state does not give it). Found by the external-CA trial (textern16): both were imported without
 * a word. Words only: the import goes ahead, as before.
 */
final class ImportNotes {
  private ImportNotes() {}

  /** {@code ""}, or {@code "; ..."} for each note, to append to the import's reason. */
  static String of(ExternalChainFile.Valid chain, ServerNames names, ObservedStore observed) {
    StringBuilder notes = new StringBuilder();
    if (observed.servesImportedChain() && observed.externalChain().isPresent()) {
      CertificateFacts served = observed.externalChain().get().get(0);
      if (chain.leaf().notBefore().isBefore(served.notBefore())) {
        notes.append("; it was issued before the certificate served now (on ")
            .append(DateText.of(chain.leaf().notBefore()))
            .append("; the one served now on ")
            .append(DateText.of(served.notBefore()))
            .append(", valid until ")
            .append(DateText.of(Renewals.endingWithItsChain(served, observed).notAfter()))
            .append("): an older chain file put back? apply serves it; to keep the newer one, put")
            .append(" the newest chain from your CA there");
      }
    }
    List<String> extra = extraNames(chain.leaf(), names);
    if (!extra.isEmpty()) {
      notes.append("; the certificate also covers names server.csr does not ask for (")
          .append(String.join(", ", extra))
          .append("): the CA added them, and the server will answer for them too");
    }
    return notes.toString();
  }

  private static List<String> extraNames(CertificateFacts leaf, ServerNames names) {
    Set<String> asked =
        names.dnsNames().stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    Set<InetAddress> addresses = Set.copyOf(names.ipAddresses());
    List<String> extra = new ArrayList<>();
    leaf.dnsNames().stream().filter(n -> !asked.contains(n.toLowerCase(Locale.ROOT))).forEach(extra::add);
    leaf.ipAddresses().stream().filter(a -> !addresses.contains(a)).map(IpAddresses::format).forEach(extra::add);
    return extra;
  }
}
