package org.hostpki.model;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a CRL.
 *
 * @param serial the revoked certificate's serial number
 * @param revocationDate when the CA revoked it
 * @param reason why; {@link RevocationReason#UNSPECIFIED} when the entry names none
 */
public record RevokedCertificate(BigInteger serial, Instant revocationDate, RevocationReason reason) {
  public RevokedCertificate {
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(revocationDate, "revocationDate");
    Objects.requireNonNull(reason, "reason");
  }
}
