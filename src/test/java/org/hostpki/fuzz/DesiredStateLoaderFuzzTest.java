package org.hostpki.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.config.LoadResult;
import org.hostpki.config.Problem;

/**
 * {@link DesiredStateLoader#loadString(Path, String)} on arbitrary text: it must never throw, and
 * its result must be either a desired state without errors or errors without a desired state,
 * each problem printable.
 */
class DesiredStateLoaderFuzzTest {
  private static final DesiredStateLoader LOADER = new DesiredStateLoader();
  private static final Path FILE = FileSystems.getDefault().getPath("/fuzz/host.yaml");

  @FuzzTest(maxDuration = "2m")
  void loadString(byte[] data) {
    LoadResult result = LOADER.loadString(FILE, new String(data, StandardCharsets.UTF_8));

    assertThat(result.desiredState().isPresent()).isNotEqualTo(result.hasErrors());
    for (Problem problem : result.problems()) {
      assertThat(problem.format()).startsWith(FILE.toString()).isNotBlank();
    }
  }
}
