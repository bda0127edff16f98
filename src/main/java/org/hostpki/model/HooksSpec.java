package org.hostpki.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Programs the desired state asks hostpki to run, each an argv list (no shell), and how long one
 * may take.
 *
 * <p>A hook is an obligation recorded with the generation it belongs to, by its {@linkplain
 * #AFTER_SERVER_CHANGE name}, until it has run successfully: every kind of hook is named here and
 * listed by {@link #commands(String)}, so that recording, retrying and reporting never need to know
 * which kinds exist.
 *
 * @param afterServerChange run when the server certificate or key changed
 * @param timeout how long one command may run before its whole process group is stopped and the
 *     hook counts as failed
 * @param onExpiring run once per certificate and threshold when a store certificate comes within
 *     a threshold of its expiry and nothing renews it in time (an imported chain nobody replaced, a
 *     refused or held renewal, a renewal past its safety margin)
 * @param onExpiringWithin the thresholds {@code onExpiring} runs at; by default one: when the
 *     certificate's renewal falls due
 */
public record HooksSpec(
    List<List<String>> afterServerChange,
    Duration timeout,
    List<List<String>> onExpiring,
    List<ExpiryThreshold> onExpiringWithin) {
  /** The hook run after the server certificate or key changed. */
  public static final String AFTER_SERVER_CHANGE = "afterServerChange";

  /** The hook run when a certificate that nothing renews in time nears its expiry. */
  public static final String ON_EXPIRING = "onExpiring";

  /** {@code hooks.timeout} when the desired state does not set it. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /** {@code hooks.onExpiringWithin} when the desired state does not set it. */
  public static final List<ExpiryThreshold> DEFAULT_EXPIRING_WITHIN = List.of(ExpiryThreshold.DUE);

  public HooksSpec {
    afterServerChange = afterServerChange.stream().map(List::copyOf).toList();
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a hook timeout must be positive: " + timeout);
    }
    onExpiring = onExpiring.stream().map(List::copyOf).toList();
    onExpiringWithin = List.copyOf(onExpiringWithin);
    if (onExpiringWithin.isEmpty()) {
      throw new IllegalArgumentException("onExpiring needs at least one threshold");
    }
  }

  /** Hooks after a change, with a timeout; no {@code onExpiring}. */
  public HooksSpec(List<List<String>> afterServerChange, Duration timeout) {
    this(afterServerChange, timeout, List.of(), DEFAULT_EXPIRING_WITHIN);
  }

  /** Commands with the default timeout. */
  public HooksSpec(List<List<String>> afterServerChange) {
    this(afterServerChange, DEFAULT_TIMEOUT);
  }

  public static HooksSpec none() {
    return new HooksSpec(List.of());
  }

  /** The commands of the hook of this name; none for a name the desired state does not use. */
  public List<List<String>> commands(String hook) {
    return switch (hook) {
      case AFTER_SERVER_CHANGE -> afterServerChange;
      case ON_EXPIRING -> onExpiring;
      default -> List.of();
    };
  }
}
