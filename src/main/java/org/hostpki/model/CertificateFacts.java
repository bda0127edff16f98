package org.hostpki.model;

import java.math.BigInteger;
import java.util.HexFormat;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the planner needs to know of an X.509 certificate, read once by the pki package.
 *
 * @param fingerprint SHA-256 of the certificate's DER
 * @param subject the subject's known attributes (others are ignored here but kept in subjectDn)
 * @param subjectDn the subject as an RFC 4514 string
 * @param issuerDn the issuer as an RFC 4514 string
 * @param publicKey the certified key
 * @param ca basicConstraints cA
 * @param pathLength basicConstraints pathLenConstraint, when present
 * @param extendedKeyUsages dotted OIDs of the EKU extension; empty when there is none
 * @param subjectKeyId hex of the SKI extension
 * @param authorityKeyId hex of the AKI keyIdentifier
 * @param signatureAlgorithm the JCA-style name, e.g. {@code SHA256withECDSA}
 * @param nameConstraints a CA certificate's name constraints for DNS names and IP addresses;
 *     empty when it has none
 */
public record CertificateFacts(
    Fingerprint fingerprint,
    Subject subject,
    String subjectDn,
    String issuerDn,
    BigInteger serialNumber,
    Instant notBefore,
    Instant notAfter,
    List<String> dnsNames,
    List<InetAddress> ipAddresses,
    KeyFacts publicKey,
    boolean ca,
    Optional<Integer> pathLength,
    List<String> extendedKeyUsages,
    Optional<String> subjectKeyId,
    Optional<String> authorityKeyId,
    String signatureAlgorithm,
    Optional<NameConstraints> nameConstraints) {

  /** The same facts ending at {@code end}: a certificate judged by the chain it is served with. */
  public CertificateFacts withNotAfter(Instant end) {
    return new CertificateFacts(
        fingerprint, subject, subjectDn, issuerDn, serialNumber, notBefore, end, dnsNames, ipAddresses,
        publicKey, ca, pathLength, extendedKeyUsages, subjectKeyId, authorityKeyId, signatureAlgorithm,
        nameConstraints);
  }

  public static final String EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  public static final String EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  public CertificateFacts {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(subjectDn, "subjectDn");
    Objects.requireNonNull(issuerDn, "issuerDn");
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(pathLength, "pathLength");
    extendedKeyUsages = List.copyOf(extendedKeyUsages);
    Objects.requireNonNull(subjectKeyId, "subjectKeyId");
    Objects.requireNonNull(authorityKeyId, "authorityKeyId");
    Objects.requireNonNull(signatureAlgorithm, "signatureAlgorithm");
    Objects.requireNonNull(nameConstraints, "nameConstraints");
  }



  public boolean isSelfIssued() {
    return subjectDn.equals(issuerDn);
  }

  /** The serial number as {@code openssl x509 -serial} prints it: upper-case hex, whole bytes. */
  public String serialHex() {
    return serialHex(serialNumber);
  }

  /**
   * A serial number as {@code openssl x509 -serial} prints it: upper-case hex, whole bytes, a
   * negative one (RFC 5280 forbids them; hostile and old certificates have them) with its minus
   * sign, not as its two's complement, which is the serial of another certificate.
   */
  public static String serialHex(BigInteger serial) {
    if (serial.signum() < 0) {
      return "-" + serialHex(serial.negate());
    }
    byte[] bytes = serial.toByteArray();
    int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0; // the sign byte of a positive number
    return HexFormat.of().withUpperCase().formatHex(bytes, start, bytes.length);
  }

  /** Whether it is valid at {@code now}: from its notBefore on, until (not at) its notAfter. */
  public boolean isValidAt(Instant now) {
    return !isNotYetValidAt(now) && !isExpiredAt(now);
  }

  /** Whether {@code now} is before its notBefore: a clock behind, or a certificate made ahead. */
  public boolean isNotYetValidAt(Instant now) {
    return now.isBefore(notBefore);
  }

  /** Whether it has expired at {@code now}: its notAfter is now or earlier. */
  public boolean isExpiredAt(Instant now) {
    return !now.isBefore(notAfter);
  }

  /** Whether it expires within {@code span} of {@code now} (or has already). */
  public boolean expiresWithin(Duration span, Instant now) {
    return !now.plus(span).isBefore(notAfter);
  }

  /** Its whole span, notBefore to notAfter. */
  public Duration validity() {
    return Duration.between(notBefore, notAfter);
  }

  /**
   * When it was made, if hostpki made it: its notBefore plus the set-back the issuer applies for
   * its validity ({@link Backdate}).
   */
  public Instant madeAt() {
    return notBefore.plus(Backdate.of(validity()));
  }
}
