package org.hostpki.plan;

/**
 * Why a change is planned; the codes are part of the JSON plan contract ({@code
 * schema/plan.schema.json} lists the same, which a test holds). Each code also says how the two
 * time-driven policies treat a change for it, so that a new reason cannot be added without
 * deciding them:
 *
 * <ul>
 *   <li>{@link Rotation}: whether a phased CA rotation ({@code ca.rotation.overlap}) may let the
 *       current CA go on signing through the overlap for this reason, or must replace it at once;
 *   <li>{@link Watch}: whether {@code hostpki watch} applies the change at once, even with drift
 *       that waits beside it, or waits until the host identity it follows has been stable for the
 *       debounce time.
 * </ul>
 */
public enum ReasonCode {
  MISSING("missing", Rotation.AT_ONCE, Watch.URGENT),
  KEY_MISMATCH("key-mismatch", Rotation.AT_ONCE, Watch.URGENT),
  KEY_SPEC_CHANGED("key-spec-changed", Rotation.WAITS_FOR_OVERLAP, Watch.DEBOUNCED),
  SUBJECT_CHANGED("subject-changed", Rotation.WAITS_FOR_OVERLAP, Watch.DEBOUNCED),
  /** The CA's name constraints differ from {@code ca.nameConstraints}: it still signs correctly. */
  NAME_CONSTRAINTS_CHANGED("name-constraints-changed", Rotation.WAITS_FOR_OVERLAP, Watch.DEBOUNCED),
  SAN_CHANGED("san-changed", Rotation.AT_ONCE, Watch.DEBOUNCED),
  HOST_IDENTITY_CHANGED("host-identity-changed", Rotation.AT_ONCE, Watch.DEBOUNCED),
  ISSUER_CHANGED("issuer-changed", Rotation.AT_ONCE, Watch.AT_ONCE),
  PROFILE_CHANGED("profile-changed", Rotation.AT_ONCE, Watch.DEBOUNCED),
  EXPIRING("expiring", Rotation.WAITS_FOR_OVERLAP, Watch.AT_ONCE),
  EXPIRED("expired", Rotation.AT_ONCE, Watch.URGENT),
  NOT_YET_VALID("not-yet-valid", Rotation.AT_ONCE, Watch.URGENT),
  REPLACE_REQUESTED("replace-requested", Rotation.AT_ONCE, Watch.DEBOUNCED),
  OUT_OF_DATE("out-of-date", Rotation.AT_ONCE, Watch.AT_ONCE),
  NOT_WANTED("not-wanted", Rotation.AT_ONCE, Watch.DEBOUNCED),
  CHAIN_IMPORTED("chain-imported", Rotation.AT_ONCE, Watch.DEBOUNCED),
  CHAIN_AWAITED("chain-awaited", Rotation.AT_ONCE, Watch.DEBOUNCED),
  TRUST_ADDED("trust-added", Rotation.AT_ONCE, Watch.DEBOUNCED),
  TRUST_CHANGED("trust-changed", Rotation.AT_ONCE, Watch.DEBOUNCED),
  TRUST_REMOVED("trust-removed", Rotation.AT_ONCE, Watch.DEBOUNCED),
  /** A step of a phased CA rotation, or why there is none: due by the clock, not by a flapping host. */
  CA_ROTATION("ca-rotation", Rotation.AT_ONCE, Watch.AT_ONCE),
  /** A file's owner, group or mode is not the declared one ({@code store.access}, an output's). */
  ACCESS_CHANGED("access-changed", Rotation.AT_ONCE, Watch.DEBOUNCED),
  /** A file opens only with {@code store.previousPassword}: encrypted anew with the password. */
  PASSWORD_CHANGED("password-changed", Rotation.AT_ONCE, Watch.DEBOUNCED),
  /**
   * A visible name's link through {@code ..data} is gone (removed by hand): made again, nothing
   * re-issued. Due by the store itself, so {@code watch} restores it at its next tick.
   */
  LINK_MISSING("link-missing", Rotation.AT_ONCE, Watch.URGENT);

  /** How a phased CA rotation treats a reason to replace {@code ca.crt}. */
  public enum Rotation {
    /** The current CA still signs correctly: it may keep signing until the overlap ends. */
    WAITS_FOR_OVERLAP,
    /** The current CA cannot wait: it is replaced at once (a new CA already trusted takes over). */
    AT_ONCE
  }

  /** How {@code hostpki watch} treats a change for this reason. */
  public enum Watch {
    /**
     * Applied at the next tick with the whole plan: the host has no valid certificate (or file)
     * meanwhile, and no drift beside it may hold it back. Found in the watch trial: an expired
     * certificate waited behind an address that kept changing, each change restarting the
     * debounce; cert-manager and certmonger never let churn postpone an expired certificate.
     */
    URGENT,
    /**
     * Applied at the next tick when every change of the plan is due at once (due by the clock or
     * the store itself, or following such a change); beside a debounced change it waits with it —
     * an output that follows a server certificate re-issued for a new address, a server re-issued
     * because its CA is replaced for a changed subject, a renewal still weeks from expiry.
     */
    AT_ONCE,
    /** Applied only once the host identity has been stable for the debounce time. */
    DEBOUNCED
  }

  private final String code;
  private final Rotation rotation;
  private final Watch watch;

  ReasonCode(String code, Rotation rotation, Watch watch) {
    this.code = code;
    this.rotation = rotation;
    this.watch = watch;
  }

  /** The stable code of the JSON plan: {@code host-identity-changed}. */
  public String code() {
    return code;
  }

  /** Whether a phased CA rotation may keep the current CA signing until its overlap ends. */
  public boolean waitsForOverlap() {
    return rotation == Rotation.WAITS_FOR_OVERLAP;
  }

  /** Whether {@code hostpki watch} applies a change for this reason without the debounce. */
  public boolean appliesAtOnce() {
    return watch != Watch.DEBOUNCED;
  }

  /**
   * Whether {@code hostpki watch} applies a plan with a change for this reason at once, whatever
   * its other changes are: the host is without a valid certificate or file until it is applied.
   */
  public boolean appliesAtOnceWithAnyDrift() {
    return watch == Watch.URGENT;
  }

  /**
   * Whether the clock made a change for this reason due (a renewal, a rotation's next phase):
   * {@code hostpki watch} applies a drift with one at the latest a few debounces after it was
   * first seen, however the rest of it keeps changing; a drift of the host's identity alone waits
   * until it holds (re-keying, or an ACME order, at every few debounces of a churning address
   * would be worse than waiting).
   */
  public boolean madeDueByTheClock() {
    return this == EXPIRING || this == CA_ROTATION;
  }
}
