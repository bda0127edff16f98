package org.hostpki.model;

import java.util.Arrays;
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
    return Arrays.stream(values()).filter(p -> p.oid.equals(oid)).findFirst();
  }

  public static Optional<KeyPurpose> byYamlName(String name) {
    return Arrays.stream(values()).filter(p -> p.yamlName.equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return yamlName;
  }
}
