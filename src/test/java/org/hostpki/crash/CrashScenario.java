package org.hostpki.crash;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.hostpki.acme.AcmeCa;
import org.hostpki.apply.Hooks;
import org.hostpki.apply.Reconciler;
import org.hostpki.apply.Secrets;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
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
 * @param acmeCa the CA an ACME order goes to ({@code server.issuer: acme}), standing in for the
 *     network: the order's file operations (the {@code .acme/} record) are the apply's own
 */
record CrashScenario(
    String name,
    Path oldStore,
    Function<Path, DesiredState> desired,
    HostIdentity host,
    Set<PlanInput.Replace> replace,
    Instant now,
    Optional<AcmeCa> acmeCa) {

  CrashScenario(
      String name,
      Path oldStore,
      Function<Path, DesiredState> desired,
      HostIdentity host,
      Set<PlanInput.Replace> replace,
      Instant now) {
    this(name, oldStore, desired, host, replace, now, Optional.empty());
  }

  static final String PASSWORD_VARIABLE = "HOSTPKI_PASSWORD";

  /** The hook every scenario declares: run by a {@link HookRecorder}, never as a process. */
  static final HooksSpec HOOKS = new HooksSpec(List.of(List.of("true", "reload-the-server")));

  Reconciler reconciler() {
    return reconciler(new HookRecorder());
  }

  /** A reconciler whose hooks the recorder runs (and counts). */
  Reconciler reconciler(HookRecorder hooks) {
    Reconciler reconciler = reconciler(host, now, hooks);
    return acmeCa.map(reconciler::orderingFrom).orElse(reconciler);
  }

  static Reconciler reconciler(HostIdentity host, Instant now) {
    return reconciler(host, now, new HookRecorder());
  }

  private static Reconciler reconciler(HostIdentity host, Instant now, HookRecorder hooks) {
    return new Reconciler(
        spec -> host,
        Clock.fixed(now, ZoneOffset.UTC),
        new SecureRandom(),
        new Secrets(Map.of(PASSWORD_VARIABLE, "crash-test-pw")),
        new Hooks(new PrintWriter(Writer.nullWriter()), Map.of(), hooks));
  }

  /** Runs no process: counts the hook commands it is asked to run, each a success. */
  static final class HookRecorder implements Hooks.Runner {
    private final AtomicInteger runs = new AtomicInteger();

    @Override
    public Optional<String> run(Hooks.Command command) {
      runs.incrementAndGet();
      return Optional.empty();
    }

    int runs() {
      return runs.get();
    }
  }
}
