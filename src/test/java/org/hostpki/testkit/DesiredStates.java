package org.hostpki.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostSpec;
import org.hostpki.model.KeySpec;
import org.hostpki.model.MetricsSpec;
import org.hostpki.model.RenewalSpec;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;

/** Desired states for engine tests, which mostly vary the store, CA, server, trust and hooks. */
public final class DesiredStates {
  private DesiredStates() {}

  /** The default CA with this subject, replaced through a rotation overlap of {@code overlap}. */
  public static CaSpec rotatingCa(Optional<Subject> subject, Duration overlap) {
    return new CaSpec(
        subject, KeySpec.defaultSpec(), CaSpec.DEFAULT_VALIDITY, CaSpec.DEFAULT_RENEW_BEFORE, Optional.of(overlap),
        Optional.empty());
  }

  /**
   * A desired state without outputs, all of whose settings this build carries out, with the
   * default renewal timing and no monitoring output.
   */
  public static DesiredState of(
      Path source,
      StoreSpec store,
      HostSpec host,
      CaSpec ca,
      ServerSpec server,
      TrustSpec trust,
      HooksSpec hooks) {
    return new DesiredState(
        source, store, host, ca, server, trust, hooks, RenewalSpec.defaults(), MetricsSpec.none(), List.of(),
        List.of());
  }
}
