package org.hostpki.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a desired-state file says should be: one store, the host identity to certify, the internal
 * CA, the server certificate, the trust store, hooks, renewal timing and monitoring. Every section
 * has defaults (see the
 * {@code defaults()} factories), so a file with only {@code apiVersion} and {@code store.path}
 * describes a working host.
 *
 * @param source the desired-state file this was read from (absolute), for messages
 */
public record DesiredState(
    Path source,
    StoreSpec store,
    HostSpec host,
    CaSpec ca,
    ServerSpec server,
    TrustSpec trust,
    HooksSpec hooks,
    RenewalSpec renewal,
    MetricsSpec metrics) {

  public static final String API_VERSION = "hostpki/v1";

  public DesiredState {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(ca, "ca");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(hooks, "hooks");
    Objects.requireNonNull(renewal, "renewal");
    Objects.requireNonNull(metrics, "metrics");
  }

  /** A desired state with the default renewal timing and no monitoring output. */
  public DesiredState(
      Path source,
      StoreSpec store,
      HostSpec host,
      CaSpec ca,
      ServerSpec server,
      TrustSpec trust,
      HooksSpec hooks) {
    this(source, store, host, ca, server, trust, hooks, RenewalSpec.defaults(), MetricsSpec.none());
  }
}
