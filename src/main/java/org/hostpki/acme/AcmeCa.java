package org.hostpki.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.hostpki.pki.Certificate;

/**
 * The CA's side of {@link AcmeIssuer}: placing an order and fetching renewal information, the
 * network I/O. The issuer keeps the record around it (the last order, a failure and its back-off)
 * either way; by default it talks RFC 8555 to the directory, and a test may stand in a CA of its
 * own (the crash enumeration, which interrupts every file operation of an apply but no network).
 */
public interface AcmeCa {
  /** Orders a certificate for the request, by {@code deadline}. */
  Issued order(OrderRequest request, Instant deadline) throws AcmeFailure;

  /** The CA's suggested renewal window for the certificate (ARI); empty when it offers none. */
  Optional<RenewalWindow> renewalInfo(Certificate leaf, Duration bound) throws AcmeFailure;
}
