package org.hostpki.plan;

/** Files derived from the certificates and keys: rewritten whenever what they hold changes. */
public enum Output {
  SERVER_FULLCHAIN("server-fullchain.crt"),
  SERVER_PKCS12("server.p12"),
  TRUST_BUNDLE("trust-bundle.crt"),
  TRUSTSTORE_PKCS12("truststore.p12"),
  TRUST_HASHED("trust-hashed");

  private final String fileName;

  Output(String fileName) {
    this.fileName = fileName;
  }

  /** The name in the store. */
  public String fileName() {
    return fileName;
  }

  /** The plan address: {@code output/server.p12}. */
  public String address() {
    return "output/" + fileName;
  }
}
