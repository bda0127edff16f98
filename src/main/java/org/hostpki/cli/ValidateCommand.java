package org.hostpki.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostpki validate FILE...}: placeholder, implemented by the config work. */
@Command(name = "validate", description = "Check desired-state files; touches nothing else.")
final class ValidateCommand implements Callable<Integer> {
  private final Environment environment;

  ValidateCommand(Environment environment) {
    this.environment = environment;
  }

  @Parameters(arity = "1..*", paramLabel = "FILE")
  List<String> files;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("not yet");
  }
}
