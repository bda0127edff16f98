package org.hostpki.model;

/** Whether a re-issued certificate gets a new key. */
public enum KeyRotation {
  /** A new key on every re-issue (cert-manager's default). */
  ALWAYS,
  /**
   * Keep the key across re-issues for SAN or expiry reasons, so clients that pin it keep working.
   * A changed key spec still makes a new key.
   */
  NEVER
}
