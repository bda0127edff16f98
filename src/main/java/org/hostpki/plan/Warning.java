package org.hostpki.plan;

import java.util.Objects;

/**
 * Something a reviewer should know that does not stop the plan: a trusted certificate about to
 * expire, the same certificate under two names.
 *
 * @param subject what it is about: {@code trust/ldap}, {@code server}
 */
public record Warning(String code, String subject, String message) {
  public Warning {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
  }
}
