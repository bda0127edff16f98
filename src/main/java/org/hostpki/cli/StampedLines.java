package org.hostpki.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * The lines {@code watch}'s hooks write (their command, their relayed output, their failures),
 * each begun with the time it was written, as {@code watch}'s own event lines are: {@code
 * 2026-12-06T20:20:58Z hook output: reloaded}. A watch run in a terminal or into a file is read
 * later, and a hook's output without a time cannot be placed beside the events around it.
 *
 * <p>Not when standard error is the journal: systemd sets {@code JOURNAL_STREAM} to the device and
 * inode of the stream it connected to the service ({@code systemd.exec(5)}), and the journal
 * stamps every line it receives.
 */
final class StampedLines extends Writer {
  private final Writer out;
  private final Clock clock;
  private boolean lineStart = true;

  private StampedLines(Writer out, Clock clock) {
    super(out);
    this.out = out;
    this.clock = clock;
  }

  /**
   * Where {@code watch} logs its hooks' lines: {@code log} itself when standard error is the
   * journal, else {@code log} with each line stamped.
   *
   * @param variables the environment, for {@code JOURNAL_STREAM}
   */
  static PrintWriter forHooks(PrintWriter log, Clock clock, Map<String, String> variables) {
    if (isJournal(variables.get("JOURNAL_STREAM"), Path.of("/proc/self/fd/2"))) {
      return log;
    }
    return new PrintWriter(new StampedLines(log, clock), true);
  }

  /**
   * Whether {@code stream} (standard error, through {@code /proc/self/fd/2}) is the one
   * {@code journalStream} ({@code DEVICE:INODE}, both decimal) names. An inherited {@code
   * JOURNAL_STREAM} — watch started from a shell of a service, its output sent to a file — names
   * another stream, and is not the journal.
   */
  static boolean isJournal(String journalStream, Path stream) {
    if (journalStream == null || !journalStream.matches("\\d{1,20}:\\d{1,20}")) {
      return false;
    }
    return identity(stream).filter(journalStream::equals).isPresent();
  }

  /** {@code DEVICE:INODE} of what {@code path} leads to, as systemd writes it. */
  static Optional<String> identity(Path path) {
    try {
      Object device = Files.getAttribute(path, "unix:dev");
      Object inode = Files.getAttribute(path, "unix:ino");
      return Optional.of(Long.toUnsignedString((Long) device) + ":" + Long.toUnsignedString((Long) inode));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
      return Optional.empty();
    }
  }

  @Override
  public void write(char[] chars, int offset, int length) throws IOException {
    synchronized (lock) {
      int start = offset;
      int end = offset + length;
      for (int i = offset; i < end; i++) {
        if (lineStart) {
          out.write(chars, start, i - start);
          start = i;
          out.write(clock.instant().truncatedTo(ChronoUnit.SECONDS) + " ");
          lineStart = false;
        }
        if (chars[i] == '\n') {
          lineStart = true;
        }
      }
      out.write(chars, start, end - start);
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Flushes only: standard error stays open for everything else. */
  @Override
  public void close() throws IOException {
    flush();
  }
}
