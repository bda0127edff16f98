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

  /** The stable code of the JSON plan: {@code trust-expiring}. */
  public String code() {
    return kind.code();
  }
}
