package org.hostpki.cli;

import java.nio.file.Files;
import java.util.Optional;
import org.hostpki.model.ShellCommand;
import picocli.CommandLine;

/**
 * Which desired-state file a command works on: the one named (as the FILE argument or with {@code
 * -f}), else the one {@code HOSTPKI_CONFIG} names, else {@code /etc/hostpki/host.yaml} when it
 * exists — the file the shipped units use, so {@code hostpki status} on a host just works.
 *
 * @param file the path as given or found, resolved against the working directory when read
 * @param from where it came from when it was not named: {@code HOSTPKI_CONFIG} or the default
 */
record DesiredStateFile(String file, Optional<String> from) {
  static final String VARIABLE = "HOSTPKI_CONFIG";
  static final String DEFAULT = "/etc/hostpki/host.yaml";

  /** What {@code -f} and the FILE argument say in every command's help. */
  static final String HELP =
      "The desired-state YAML file (default: $" + VARIABLE + ", else " + DEFAULT + ").";

  /**
   * The file {@code option} ({@code -f}) or {@code argument} (FILE) names, else the default;
   * naming two different files, or none when there is no default, is a usage error.
   */
  static DesiredStateFile choose(
      CommandLine.Model.CommandSpec spec, Environment environment, String option, String argument) {
    if (option != null && argument != null && !option.equals(argument)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "two desired-state files given, -f " + option + " and " + argument + ": give one");
    }
    if ((option != null && option.isBlank()) || (argument != null && argument.isBlank())) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "the desired-state file name is empty (" + (option != null ? "-f ''" : "FILE ''")
              + "): name a file, or leave it out for the default");
    }
    refuseStandardInput(spec, option != null ? option : argument);
    if (option != null || argument != null) {
      return new DesiredStateFile(option != null ? option : argument, Optional.empty());
    }
    Optional<String> variable = environment.variable(VARIABLE).filter(v -> !v.isBlank());
    if (variable.isPresent()) {
      return new DesiredStateFile(variable.get(), Optional.of("from " + VARIABLE));
    }
    if (Files.exists(environment.resolve(DEFAULT))) {
      return new DesiredStateFile(DEFAULT, Optional.of("the default"));
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "no desired-state file: name one (" + spec.qualifiedName() + " FILE"
            + (spec.findOption("-f") != null ? ", or -f FILE" : "") + "), set "
            + VARIABLE + ", or write " + DEFAULT + " ('" + ShellCommand.hostpki("init", "-o", DEFAULT)
            + "' starts one)");
  }

  /**
   * {@code -} names standard input to most tools ({@code kubectl apply -f -}); hostpki reads a
   * desired state from a file, whose folder its relative paths are resolved against, so {@code -}
   * is refused as such rather than reported as a missing file named {@code -}.
   */
  static void refuseStandardInput(CommandLine.Model.CommandSpec spec, String name) {
    if (OutputOption.STANDARD_OUTPUT.equals(name)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "the desired state is read from a file, not from standard input (-): save it to a file"
              + " and name that (./- for a file named -)");
    }
  }

  /** The note that says which file is used, when it was not named; empty when it was. */
  Optional<String> note() {
    return from.map(f -> "note: desired state " + file + " (" + f + ")");
  }
}
