package org.hostpki.plan;

import java.util.Objects;

/**
 * Something a reviewer should know that does not stop the plan: a trusted certificate about to
 * expire, the same certificate under two names.
 *
 * @param kind what it is about, as a stable code
 * @param subject what it is about: {@code trust/ldap}, {@code server}
 */
public record Warning(WarningCode kind, String subject, String message) {
  public Warning {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
  }

  /**
   * A warning by its code's word.
   *
   * @throws IllegalArgumentException for a code that is not a {@link WarningCode}'s
   */
  public Warning(String code, String subject, String message) {
    this(WarningCode.of(code), subject, message);
  }

  /**
   * Whether this is an {@code acme-waiting} warning while {@code server.acme.fallback: none} keeps
   * serving a certificate that lacks a name or address the desired state wants, or is no longer
   * valid: clients that ask for it refuse the server until an order succeeds.
   */
  public boolean acmeKeepsWhatDoesNotServe() {
    return kind == WarningCode.ACME_WAITING && message.contains(AcmeOrders.KEPT_ALTHOUGH);
  }

  /** The stable code of the JSON plan: {@code trust-expiring}. */
  public String code() {
    return kind.code();
  }
}
