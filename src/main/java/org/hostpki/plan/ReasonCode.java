package org.hostpki.plan;

/** Why a change is planned; the codes are part of the JSON plan contract. */
public enum ReasonCode {
  MISSING("missing"),
  KEY_MISMATCH("key-mismatch"),
  KEY_SPEC_CHANGED("key-spec-changed"),
  SUBJECT_CHANGED("subject-changed"),
  SAN_CHANGED("san-changed"),
  HOST_IDENTITY_CHANGED("host-identity-changed"),
  ISSUER_CHANGED("issuer-changed"),
  PROFILE_CHANGED("profile-changed"),
  EXPIRING("expiring"),
  EXPIRED("expired"),
  NOT_YET_VALID("not-yet-valid"),
  REPLACE_REQUESTED("replace-requested"),
  OUT_OF_DATE("out-of-date"),
  NOT_WANTED("not-wanted"),
  CHAIN_IMPORTED("chain-imported"),
  CHAIN_AWAITED("chain-awaited"),
  TRUST_ADDED("trust-added"),
  TRUST_CHANGED("trust-changed"),
  TRUST_REMOVED("trust-removed"),
  /** A step of a phased CA rotation ({@code ca.rotation.overlap}), or why there is none. */
  CA_ROTATION("ca-rotation");

  private final String code;

  ReasonCode(String code) {
    this.code = code;
  }

  /** The stable code of the JSON plan: {@code host-identity-changed}. */
  public String code() {
    return code;
  }
}
