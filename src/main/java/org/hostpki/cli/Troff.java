package org.hostpki.cli;

import java.util.List;
import java.util.Map;

/** A little of troff's man macros: enough for hostpki's manual pages, with text escaped. */
final class Troff {
  private final StringBuilder out = new StringBuilder();

  /** The title line: NAME(SECTION), date, source and manual. */
  Troff title(String name, int section, String date, String source, String manual) {
    out.append(".\\\" Written by hostpki's build from its command definitions and schema; do not edit.\n");
    macro(".TH", name.toUpperCase(java.util.Locale.ROOT), Integer.toString(section), date, source, manual);
    // ragged right, no hyphenation: options and paths stay whole and copyable
    out.append(".ad l\n.nh\n");
    return this;
  }

  Troff section(String heading) {
    return macro(".SH", heading);
  }

  Troff subsection(String heading) {
    return macro(".SS", heading);
  }

  /** A paragraph of running text. */
  Troff paragraph(String text) {
    out.append(".PP\n").append(line(text)).append('\n');
    return this;
  }

  /** A tagged paragraph: the tag (bold) on its own line, the text indented below it. */
  Troff tagged(String tag, String text) {
    out.append(".TP\n").append(bold(tag)).append('\n');
    if (!text.isEmpty()) {
      out.append(line(text)).append('\n');
    }
    return this;
  }

  /**
   * Tagged paragraphs without space between them or before the first (exit codes under a
   * "Exit codes:" line, as {@code --help} shows them); the spacing after is the usual again.
   */
  Troff tightlyTagged(List<Map.Entry<String, String>> entries) {
    out.append(".PD 0\n");
    for (Map.Entry<String, String> e : entries) {
      tagged(e.getKey(), e.getValue());
    }
    out.append(".PD\n");
    return this;
  }

  /**
   * Lines shown as they are (examples), at the text's margin: indented further, a command line
   * of an example would run past 80 columns.
   */
  Troff literal(Iterable<String> lines) {
    out.append(".PP\n.nf\n");
    for (String l : lines) {
      out.append(line(l)).append('\n');
    }
    out.append(".fi\n");
    return this;
  }

  /** Raw text that is already troff (from {@link #bold} and {@link #escape}). */
  Troff raw(String troff) {
    out.append(troff).append('\n');
    return this;
  }

  private Troff macro(String name, String... args) {
    out.append(name);
    for (String a : args) {
      out.append(" \"").append(escape(a).replace("\"", "\\(dq")).append('"');
    }
    out.append('\n');
    return this;
  }

  static String bold(String text) {
    return "\\fB" + escape(text) + "\\fR";
  }

  static String italic(String text) {
    return "\\fI" + escape(text) + "\\fR";
  }

  /** A line of text: escaped, and never read as a request (a leading '.' or '''). */
  private static String line(String text) {
    String escaped = escape(text);
    return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
  }

  /** Backslashes as \e, hyphens as real minus signs (so options copy and search as typed). */
  static String escape(String text) {
    return text.replace("\\", "\\e").replace("-", "\\-");
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
