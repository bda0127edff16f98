package org.hostpki.check;

import java.util.Locale;

/** How a check ends, worst last; with the exit code a Nagios or Icinga plugin gives for it. */
public enum Status {
  OK(0),
  WARNING(1),
  CRITICAL(2),
  /** The check could not look: an invalid desired state, an unreadable store. */
  UNKNOWN(3);

  private final int nagiosCode;

  Status(int nagiosCode) {
    this.nagiosCode = nagiosCode;
  }

  /** 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN: the monitoring plugin convention. */
  public int nagiosCode() {
    return nagiosCode;
  }

  /** The worse of the two. */
  public Status worst(Status other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  /** {@code ok}, as JSON says it. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
