package org.hostpki.cli;

import java.util.List;
import org.hostpki.config.Problem;
import org.hostpki.model.HostpkiException;

/**
 * A desired-state file that did not load: the message says so, and the problems (printed to
 * standard error one line each as they were found) go into the JSON diagnostics.
 */
final class InvalidDesiredStateException extends HostpkiException {
  private final transient List<Problem> problems;

  InvalidDesiredStateException(String message, List<Problem> problems) {
    super(message);
    this.problems = List.copyOf(problems);
  }

  List<Problem> problems() {
    return problems;
  }
}
