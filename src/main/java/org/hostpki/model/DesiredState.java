package org.hostpki.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a desired-state file says should be: one store, the host identity to certify, the internal
 * CA, the server certificate, the trust store, hooks and the extra files services read. Every
 * section has defaults (see the {@code defaults()} factories), so a file with only {@code
 * apiVersion} and {@code store.path} describes a working host.
 *
 * @param source the desired-state file this was read from (absolute), for messages
 * @param outputs the extra files, in the order declared
 * @param notYetSupported the settings used that this build cannot carry out yet: plan and apply
 *     refuse the desired state while there is one
 */
public record DesiredState(
    Path source,
    StoreSpec store,
    HostSpec host,
    CaSpec ca,
    ServerSpec server,
    TrustSpec trust,
    HooksSpec hooks,
    List<OutputSpec> outputs,
    List<UnsupportedSetting> notYetSupported) {

  public static final String API_VERSION = "hostpki/v1";

  public DesiredState {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(ca, "ca");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(hooks, "hooks");
    outputs = List.copyOf(outputs);
    notYetSupported = List.copyOf(notYetSupported);
  }

  /** A desired state without outputs, all of whose settings this build carries out. */
  public DesiredState(
      Path source,
      StoreSpec store,
      HostSpec host,
      CaSpec ca,
      ServerSpec server,
      TrustSpec trust,
      HooksSpec hooks) {
    this(source, store, host, ca, server, trust, hooks, List.of(), List.of());
  }
}
