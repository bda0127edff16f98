package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class ProblemTest {

  @Test
  void testFormat_errorWithPlaceReadsLikeACompilerMessage() {
    Problem p = new Problem(Path.of("host.yaml"), 12, 7, Severity.ERROR, "unknown key 'subjet' in ca");

    assertThat(p.format()).isEqualTo("host.yaml:12:7: error: unknown key 'subjet' in ca");
  }

  @Test
  void testFormat_warningSaysWarning() {
    Problem p = new Problem(Path.of("host.yaml"), 3, 1, Severity.WARNING, "odd");

    assertThat(p.format()).isEqualTo("host.yaml:3:1: warning: odd");
  }

  @Test
  void testFormat_lineZeroLeavesThePlaceOut() {
    Problem p = new Problem(Path.of("big.yaml"), 0, 0, Severity.ERROR, "file is 2000000 bytes; the limit is 1 MiB");

    assertThat(p.format()).isEqualTo("big.yaml: error: file is 2000000 bytes; the limit is 1 MiB");
  }

  @Test
  void testWithFile_keepsEverythingButTheName() {
    Problem p = new Problem(Path.of("/abs/host.yaml"), 2, 3, Severity.ERROR, "m");

    assertThat(p.withFile(Path.of("host.yaml")))
        .isEqualTo(new Problem(Path.of("host.yaml"), 2, 3, Severity.ERROR, "m"));
  }
}
