package org.hostpki.sign;

import java.util.Locale;
import java.util.Objects;

/**
 * One entry of {@code ca.policy.allowedDomains}: an exact name, or {@code *.BASE} for every name
 * below BASE at any depth (see the package documentation for why any depth).
 */
record DomainPattern(String text) {
  private static final String WILDCARD = "*.";

  DomainPattern {
    Objects.requireNonNull(text, "text");
    text = text.toLowerCase(Locale.ROOT);
  }

  /** Whether the pattern allows a requested DNS name (itself perhaps a wildcard name). */
  boolean allows(String name) {
    String candidate = name.toLowerCase(Locale.ROOT);
    if (!text.startsWith(WILDCARD)) {
      return candidate.equals(text);
    }
    String suffix = text.substring(1); // ".corp.example"
    return candidate.length() > suffix.length() && candidate.endsWith(suffix);
  }

  @Override
  public String toString() {
    return text;
  }
}
