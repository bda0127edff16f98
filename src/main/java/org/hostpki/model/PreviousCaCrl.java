package org.hostpki.model;

import java.util.Optional;

/**
 * The one rule for a fleet CA's CRLs across a rotation's move that both apply ({@code plan/CaCrl})
 * and {@code hostpki revoke} follow: a {@code ca.crl} the previous CA signed, left by a build before
 * {@code ca-previous.crl} (which moved to the new CA and kept the old CA's CRL as {@code ca.crl}),
 * becomes {@code ca-previous.crl} as it is when the new CA gets its own {@code ca.crl}. Its
 * entries are the old CA's revocations, and no key is left to sign them again: dropping that file
 * would lose them for good.
 */
public final class PreviousCaCrl {
  private PreviousCaCrl() {}

  /**
   * Whether {@code ca.crl} is the previous CA's, left by an older build, to be kept as {@code
   * ca-previous.crl}.
   *
   * @param caCrl the store's {@code ca.crl}
   * @param ca the CA that signs ({@code ca.crt})
   * @param previousCa {@code ca-previous.crt}, when the store has it
   * @param previousCrlThere the store has a {@code ca-previous.crl} already
   */
  public static boolean leftAsCaCrl(
      CrlFacts caCrl, CertificateFacts ca, Optional<CertificateFacts> previousCa, boolean previousCrlThere) {
    return !issuedBy(caCrl, ca)
        && !previousCrlThere
        && previousCa.isPresent()
        && issuedBy(caCrl, previousCa.get());
  }

  /**
   * Whether the CRL names the CA as its issuer, by name and key identifier (by name alone when
   * either lacks its key identifier).
   */
  public static boolean issuedBy(CrlFacts crl, CertificateFacts ca) {
    return crl.issuerDn().equals(ca.subjectDn())
        && (crl.authorityKeyId().isEmpty()
            || ca.subjectKeyId().isEmpty()
            || crl.authorityKeyId().equals(ca.subjectKeyId()));
  }
}
