package org.hostpki.cli;

import java.time.Duration;
import java.util.Optional;
import org.hostpki.model.ExpiryThreshold;
import org.hostpki.model.Percentage;
import org.hostpki.model.RenewBefore;
import picocli.CommandLine;

/**
 * {@code check --warning/--critical}: a time before expiry ({@code 14d}, {@code 36h}), a share of
 * the certificate's lifetime ({@code 10%}), when its renewal falls due ({@code due}), or a share of
 * its safety margin ({@code 50%margin}; {@code margin} is all of it).
 */
final class ThresholdConverter implements CommandLine.ITypeConverter<ExpiryThreshold> {
  private static final String MARGIN = "margin";

  @Override
  public ExpiryThreshold convert(String value) {
    if (value.equals(ExpiryThreshold.DUE.code())) {
      return ExpiryThreshold.DUE;
    }
    if (value.equals(MARGIN)) {
      return ExpiryThreshold.SAFETY_MARGIN;
    }
    if (value.endsWith("%" + MARGIN)) {
      return new ExpiryThreshold.OfMargin(
          share(value.substring(0, value.length() - MARGIN.length()), value, true));
    }
    if (value.endsWith("%")) {
      return ExpiryThreshold.of(RenewBefore.of(share(value, value, false)));
    }
    Duration d;
    try {
      d = new DurationConverter().convert(value);
    } catch (DurationConverter.NotADuration e) {
      throw notAThreshold(value); // 'soon' is no duration, but a time is only one of the forms
    }
    if (d.isNegative() || d.isZero()) {
      throw new CommandLine.TypeConversionException("'" + value + "' must be longer than zero");
    }
    return ExpiryThreshold.of(RenewBefore.of(d));
  }

  private static Percentage share(String text, String value, boolean ofMargin) {
    Optional<Percentage> share = Percentage.parse(text);
    boolean inRange =
        share.isPresent() && !share.get().isZero() && (ofMargin || share.get().compareTo(Percentage.of(100)) < 0);
    if (!inRange) {
      throw notAThreshold(value);
    }
    return share.get();
  }

  private static CommandLine.TypeConversionException notAThreshold(String value) {
    return new CommandLine.TypeConversionException(
        "'" + value + "' is not a threshold; write a time before expiry (14d, 36h), a share of the"
            + " lifetime above 0% and below 100% (10%), due (when its renewal falls due), margin"
            + " (its safety margin) or a share of it (50%margin)");
  }
}
