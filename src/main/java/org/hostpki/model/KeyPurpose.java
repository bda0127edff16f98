package org.hostpki.model;

import java.util.Optional;

/**
 * The extended key usages hostpki puts in the certificates it issues: their names in a desired
 * state and in messages ({@code serverAuth}), and their OIDs.
 */
public enum KeyPurpose {
  SERVER_AUTH("serverAuth", CertificateFacts.EKU_SERVER_AUTH),
  CLIENT_AUTH("clientAuth", CertificateFacts.EKU_CLIENT_AUTH);

  private final String yamlName;
  private final String oid;

  KeyPurpose(String yamlName, String oid) {
    this.yamlName = yamlName;
    this.oid = oid;
  }

  /** The name in a desired state and in OpenSSL's output: {@code serverAuth}. */
  public String yamlName() {
    return yamlName;
  }

  /** The dotted OID. */
  public String oid() {
    return oid;
  }

  public static Optional<KeyPurpose> byOid(String oid) {
    return EnumValues.find(KeyPurpose.class, KeyPurpose::oid, oid);
  }

  public static Optional<KeyPurpose> byYamlName(String name) {
    return EnumValues.find(KeyPurpose.class, KeyPurpose::yamlName, name);
  }

  @Override
  public String toString() {
    return yamlName;
  }
}
