package org.hostpki.model;

import java.util.Map;

/** X.509 extensions and extended key usages by OpenSSL's short names, for people to read. */
public final class ExtensionNames {
  private static final Map<String, String> USAGES =
      Map.of(
          CertificateFacts.EKU_SERVER_AUTH, "serverAuth",
          CertificateFacts.EKU_CLIENT_AUTH, "clientAuth",
          "1.3.6.1.5.5.7.3.3", "codeSigning",
          "1.3.6.1.5.5.7.3.4", "emailProtection",
          "1.3.6.1.5.5.7.3.8", "timeStamping",
          "1.3.6.1.5.5.7.3.9", "OCSPSigning",
          "2.5.29.37.0", "anyExtendedKeyUsage");

  private static final Map<String, String> EXTENSIONS =
      Map.ofEntries(
          Map.entry("2.5.29.14", "subjectKeyIdentifier"),
          Map.entry("2.5.29.15", "keyUsage"),
          Map.entry("2.5.29.17", "subjectAltName"),
          Map.entry("2.5.29.18", "issuerAltName"),
          Map.entry("2.5.29.19", "basicConstraints"),
          Map.entry("2.5.29.30", "nameConstraints"),
          Map.entry("2.5.29.31", "cRLDistributionPoints"),
          Map.entry("2.5.29.32", "certificatePolicies"),
          Map.entry("2.5.29.35", "authorityKeyIdentifier"),
          Map.entry("2.5.29.36", "policyConstraints"),
          Map.entry("2.5.29.37", "extendedKeyUsage"),
          Map.entry("2.5.29.54", "inhibitAnyPolicy"),
          Map.entry("1.3.6.1.5.5.7.1.1", "authorityInfoAccess"),
          Map.entry("1.3.6.1.5.5.7.1.24", "tlsFeature"),
          Map.entry("1.3.6.1.4.1.11129.2.4.2", "ct_precert_scts"),
          Map.entry("2.16.840.1.113730.1.1", "nsCertType"),
          Map.entry("2.16.840.1.113730.1.13", "nsComment"));

  private ExtensionNames() {}

  /** An extended key usage's short name ({@code serverAuth}), else its OID. */
  public static String usage(String oid) {
    return USAGES.getOrDefault(oid, oid);
  }

  /** An extension's short name ({@code basicConstraints}), else null. */
  public static String extension(String oid) {
    return EXTENSIONS.get(oid);
  }
}
