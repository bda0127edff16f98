package org.hostpki.crash;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.hostpki.apply.Hooks;
import org.hostpki.apply.Reconciler;
import org.hostpki.apply.Secrets;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostIdentity;
import org.hostpki.plan.PlanInput;

/**
 * One apply to interrupt: the store before it (which may not exist yet) and what the apply is
 * asked to do.
 *
 * @param oldStore the store before the apply, on a file system the test keeps; copied for each run
 * @param desired the desired state of the apply, for a store at the given path (on any file
 *     system: the faulty one for the apply, the underlying one for the checks)
 * @param host the host identity the probe reports
 * @param now the time of the apply
 */
record CrashScenario(
    String name,
    Path oldStore,
    Function<Path, DesiredState> desired,
    HostIdentity host,
    Set<PlanInput.Replace> replace,
    Instant now) {

  static final String PASSWORD_VARIABLE = "HOSTPKI_PASSWORD";

  Reconciler reconciler() {
    return reconciler(host, now);
  }

  static Reconciler reconciler(HostIdentity host, Instant now) {
    return new Reconciler(
        spec -> host,
        Clock.fixed(now, ZoneOffset.UTC),
        new SecureRandom(),
        new Secrets(Map.of(PASSWORD_VARIABLE, "crash-test-pw")),
        new Hooks(new PrintWriter(Writer.nullWriter())));
  }
}
