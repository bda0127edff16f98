package org.hostpki.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The desired-state file as a command's argument, FILE, beside {@code -f FILE}: a {@code @Mixin}
 * of every command that takes it. It has no fixed index: picocli gives it the place after the
 * arguments declared before the mixin, first for most commands, after WHAT for {@code export}.
 * The value goes to the command, which chooses between the two and the defaults ({@link
 * DesiredStateFile}).
 */
final class FileArgument {
  /** A command that takes the FILE argument. */
  interface Taker {
    void fileArgument(String value);
  }

  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      completionCandidates = Completion.Files.class,
      description = DesiredStateFile.HELP)
  void file(String value) {
    ((Taker) command.userObject()).fileArgument(value);
  }
}
