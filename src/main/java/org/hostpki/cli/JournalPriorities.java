package org.hostpki.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Standard error as systemd's journal reads it: a line that says {@code error: ...} or {@code
 * warning: ...} (after watch's time stamp or a problem's place in a file, if any) begins with the sd-daemon(3) priority prefix
 * {@code <3>} or {@code <4>}, which the journal takes off and keeps as the entry's priority
 * (SyslogLevelPrefix=, on by default). Without it every line was logged at the unit's default
 * priority, info: {@code journalctl -p warning -u hostpki-watch} showed no failed hook, and
 * alerting on priority saw none.
 *
 * <p>Only when standard error is the journal ({@link StampedLines#isJournal}): on a terminal or in
 * a file the prefix would be noise.
 */
final class JournalPriorities extends Writer {
  /** watch's time stamp, a problem's place in a file (host.yaml:21:1: ), then the level. */
  private static final Pattern LEVEL = Pattern.compile(
      "(?:\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ )?(?:[^\\s:][^:\\n]*:\\d+(?::\\d+)?: )?(error|warning):");
  private final Writer out;
  private final StringBuilder line = new StringBuilder();

  private JournalPriorities(Writer out) {
    super(out);
    this.out = out;
  }

  /**
   * {@code err} itself, or when standard error ({@code stream}) is the journal {@code
   * JOURNAL_STREAM} names, {@code err} with each error and warning line given its priority.
   */
  static PrintWriter forStandardError(PrintWriter err, Map<String, String> variables, Path stream) {
    if (!StampedLines.isJournal(variables.get("JOURNAL_STREAM"), stream)) {
      return err;
    }
    return new PrintWriter(new JournalPriorities(err), true);
  }

  /** The priority prefix for one line: {@code <3>}, {@code <4>} or none. */
  static String prefix(CharSequence line) {
    Matcher m = LEVEL.matcher(line);
    if (!m.lookingAt()) {
      return "";
    }
    return m.group(1).equals("error") ? "<3>" : "<4>";
  }

  @Override
  public void write(char[] chars, int offset, int length) throws IOException {
    synchronized (lock) {
      for (int i = offset; i < offset + length; i++) {
        line.append(chars[i]);
        if (chars[i] == '\n') {
          emit();
        }
      }
    }
  }

  private void emit() throws IOException {
    if (line.length() > 0) {
      out.write(prefix(line) + line);
      line.setLength(0);
    }
  }

  /** Writes a line begun but not ended too: what is flushed must reach the journal. */
  @Override
  public void flush() throws IOException {
    synchronized (lock) {
      emit();
      out.flush();
    }
  }

  /** Flushes only: standard error stays open for everything else. */
  @Override
  public void close() throws IOException {
    flush();
  }
}
