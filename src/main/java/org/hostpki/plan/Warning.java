package org.hostpki.plan;

import java.util.Objects;

/**
 * Something a reviewer should know that does not stop the plan: a trusted certificate about to
 * expire, the same certificate under two names.
 *
 * @param kind what it is about, as a stable code
 * @param subject what it is about: {@code trust/ldap}, {@code server}
 * @param keepsWhatDoesNotServe the server keeps a certificate that does not serve the desired
 *     state ({@code fallback: none} while an ACME order waits, or while no new external chain
 *     has come: a name or address it lacks, no longer valid, outside {@code
 *     server.external.roots}): clients that ask for what it lacks refuse the server meanwhile,
 *     so {@code check} says WARNING although nothing is due. A flag, not a phrase of the message:
 *     the message carries outside text (an ACME CA's error) that may hold any phrase
 */
public record Warning(WarningCode kind, String subject, String message, boolean keepsWhatDoesNotServe) {
  public Warning {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
  }

  /** A warning that leaves what the server serves alone. */
  public Warning(WarningCode kind, String subject, String message) {
    this(kind, subject, message, false);
  }

  /**
   * A warning by its code's word.
   *
   * @throws IllegalArgumentException for a code that is not a {@link WarningCode}'s
   */
  public Warning(String code, String subject, String message) {
    this(WarningCode.of(code), subject, message);
  }

  /** The stable code of the JSON plan: {@code trust-expiring}. */
  public String code() {
    return kind.code();
  }
}
