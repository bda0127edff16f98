package org.hostpki.plan;

import org.hostpki.model.EnumValues;

/**
 * What a plan's warning is about; the codes are part of the JSON plan contract ({@code
 * schema/plan.schema.json} lists the same, which a test holds).
 */
public enum WarningCode {
  /** A trusted certificate has expired. */
  TRUST_EXPIRED("trust-expired"),
  /** A trusted certificate expires within {@link Planner#TRUST_EXPIRY_WARNING}. */
  TRUST_EXPIRING("trust-expiring"),
  /** The same certificate is trusted under several names. */
  TRUST_DUPLICATE("trust-duplicate"),
  /**
   * Self-issued trusted certificates with one subject and one key that differ (a device that
   * renewed its certificate keeping its key): OpenSSL accepts only the first of them when a server
   * presents one itself.
   */
  TRUST_SAME_KEY("trust-same-key"),
  /** A trusted certificate is listed in a CRL of {@code trust.crls}. */
  TRUST_REVOKED("trust-revoked"),
  /** A certificate of a trust source is left out by trust.excludeExpired or trust.caOnly. */
  TRUST_FILTERED("trust-filtered"),
  /**
   * A trusted certificate has an extension marked critical that OpenSSL does not know: OpenSSL
   * clients refuse every certificate it signs, and the certificate itself.
   */
  TRUST_CRITICAL_EXTENSION("trust-critical-extension"),
  /** A CRL of {@code trust.crls} has less than a third of its validity left: fetch a newer one. */
  CRL_EXPIRING("crl-expiring"),
  /** A CRL of {@code trust.crls} is past its nextUpdate: installed all the same, fetch a newer one. */
  CRL_EXPIRED("crl-expired"),
  /**
   * A CRL of {@code trust.crls} is older than the one of its CA installed (or has its number with
   * other content): the installed one is kept, so its revocations stay in force.
   */
  CRL_OLDER("crl-older"),
  /**
   * The store's current generation was written from another desired-state file, and this plan
   * changes it: two files naming one {@code store.path} undo each other's changes on every run.
   */
  OTHER_DESIRED_STATE("other-desired-state"),
  /**
   * A {@code trust.install} target (or one of the install record) cannot be read: it is left as
   * it is, the rest of the plan goes ahead, and apply exits 3 until it can be read again.
   */
  INSTALL_UNREADABLE("install-unreadable"),
  /**
   * The last change of a {@code trust.install} target that can be read failed (its lock held by
   * its owner, its tool or the write failing; the install record keeps it until a change of it
   * succeeds), and the plan changes it again: apply exits 3 while it keeps failing.
   */
  INSTALL_FAILED("install-failed"),
  /**
   * The install record names entries of a target under another tag whose store is still there and
   * names them too: this store is a copy of it (restored or copied into another folder), and leaves
   * them to it instead of taking them over.
   */
  INSTALL_OTHER_STORE("install-other-store"),
  /** A phased CA rotation is under way: when the server moves, when the previous CA leaves. */
  CA_ROTATION("ca-rotation"),
  /** A name of the host identity is outside the CA's name constraints: the server certificate leaves it out. */
  NAME_CONSTRAINTS("name-constraints"),
  /** An external issuer's signed chain has not arrived yet. */
  CHAIN_AWAITED("chain-awaited"),
  /**
   * The chain file passes every check from a time within a day on (its CA's clock runs ahead):
   * it waits, and the first apply from then on imports it.
   */
  CHAIN_NOT_YET_VALID("chain-not-yet-valid"),
  /** A certificate of an imported chain expires before its leaf: the chain ends then. */
  CHAIN_ENDS_EARLY("chain-ends-early"),
  /** The imported server certificate is due for renewal by the outside CA. */
  EXTERNAL_EXPIRING("external-expiring"),
  /** An imported chain ends with an intermediate whose issuer the file and the host's trust lack. */
  CHAIN_INCOMPLETE("chain-incomplete"),
  /** A CA of an imported chain signs with Ed25519 or Ed448, which browsers refuse. */
  CHAIN_EDDSA("chain-eddsa"),
  /** An imported chain ends in a root that neither server.external.roots nor the trust names. */
  CHAIN_ROOT_UNNAMED("chain-root-unnamed"),
  /**
   * The root that completed an imported chain when it was imported (this host trusted it then) is
   * no longer trusted: a distrusted root the system's bundle dropped, one removed from the trust.
   */
  CHAIN_ROOT_UNTRUSTED("chain-root-untrusted"),
  /** A renewal went ahead outside the maintenance windows: the safety margin was reached. */
  RENEWAL_SAFETY_MARGIN("renewal-safety-margin"),
  /** A due renewal waits for a maintenance window (unattended runs only). */
  RENEWAL_WAITING("renewal-waiting"),
  /** Names or addresses of the server an ACME CA cannot validate: not ordered. */
  ACME_LEFT_OUT("acme-left-out"),
  /** The ACME CA's renewal information could not be fetched: the usual threshold applies. */
  ACME_RENEWAL_INFO("acme-renewal-info"),
  /** An ACME order failed and the next waits for its back-off (or the CA's Retry-After). */
  ACME_WAITING("acme-waiting"),
  /** Host detection found no address: the server certificate keeps the host addresses it has. */
  HOST_NO_ADDRESS("host-no-address"),
  /** The host's name is a placeholder (localhost): the server certificate keeps or leaves out names. */
  HOST_NO_NAME("host-no-name"),
  /** An entry of a host file names nothing usable ({@code /etc/resolv.conf}): it is left out. */
  HOST_FILE_ENTRY("host-file-entry"),
  /**
   * The store password holds a character outside printable ASCII: Java's KeyStore cannot open the
   * PKCS#12 files with it (OpenSSL and NSS can).
   */
  PKCS12_PASSWORD_JAVA("pkcs12-password-java");

  private final String code;

  WarningCode(String code) {
    this.code = code;
  }

  /** The stable code of the JSON plan: {@code trust-expiring}. */
  public String code() {
    return code;
  }

  /**
   * The code with this word.
   *
   * @throws IllegalArgumentException when there is none
   */
  /**
   * Whether the warning says an install target is failing — it cannot be read, or its last change
   * failed: check's WARNING (exit 3), the failing gauge, watch's back-off kept.
   */
  public boolean failingInstall() {
    return this == INSTALL_UNREADABLE || this == INSTALL_FAILED;
  }

  public static WarningCode of(String code) {
    return EnumValues.find(WarningCode.class, WarningCode::code, code)
        .orElseThrow(() -> new IllegalArgumentException("no such code: " + code));
  }
}
