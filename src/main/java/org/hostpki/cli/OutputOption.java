package org.hostpki.cli;

import java.util.Optional;
import org.hostpki.store.OutputFile;

/** What {@code -o}/{@code --out} names: standard output ({@code -}) or a file. */
final class OutputOption {
  static final String STANDARD_OUTPUT = "-";

  private OutputOption() {}

  /**
   * The file an option names, checked now (see {@link OutputFile#at}); empty when it is absent or
   * {@code -}.
   */
  static Optional<OutputFile> file(Environment environment, String argument) {
    if (argument == null || argument.equals(STANDARD_OUTPUT)) {
      return Optional.empty();
    }
    return Optional.of(OutputFile.at(environment.resolve(argument)));
  }
}
