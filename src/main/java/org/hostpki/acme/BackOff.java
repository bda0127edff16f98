package org.hostpki.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When to try an ACME order again after failures, so that timers and {@code watch} never hammer a
 * CA: exponential from {@link #FIRST} (doubling per failure in a row, at most {@link #LONGEST}),
 * never before the CA's Retry-After (itself believed for at most {@link #LONGEST_RETRY_AFTER}),
 * and at least an hour after a rate-limit problem that names no time. Pure and deterministic.
 */
public final class BackOff {
  public static final Duration FIRST = Duration.ofMinutes(5);
  public static final Duration LONGEST = Duration.ofHours(24);
  public static final Duration RATE_LIMITED = Duration.ofHours(1);
  public static final Duration LONGEST_RETRY_AFTER = Duration.ofDays(7);

  private BackOff() {}

  /**
   * @param inARow failures in a row, this one included (at least 1)
   */
  public static Instant nextAttempt(
      Instant failedAt, int inARow, AcmeFailure.Kind kind, Optional<Instant> retryAfter) {
    Duration wait = FIRST.multipliedBy(1L << Math.min(Math.max(inARow, 1) - 1, 20));
    if (wait.compareTo(LONGEST) > 0) {
      wait = LONGEST;
    }
    if (kind == AcmeFailure.Kind.RATE_LIMITED && retryAfter.isEmpty() && wait.compareTo(RATE_LIMITED) < 0) {
      wait = RATE_LIMITED;
    }
    Instant next = failedAt.plus(wait);
    if (retryAfter.isPresent()) {
      Instant believed = retryAfter.get();
      Instant cap = failedAt.plus(LONGEST_RETRY_AFTER);
      if (believed.isAfter(cap)) {
        believed = cap;
      }
      if (believed.isAfter(next)) {
        next = believed;
      }
    }
    return next;
  }
}
