package org.hostpki.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import org.hostpki.model.TerminalLines;
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
 */
final class TerminalWriter extends PrintWriter {
  private final PrintWriter target;

  private TerminalWriter(PrintWriter target) {
    super(new Escaping(target), true);
    this.target = target;
  }

  /** {@code writer} as a terminal writer (itself when it is one). */
  static TerminalWriter of(PrintWriter writer) {
    return writer instanceof TerminalWriter t ? t : new TerminalWriter(writer);
  }

  /** Prints {@code line} as one line: every control in it, a line break too, is escaped. */
  @Override
  public void println(String line) {
    super.println(TerminalText.escape(line));
  }

  /** Prints {@code line} as one line, as {@link #println(String)} does (picocli's messages). */
  @Override
  public void println(Object line) {
    println(String.valueOf(line));
  }

  /** Prints the lines a renderer built; with {@code colour}, hostpki's marks are coloured. */
  void print(TerminalLines lines, boolean colour) {
    flush();
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
        target.print('\t');
        println(line.substring(1));
      } else {
        println(line);
      }
    }
  }

  /** Escapes, on the way to the real stream, every control except the line break. */
  private static final class Escaping extends FilterWriter {
    Escaping(Writer out) {
      super(out);
    }

    @Override
    public void write(int c) throws IOException {
      out.write(TerminalText.escapeKeepingLines(String.valueOf((char) c)));
    }

    @Override
    public void write(char[] buffer, int offset, int length) throws IOException {
      out.write(TerminalText.escapeKeepingLines(new String(buffer, offset, length)));
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
      out.write(TerminalText.escapeKeepingLines(text.substring(offset, offset + length)));
    }
  }
}
