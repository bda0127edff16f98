package org.hostpki.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Text for a person, built line by line, that text from outside cannot forge. Everything added is
 * escaped as one line ({@link TerminalText#escape}), so a certificate's subject, a file name or a
 * host name can neither end a line, nor move the cursor, recolour or reorder what a reader sees:
 * only {@link #end()} ends a line, and only a {@link Colour} colours.
 *
 * <p>Renderers build one (the text plan, {@code fetch-cert}'s chain, {@code status}); the CLI
 * prints it, in colour only on a terminal. Its text form, {@link #text(boolean)}, is for tests and
 * for text embedded in other text.
 */
public final class TerminalLines {
  /** The colours hostpki marks its own words with (never a value's). */
  public enum Colour {
    GREEN("32"),
    YELLOW("33"),
    RED("31");

    private final String code;

    Colour(String code) {
      this.code = code;
    }

    String start() {
      return "\u001b[" + code + "m";
    }
  }

  private static final String RESET = "\u001b[0m";

  /** A piece of a line, already escaped; coloured when {@code colour} is set. */
  private record Span(String text, Colour colour) {}

  private final List<List<Span>> lines = new ArrayList<>();
  private List<Span> open;

  /** Adds text to the current line, escaped. */
  public TerminalLines add(Object text) {
    return add(null, text);
  }

  /** Adds text to the current line, escaped and in {@code colour} on a terminal. */
  public TerminalLines add(Colour colour, Object text) {
    if (open == null) {
      open = new ArrayList<>();
      lines.add(open);
    }
    open.add(new Span(TerminalText.escape(String.valueOf(text)), colour));
    return this;
  }

  /** Ends the current line (an empty line when nothing was added since the last end). */
  public TerminalLines end() {
    if (open == null) {
      lines.add(new ArrayList<>());
    }
    open = null;
    return this;
  }

  /** Adds a whole line, escaped. */
  public TerminalLines line(Object text) {
    return add(text).end();
  }

  /** Adds the lines of {@code other} after these. */
  public TerminalLines append(TerminalLines other) {
    if (open != null) {
      end();
    }
    for (List<Span> line : other.lines) {
      lines.add(new ArrayList<>(line));
    }
    return this;
  }

  public boolean isEmpty() {
    return lines.isEmpty();
  }

  /** Every line followed by a newline; with {@code colour}, hostpki's marks as ANSI colours. */
  public String text(boolean colour) {
    StringBuilder out = new StringBuilder();
    for (List<Span> line : lines) {
      for (Span span : line) {
        if (colour && span.colour() != null) {
          out.append(span.colour().start()).append(span.text()).append(RESET);
        } else {
          out.append(span.text());
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** The lines without colour, without their newlines. */
  public List<String> plainLines() {
    List<String> out = new ArrayList<>(lines.size());
    for (List<Span> line : lines) {
      StringBuilder sb = new StringBuilder();
      line.forEach(s -> sb.append(s.text()));
      out.add(sb.toString());
    }
    return out;
  }

  @Override
  public String toString() {
    return text(false);
  }
}
