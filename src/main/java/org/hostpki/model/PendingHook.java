package org.hostpki.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A hook that is due and has not yet run successfully: recorded with the store generation that
 * made it due, carried into every later generation until it succeeds.
 *
 * @param hook the hook's name in the desired state, e.g. {@code afterServerChange}
 * @param since when it first became due (a carried obligation keeps its first time)
 * @param changed the addresses whose change made it due ({@code server}, {@code output/server.p12}),
 *     in order, for the hook's {@code HOSTPKI_CHANGED}
 * @param lastFailure how the last attempt failed; empty when it was never attempted (hostpki was
 *     stopped between writing the store and running it)
 */
public record PendingHook(
    String hook, Instant since, List<String> changed, Optional<Failure> lastFailure) {

  /** A failed attempt: when, and what went wrong, in words. */
  public record Failure(Instant at, String message) {
    public Failure {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(message, "message");
    }
  }

  public PendingHook {
    Objects.requireNonNull(hook, "hook");
    Objects.requireNonNull(since, "since");
    changed = List.copyOf(changed);
    Objects.requireNonNull(lastFailure, "lastFailure");
  }

  /** Newly due, never attempted. */
  public static PendingHook due(String hook, Instant since, List<String> changed) {
    return new PendingHook(hook, since, changed, Optional.empty());
  }

  /** What the last attempt said, or that there was none yet. */
  public String lastError() {
    return lastFailure
        .map(Failure::message)
        .orElse("no run of it ended (hostpki was stopped after writing the store, before the hook"
            + " ran or while it ran)");
  }
}
