package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** watch's hooks' lines carry their time, unless standard error is systemd's journal. */
class StampedLinesTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T20:20:58.734Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void testForHooks_eachLineBeginsWithItsTimeOnceAlsoWhenWrittenInParts() {
    StringWriter out = new StringWriter();
    PrintWriter hooks = StampedLines.forHooks(new PrintWriter(out), CLOCK, Map.of());

    hooks.print("hook output: ");
    hooks.println("reloaded");
    hooks.print("hook: running a\nhook: running b\n");
    hooks.flush();

    assertThat(out.toString().lines())
        .containsExactly(
            "2026-12-06T20:20:58Z hook output: reloaded",
            "2026-12-06T20:20:58Z hook: running a",
            "2026-12-06T20:20:58Z hook: running b");
  }

  @Test
  void testForHooks_standardErrorThatIsTheJournalIsLeftAsItIs() {
    String stderr = StampedLines.identity(Path.of("/proc/self/fd/2")).orElseThrow();
    PrintWriter log = new PrintWriter(new StringWriter());

    assertThat(StampedLines.forHooks(log, CLOCK, Map.of("JOURNAL_STREAM", stderr))).isSameAs(log);
    assertThat(StampedLines.forHooks(log, CLOCK, Map.of("JOURNAL_STREAM", "8:1"))).isNotSameAs(log);
  }

  @Test
  void testIsJournal_onlyTheStreamJournalStreamNames() throws IOException {
    Path journal = Files.createFile(dir.resolve("journal"));
    Path file = Files.createFile(dir.resolve("watch.log"));
    String named = StampedLines.identity(journal).orElseThrow();

    assertThat(StampedLines.isJournal(named, journal)).isTrue();
    // Inherited from a service's shell, the output sent to a file: not the journal.
    assertThat(StampedLines.isJournal(named, file)).isFalse();
    assertThat(StampedLines.isJournal(null, journal)).isFalse();
    assertThat(StampedLines.isJournal("", journal)).isFalse();
    assertThat(StampedLines.isJournal(named + "\n", journal)).isFalse();
  }
}
