package org.hostpki.apply;

import java.util.List;
import java.util.Objects;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.KeyMaterial;

/**
 * What an ACME order of this apply brought, checked by {@link org.hostpki.pki.ChainValidator}: the
 * key the request was for (the store's next {@code server.key}) and the chain.
 *
 * @param chain leaf first, as validated (with the root when the CA sent it)
 * @param served what the server sends: the leaf and the intermediates, never the root
 * @param warnings what the order reported besides (a token file left behind, a preferred chain
 *     not offered)
 */
record AcmeOrdered(KeyMaterial key, List<Certificate> chain, List<Certificate> served, List<String> warnings) {
  AcmeOrdered {
    Objects.requireNonNull(key, "key");
    chain = List.copyOf(chain);
    served = List.copyOf(served);
    warnings = List.copyOf(warnings);
  }

  Certificate leaf() {
    return chain.get(0);
  }
}
