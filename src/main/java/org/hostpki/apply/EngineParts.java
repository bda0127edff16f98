package org.hostpki.apply;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.hostpki.acme.AcmeCa;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.install.TrustHost;

/**
 * What the engine is given from outside, handed as one value from the {@link Reconciler} to its
 * planning pass and its generation write: the host probe, the clock, randomness, the secrets, the
 * hook runner, progress reporting, where {@code trust.install} installs, and the ACME CA to order
 * from (empty: the one the desired state names, over the network).
 */
record EngineParts(
    HostIdentityProbe hostProbe,
    Clock clock,
    SecureRandom random,
    Secrets secrets,
    Hooks hooks,
    Progress progress,
    Supplier<TrustHost> trustHost,
    Optional<AcmeCa> acmeCa) {

  EngineParts installingInto(Supplier<TrustHost> host) {
    return new EngineParts(hostProbe, clock, random, secrets, hooks, progress, host, acmeCa);
  }

  EngineParts orderingFrom(AcmeCa ca) {
    return new EngineParts(hostProbe, clock, random, secrets, hooks, progress, trustHost, Optional.of(ca));
  }
}
