package org.hostpki.model;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A share of something, as desired-state files write it: {@code 33%}, {@code 12.5%}. Held in
 * hundredths of a percent, so that two files that say the same thing are equal.
 *
 * @param hundredths the share in hundredths of a percent: 3300 is 33%
 */
public record Percentage(int hundredths) implements Comparable<Percentage> {
  private static final Pattern TEXT = Pattern.compile("([0-9]{1,3})(?:\\.([0-9]{1,2}))?%");

  public static final Percentage ZERO = new Percentage(0);

  public Percentage {
    if (hundredths < 0 || hundredths > 10_000) {
      throw new IllegalArgumentException("a percentage is between 0% and 100%: " + hundredths);
    }
  }

  /** {@code 33%}, {@code 12.5%}, {@code 0.25%}; empty when the text is no percentage up to 100%. */
  public static Optional<Percentage> parse(String text) {
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    String fraction = m.group(2) == null ? "" : m.group(2);
    int hundredths =
        Integer.parseInt(m.group(1)) * 100
            + (fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "0").substring(0, 2)));
    return hundredths > 10_000 ? Optional.empty() : Optional.of(new Percentage(hundredths));
  }

  public static Percentage of(int percent) {
    return new Percentage(percent * 100);
  }

  /** This share of {@code whole}, to the second (rounded down). */
  public Duration of(Duration whole) {
    long seconds = whole.getSeconds();
    // seconds * hundredths fits a long for any whole up to 29 million years
    return Duration.ofSeconds(Math.multiplyExact(seconds, (long) hundredths) / 10_000);
  }

  public boolean isZero() {
    return hundredths == 0;
  }

  @Override
  public int compareTo(Percentage other) {
    return Integer.compare(hundredths, other.hundredths);
  }

  /** As written in a desired state: {@code 33%}, {@code 12.5%}. */
  @Override
  public String toString() {
    return BigDecimal.valueOf(hundredths, 2).stripTrailingZeros().toPlainString() + "%";
  }
}
