package org.hostpki.renewal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.MaintenanceWindow;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.RenewalSpec;

/**
 * The renewal rules for one kind of certificate (the CA's, the server's); see the
 * package documentation for the rules.
 */
public final class RenewalPolicy {
  /** No wait for a window goes closer to expiry than this, however short renewBefore is. */
  public static final Duration MINIMUM_MARGIN = Duration.ofHours(1);

  /** The least time before expiry a renewal is due, however small a share renewBefore is. */
  static final Duration MINIMUM_PERIOD = Duration.ofMinutes(1);

  /** A renewal overdue by this long waits for the host's catch-up hour (unattended runs). */
  public static final Duration CATCH_UP_AFTER = Duration.ofHours(24);

  /** How long the host's daily catch-up slot lasts. */
  static final Duration CATCH_UP_SLOT = Duration.ofHours(1);

  private static final ZoneId UTC = ZoneId.of("UTC");

  private final RenewBefore renewBefore;
  private final RenewalSpec renewal;
  private final Optional<Duration> notice;

  public RenewalPolicy(RenewBefore renewBefore, RenewalSpec renewal) {
    this(renewBefore, renewal, Optional.empty());
  }

  private RenewalPolicy(RenewBefore renewBefore, RenewalSpec renewal, Optional<Duration> notice) {
    this.renewBefore = Objects.requireNonNull(renewBefore, "renewBefore");
    this.renewal = Objects.requireNonNull(renewal, "renewal");
    this.notice = notice;
  }

  /**
   * This policy for a certificate a person renews (a chain another CA signs, which someone must
   * order and put in place): a renewBefore given as a share of the lifetime is due at least {@code
   * notice} before expiry, or two thirds of the lifetime when that is shorter. A third of a chain
   * that lasts 20 days is under 7 days, too little for a request through a corporate CA (certmonger
   * tells from 30 days whatever the lifetime; step and cert-manager renew by themselves, at a
   * third). A fixed renewBefore is what the operator chose, and stays.
   */
  public RenewalPolicy withNotice(Duration notice) {
    return new RenewalPolicy(renewBefore, renewal, Optional.of(notice));
  }

  /**
   * The renewal times of a certificate.
   *
   * @param issuedAt when it was made, if known (notBefore plus the issuer's back-dating); the
   *     jitter never moves its renewal to or before this moment. Its notBefore otherwise.
   */
  public RenewalSchedule schedule(CertificateFacts cert, Instant issuedAt) {
    return schedule(cert, issuedAt, Optional.empty());
  }

  /**
   * The renewal times of a certificate whose CA suggests a renewal window.
   *
   * @param suggested the CA's window (ACME renewal information): renewal falls inside it instead
   *     of at the threshold
   */
  public RenewalSchedule schedule(
      CertificateFacts cert, Instant issuedAt, Optional<SuggestedWindow> suggested) {
    Instant notBefore = cert.notBefore();
    Instant notAfter = cert.notAfter();
    Duration lifetime = Duration.between(notBefore, notAfter);
    SpreadHash hash = SpreadHash.of(cert.fingerprint());

    Duration period = lifetime.isNegative() ? Duration.ZERO : renewBefore.period(lifetime);
    Optional<Duration> shareAlone = Optional.empty();
    if (notice.isPresent() && renewBefore instanceof RenewBefore.OfLifetime && lifetime.compareTo(Duration.ZERO) > 0) {
      Duration twoThirds = lifetime.multipliedBy(2).dividedBy(3);
      Duration least = notice.get().compareTo(twoThirds) < 0 ? notice.get() : twoThirds;
      if (least.compareTo(period) > 0) {
        shareAlone = Optional.of(period);
        period = least;
      }
    }
    if (period.compareTo(MINIMUM_PERIOD) < 0) {
      period = MINIMUM_PERIOD; // a share of a short lifetime may round to nothing: never at expiry
    }
    boolean longerThanLifetime = period.compareTo(lifetime) >= 0 && lifetime.compareTo(Duration.ZERO) > 0;
    if (longerThanLifetime) {
      period = lifetime.dividedBy(3);
    }
    Instant threshold = notAfter.minus(period);
    Instant issued = clamp(issuedAt, notBefore, threshold);
    Duration room = Duration.between(issued, threshold);
    Duration jitterSpan = renewal.jitter().of(period.compareTo(room) < 0 ? period : room);
    Duration jitter = Duration.ofSeconds((long) (hash.jitter() * jitterSpan.getSeconds()));
    Instant dueAt = threshold.minus(jitter);

    Duration margin = period.dividedBy(4);
    if (margin.compareTo(MINIMUM_MARGIN) < 0) {
      margin = MINIMUM_MARGIN;
    }
    Instant latest = notAfter.minus(margin);
    if (suggested.isPresent()) {
      SuggestedWindow w = suggested.get();
      Duration span = Duration.between(w.start(), w.end());
      dueAt = w.start().plusSeconds((long) (hash.jitter() * span.getSeconds()));
      latest = w.end().isBefore(latest) ? w.end() : latest;
    }
    if (latest.isBefore(dueAt)) {
      latest = dueAt;
    }
    return new RenewalSchedule(
        new RenewalSchedule.Rule(
            renewBefore, lifetime, period, longerThanLifetime, jitter, margin, suggested, shareAlone, notice),
        notAfter,
        dueAt,
        latest,
        renewal.windows(),
        hash.inWindow(),
        catchUpSlot(hash));
  }

  /** The host's own hour of the day for overdue renewals, in UTC. */
  private static MaintenanceWindow catchUpSlot(SpreadHash hash) {
    long minute = (long) (hash.catchUp() * 24 * 60);
    LocalTime start = LocalTime.ofSecondOfDay(minute * 60);
    return MaintenanceWindow.daily(start, start.plus(CATCH_UP_SLOT), UTC);
  }

  private static Instant clamp(Instant t, Instant low, Instant high) {
    if (t.isBefore(low)) {
      return low;
    }
    return t.isAfter(high) ? high : t;
  }
}
