package org.hostpki.model;

import java.time.Duration;
import java.util.Objects;

/**
 * How close to its expiry a certificate that nothing renews counts as expiring: a time or a share
 * of its lifetime before its notAfter ({@code 7d}, {@code 10%}, as {@link RenewBefore} writes
 * them), the moment its renewal falls due ({@code due}), or a share of its safety margin ({@code
 * margin}: a quarter of its renewBefore, at least an hour, the point from which a renewal waits for
 * no window). {@code hooks.onExpiringWithin} and {@code hostpki check --warning/--critical} take
 * these.
 */
public sealed interface ExpiryThreshold {

  /** When its renewal falls due: renewBefore, with its jitter. */
  ExpiryThreshold DUE = new Due();

  /** The safety margin itself: where hostpki's own renewal would have happened at the latest. */
  ExpiryThreshold SAFETY_MARGIN = new OfMargin(Percentage.of(100));

  /**
   * What the thresholds of one certificate are measured by.
   *
   * @param lifetime notAfter − notBefore
   * @param dueBefore how long before its notAfter its renewal falls due
   * @param safetyMargin how long before its notAfter its renewal waits for nothing any more
   */
  record Span(Duration lifetime, Duration dueBefore, Duration safetyMargin) {
    public Span {
      Objects.requireNonNull(lifetime, "lifetime");
      Objects.requireNonNull(dueBefore, "dueBefore");
      Objects.requireNonNull(safetyMargin, "safetyMargin");
    }
  }

  /** How long before its notAfter a certificate crosses it. */
  Duration before(Span span);

  /**
   * A stable name: as written ({@code 7d}, {@code 10%}), {@code due}, {@code margin} or {@code
   * 50%margin}; part of the identity of an {@code onExpiring} obligation and its {@code
   * HOSTPKI_WITHIN}.
   */
  String code();

  static ExpiryThreshold of(RenewBefore before) {
    return new Before(before);
  }

  /** A time, or a share of the lifetime, before expiry. */
  record Before(RenewBefore before) implements ExpiryThreshold {
    public Before {
      Objects.requireNonNull(before, "before");
    }

    @Override
    public Duration before(Span span) {
      return before.period(span.lifetime());
    }

    @Override
    public String code() {
      return before.text();
    }
  }

  /** When the certificate's renewal falls due. */
  record Due() implements ExpiryThreshold {
    @Override
    public Duration before(Span span) {
      return span.dueBefore();
    }

    @Override
    public String code() {
      return "due";
    }
  }

  /** A share of the certificate's safety margin (100%: the margin itself). */
  record OfMargin(Percentage share) implements ExpiryThreshold {
    public OfMargin {
      Objects.requireNonNull(share, "share");
      if (share.isZero()) {
        throw new IllegalArgumentException("a share of the safety margin must be above 0%");
      }
    }

    @Override
    public Duration before(Span span) {
      return share.of(span.safetyMargin());
    }

    @Override
    public String code() {
      return share.equals(Percentage.of(100)) ? "margin" : share + "margin";
    }
  }
}
