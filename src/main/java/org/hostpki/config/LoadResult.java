package org.hostpki.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.DesiredState;

/**
 * What loading a desired-state file gave: the desired state when the file has no errors, and every
 * problem found (errors and warnings, in file order).
 */
public record LoadResult(Path file, Optional<DesiredState> desiredState, List<Problem> problems) {

  public LoadResult {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(desiredState, "desiredState");
    problems = List.copyOf(problems);
    if (desiredState.isPresent() && problems.stream().anyMatch(Problem::isError)) {
      throw new IllegalArgumentException("a desired state is only given for a file without errors");
    }
  }

  public boolean hasErrors() {
    return problems.stream().anyMatch(Problem::isError);
  }

  public long errorCount() {
    return problems.stream().filter(Problem::isError).count();
  }

  public long warningCount() {
    return problems.size() - errorCount();
  }
}
