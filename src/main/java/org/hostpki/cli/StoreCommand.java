package org.hostpki.cli;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.List;
import org.hostpki.apply.Hooks;
import org.hostpki.apply.Progress;
import org.hostpki.apply.Reconciler;
import org.hostpki.apply.Secrets;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.config.LoadResult;
import org.hostpki.config.Problem;
import org.hostpki.config.StrictModes;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostpkiException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command that works on one desired state's store shares: {@code -f}, output, colour. */
abstract class StoreCommand {
  final Environment environment;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-f", "--file"},
      required = true,
      completionCandidates = Completion.Files.class,
      paramLabel = "FILE",
      description = "The desired-state YAML file.")
  String file;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Option(names = "--no-color", description = "No ANSI colours (also: NO_COLOR set).")
  boolean noColor;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  StoreCommand(Environment environment) {
    this.environment = environment;
  }

  TerminalWriter out() {
    return TerminalWriter.of(spec.commandLine().getOut());
  }

  TerminalWriter err() {
    return TerminalWriter.of(spec.commandLine().getErr());
  }

  boolean color() {
    return !noColor
        && environment.variable("NO_COLOR").isEmpty()
        && output == OutputFormat.text
        && environment.interactive();
  }

  /**
   * Loads and validates the desired state; invalid input stops here with every problem printed,
   * and so does a file that declares programs to run but that others could have written.
   */
  DesiredState desiredState() {
    LoadResult result = new DesiredStateLoader().load(environment.resolve(file));
    for (Problem p : result.problems()) {
      err().println(p.format());
    }
    DesiredState desired =
        result
            .desiredState()
            .orElseThrow(
                () ->
                    new InvalidDesiredStateException(
                        environment.resolve(file) + " is not a valid desired state (see above); nothing was changed",
                        result.problems()));
    requireSafeToRun(desired, "nothing was changed");
    return desired;
  }

  /**
   * Refuses a desired state that declares programs to run (hooks) when anyone but its owner —
   * root or the user running hostpki — could have written it or the programs it names.
   */
  static void requireSafeToRun(DesiredState desired, String consequence) {
    List<String> problems = StrictModes.forThisProcess().problems(desired);
    if (!problems.isEmpty()) {
      throw new HostpkiException(
          problems.get(0) + "; " + consequence, problems.subList(1, problems.size()));
    }
  }

  Reconciler reconciler() {
    return new Reconciler(
        environment.hostProbe(),
        environment.clock(),
        new SecureRandom(),
        new Secrets(environment.variables()),
        new Hooks(err(), environment.variables()),
        progress());
  }

  /** Steps of long work on standard error, only for a person at a terminal. */
  Progress progress() {
    if (!environment.interactive()) {
      return Progress.NONE;
    }
    long start = System.nanoTime();
    PrintWriter err = err();
    return step -> {
      err.println(String.format("hostpki: %s (%.1f s)", step, (System.nanoTime() - start) / 1e9));
      err.flush();
    };
  }
}
