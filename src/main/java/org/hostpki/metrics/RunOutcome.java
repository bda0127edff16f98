package org.hostpki.metrics;

import java.time.Instant;
import java.util.Objects;

/**
 * What a run did, for the metrics: an apply, or one observation of {@code watch}.
 *
 * @param at when it ran
 * @param success it ended without an error (exit code 0)
 * @param changes how many changes it made
 * @param hooksPending hooks that failed and are still to be run
 */
public record RunOutcome(Instant at, boolean success, int changes, int hooksPending) {
  public RunOutcome {
    Objects.requireNonNull(at, "at");
  }
}
