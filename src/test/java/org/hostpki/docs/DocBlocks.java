package org.hostpki.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of one Markdown document that {@link DocsIT} runs, in order. The format:
 *
 * <ul>
 *   <li>Every {@code ```sh} block runs, in a bash session per document (a {@code cd} or an {@code
 *       export} carries over to the next block). Without an output block every command in it must
 *       succeed, as under {@code set -e} (not only the last, whose status is the block's).
 *   <li>An {@code ```output} block right after it (nothing but blank lines between) is what the
 *       block prints, standard output and standard error together. It is compared line by line,
 *       ignoring only fingerprints, serials and commits (hex), dates and times, durations, kept
 *       generation names and {@code mktemp} names; a line {@code ...} stands for any lines.
 *   <li>A fence without an info string right after a {@code sh} block is an error: say {@code
 *       output} (checked) or {@code text} (an illustration, not checked).
 *   <li>{@code <!-- doc-test: skip REASON -->} on the line before a {@code ```sh} fence: the block
 *       does not run here (systemd is not PID 1, a browser's window, macOS); the test prints it with
 *       the reason. A skip without a reason is an error.
 *   <li>{@code <!-- doc-test: file PATH -->} before a block: its text is written to PATH (as a reader
 *       saves it); {@code <!-- doc-test: merge PATH -->}: its top-level YAML keys replace those of
 *       PATH, or are added (as a reader edits the file).
 *   <li>{@code <!-- doc-test: run} ... {@code -->}: commands readers do not see (a device to fetch a
 *       certificate from), run at that place; they must succeed.
 * </ul>
 */
final class DocBlocks {
  private DocBlocks() {}

  /** One thing to do, at a line of the document. */
  sealed interface Step permits Run, Skip, Hidden, WriteFile {
    int line();
  }

  /** A shell block, with the output it must print if the document shows one. */
  record Run(int line, String script, Optional<Expected> expected) implements Step {}

  /** What a block prints, as the document shows it, and where. */
  record Expected(int line, String text) {}

  /** A shell block that cannot run here, and why. */
  record Skip(int line, String script, String reason) implements Step {}

  /** Commands readers do not see. */
  record Hidden(int line, String script) implements Step {}

  /** A file the reader saves ({@code merge}: top-level YAML keys replaced or added). */
  record WriteFile(int line, String path, String text, boolean merge) implements Step {}

  /** A document that breaks the format: where and what. */
  static final class FormatException extends RuntimeException {
    FormatException(String file, int line, String message) {
      super(file + ":" + line + ": " + message);
    }
  }

  private static final Pattern FENCE = Pattern.compile("^( *)```\\s*([A-Za-z0-9_-]*)(.*)$");
  private static final Pattern MARKER = Pattern.compile("^\\s*<!--\\s*doc-test:\\s*(\\S+)\\s*(.*?)\\s*(-->)?\\s*$");

  /** A fenced block: its opening line (from 1), info string, text, and the closing fence's index. */
  private record Fence(int line, String info, String text, int end) {}

  /** A fenced block of any kind, as a reader sees it: its opening line (from 1), info string and text. */
  record Block(int line, String info, String text) {}

  /** Every fenced block of {@code markdown}, in order, whatever its info string. */
  static List<Block> fenced(String file, String markdown) {
    List<String> lines = markdown.lines().toList();
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher fence = FENCE.matcher(lines.get(i));
      if (fence.matches()) {
        Fence block = readFence(file, lines, i, fence);
        blocks.add(new Block(block.line(), block.info(), block.text()));
        i = block.end();
      }
    }
    return blocks;
  }

  /** The steps of {@code markdown} (named {@code file} in errors). */
  static List<Step> parse(String file, String markdown) {
    List<String> lines = markdown.lines().toList();
    List<Step> steps = new ArrayList<>();
    String pending = null; // a marker waiting for its block: "skip REASON", "file P", "merge P"
    int pendingLine = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher marker = MARKER.matcher(line);
      if (marker.matches()) {
        String kind = marker.group(1);
        String argument = marker.group(2);
        if (kind.equals("run")) {
          if (marker.group(3) != null) {
            throw new FormatException(file, i + 1, "doc-test: run takes the commands on the lines below, up to -->");
          }
          StringBuilder script = new StringBuilder();
          int start = i + 1;
          for (i++; i < lines.size() && !lines.get(i).strip().equals("-->"); i++) {
            script.append(lines.get(i)).append('\n');
          }
          if (i == lines.size()) {
            throw new FormatException(file, start, "doc-test: run is not closed by a line -->");
          }
          steps.add(new Hidden(start, script.toString()));
          continue;
        }
        if (marker.group(3) == null) {
          throw new FormatException(file, i + 1, "doc-test: " + kind + " must end on its line with -->");
        }
        if (!List.of("skip", "file", "merge").contains(kind)) {
          throw new FormatException(file, i + 1, "unknown marker doc-test: " + kind + " (skip, file, merge or run)");
        }
        if (argument.isEmpty()) {
          throw new FormatException(
              file, i + 1, "doc-test: " + kind + (kind.equals("skip") ? " needs a reason" : " needs a path"));
        }
        pending = kind + " " + argument;
        pendingLine = i + 1;
        continue;
      }
      Matcher fence = FENCE.matcher(line);
      if (!fence.matches()) {
        if (pending != null && !line.isBlank()) {
          throw new FormatException(file, pendingLine, "doc-test: " + pending.split(" ")[0] + " must come right before a fenced block");
        }
        continue;
      }
      Fence block = readFence(file, lines, i, fence);
      i = block.end();
      if (pending != null) {
        steps.add(marked(file, pending, pendingLine, block));
        pending = null;
        continue;
      }
      if (!block.info().equals("sh")) {
        if (block.info().equals("output")) {
          throw new FormatException(file, block.line(), "an output block must follow a sh block");
        }
        continue;
      }
      // an output block may follow, after blank lines only
      int next = i + 1;
      while (next < lines.size() && lines.get(next).isBlank()) {
        next++;
      }
      Optional<Expected> expected = Optional.empty();
      Matcher after = next < lines.size() ? FENCE.matcher(lines.get(next)) : null;
      if (after != null && after.matches()) {
        if (after.group(2).isEmpty()) {
          throw new FormatException(
              file, next + 1, "a fence right after a sh block needs an info string: output (checked) or text (not checked)");
        }
        if (after.group(2).equals("output")) {
          Fence output = readFence(file, lines, next, after);
          expected = Optional.of(new Expected(output.line(), output.text()));
          i = output.end();
        }
      }
      steps.add(new Run(block.line(), block.text(), expected));
    }
    if (pending != null) {
      throw new FormatException(file, pendingLine, "doc-test: " + pending.split(" ")[0] + " has no block after it");
    }
    return steps;
  }

  private static Step marked(String file, String pending, int markerLine, Fence block) {
    String kind = pending.substring(0, pending.indexOf(' '));
    String argument = pending.substring(kind.length() + 1);
    if (kind.equals("skip")) {
      if (!block.info().equals("sh")) {
        throw new FormatException(file, markerLine, "doc-test: skip is for sh blocks; other blocks never run");
      }
      return new Skip(block.line(), block.text(), argument);
    }
    return new WriteFile(block.line(), argument, block.text(), kind.equals("merge"));
  }

  /** The block whose opening fence is at {@code start}, its lines without the fence's indent. */
  private static Fence readFence(String file, List<String> lines, int start, Matcher opening) {
    String indent = opening.group(1);
    StringBuilder text = new StringBuilder();
    for (int i = start + 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.strip().equals("```")) {
        return new Fence(start + 1, opening.group(2), text.toString(), i);
      }
      text.append(line.startsWith(indent) ? line.substring(indent.length()) : line.stripLeading()).append('\n');
    }
    throw new FormatException(file, start + 1, "the fenced block is not closed");
  }
}
