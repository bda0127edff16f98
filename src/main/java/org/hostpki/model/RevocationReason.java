package org.hostpki.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Why a certificate was revoked: the CRLReason codes of RFC 5280 (5.3.1). {@code hostpki revoke}
 * takes those the CA/Browser Forum's Baseline Requirements (7.2.2) allow for a subscriber
 * certificate; the others are only read, from CRLs made elsewhere.
 */
public enum RevocationReason {
  /** No reason given: the CRL entry then carries no reasonCode (RFC 5280, BR 7.2.2). */
  UNSPECIFIED(0, "unspecified", true),
  KEY_COMPROMISE(1, "keyCompromise", true),
  CA_COMPROMISE(2, "cACompromise", false),
  AFFILIATION_CHANGED(3, "affiliationChanged", true),
  SUPERSEDED(4, "superseded", true),
  CESSATION_OF_OPERATION(5, "cessationOfOperation", true),
  CERTIFICATE_HOLD(6, "certificateHold", false),
  REMOVE_FROM_CRL(8, "removeFromCRL", false),
  PRIVILEGE_WITHDRAWN(9, "privilegeWithdrawn", true),
  AA_COMPROMISE(10, "aACompromise", false);

  private final int code;
  private final String word;
  private final boolean revocable;

  RevocationReason(int code, String word, boolean revocable) {
    this.code = code;
    this.word = word;
    this.revocable = revocable;
  }

  /** The CRLReason value. */
  public int code() {
    return code;
  }

  /** RFC 5280's name, as OpenSSL prints it too: {@code keyCompromise}. */
  public String word() {
    return word;
  }

  /** Whether {@code hostpki revoke} takes it. */
  public boolean revocable() {
    return revocable;
  }

  public static Optional<RevocationReason> byCode(int code) {
    return EnumValues.find(RevocationReason.class, RevocationReason::code, code);
  }

  public static Optional<RevocationReason> byWord(String word) {
    return EnumValues.find(RevocationReason.class, RevocationReason::word, word);
  }

  /** The reasons {@code hostpki revoke} takes, by their words. */
  public static List<String> revocableWords() {
    return Arrays.stream(values()).filter(RevocationReason::revocable).map(RevocationReason::word).toList();
  }

  @Override
  public String toString() {
    return word;
  }
}
