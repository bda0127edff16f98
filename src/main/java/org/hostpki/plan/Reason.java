package org.hostpki.plan;

import java.util.Objects;

/** One reason for a change: a stable code and words for a reviewer. */
public record Reason(ReasonCode code, String message) {
  public Reason {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
