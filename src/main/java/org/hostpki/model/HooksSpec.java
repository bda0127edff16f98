package org.hostpki.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Programs the desired state asks hostpki to run, each an argv list (no shell), and how long one
 * may take.
 *
 * <p>A hook that runs after the store changed is an obligation recorded with the generation it
 * belongs to, by its {@linkplain #AFTER_SERVER_CHANGE name}, until it has run successfully: every
 * kind of hook that follows a change is named here and listed by {@link #commands(String)}, so
 * that recording, retrying and reporting never need to know which kinds exist.
 *
 * @param afterServerChange run when the server certificate or key changed
 * @param timeout how long one command may run before its whole process group is stopped and the
 *     hook counts as failed
 */
public record HooksSpec(List<List<String>> afterServerChange, Duration timeout) {
  /** The hook run after the server certificate or key changed. */
  public static final String AFTER_SERVER_CHANGE = "afterServerChange";

  /** {@code hooks.timeout} when the desired state does not set it. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  public HooksSpec {
    afterServerChange = afterServerChange.stream().map(List::copyOf).toList();
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a hook timeout must be positive: " + timeout);
    }
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
    return hook.equals(AFTER_SERVER_CHANGE) ? afterServerChange : List.of();
  }

}
