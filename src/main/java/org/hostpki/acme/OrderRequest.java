package org.hostpki.acme;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.pki.Certificate;

/**
 * What to order: the identifiers (as {@link org.hostpki.model.AcmeIdentifiers#select} picked
 * them), the request for the store's next key, and the certificate the new one replaces.
 *
 * @param csr a PKCS#10 request, PEM or DER, naming exactly these identifiers
 * @param replaces the current certificate, sent as ARI's {@code replaces} (RFC 9773) when the CA
 *     supports it
 */
public record OrderRequest(
    List<String> dnsNames, List<InetAddress> addresses, byte[] csr, Optional<Certificate> replaces) {
  public OrderRequest {
    dnsNames = List.copyOf(dnsNames);
    addresses = List.copyOf(addresses);
    csr = csr.clone();
    Objects.requireNonNull(replaces, "replaces");
    if (dnsNames.isEmpty() && addresses.isEmpty()) {
      throw new IllegalArgumentException("an order needs an identifier");
    }
  }

  @Override
  public byte[] csr() {
    return csr.clone();
  }
}
