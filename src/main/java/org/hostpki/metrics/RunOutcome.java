package org.hostpki.metrics;

import java.time.Instant;
import java.util.Objects;

/**
 * What the last run that could change the store did, for the metrics: an apply, or one
 * observation of {@code watch}. {@code hostpki check} is not one: it keeps the outcome the file
 * holds.
 *
 * @param at when it ran
 * @param success it ended without an error (exit code 0)
 * @param changes how many changes it made
 */
public record RunOutcome(Instant at, boolean success, int changes) {
  public RunOutcome {
    Objects.requireNonNull(at, "at");
  }
}
