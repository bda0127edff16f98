package org.hostpki.model;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The server certificate.
 *
 * @param subject the subject; a missing commonName is filled with the first DNS name
 * @param dnsNames DNS SANs beyond the host identity, lower-case (wildcards allowed left-most)
 * @param ipAddresses IP SANs beyond the host identity
 * @param includeHostIdentity add the host's short name, FQDN and addresses as SANs
 * @param clientAuth also put clientAuth in the extended key usage
 * @param allowLongValidity permit a validity over 398 days (browsers refuse such certificates)
 * @param external where the externally signed chain comes from; only with {@link Issuer#EXTERNAL}
 * @param acme the ACME CA and how to order from it; only with {@link Issuer#ACME}
 */
public record ServerSpec(
    Issuer issuer,
    Subject subject,
    List<String> dnsNames,
    List<InetAddress> ipAddresses,
    boolean includeHostIdentity,
    KeySpec key,
    KeyRotation keyRotation,
    Duration validity,
    RenewBefore renewBefore,
    boolean clientAuth,
    boolean allowLongValidity,
    Optional<ExternalSpec> external,
    Optional<AcmeSpec> acme) {

  /** The CA/Browser Forum's limit, which browsers enforce. */
  public static final Duration MAX_BROWSER_VALIDITY = Duration.ofDays(398);

  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(398);

  /**
   * The most subject alternative names hostpki puts in one certificate (the schema's maxItems of
   * server.dnsNames and server.ipAddresses, and what {@code sign} certifies): 55,000 names made a
   * 1.4 MB certificate that TLS clients built on OpenSSL refuse (its limit for the certificates a
   * server sends is 100 KiB: "excessive message size").
   */
  public static final int MAX_SUBJECT_ALT_NAMES = 1000;
  /**
   * A third of the certificate's lifetime (renew when two thirds have passed, as step and
   * cert-manager do): right for a 6-day certificate and a 398-day one alike, and for chains whose
   * lifetime another CA chose. It was a fixed 30 days before.
   */
  public static final RenewBefore DEFAULT_RENEW_BEFORE = RenewBefore.of(Percentage.of(33));

  public ServerSpec {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(subject, "subject");
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(keyRotation, "keyRotation");
    Objects.requireNonNull(validity, "validity");
    Objects.requireNonNull(renewBefore, "renewBefore");
    Objects.requireNonNull(external, "external");
    Objects.requireNonNull(acme, "acme");
  }

  public static ServerSpec defaults() {
    return new ServerSpec(
        Issuer.INTERNAL,
        Subject.empty(),
        List.of(),
        List.of(),
        true,
        KeySpec.defaultSpec(),
        KeyRotation.ALWAYS,
        DEFAULT_VALIDITY,
        DEFAULT_RENEW_BEFORE,
        false,
        false,
        Optional.empty(),
        Optional.empty());
  }

  /** Who signs the server certificate. */
  public enum Issuer {
    /** The store's own CA. */
    INTERNAL,
    /** An outside CA: hostpki writes a CSR and imports the signed chain. */
    EXTERNAL,
    /** An ACME CA (RFC 8555): hostpki orders the certificate itself. */
    ACME
  }
}
