package org.hostpki.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The desired-state file as a command's first argument, FILE, beside {@code -f FILE}: a {@code
 * @Mixin} of every command that takes it there ({@code export} takes WHAT first and declares FILE
 * after it itself). The value goes to the command, which chooses between the two and the
 * defaults ({@link DesiredStateFile}).
 */
final class FileArgument {
  /** A command that takes the FILE argument. */
  interface Taker {
    void fileArgument(String value);
  }

  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      completionCandidates = Completion.Files.class,
      description = DesiredStateFile.HELP)
  void file(String value) {
    ((Taker) command.userObject()).fileArgument(value);
  }
}
