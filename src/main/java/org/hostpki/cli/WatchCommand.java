package org.hostpki.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.hostpki.apply.Hooks;
import org.hostpki.apply.Progress;
import org.hostpki.apply.Reconciler;
import org.hostpki.apply.Secrets;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.config.LoadResult;
import org.hostpki.config.Problem;
import org.hostpki.config.StrictModes;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DurationText;
import org.hostpki.model.HostpkiException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hostpki watch -f FILE}: stays running and re-applies the desired state when the host
 * identity, the clock or the file drifts from the store. See {@link Watcher} for the rules.
 */
@Command(
    name = "watch",
    description = {
      "Keep watching: re-read the desired state, the host identity and the clock every interval,"
          + " and apply when drift persists for the debounce time.",
      "A plan caused only by time or by missing files (expiring, expired, missing) is applied at"
          + " once; any other drift (a changed host name or address, an edited file, a new trusted"
          + " certificate) must be seen unchanged for --debounce first, so a flapping DHCP lease does"
          + " not re-key the host.",
      "Hooks that did not finish successfully are run again (at once, then backing off up to"
          + " 15 minutes while they keep failing). A store held by 'hostpki rollback' is left as"
          + " it is until a person's 'hostpki apply' releases it.",
      "Logs one timestamped line per event to standard error, and the hooks' commands and output"
          + " stamped too, except under systemd (JOURNAL_STREAM), whose journal stamps each line."
          + " Errors are logged and watching goes on. SIGHUP (systemctl reload) looks again at once"
          + " and runs pending hooks without waiting for their back-off (not when started under"
          + " nohup, which makes the JVM ignore SIGHUP: the log says so at start). SIGTERM (systemctl stop)"
          + " finishes an apply in progress, then exits 0."
    },
    footer = {
      "",
      "Examples:",
      "  hostpki watch -f /etc/hostpki/host.yaml",
      "  hostpki watch -f host.yaml --interval 10s --debounce 5m",
      "",
      "As a service: examples/systemd/hostpki-watch.service.",
      "",
      "Exit codes:",
      "  0   stopped by SIGTERM",
      "  1   the desired state is invalid at start",
      "  64  usage error"
    })
final class WatchCommand implements Callable<Integer>, FileArgument.Taker {
  private final Environment environment;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin HelpOption help;

  @Option(
      names = {"-f", "--file"},
      completionCandidates = Completion.Files.class,
      paramLabel = "FILE",
      description = DesiredStateFile.HELP + " Re-read every interval.")
  String fileOption;

  @Mixin FileArgument argument;

  /** The FILE argument (through {@link FileArgument}). */
  String fileArgument;

  @Override
  public void fileArgument(String value) {
    fileArgument = value;
  }

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.Positive.class,
      description = "How often to look (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--debounce",
      paramLabel = "DURATION",
      defaultValue = "2m",
      converter = DurationConverter.class,
      description = "How long drift must persist, unchanged, before it is applied (default: ${DEFAULT-VALUE}).")
  Duration debounce;

  @Option(
      names = "--lock-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = StoreLockTimeout.Converter.class,
      description = "How long an apply waits for another one to finish (default: ${DEFAULT-VALUE}).")
  Duration lockTimeout;

  WatchCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (debounce.isNegative()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--debounce must not be negative");
    }
    PrintWriter err = spec.commandLine().getErr();
    DesiredStateFile chosen = DesiredStateFile.choose(spec, environment, fileOption, fileArgument);
    chosen.note().ifPresent(err::println);
    Path path = environment.resolve(chosen.file());
    DesiredStateLoader loader = new DesiredStateLoader();
    // A mistake in the file at start is for the person starting the watch: every problem, exit 1.
    Optional<String> beforeLoad = StrictModes.forThisProcess().desiredStateProblem(path);
    LoadResult first = loader.load(path);
    first.problems().forEach(p -> err.println(p.format()));
    if (first.desiredState().isEmpty()) {
      throw new HostpkiException(first.failure(path) + " (see above); not watching");
    }
    StoreCommand.requireSafeToRun(first.desiredState().get(), beforeLoad, "not watching");
    AtomicReference<Watcher> logger = new AtomicReference<>();
    Progress logApplied =
        new Progress() {
          @Override
          public void step(String description) {}

          @Override
          public void waiting(String description) {
            logger.get().waiting(description);
          }

          @Override
          public void committed(Reconciler.Result beforeHooks) {
            logger.get().committed(beforeHooks);
          }
        };
    Reconciler reconciler =
        new Reconciler(
            environment.hostProbe(),
            environment.clock(),
            new SecureRandom(),
            new Secrets(environment.variables()),
            new Hooks(
                StampedLines.forHooks(err, environment.clock(), environment.variables()),
                environment.variables()),
            logApplied);
    Watcher watcher =
        new Watcher(
            () -> reload(loader, path),
            reconciler,
            environment.clock(),
            Watcher.Sleeper.REAL,
            err,
            new Watcher.Settings(interval, debounce, lockTimeout),
            path.toString());
    logger.set(watcher);
    Thread onTerm = new Thread(() -> stopOnSignal(watcher, err), "hostpki-watch-stop");
    Runtime.getRuntime().addShutdownHook(onTerm);
    Optional<sun.misc.SignalHandler> hangUp = reloadOnHangUp(watcher);
    if (hangUp.isEmpty() || hangUp.get() == sun.misc.SignalHandler.SIG_IGN) {
      watcher.noteAtStart("warning", "reloads by SIGHUP are off: "
          + (hangUp.isEmpty() ? "the JVM keeps SIGHUP to itself (-Xrs)" : "SIGHUP was ignored when watch started (nohup?),"
              + " and the JVM leaves it ignored") + "; 'systemctl reload' and 'kill -HUP' do nothing. The desired state,"
          + " the host and the clock are still read every " + DurationText.of(interval) + "; to run pending hooks at once,"
          + " restart watch (under systemd, or setsid instead of nohup)");
    }
    try {
      watcher.run();
    } finally {
      hangUp.ifPresent(previous -> sun.misc.Signal.handle(new sun.misc.Signal("HUP"), previous));
      try {
        Runtime.getRuntime().removeShutdownHook(onTerm);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it exits once run() has returned.
      }
    }
    return ExitCodes.OK;
  }

  /**
   * SIGHUP looks again at once ({@code systemctl reload}, {@code kill -HUP}), as daemons reload on
   * it. The JVM's own answer to SIGHUP is to exit, and with status 0 here: a service with {@code
   * Restart=on-failure} would then stay stopped for good after a stray {@code kill -HUP}.
   *
   * @return the handler before, to put back; empty when the JVM keeps SIGHUP to itself ({@code -Xrs});
   *     {@code SIG_IGN} when SIGHUP was ignored at start ({@code nohup}): the JVM then installs no
   *     handler (HotSpot's JVM_RegisterSignal leaves an ignored SIGHUP ignored) and a reload is
   *     silently lost — found in the watch trial
   */
  private static Optional<sun.misc.SignalHandler> reloadOnHangUp(Watcher watcher) {
    try {
      return Optional.of(sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> watcher.reload()));
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /**
   * On SIGTERM the JVM runs this hook: let the loop finish what it is doing, then exit 0 — a stop
   * asked for is a clean end, not a failure (the JVM would otherwise exit 143).
   */
  private static void stopOnSignal(Watcher watcher, PrintWriter err) {
    watcher.stop();
    try {
      watcher.awaitFinished(Duration.ofMinutes(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.flush();
    Runtime.getRuntime().halt(ExitCodes.OK);
  }

  /** The file as it is now; later mistakes are logged by the watcher, which keeps going. */
  private static DesiredState reload(DesiredStateLoader loader, Path path) {
    Optional<String> beforeLoad = StrictModes.forThisProcess().desiredStateProblem(path);
    LoadResult result = loader.load(path);
    DesiredState desired =
        result
            .desiredState()
            .orElseThrow(
                () ->
                    new HostpkiException(
                        result.failure(path)
                            + ", nothing applied: "
                            + result.problems().stream()
                                .filter(Problem::isError)
                                .map(Problem::format)
                                .collect(Collectors.joining("; "))));
    StoreCommand.requireSafeToRun(desired, beforeLoad, "nothing applied");
    return desired;
  }
}
