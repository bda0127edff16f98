package org.hostpki.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.ObservedStore;
import org.hostpki.plan.AcmeObservation;

/**
 * The store as a run left it, for the metrics.
 *
 * @param observed what the store holds
 * @param host the host identity the run planned for (renewal times depend on it)
 * @param acme what the ACME edge found out ({@code server.issuer: acme}): the CA's renewal window
 * @param now the run's time
 * @param drifted how many resources do not match the desired state: none after a successful
 *     apply; the plan's changes after a failed one, or while {@code watch} waits out a drift
 * @param hooksPending the hooks the store records as due and not yet run successfully (a failed
 *     hook, one hostpki was stopped before, an {@code onExpiring} obligation)
 * @param warnings the codes of the run's plan's warnings, one per warning ({@code crl-expired})
 * @param installFailing the {@code trust.install} targets (their addresses: {@code
 *     java:/opt/app/cacerts}) whose last change failed or that cannot be read
 */
public record StoreState(
    ObservedStore observed, HostIdentity host, AcmeObservation acme, Instant now, int drifted, int hooksPending,
    List<String> warnings, List<String> installFailing) {
  public StoreState {
    warnings = List.copyOf(warnings);
    installFailing = List.copyOf(new java.util.TreeSet<>(installFailing));
    Objects.requireNonNull(observed, "observed");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(acme, "acme");
    Objects.requireNonNull(now, "now");
  }

  /** A store no trust.install target of which fails. */
  public StoreState(
      ObservedStore observed, HostIdentity host, AcmeObservation acme, Instant now, int drifted, int hooksPending,
      List<String> warnings) {
    this(observed, host, acme, now, drifted, hooksPending, warnings, List.of());
  }
}
