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
 *     in order, for the hook's {@code HOSTPKI_CHANGED}; none for {@code onExpiring}
 * @param lastFailure how the last attempt failed; empty when it was never attempted (hostpki was
 *     stopped between writing the store and running it)
 * @param expiring for an {@code onExpiring} obligation, the certificate and threshold it is about
 */
public record PendingHook(
    String hook,
    Instant since,
    List<String> changed,
    Optional<Failure> lastFailure,
    Optional<Expiring> expiring) {

  /** A failed attempt: when, and what went wrong, in words. */
  public record Failure(Instant at, String message) {
    public Failure {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * What an {@code onExpiring} obligation is about: one certificate, by its fingerprint, at one
   * threshold. It is due once; a renewed certificate (another fingerprint) is another obligation.
   *
   * @param certificate its address in the store: {@code ca}, {@code ca-next}, {@code server}
   * @param within the threshold's {@linkplain ExpiryThreshold#code() code}: {@code 7d}, {@code
   *     10%}, {@code due}, {@code margin}
   * @param reason why nothing renews it, in words: the hook's {@code HOSTPKI_REASON}
   */
  public record Expiring(
      String certificate, Fingerprint fingerprint, Instant notAfter, String within, String reason) {
    public Expiring {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(fingerprint, "fingerprint");
      Objects.requireNonNull(notAfter, "notAfter");
      Objects.requireNonNull(within, "within");
      Objects.requireNonNull(reason, "reason");
    }
  }


  public PendingHook {
    Objects.requireNonNull(hook, "hook");
    Objects.requireNonNull(since, "since");
    changed = List.copyOf(changed);
    Objects.requireNonNull(lastFailure, "lastFailure");
    Objects.requireNonNull(expiring, "expiring");
  }

  /** A hook after a change, with its last failure. */
  public PendingHook(String hook, Instant since, List<String> changed, Optional<Failure> lastFailure) {
    this(hook, since, changed, lastFailure, Optional.empty());
  }

  /** Newly due, never attempted. */
  public static PendingHook due(String hook, Instant since, List<String> changed) {
    return new PendingHook(hook, since, changed, Optional.empty());
  }

  /** An {@code onExpiring} obligation, newly due. */
  public static PendingHook expiring(Instant since, Expiring expiring) {
    return new PendingHook(HooksSpec.ON_EXPIRING, since, List.of(), Optional.empty(), Optional.of(expiring));
  }

  /**
   * What identifies the obligation in the records: the hook's name for a hook after a change (one
   * per generation, however many changes made it due); for {@code onExpiring} also the threshold
   * and the certificate's fingerprint.
   */
  public String key() {
    return expiring
        .map(e -> hook + ":" + e.within() + ":" + e.fingerprint().hex())
        .orElse(hook);
  }

  /** How messages name it: {@code afterServerChange}, {@code onExpiring (server, within 7d)}. */
  public String label() {
    return expiring.map(e -> hook + " (" + e.certificate() + ", within " + e.within() + ")").orElse(hook);
  }

  /** The same obligation with the last failure the records hold for it. */
  public PendingHook withLastFailure(Optional<Failure> failure) {
    return new PendingHook(hook, since, changed, failure, expiring);
  }

  /** What the last attempt said, or that there was none yet. */
  public String lastError() {
    if (lastFailure.isPresent()) {
      return lastFailure.get().message();
    }
    return expiring.isPresent()
        ? "no run of " + label() + " ended yet: " + expiring.get().certificate() + " expires on "
            + DateText.of(expiring.get().notAfter()) + " and nothing renews it in time ("
            + expiring.get().reason() + ")"
        : "no run of it ended (hostpki was stopped after writing the store, before the hook"
            + " ran or while it ran), or another hostpki run is running it now";
  }
}
