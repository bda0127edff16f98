package org.hostpki.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hostpki.apply.SavedPlan;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.TerminalText;

/**
 * {@link SavedPlan#read} on arbitrary bytes: what {@code apply --plan FILE} reads, a file a user
 * may have edited, truncated or mixed up with another. Only a saved plan or a {@link
 * HostpkiException} may come out, its headline one line without a control character from the file
 * (the CLI escapes on its way out too; other readers of the message, JSON and the journal, must
 * not depend on that), naming the file.
 */
class SavedPlanFuzzTest {
  /** The build the seeds were written by ({@code written_by}). */
  static final String BUILD = "hostpki fuzz";
  private static final Path FILE = file();

  @FuzzTest(maxDuration = "2m")
  void read(byte[] data) throws IOException {
    Files.write(FILE, data);
    SavedPlan plan;
    try {
      plan = SavedPlan.read(FILE, BUILD);
    } catch (HostpkiException e) {
      assertThat(e.headline()).contains(FILE.toString());
      assertThat(TerminalText.hasUnsafe(e.headline())).as(e.headline()).isFalse();
      return;
    }
    assertThat(plan.basis()).isNotEmpty();
    plan.changes().forEach(line -> assertThat(line).isNotNull());
  }

  private static Path file() {
    try {
      Path dir = Files.createTempDirectory("hostpki-saved-plan-fuzz");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve("saved.json");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
