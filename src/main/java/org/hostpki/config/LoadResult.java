package org.hostpki.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.DesiredState;

/**
 * What loading a desired-state file gave: the desired state when the file has no errors, and every
 * problem found (errors and warnings, in file order) — past the first 100, one problem saying how
 * many more there are, which {@code unshownErrors} and {@code unshownWarnings} count. {@code
 * unread}: the file could not be read at all (too many open files, permission denied), which says
 * nothing about what is in it.
 */
public record LoadResult(
    Path file, Optional<DesiredState> desiredState, List<Problem> problems, long unshownErrors, long unshownWarnings,
    boolean unread) {

  public LoadResult {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(desiredState, "desiredState");
    problems = List.copyOf(problems);
    if (desiredState.isPresent() && problems.stream().anyMatch(Problem::isError)) {
      throw new IllegalArgumentException("a desired state is only given for a file without errors");
    }
  }

  public LoadResult(Path file, Optional<DesiredState> desiredState, List<Problem> problems) {
    this(file, desiredState, problems, 0, 0, false);
  }

  /**
   * What is wrong with {@code shown} (the file as the user named it), for the line after its
   * problems: it could not be read, or it is not a valid desired state. A read that failed is no
   * mistake in the file: found, {@code ulimit -n} too low said the file was not valid.
   */
  public String failure(Object shown) {
    return shown + (unread ? " could not be read" : " is not a valid desired state");
  }

  public boolean hasErrors() {
    return problems.stream().anyMatch(Problem::isError);
  }

  /** The errors found, those not shown included (the problem saying how many is not one). */
  public long errorCount() {
    long note = unshownErrors > 0 ? 1 : 0;
    return problems.stream().filter(Problem::isError).count() - note + unshownErrors;
  }

  /** The warnings found, those not shown included. */
  public long warningCount() {
    long note = unshownErrors == 0 && unshownWarnings > 0 ? 1 : 0;
    return problems.stream().filter(p -> !p.isError()).count() - note + unshownWarnings;
  }
}
