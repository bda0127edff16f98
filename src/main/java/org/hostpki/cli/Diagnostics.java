package org.hostpki.cli;

import java.util.List;
import java.util.function.Consumer;
import org.hostpki.config.Problem;
import org.hostpki.json.JsonWriter;
import org.hostpki.model.HostpkiException;

/**
 * Errors and warnings as JSON (a {@code $defs/diagnostic} of {@code schema/common.schema.json}):
 * what {@code validate --output json} lists, and what any command that was asked for JSON prints
 * on standard output instead of its document when it fails with exit 1 ({@code
 * schema/error.schema.json}), and with a usage error. The same lines go to standard error as text,
 * for a person watching.
 */
final class Diagnostics {
  /** The format of the error document. */
  static final String FORMAT_VERSION = "1";

  private Diagnostics() {}

  /** One problem of a desired-state file, with its place when it has one. */
  static void problem(JsonWriter w, Problem p) {
    w.beginObject();
    w.field("severity", p.severity().label());
    w.field("message", p.message());
    w.field("file", p.file().toString());
    if (p.line() > 0) {
      w.field("line", p.line()).field("column", p.column());
    } else {
      w.name("line").nullValue().name("column").nullValue();
    }
    w.field("details", List.of());
    w.endObject();
  }

  /** An error with no place in a file: its headline and its detail lines. */
  static void error(JsonWriter w, String message, List<String> details) {
    w.beginObject();
    w.field("severity", "error");
    w.field("message", message);
    w.name("file").nullValue().name("line").nullValue().name("column").nullValue();
    w.field("details", details);
    w.endObject();
  }

  /**
   * The document of a usage error (exit 64; 3 with {@code check --nagios}) when JSON was asked for:
   * what is wrong with the command line, and where its usage is.
   */
  static String usageDocument(String command, String message, String hint) {
    return document(command, w -> error(w, message, List.of(hint)));
  }

  /**
   * The document a failed command prints when JSON was asked for: every problem of an invalid
   * desired state, then the error that stopped the command.
   *
   * @param command the subcommand's name, e.g. {@code apply}
   */
  static String document(String command, Exception failure) {
    return document(command, w -> {
      if (failure instanceof InvalidDesiredStateException invalid) {
        invalid.problems().forEach(p -> problem(w, p));
      }
      if (failure instanceof HostpkiException h) {
        error(w, h.headline(), h.details());
      } else {
        error(w, "internal error: " + failure + " (run with --debug for details and report it)", List.of());
      }
    });
  }

  /** The error document of {@code command} with these diagnostics, as one line. */
  private static String document(String command, Consumer<JsonWriter> diagnostics) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    w.field("command", command);
    w.name("diagnostics").beginArray();
    diagnostics.accept(w);
    w.endArray();
    return w.endObject().line();
  }
}
