package org.hostpki.plan;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.Fingerprint;
import org.hostpki.renewal.SuggestedWindow;

/**
 * What the apply edge found out about the ACME CA before planning ({@code server.issuer: acme}):
 * the store's ACME record (read without the network) and the CA's renewal window for the served
 * certificate (fetched within a short bound). A value, so the planner stays pure.
 *
 * @param accountUrl the account's URL, once the CA made it
 * @param lastOrdered the leaf of the last order that produced a certificate: the served certificate
 *     is this account's when it is this one
 * @param lastOrderAt when that order completed
 * @param failure the last failure since that order
 * @param renewalWindow the CA's suggested window for the served certificate (ARI, RFC 9773)
 * @param renewalInfoProblem why the window could not be fetched, for a warning
 * @param honourBackOff an order waits for the recorded back-off: unattended runs, and the run
 *     whose own order just failed; a person's apply orders at once unless the CA asked to wait
 * @param earlierOrderServed {@code lastOrdered} is the served certificate, which an order of this
 *     account's before the last brought (a rollback to it, a run killed after its order was
 *     recorded): planned as this account's, but not the certificate the last order brought
 */
public record AcmeObservation(
    Optional<String> accountUrl,
    Optional<Fingerprint> lastOrdered,
    Optional<Instant> lastOrderAt,
    Optional<Failure> failure,
    Optional<SuggestedWindow> renewalWindow,
    Optional<String> renewalInfoProblem,
    boolean honourBackOff,
    boolean earlierOrderServed) {

  /** No ACME record, no window: an internal or external issuer, or a store that never ordered. */
  public static final AcmeObservation NONE =
      new AcmeObservation(
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), false, false);

  public AcmeObservation {
    Objects.requireNonNull(accountUrl, "accountUrl");
    Objects.requireNonNull(lastOrdered, "lastOrdered");
    Objects.requireNonNull(lastOrderAt, "lastOrderAt");
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(renewalWindow, "renewalWindow");
    Objects.requireNonNull(renewalInfoProblem, "renewalInfoProblem");
  }

  /**
   * Whether {@code certificate} is this account's: the one its last order produced, or the served
   * one an earlier order did ({@code earlierOrderServed}).
   */
  public boolean orderedHere(Fingerprint certificate) {
    return lastOrdered.filter(certificate::equals).isPresent();
  }

  /** Whether {@code certificate} is the one this account's last order produced itself. */
  public boolean lastOrderBrought(Fingerprint certificate) {
    return !earlierOrderServed && orderedHere(certificate);
  }

  /**
   * The last failed order.
   *
   * @param message the one-line message, problem document included (escaped)
   * @param inARow failures since the last success, this one included
   * @param retryAfter when the CA asked to be tried again (Retry-After)
   * @param rateLimited the CA said {@code rateLimited}
   * @param nextAttempt when an order may be tried again: the exponential back-off, never before
   *     Retry-After
   */
  public record Failure(
      Instant at,
      String message,
      int inARow,
      Optional<Instant> retryAfter,
      boolean rateLimited,
      Instant nextAttempt) {
    public Failure {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(retryAfter, "retryAfter");
      Objects.requireNonNull(nextAttempt, "nextAttempt");
    }

    /** The CA itself asked to wait (Retry-After, a rate limit): even a person's run waits. */
    boolean caAskedToWait(Instant now) {
      return (rateLimited || retryAfter.isPresent()) && now.isBefore(nextAttempt);
    }
  }

  /** The same observation for the planning pass right after this run's own order failed. */
  public AcmeObservation afterOwnFailure(Failure failed) {
    return new AcmeObservation(
        accountUrl, lastOrdered, lastOrderAt, Optional.of(failed), renewalWindow, renewalInfoProblem, true,
        earlierOrderServed);
  }

  /** The observation once this certificate was ordered: the failures are behind, no window yet. */
  public AcmeObservation ordered(Fingerprint leaf) {
    return new AcmeObservation(
        accountUrl, Optional.of(leaf), lastOrderAt, Optional.empty(), Optional.empty(), Optional.empty(),
        honourBackOff, false);
  }

  /** What the stale check of a saved plan compares. */
  public String basisWords() {
    return "account " + accountUrl.orElse("-") + " last " + lastOrdered.map(Fingerprint::hex).orElse("-")
        + " failure " + failure.map(f -> f.at() + " " + f.nextAttempt()).orElse("-")
        + " window " + renewalWindow.map(w -> w.start() + " " + w.end()).orElse("-")
        + " backoff " + honourBackOff;
  }
}
