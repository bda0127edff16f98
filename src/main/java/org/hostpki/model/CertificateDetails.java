package org.hostpki.model;

import java.util.List;
import java.util.Objects;

/**
 * What {@code inspect} shows of a certificate beyond its {@link CertificateFacts}: what the planner
 * never reads, so it is worked out only when asked (a trust store of 100,000 certificates does not
 * keep it).
 *
 * @param otherNames the subjectAltName entries that are neither a DNS name nor an IP address, as
 *     OpenSSL prints them: {@code email:x}, {@code URI:x}, {@code dirName:CN=x}, {@code
 *     otherName:1.3.6.1.4.1.311.20.2.3}, {@code RID:1.2.3}, {@code IP:<5 bytes>}
 * @param criticalExtensionsOpensslRefuses dotted OIDs of the extensions marked critical that
 *     OpenSSL does not know: OpenSSL clients refuse every chain through the certificate
 * @param policyMappings the policyMappings extension's pairs, in order
 * @param otherNameConstraints the name-constraint subtrees other than DNS domains and IP ranges
 *     (those are in {@link CertificateFacts#nameConstraints()}), each as {@link #otherNames} words
 */
public record CertificateDetails(
    List<String> otherNames,
    List<String> criticalExtensionsOpensslRefuses,
    List<PolicyMapping> policyMappings,
    OtherNameConstraints otherNameConstraints) {

  public CertificateDetails {
    otherNames = List.copyOf(otherNames);
    criticalExtensionsOpensslRefuses = List.copyOf(criticalExtensionsOpensslRefuses);
    policyMappings = List.copyOf(policyMappings);
    Objects.requireNonNull(otherNameConstraints, "otherNameConstraints");
  }

  /** One policy mapping: the issuer's policy {@code issuerDomain} is the subject's {@code subjectDomain}. */
  public record PolicyMapping(String issuerDomain, String subjectDomain) {
    public PolicyMapping {
      Objects.requireNonNull(issuerDomain, "issuerDomain");
      Objects.requireNonNull(subjectDomain, "subjectDomain");
    }

    @Override
    public String toString() {
      return issuerDomain + " → " + subjectDomain;
    }
  }

  /** Name-constraint subtrees of other kinds (email, URI, directory names …), permitted and excluded. */
  public record OtherNameConstraints(List<String> permitted, List<String> excluded) {
    public static final OtherNameConstraints NONE = new OtherNameConstraints(List.of(), List.of());

    public OtherNameConstraints {
      permitted = List.copyOf(permitted);
      excluded = List.copyOf(excluded);
    }

    public boolean isEmpty() {
      return permitted.isEmpty() && excluded.isEmpty();
    }
  }
}
