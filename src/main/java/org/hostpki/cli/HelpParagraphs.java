package org.hostpki.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The description and footer of a command's help, wrapped at spaces only. picocli wraps them
 * with Java's line breaker, which also breaks inside a word after a '.' or '/' ("ca.policy." /
 * "maxValidity", "issued/SERIAL." / "crt"), and starts every continuation at the margin, so a
 * wrapped row of an exit-code list ("  3   a hook failed ... the next" / "run retries it") lost
 * its column. Here a row that starts indented continues under its text: under the text after a
 * table's key ("  3   "), or under its own indent.
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
    cl.getSubcommands().values().forEach(HelpParagraphs::install);
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
