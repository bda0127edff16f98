package org.hostpki.acme;

import java.util.List;
import java.util.Objects;
import org.hostpki.pki.Certificate;

/**
 * A certificate the CA issued, not yet checked: the caller runs it through {@link
 * org.hostpki.pki.ChainValidator} before it serves it.
 *
 * @param chain the leaf first, then the intermediates, as the CA sent the chosen chain
 * @param rootName the common name of the chain's topmost issuer (what preferredChain matches)
 * @param offeredRoots the topmost issuers' names of the chains read, the default first: an
 *     alternate is read only while none had preferredChain's root, and {@code
 *     ChainChoice.MAX_ALTERNATES} at most
 * @param replacesSent whether the order said which certificate it replaces (ARI)
 * @param warnings what went wrong after the certificate was issued (a token file left behind)
 */
public record Issued(
    List<Certificate> chain,
    String rootName,
    List<String> offeredRoots,
    String orderUrl,
    String certificateUrl,
    boolean replacesSent,
    List<String> warnings) {
  public Issued {
    chain = List.copyOf(chain);
    Objects.requireNonNull(rootName, "rootName");
    offeredRoots = List.copyOf(offeredRoots);
    Objects.requireNonNull(orderUrl, "orderUrl");
    Objects.requireNonNull(certificateUrl, "certificateUrl");
    warnings = List.copyOf(warnings);
  }

  public Certificate leaf() {
    return chain.get(0);
  }
}
