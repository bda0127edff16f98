package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors and warnings reach systemd's journal with their priority (sd-daemon(3) prefixes): a
 * trial of the units found every line at info, so {@code journalctl -p warning} missed a failed
 * hook.
 */
class JournalPrioritiesTest {
  @TempDir Path dir;

  private PrintWriter journal(StringWriter out) throws IOException {
    Path stream = Files.createFile(dir.resolve("journal"));
    String named = StampedLines.identity(stream).orElseThrow();
    return JournalPriorities.forStandardError(new PrintWriter(out), Map.of("JOURNAL_STREAM", named), stream);
  }

  @Test
  void testJournal_errorAndWarningLinesCarryTheirPriorityOthersNone() throws IOException {
    StringWriter out = new StringWriter();
    PrintWriter err = journal(out);

    err.print("2026-12-07T04:28:29Z error: afterChange:haproxy.pem hook [/etc/hostpki/reload] ended");
    err.println(" with status 143");
    err.print("warning: a\nhook output: error: from the hook\n2026-12-07T04:28:29Z stopped\n");
    err.print("/etc/hostpki/host.yaml:21:1: error: invalid YAML\nerror: b");
    err.flush();

    assertThat(out.toString().lines()).containsExactly(
        "<3>2026-12-07T04:28:29Z error: afterChange:haproxy.pem hook [/etc/hostpki/reload] ended with status 143",
        "<4>warning: a",
        "hook output: error: from the hook",
        "2026-12-07T04:28:29Z stopped",
        "<3>/etc/hostpki/host.yaml:21:1: error: invalid YAML",
        "<3>error: b");
  }

  @Test
  void testNotTheJournal_linesAreLeftAsTheyAre() throws IOException {
    Path file = Files.createFile(dir.resolve("watch.log"));
    Path stream = Files.createFile(dir.resolve("journal"));
    PrintWriter err = new PrintWriter(new StringWriter());

    assertThat(JournalPriorities.forStandardError(err, Map.of(), stream)).isSameAs(err);
    // JOURNAL_STREAM inherited from a service's shell, standard error sent to a file.
    assertThat(JournalPriorities.forStandardError(err,
        Map.of("JOURNAL_STREAM", StampedLines.identity(stream).orElseThrow()), file)).isSameAs(err);
  }
}
