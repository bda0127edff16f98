package org.hostpki.acme;

import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.hostpki.model.DurationText;

/**
 * {@code server.acme.timeout} for one order (or one bounded exchange): what each step may still
 * take. Every HTTP request to the CA ({@link BoundedHttpClient}), every poll and every dns-01 hook
 * run gets at most the time left, so a CA that answers each request just before its own timeout
 * cannot hold {@code apply}, {@code watch} and the store's lock for the sum of them. The challenge
 * listeners live only between the first and the last of those steps. Time is the injected clock's.
 */
final class OrderDeadline {
  static final String SETTING = "server.acme.timeout";

  private final Clock clock;
  private final Instant at;
  private final Duration whole;
  private final String setting;

  private OrderDeadline(Clock clock, Instant at, Duration whole, String setting) {
    this.clock = clock;
    this.at = at;
    this.whole = whole;
    this.setting = setting;
  }

  /** The order's deadline, {@code whole} (server.acme.timeout) after it started. */
  static OrderDeadline of(Clock clock, Instant at, Duration whole) {
    return new OrderDeadline(clock, at, whole, SETTING);
  }

  /** A bound of the caller's (a plan asking for renewal information), named as it is in messages. */
  static OrderDeadline bound(Clock clock, Duration whole, String described) {
    return new OrderDeadline(clock, clock.instant().plus(whole), whole, described);
  }

  /** What is left; zero once it has run out. */
  Duration left() {
    Duration left = Duration.between(clock.instant(), at);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** {@code wanted}, or what is left when that is less. */
  Duration cap(Duration wanted) {
    Duration left = left();
    return wanted.compareTo(left) > 0 ? left : wanted;
  }

  /** The same end, but at least {@code grace} from now: for the cleanup after an order. */
  OrderDeadline atLeast(Duration grace) {
    Instant graceEnd = clock.instant().plus(grace);
    return graceEnd.isAfter(at) ? new OrderDeadline(clock, graceEnd, whole, setting) : this;
  }

  /**
   * The failure when it ran out during a step: which step, how long that step waited, and what
   * to do.
   *
   * @param doing the step, as messages name it: "creating the order"
   * @param what what happened in the step: "the CA at URL did not answer within 2s"
   */
  AcmeFailure ranOut(String doing, String what) {
    return new AcmeFailure(AcmeFailure.Kind.TIMEOUT, doing + ": " + what + "; " + advice());
  }

  /** Why the step was cut short, and what to do about it. */
  String advice() {
    return setting + " (" + DurationText.of(whole) + ") ran out: it bounds the whole order (every request, poll and"
        + " dns-01 hook run); if this CA or the hook is known to take this long, raise it";
  }

  /** How a step's waiting time is said: {@code 2s}, {@code 1m 30s}, {@code 400ms}. */
  static String waited(Duration d) {
    return d.compareTo(Duration.ofSeconds(1)) < 0 ? d.toMillis() + "ms" : DurationText.exact(d);
  }

  /**
   * A request cut short because the deadline ran out, thrown by {@link BoundedHttpClient} through
   * acme4j; {@link Failures#translate} makes it {@link #ranOut}.
   */
  static final class RanOut extends HttpTimeoutException {
    private static final long serialVersionUID = 1L;
    private final transient OrderDeadline deadline;
    private final Duration waited;

    RanOut(OrderDeadline deadline, Duration waited) {
      super("no complete answer within the " + waited(waited) + " left of " + deadline.setting);
      this.deadline = deadline;
      this.waited = waited;
    }

    AcmeFailure failure(String doing, String server) {
      return deadline.ranOut(
          doing,
          waited.isZero()
              ? "not sent to the CA at " + server + ", no time was left"
              : "the CA at " + server + " did not answer within the " + waited(waited) + " left");
    }
  }
}
