package org.hostpki.renewal;

import java.time.Instant;
import java.util.Objects;

/**
 * A renewal window the issuing CA suggests for one certificate (ACME renewal information, RFC
 * 9773): renew at a moment inside it; once it has passed, at once.
 */
public record SuggestedWindow(Instant start, Instant end) {
  public SuggestedWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("a suggested window ends after it starts: " + start + ", " + end);
    }
  }
}
