package org.hostpki.model;

import java.util.List;
import java.util.Objects;

/**
 * How renewals are spread and timed, for every certificate hostpki renews.
 *
 * @param jitter how much earlier than its renewBefore threshold a certificate may be renewed, as a
 *     share of renewBefore; each certificate's own share is derived from a hash of its
 *     fingerprint (renewal.SpreadHash), so a fleet spreads out and the same certificate always gets
 *     the same time
 * @param windows when unattended runs may renew; empty: at any time
 */
public record RenewalSpec(Percentage jitter, List<MaintenanceWindow> windows) {
  public static final Percentage DEFAULT_JITTER = Percentage.of(10);

  /** The largest jitter: renewal at most half as much again before its threshold. */
  public static final Percentage MAX_JITTER = Percentage.of(50);

  public RenewalSpec {
    Objects.requireNonNull(jitter, "jitter");
    windows = List.copyOf(windows);
  }

  public static RenewalSpec defaults() {
    return new RenewalSpec(DEFAULT_JITTER, List.of());
  }
}
