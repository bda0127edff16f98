package org.hostpki.acme;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the ACME record beside the store holds for one CA directory, besides the account key: the
 * account's URL, the last order, and the failures since the last success (for back-off). A value:
 * read by {@code status} and the planner without touching the network.
 *
 * @param directory the CA's directory URL this account belongs to
 * @param accountUrl the account's URL at the CA, once it exists
 * @param lastOrder the last order that produced a certificate
 * @param failure the last failure since then, with the count of failures in a row
 */
public record AccountState(
    String directory, Optional<String> accountUrl, Optional<LastOrder> lastOrder, Optional<LastFailure> failure) {

  public AccountState {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(accountUrl, "accountUrl");
    Objects.requireNonNull(lastOrder, "lastOrder");
    Objects.requireNonNull(failure, "failure");
  }

  public static AccountState fresh(String directory) {
    return new AccountState(directory, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** When the next order may be tried; empty when nothing failed since the last success. */
  public Optional<Instant> nextAttempt() {
    return failure.map(LastFailure::nextAttempt);
  }

  /**
   * A certificate the CA issued.
   *
   * @param identifiers as ordered: {@code dns:portal.example.com}, {@code ip:192.0.2.10}
   * @param leafSha256 the leaf's fingerprint, lowercase hex
   * @param earlierLeavesSha256 the leaves of the orders before, newest first, at most {@link
   *     #EARLIER}: a run killed after its order was recorded but before the store took the
   *     certificate leaves one of them served, and it is still this account's
   */
  public record LastOrder(
      Instant completed, String orderUrl, String certificateUrl, List<String> identifiers, String leafSha256,
      List<String> earlierLeavesSha256) {
    public static final int EARLIER = 3;

    public LastOrder {
      Objects.requireNonNull(completed, "completed");
      Objects.requireNonNull(orderUrl, "orderUrl");
      Objects.requireNonNull(certificateUrl, "certificateUrl");
      identifiers = List.copyOf(identifiers);
      Objects.requireNonNull(leafSha256, "leafSha256");
      earlierLeavesSha256 = List.copyOf(earlierLeavesSha256.subList(0, Math.min(EARLIER, earlierLeavesSha256.size())));
    }

    /** The leaves of this order and those before, newest first: the earlier ones of the next order. */
    public List<String> leavesSha256() {
      List<String> all = new ArrayList<>(List.of(leafSha256));
      all.addAll(earlierLeavesSha256);
      return all;
    }
  }

  /**
   * The last failure.
   *
   * @param inARow failures since the last success, this one included
   * @param problemType the CA's problem type, when it sent one
   * @param retryAfter when the CA asked to be tried again
   * @param nextAttempt when an unattended run may try again ({@link BackOff})
   */
  public record LastFailure(
      Instant at,
      int inARow,
      AcmeFailure.Kind kind,
      String message,
      Optional<String> problemType,
      Optional<Instant> retryAfter,
      Instant nextAttempt) {
    public LastFailure {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(problemType, "problemType");
      Objects.requireNonNull(retryAfter, "retryAfter");
      Objects.requireNonNull(nextAttempt, "nextAttempt");
    }
  }
}
