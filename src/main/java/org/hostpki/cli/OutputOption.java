package org.hostpki.cli;

import java.util.Optional;
import org.hostpki.store.OutputFile;
import picocli.CommandLine;

/** What {@code -o}/{@code --out} names: standard output ({@code -}) or a file. */
final class OutputOption {
  static final String STANDARD_OUTPUT = "-";

  private OutputOption() {}

  /**
   * The file an option names, checked now (see {@link OutputFile#at}); empty when it is absent or
   * {@code -}.
   *
   * @throws CommandLine.ParameterException for an empty argument ({@code --out ""}, {@code -o "$UNSET"}),
   *     which would otherwise name the current directory
   */
  static Optional<OutputFile> file(CommandLine command, Environment environment, String argument) {
    if (argument == null || argument.equals(STANDARD_OUTPUT)) {
      return Optional.empty();
    }
    if (argument.isEmpty()) {
      throw new CommandLine.ParameterException(
          command, "--out names no file (an empty argument): give a file name, or - for standard output");
    }
    return Optional.of(OutputFile.at(environment.resolve(argument)));
  }
}
