package org.hostpki.config;

/** How bad a {@link Problem} is. */
public enum Severity {
  /** The file cannot be used: validation fails and no desired state is built. */
  ERROR,
  /** The file works, but something in it is probably not what was meant. */
  WARNING;

  /** The word printed in a problem line: {@code error} or {@code warning}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
