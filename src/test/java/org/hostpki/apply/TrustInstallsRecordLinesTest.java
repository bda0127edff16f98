package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.Test;

/**
 * What the install record keeps of a failed change's error: a tool may print up to 64 KiB, and the
 * record's words are repeated in every plan, check, status and Nagios line while the target fails.
 */
class TrustInstallsRecordLinesTest {
  @Test
  void aToolsLongOutputIsCutToTwentyLinesAndSaysHowManyMore() {
    List<String> details = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      details.add("certutil: line " + i + " \u001b[31m");
    }
    List<String> lines = InstallFailures.recordLines(new HostpkiException("install/nss:/x: certutil failed", details));

    assertThat(lines).hasSize(InstallFailures.RECORDED_LINES + 1);
    assertThat(lines.get(0)).isEqualTo("install/nss:/x: certutil failed");
    assertThat(lines.get(1)).isEqualTo("certutil: line 0 \\x1b[31m");
    assertThat(lines.get(InstallFailures.RECORDED_LINES)).startsWith("... (481 more line(s)");
    assertThat(String.join("", lines).length()).isLessThan(InstallFailures.RECORDED_CHARS + 200);
  }

  @Test
  void oneHugeLineKeepsTheHeadlineCutAndCountsTheRest() {
    String huge = "x".repeat(70_000);
    List<String> lines = InstallFailures.recordLines(new HostpkiException("install/java:/c: " + huge, List.of(huge)));

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("install/java:/c: xxx").hasSize(InstallFailures.RECORDED_CHARS + 3);
    assertThat(lines.get(1)).startsWith("... (1 more line(s)");
  }

  @Test
  void aShortErrorIsKeptWhole() {
    assertThat(InstallFailures.recordLines(new HostpkiException("install/java:/c: locked", List.of("by 12", "wait"))))
        .containsExactly("install/java:/c: locked", "by 12", "wait");
  }
}
