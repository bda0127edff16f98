package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class LoadResultTest {
  private final Path file = Path.of("host.yaml");

  @Test
  void testHasErrors_warningsAloneAreNoErrors() {
    LoadResult result =
        new LoadResult(file, Optional.empty(), List.of(new Problem(file, 1, 1, Severity.WARNING, "w")));

    assertThat(result.hasErrors()).isFalse();
    assertThat(result.warningCount()).isEqualTo(1);
    assertThat(result.errorCount()).isZero();
  }

  @Test
  void testHasErrors_anErrorMakesTheFileInvalid() {
    LoadResult result =
        new LoadResult(
            file,
            Optional.empty(),
            List.of(
                new Problem(file, 1, 1, Severity.WARNING, "w"),
                new Problem(file, 2, 1, Severity.ERROR, "e")));

    assertThat(result.hasErrors()).isTrue();
    assertThat(result.errorCount()).isEqualTo(1);
  }

  @Test
  void testConstructor_refusesADesiredStateNextToErrors() {
    var state = new DesiredStateLoader()
        .loadString(Path.of("/tmp/x.yaml"), "apiVersion: hostpki/v1\nstore: {path: pki}\n")
        .desiredState();

    assertThatThrownBy(
            () -> new LoadResult(file, state, List.of(new Problem(file, 1, 1, Severity.ERROR, "e"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
