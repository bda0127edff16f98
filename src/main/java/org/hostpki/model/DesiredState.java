package org.hostpki.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a desired-state file says should be: one store, the host identity to certify, the internal
 * CA, the server certificate, the trust store, hooks, renewal timing, monitoring and the extra
 * files services read. Every section has defaults (see the {@code defaults()} factories), so a
 * file with only {@code apiVersion} and {@code store.path} describes a working host.
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
    RenewalSpec renewal,
    MetricsSpec metrics,
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
    Objects.requireNonNull(renewal, "renewal");
    Objects.requireNonNull(metrics, "metrics");
    outputs = List.copyOf(outputs);
    notYetSupported = List.copyOf(notYetSupported);
  }

  /**
   * Whether this file makes hostpki run programs (any kind of hook): such a file is only acted on
   * when no one but its owner, who must be root or the user running hostpki, could have written it.
   * Every section that names a program to run must be counted here.
   */
  public boolean declaresPrograms() {
    return !programs().isEmpty();
  }

  /**
   * Every command the file declares, of every kind of hook: the hooks run around a change, those
   * run on an expiring certificate, each output's, and the ACME dns-01 hook.
   */
  public List<List<String>> programs() {
    List<List<String>> programs = new ArrayList<>(hooks.afterServerChange());
    programs.addAll(hooks.afterTrustChange());
    programs.addAll(hooks.afterCaChange());
    programs.addAll(hooks.beforeChange());
    programs.addAll(hooks.onExpiring());
    outputs.forEach(o -> programs.addAll(o.afterChange()));
    server
        .acme()
        .map(AcmeSpec::challenge)
        .filter(AcmeChallenge.Dns01Hook.class::isInstance)
        .map(c -> ((AcmeChallenge.Dns01Hook) c).hook())
        .ifPresent(programs::add);
    return programs;
  }

  /**
   * Every secret source the desired state names — the store password and the one it replaces,
   * the ACME external account binding's HMAC key, the Java trust stores' password; every secret
   * added later belongs here too: programs hostpki starts never see an environment variable named
   * by one.
   */
  public List<PasswordSource> secretSources() {
    List<PasswordSource> sources = new ArrayList<>();
    store.password().ifPresent(sources::add);
    store.previousPassword().ifPresent(sources::add);
    server
        .acme()
        .flatMap(AcmeSpec::externalAccountBinding)
        .map(AcmeSpec.ExternalAccountBinding::hmacKey)
        .ifPresent(sources::add);
    trust.install().flatMap(InstallSpec::javaPassword).ifPresent(sources::add);
    return sources;
  }

  /** The names of the environment variables that hold secrets ({@code {env: NAME}} sources). */
  public List<String> secretVariables() {
    return secretSources().stream()
        .filter(PasswordSource.Env.class::isInstance)
        .map(s -> ((PasswordSource.Env) s).variable())
        .toList();
  }
}
