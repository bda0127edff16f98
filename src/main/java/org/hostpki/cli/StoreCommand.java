package org.hostpki.cli;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import org.hostpki.store.StoreFileSystem;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every command that works on one desired state's store shares: the desired-state file
 * ({@code -f FILE}, or FILE as an argument, or the default: {@link DesiredStateFile}), output,
 * colour, progress.
 */
abstract class StoreCommand implements FileArgument.Taker {
  final Environment environment;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-f", "--file"},
      completionCandidates = Completion.Files.class,
      paramLabel = "FILE",
      description = DesiredStateFile.HELP)
  String fileOption;

  /**
   * The FILE argument. Each command declares it, as a {@link FileArgument} mixin, at its place
   * among its arguments (export takes WHAT first).
   */
  String fileArgument;

  @Override
  public void fileArgument(String value) {
    fileArgument = value;
  }

  /** The desired-state file as given or found; set by {@link #desiredState()}. */
  String file;

  @Mixin FormatOption output;

  @Mixin HelpOption help;

  StoreCommand(Environment environment) {
    this.environment = environment;
  }

  TerminalWriter out() {
    return TerminalWriter.of(spec.commandLine().getOut());
  }

  TerminalWriter err() {
    return TerminalWriter.of(spec.commandLine().getErr());
  }

  /** Colours for text on standard output: a terminal, no --no-color (see HostpkiCommand). */
  boolean color() {
    return !output.json() && out().colour();
  }

  /**
   * Loads and validates the desired state; invalid input stops here with every problem printed,
   * and so does a file that declares programs to run but that others could have written. Says
   * which file it is when it was not named.
   */
  DesiredState desiredState() {
    chooseFile();
    Optional<String> beforeLoad = StrictModes.forThisProcess().desiredStateProblem(environment.resolve(file));
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
                        result.failure(environment.resolve(file)) + " (see above); nothing was changed",
                        result.problems()));
    requireSafeToRun(desired, beforeLoad, "nothing was changed");
    return desired;
  }

  /**
   * Sets {@link #file}: the desired-state file named (FILE or {@code -f}), else the default, which
   * it says on standard error; none at all is a usage error.
   */
  String chooseFile() {
    DesiredStateFile chosen = DesiredStateFile.choose(spec, environment, fileOption, fileArgument);
    file = chosen.file();
    chosen.note().ifPresent(n -> err().println(n));
    return file;
  }

  /**
   * Refuses a desired state when anyone but its owner — root or the user running hostpki — could
   * have written it (and so handed themselves a key) or the programs it names, and one whose store
   * lies in a folder anyone else could change.
   *
   * @param beforeLoad what {@link StrictModes#desiredStateProblem} said before the file was read
   */
  static void requireSafeToRun(DesiredState desired, Optional<String> beforeLoad, String consequence) {
    List<String> problems = unsafeToRun(desired);
    if (problems.isEmpty() && beforeLoad.isPresent()) {
      problems = List.of(beforeLoad.get()); // clean now, but not when it was read
    }
    if (!problems.isEmpty()) {
      throw new HostpkiException(
          problems.get(0) + "; " + consequence, problems.subList(1, problems.size()));
    }
  }

  /** Why {@link #requireSafeToRun} refuses a desired state, worst first; empty when it runs. */
  static List<String> unsafeToRun(DesiredState desired) {
    StrictModes modes = StrictModes.forThisProcess();
    List<String> problems = new ArrayList<>(modes.problems(desired));
    Optional<String> fileSystem = StoreFileSystem.unsuitable(desired.store().path());
    if (fileSystem.isPresent()) {
      problems.add(0, fileSystem.get()); // its folders' modes are no one's to fix
    } else {
      modes.storeProblem(desired.store().path()).ifPresent(problems::add);
    }
    return problems;
  }

  Reconciler reconciler() {
    return new Reconciler(
        environment.hostProbe(),
        environment.clock(),
        new SecureRandom(),
        new Secrets(environment.variables()),
        Hooks.stoppedWithHostpki(err(), environment.variables()),
        progress());
  }

  /** Steps of long work, as transient progress on a terminal (standard error); else nothing. */
  Progress progress() {
    return err().progress();
  }
}
