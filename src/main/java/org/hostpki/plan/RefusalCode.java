package org.hostpki.plan;

import org.hostpki.model.EnumValues;

/**
 * Why apply refuses a plan; the codes are part of the JSON plan contract ({@code
 * schema/plan.schema.json} lists the same, which a test holds).
 */
public enum RefusalCode {
  /** The file at {@code server.external.chain} cannot be imported. */
  CHAIN_REFUSED("chain-refused"),
  /** The store's CA does not match its key, or is no CA. */
  STORE_DAMAGED("store-damaged"),
  /** A certificate of the store is not valid yet: the clock is behind. */
  CLOCK_BEHIND("clock-behind"),
  /** Every certificate expired long after the store was last written: the clock may be far ahead. */
  CLOCK_AHEAD("clock-ahead"),
  /** A CRL of {@code trust.crls} is not signed by a trusted CA, has expired or is not valid yet. */
  CRL_REFUSED("crl-refused"),
  /** A name {@code server.dnsNames}/{@code ipAddresses} lists is outside the CA's name constraints. */
  NAME_CONSTRAINTS("name-constraints"),
  /** The desired state asks for an issuer this build cannot use yet. */
  ISSUER_NOT_SUPPORTED("issuer-not-supported"),
  /** A target of {@code trust.install} cannot be installed into on this host. */
  INSTALL_REFUSED("install-refused"),
  /** None of the server's names and addresses can be ordered from the ACME CA. */
  ACME_NO_IDENTIFIERS("acme-no-identifiers"),
  /** {@code store.path} is a folder of other files, not a hostpki store nor empty. */
  FOREIGN_FOLDER("foreign-folder"),
  /** {@code store.path} is inside another hostpki store (its folder, a generation, through a link). */
  NESTED_STORE("nested-store"),
  /** The server certificate would name nothing: no host name nor address detected, none declared. */
  NO_SERVER_NAME("no-server-name"),
  /** The server certificate would carry more than 1000 names and addresses, declared and detected. */
  TOO_MANY_NAMES("too-many-names"),
  /** {@code ca.key} is missing while {@code ca.crt} is in the store: a new CA would break clients. */
  KEY_MISSING("key-missing");

  private final String code;

  RefusalCode(String code) {
    this.code = code;
  }

  /** The stable code of the JSON plan: {@code chain-refused}. */
  public String code() {
    return code;
  }

  /**
   * The code with this word.
   *
   * @throws IllegalArgumentException when there is none
   */
  public static RefusalCode of(String code) {
    return EnumValues.find(RefusalCode.class, RefusalCode::code, code)
        .orElseThrow(() -> new IllegalArgumentException("no such code: " + code));
  }
}
