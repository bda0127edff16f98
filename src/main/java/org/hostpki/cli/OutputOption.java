package org.hostpki.cli;

import java.util.Optional;
import org.hostpki.files.KernelPaths;
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
    java.nio.file.Path path = environment.resolve(argument);
    if (KernelPaths.goesUp(path)) {
      // OutputFile takes the names as they stand: it would write beside the link, not where '..' leads
      throw new CommandLine.ParameterException(command, "--out " + argument + " " + KernelPaths.goesUpAdvice());
    }
    return Optional.of(OutputFile.at(path));
  }
}
