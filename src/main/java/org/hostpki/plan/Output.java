package org.hostpki.plan;

import org.hostpki.model.StoreLayout;

/** Files derived from the certificates and keys: rewritten whenever what they hold changes. */
public enum Output {
  SERVER_FULLCHAIN(StoreLayout.SERVER_FULLCHAIN),
  SERVER_PKCS12(StoreLayout.SERVER_PKCS12),
  TRUST_BUNDLE(StoreLayout.TRUST_BUNDLE),
  TRUSTSTORE_PKCS12(StoreLayout.TRUSTSTORE_PKCS12),
  TRUST_HASHED(StoreLayout.HASHED_DIRECTORY),
  /** The CRLs consumed through {@code trust.crls}. */
  TRUST_CRLS(StoreLayout.TRUST_CRLS);

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
    return Address.output(fileName);
  }
}
