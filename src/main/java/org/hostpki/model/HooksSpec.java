package org.hostpki.model;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Programs the desired state asks hostpki to run around a change or when a certificate nears its
 * expiry, each an argv list (no shell), and how long one may take. Outputs have their own ({@link OutputSpec#afterChange()}).
 *
 * <p>A hook is an obligation recorded with the generation it belongs to, by its {@linkplain
 * #AFTER_SERVER_CHANGE name}, until it has run successfully: every kind of hook is named here and
 * listed by {@link #commands(String)}, so that recording, retrying and reporting never need to know
 * which kinds exist.
 *
 * @param afterServerChange run when the server certificate or key changed
 * @param afterTrustChange run when the trusted certificates (trust/, trust-bundle.crt,
 *     truststore.p12) changed
 * @param afterCaChange run when the CA changed: a new CA, a rotation step
 * @param beforeChange run before a new generation is written; a failure aborts the apply with
 *     nothing changed (no obligation: it runs before anything it could be owed for)
 * @param timeout how long one command may run before its whole process group is stopped and the
 *     hook counts as failed
 * @param onExpiring run once per certificate and threshold when a store certificate comes within
 *     a threshold of its expiry and nothing renews it in time (an imported chain nobody replaced, a
 *     refused or held renewal, a renewal past its safety margin)
 * @param onExpiringWithin the thresholds {@code onExpiring} runs at; by default one: when the
 *     certificate's renewal falls due
 * @param outputs each output's own {@code afterChange} commands by its file name, run when that
 *     output was written anew (hook name {@link #outputHook})
 */
public record HooksSpec(
    List<List<String>> afterServerChange,
    List<List<String>> afterTrustChange,
    List<List<String>> afterCaChange,
    List<List<String>> beforeChange,
    Duration timeout,
    List<List<String>> onExpiring,
    List<ExpiryThreshold> onExpiringWithin,
    Map<String, List<List<String>>> outputs) {
  /** The hook run after the server certificate or key changed. */
  public static final String AFTER_SERVER_CHANGE = "afterServerChange";

  /** The hook run after the trusted certificates changed. */
  public static final String AFTER_TRUST_CHANGE = "afterTrustChange";

  /** The hook run after the CA changed. */
  public static final String AFTER_CA_CHANGE = "afterCaChange";

  /** The hook run before a new generation is written; its failure aborts the apply. */
  public static final String BEFORE_CHANGE = "beforeChange";

  /** The prefix of an output's own hook: {@code afterChange:haproxy.pem}. */
  public static final String OUTPUT_PREFIX = "afterChange:";

  /** The hook run when a certificate that nothing renews in time nears its expiry. */
  public static final String ON_EXPIRING = "onExpiring";

  /** {@code hooks.timeout} when the desired state does not set it. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /** {@code hooks.onExpiringWithin} when the desired state does not set it. */
  public static final List<ExpiryThreshold> DEFAULT_EXPIRING_WITHIN = List.of(ExpiryThreshold.DUE);

  public HooksSpec {
    afterServerChange = copy(afterServerChange);
    afterTrustChange = copy(afterTrustChange);
    afterCaChange = copy(afterCaChange);
    beforeChange = copy(beforeChange);
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a hook timeout must be positive: " + timeout);
    }
    onExpiring = copy(onExpiring);
    onExpiringWithin = List.copyOf(onExpiringWithin);
    if (onExpiringWithin.isEmpty()) {
      throw new IllegalArgumentException("onExpiring needs at least one threshold");
    }
    outputs = Collections.unmodifiableMap(new TreeMap<>(outputs));
  }



  /** The hook name of an output's {@code afterChange}: {@code afterChange:haproxy.pem}. */
  public static String outputHook(String file) {
    return OUTPUT_PREFIX + file;
  }

  /** The hooks around a change, with a timeout; no {@code onExpiring}. */
  public HooksSpec(
      List<List<String>> afterServerChange,
      List<List<String>> afterTrustChange,
      List<List<String>> afterCaChange,
      List<List<String>> beforeChange,
      Duration timeout) {
    this(afterServerChange, afterTrustChange, afterCaChange, beforeChange, timeout, List.of(), DEFAULT_EXPIRING_WITHIN, Map.of());
  }

  /** Only {@code afterServerChange} and {@code onExpiring}, with a timeout. */
  public HooksSpec(
      List<List<String>> afterServerChange,
      Duration timeout,
      List<List<String>> onExpiring,
      List<ExpiryThreshold> onExpiringWithin) {
    this(afterServerChange, List.of(), List.of(), List.of(), timeout, onExpiring, onExpiringWithin, Map.of());
  }

  /** Only {@code afterServerChange}, with this timeout. */
  public HooksSpec(List<List<String>> afterServerChange, Duration timeout) {
    this(afterServerChange, List.of(), List.of(), List.of(), timeout);
  }

  /** Only {@code afterServerChange}, with the default timeout. */
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
      case AFTER_TRUST_CHANGE -> afterTrustChange;
      case AFTER_CA_CHANGE -> afterCaChange;
      case BEFORE_CHANGE -> beforeChange;
      case ON_EXPIRING -> onExpiring;
      default -> outputs.getOrDefault(
          hook.startsWith(OUTPUT_PREFIX) ? hook.substring(OUTPUT_PREFIX.length()) : "", List.of());
    };
  }

  private static List<List<String>> copy(List<List<String>> commands) {
    return commands.stream().map(List::copyOf).toList();
  }
}
