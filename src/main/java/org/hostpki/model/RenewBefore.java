package org.hostpki.model;

import java.time.Duration;
import java.util.Objects;

/**
 * How long before its expiry a certificate is renewed: a fixed time ({@code 30d}) or a share of
 * the certificate's own lifetime ({@code 33%}, renew when two thirds of it have passed). A share
 * fits certificates whose lifetime hostpki does not choose (an imported chain) and lifetimes from
 * hours to years alike.
 */
public sealed interface RenewBefore {

  /** How long before expiry a certificate of this lifetime (notAfter − notBefore) is due. */
  Duration period(Duration lifetime);

  /** As written in a desired state: {@code 30d}, {@code 33%}. */
  String text();

  static RenewBefore of(Duration duration) {
    return new Fixed(duration);
  }

  static RenewBefore of(Percentage share) {
    return new OfLifetime(share);
  }

  /** A fixed time before expiry, whatever the certificate's lifetime. */
  record Fixed(Duration duration) implements RenewBefore {
    public Fixed {
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("renewBefore must be longer than zero: " + duration);
      }
    }

    @Override
    public Duration period(Duration lifetime) {
      return duration;
    }

    @Override
    public String text() {
      return DurationText.of(duration);
    }
  }

  /** A share of the certificate's lifetime, strictly between 0% and 100%. */
  record OfLifetime(Percentage share) implements RenewBefore {
    public OfLifetime {
      Objects.requireNonNull(share, "share");
      if (share.isZero() || share.hundredths() >= 10_000) {
        throw new IllegalArgumentException("renewBefore is between 0% and 100%: " + share);
      }
    }

    @Override
    public Duration period(Duration lifetime) {
      return share.of(lifetime);
    }

    @Override
    public String text() {
      return share.toString();
    }
  }
}
