package org.hostpki.model;

/**
 * What a store file holds, which decides how it is written and what reading it checks: never its
 * name's ending. A combined PEM holds a key as much as {@code server.key} does, and a JKS is as
 * much a key store as a {@code .p12}.
 *
 * <ul>
 *   <li>A <b>secret</b> file is created 0600 from its first byte, and reading the store refuses it
 *       when it belongs to anyone but the user hostpki runs as (or root).
 *   <li>An <b>owner-only</b> file is moreover refused when group or others may read it: it holds
 *       what a password or nothing at all protects.
 * </ul>
 */
public enum FileKind {
  /** Certificates: one, a chain, a bundle. Public: clients and services need them. */
  CERTIFICATES(false, false),
  /** A certificate request. Public: it goes to a CA. */
  REQUEST(false, false),
  /** A private key, alone or with its certificates. */
  PRIVATE_KEY(true, true),
  /** A password-protected key or trust store (PKCS#12): only as strong as its password. */
  KEYSTORE(true, true),
  /**
   * What the key stores hold, bound to their bytes and checked against their password: hostpki
   * takes it on trust, so only its own user may have written it ({@code .pkcs12-facts}).
   */
  KEYSTORE_RECORD(true, false),
  /**
   * A file the store's layout does not name (left by hand, or by another version): kept private,
   * the safe side when nothing says what it holds.
   */
  UNKNOWN(true, false);

  private final boolean secret;
  private final boolean ownerOnly;

  FileKind(boolean secret, boolean ownerOnly) {
    this.secret = secret;
    this.ownerOnly = ownerOnly;
  }

  /** Created 0600; its owner must be the user hostpki runs as, or root. */
  public boolean secret() {
    return secret;
  }

  /** Secret, and refused when group or others may read it. */
  public boolean ownerOnly() {
    return ownerOnly;
  }
}
