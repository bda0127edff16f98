package org.hostpki.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code ca.crl}: the CRL a fleet CA publishes ({@code hostpki revoke} writes it as {@code
 * ca.crl}).
 *
 * @param validity how long one CRL is valid: nextUpdate minus thisUpdate
 * @param url the CRL Distribution Point put in every certificate {@code hostpki sign} issues, per CA
 *     when it holds {@value CrlUrl#KEY_ID}
 */
public record CrlSpec(Duration validity, Optional<CrlUrl> url) {
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(7);
  /** The shortest {@code ca.crl.validity}: a third of it is more than a timer's 15-minute period. */
  public static final Duration SHORTEST_VALIDITY = Duration.ofHours(1);

  public CrlSpec {
    Objects.requireNonNull(validity, "validity");
    Objects.requireNonNull(url, "url");
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("a CRL's validity must be positive: " + validity);
    }
  }

  public static CrlSpec defaults() {
    return new CrlSpec(DEFAULT_VALIDITY, Optional.empty());
  }
}
