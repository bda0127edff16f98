package org.hostpki.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostpki.apply.Progress;
import org.hostpki.model.TerminalLines;
import org.hostpki.model.TerminalLines.Colour;
import org.hostpki.model.TerminalText;

/**
 * Standard output or standard error of a command: the one sink every text hostpki prints goes
 * through, so that no text from outside — a certificate's subject, a CSR, a file name, a host name,
 * an error quoting one of them — can forge what a person reads.
 *
 * <ul>
 *   <li>{@code println} prints one line: a line break inside the text is shown as {@code
 *       \n}, like every other control ({@link TerminalText#escape}). A new message cannot start a
 *       forged line, whatever it quotes.
 *   <li>{@link #print(TerminalLines, boolean)} prints text built line by line by a renderer, in
 *       colour when asked: the only way a colour reaches the terminal.
 *   <li>Everything else — {@code print}, {@code write}, {@code printf}, picocli's help, a JSON
 *       document, a PEM file, a hook's relayed output — keeps its line breaks but never a raw ESC,
 *       NUL, carriage return, DEL, C1 control, line separator or bidi override: each is escaped on
 *       its way out ({@link TerminalText#escapeKeepingLines}).
 * </ul>
 *
 * <p>On a terminal that takes colours ({@link #colour()}), a line's {@code error:} is red and its
 * {@code warning:} yellow, in whatever command prints it, and the terminal's transient progress
 * line ({@link TransientProgress}) is erased before anything is written.
 */
final class TerminalWriter extends PrintWriter {
  /**
   * Where a line's severity is: at its start ({@code error: ...}), after a place ({@code
   * host.yaml:4:31: error: ...}) or after a timestamp ({@code 2026-11-27T08:02:13Z warning: ...}).
   */
  private static final Pattern SEVERITY = Pattern.compile("^(?:[^\\s]*?: |\\S+ )?((?:error|warning):)");

  private final PrintWriter target;
  private boolean colour;
  private TransientProgress progress;

  private TerminalWriter(Escaping escaping, PrintWriter target, boolean colour) {
    super(escaping, true);
    this.target = target;
    this.colour = colour;
    escaping.before = this::beforeOutput;
  }

  /** {@code writer} as a terminal writer (itself when it is one); without colours. */
  static TerminalWriter of(PrintWriter writer) {
    return writer instanceof TerminalWriter t ? t : new TerminalWriter(new Escaping(writer), writer, false);
  }

  /** A terminal writer to {@code target}, in colour when {@code colour} is set. */
  static TerminalWriter to(PrintWriter target, boolean colour) {
    return new TerminalWriter(new Escaping(target), target, colour);
  }

  /** Whether hostpki's marks are coloured: a terminal, and no --no-color, NO_COLOR or TERM=dumb (or none). */
  boolean colour() {
    return colour;
  }

  /** Prints no colours from now on (--no-color, known once the command line is parsed). */
  void withoutColour() {
    colour = false;
  }

  /** Shows {@code line} on this terminal as transient progress, erased before any output. */
  void showProgress(TransientProgress line) {
    progress = line;
  }

  /**
   * Progress for the engine: the transient line on a terminal; elsewhere (a pipe, the journal) only
   * a wait for another run, as a line of its own.
   */
  Progress progress() {
    if (progress != null) {
      return progress;
    }
    return new Progress() {
      @Override
      public void step(String description) {}

      @Override
      public void waiting(String description) {
        println("hostpki: " + description);
      }
    };
  }

  /** The raw stream, for the progress line on the same screen: flushed before it is drawn. */
  void flushTarget() {
    target.flush();
  }

  private void beforeOutput() {
    if (progress != null) {
      progress.erase();
    }
  }

  /**
   * Prints {@code line} as one line: every control in it, a line break too, is escaped. On a
   * colour terminal, its severity ({@code error:}, {@code warning:}) is coloured.
   */
  @Override
  public void println(String line) {
    Matcher severity = colour && line != null ? SEVERITY.matcher(line) : null;
    if (severity == null || !severity.find()) {
      super.println(TerminalText.escape(line));
      return;
    }
    String word = severity.group(1);
    print(
        new TerminalLines()
            .add(line.substring(0, severity.start(1)))
            .add(word.startsWith("error") ? Colour.RED : Colour.YELLOW, word)
            .add(line.substring(severity.end(1)))
            .end(),
        true);
  }

  /** Prints {@code line} as one line, as {@link #println(String)} does (picocli's messages). */
  @Override
  public void println(Object line) {
    println(String.valueOf(line));
  }

  /** Prints the lines a renderer built; with {@code colour}, hostpki's marks are coloured. */
  void print(TerminalLines lines, boolean colour) {
    flush();
    beforeOutput();
    // The spans were escaped when they were added: only the colours are raw.
    target.print(lines.text(colour));
    target.flush();
  }

  /** A stack trace (for {@code --debug}): each line escaped, the tab that indents a frame kept. */
  void printStackTraceOf(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    for (String line : trace.toString().split("\\R")) {
      if (line.startsWith("\t")) {
        flush();
        beforeOutput();
        target.print('\t');
        println(line.substring(1));
      } else {
        println(line);
      }
    }
  }

  /** Escapes, on the way to the real stream, every control except the line break. */
  private static final class Escaping extends FilterWriter {
    private Runnable before = () -> {};

    Escaping(Writer out) {
      super(out);
    }

    @Override
    public void write(int c) throws IOException {
      before.run();
      out.write(TerminalText.escapeKeepingLines(String.valueOf((char) c)));
    }

    @Override
    public void write(char[] buffer, int offset, int length) throws IOException {
      before.run();
      out.write(TerminalText.escapeKeepingLines(new String(buffer, offset, length)));
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
      before.run();
      out.write(TerminalText.escapeKeepingLines(text.substring(offset, offset + length)));
    }
  }
}
