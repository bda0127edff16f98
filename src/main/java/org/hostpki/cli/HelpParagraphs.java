package org.hostpki.cli;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.Layout;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Help.TextTable.Cell;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * A command's help, wrapped at spaces only. picocli wraps with Java's line breaker, which also
 * breaks inside a word after a '.' or '/' ("ca.policy." / "maxValidity", "issued/SERIAL." /
 * "crt", "(e." / "g. 90d)"), and starts every continuation of a description or footer at the
 * margin, so a wrapped row of an exit-code list ("  3   a hook failed ... the next" / "run retries
 * it") lost its column. Here a row of the description or footer that starts indented continues
 * under its text: under the text after a table's key ("  3   "), or under its own indent; and the
 * tables (options, parameters, the command list) break their text column at spaces before picocli
 * lays it out ({@link SpaceWrappedTable}).
 */
final class HelpParagraphs {
  /** An indented row with a key: "  64  usage error", "  0   success". */
  private static final Pattern ROW = Pattern.compile("^( +\\S+ {2,})\\S");
  private static final Pattern INDENT = Pattern.compile("^ *");

  private HelpParagraphs() {}

  /** Renders description and footer of {@code cl} and all its subcommands this way. */
  static void install(CommandLine cl) {
    cl.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_DESCRIPTION, help -> render(help.commandSpec().usageMessage().description(), help));
    cl.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_FOOTER, help -> render(help.commandSpec().usageMessage().footer(), help));
    cl.setHelpFactory(SpaceWrappedHelp::new);
    cl.getSubcommands().values().forEach(HelpParagraphs::install);
  }

  /** picocli's help, with tables that break their text column at spaces only. */
  private static final class SpaceWrappedHelp extends CommandLine.Help {
    SpaceWrappedHelp(CommandSpec spec, ColorScheme scheme) {
      super(spec, scheme);
    }

    @Override
    public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme scheme) {
      TextTable table = super.createDefaultLayout(options, positionals, scheme).textTable();
      return new Layout(scheme, new SpaceWrappedTable(scheme, table), createDefaultOptionRenderer(), createDefaultParameterRenderer());
    }

    /** picocli's command list (name, and the first line of its description), in such a table. */
    @Override
    public String commandList(Map<String, CommandLine.Help> subcommands) {
      if (subcommands.isEmpty()) {
        return "";
      }
      int width = commandSpec().usageMessage().width();
      int nameLength = Math.min(subcommands.keySet().stream().mapToInt(String::length).max().orElse(0), width / 2);
      TextTable table = new SpaceWrappedTable(colorScheme(), TextTable.forColumns(colorScheme(),
          new Column(nameLength + 2, 2, Column.Overflow.SPAN),
          new Column(width - (nameLength + 2), 2, Column.Overflow.WRAP)));
      for (CommandLine.Help help : subcommands.values()) {
        UsageMessageSpec usage = help.commandSpec().usageMessage();
        String[] first = usage.header().length > 0 ? usage.header() : usage.description();
        Text[] lines = colorScheme().text(first.length == 0 ? "" : String.format(first[0])).splitLines();
        for (int i = 0; i < lines.length; i++) {
          table.addRowValues(i == 0 ? help.commandNamesText(", ") : colorScheme().text(""), lines[i]);
        }
      }
      return table.toString();
    }
  }

  /**
   * A table whose wrapping columns break at spaces only: a text longer than its column is cut at
   * the last space that fits, each piece (a continuation indented as picocli indents one) laid out
   * by picocli, which then has nothing to break. A word longer than a whole line is left to picocli.
   */
  private static final class SpaceWrappedTable extends CommandLine.Help.TextTable {
    private final ColorScheme scheme;

    SpaceWrappedTable(ColorScheme scheme, CommandLine.Help.TextTable like) {
      super(scheme, like.columns());
      this.scheme = scheme;
      indentWrappedLines = like.indentWrappedLines;
      setAdjustLineBreaksForWideCJKCharacters(like.isAdjustLineBreaksForWideCJKCharacters());
    }

    @Override
    public Cell putValue(int row, int col, Text value) {
      Column column = columns()[col];
      if (column.overflow != Column.Overflow.WRAP || value == null || value.plainString().isEmpty()) {
        return super.putValue(row, col, value);
      }
      String plain = value.plainString();
      int room = column.width - column.indent;
      Cell cell = null;
      int start = 0;
      while (true) {
        int end = plain.length();
        if (end - start > room) {
          int space = plain.lastIndexOf(' ', start + room - 1); // with the space after it, as picocli fits a word
          end = space > start ? space : plain.indexOf(' ', start + room);
          end = end < 0 ? plain.length() : end;
        }
        Text piece = value.substring(start, end);
        if (cell != null) {
          addEmptyRow();
          row = cell.row + 1;
          piece = scheme.text(" ".repeat(indentWrappedLines)).concat(piece);
        }
        cell = super.putValue(row, col, piece);
        start = end;
        while (start < plain.length() && plain.charAt(start) == ' ') {
          start++;
        }
        if (start >= plain.length()) {
          return cell;
        }
        room = column.width - column.indent - indentWrappedLines;
      }
    }
  }

  private static String render(String[] lines, CommandLine.Help help) {
    // picocli leaves a terminal's last column free (a full line would wrap on some terminals)
    int width = help.commandSpec().usageMessage().width() - 1;
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      wrap(String.format(line), width, sb);
    }
    return sb.toString();
  }

  /** One source line, wrapped at spaces to {@code width}; a word longer than a line is not cut. */
  private static void wrap(String line, int width, StringBuilder sb) {
    Matcher row = ROW.matcher(line);
    Matcher indent = INDENT.matcher(line);
    int hang = row.find() ? row.group(1).length() : indent.find() ? indent.end() : 0;
    StringBuilder current = new StringBuilder(line.substring(0, hang));
    boolean empty = true;
    for (String word : line.substring(hang).split(" ", -1)) {
      if (!empty && current.length() + 1 + word.length() > width) {
        sb.append(current.toString().stripTrailing()).append('\n');
        current = new StringBuilder(" ".repeat(hang));
        empty = true;
      }
      if (!empty) {
        current.append(' ');
      }
      current.append(word);
      empty = false;
    }
    sb.append(current.toString().stripTrailing()).append('\n');
  }
}
