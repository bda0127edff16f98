package org.hostpki.model;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What hostpki reads of a certificate revocation list (X.509 v2 CRL, RFC 5280 section 5).
 *
 * @param fingerprint SHA-256 of the CRL's DER
 * @param issuerDn the issuer as an RFC 4514 string
 * @param number the cRLNumber extension, when present
 * @param nextUpdate when the next CRL is due; empty when the CRL names no date
 * @param revoked the entries, in the order the CRL lists them
 * @param authorityKeyId hex of the AKI keyIdentifier
 * @param signatureAlgorithm the JCA-style name, e.g. {@code SHA256withECDSA}
 */
public record CrlFacts(
    Fingerprint fingerprint,
    String issuerDn,
    Optional<BigInteger> number,
    Instant thisUpdate,
    Optional<Instant> nextUpdate,
    List<RevokedCertificate> revoked,
    Optional<String> authorityKeyId,
    String signatureAlgorithm) {

  public CrlFacts {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(issuerDn, "issuerDn");
    Objects.requireNonNull(number, "number");
    Objects.requireNonNull(thisUpdate, "thisUpdate");
    Objects.requireNonNull(nextUpdate, "nextUpdate");
    revoked = List.copyOf(revoked);
    Objects.requireNonNull(authorityKeyId, "authorityKeyId");
    Objects.requireNonNull(signatureAlgorithm, "signatureAlgorithm");
  }

  /**
   * When a new CRL is due: once a third of this one's validity is left (cert-manager renews
   * certificates at two thirds of their life the same way); a CRL without nextUpdate never is.
   */
  public Optional<Instant> renewalTime() {
    return nextUpdate.map(next -> next.minus(java.time.Duration.between(thisUpdate, next).dividedBy(3)));
  }

  /** The entry for a serial number, if the CRL lists it. */
  public Optional<RevokedCertificate> entry(BigInteger serial) {
    return revoked.stream().filter(r -> r.serial().equals(serial)).findFirst();
  }
}
