package org.hostpki.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.hostpki.model.DateText;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.TerminalLines;
import org.hostpki.json.JsonWriter;
import org.hostpki.store.StoreDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "history",
    description =
        "List the store's kept generations, newest first: when each was written, what changed,"
            + " which server certificate it holds.",
    footer = {
      "",
      "Examples:",
      "  hostpki history -f /etc/hostpki/host.yaml",
      "  hostpki history -f host.yaml --output json | jq -r '.generations[1].name'",
      "",
      "'hostpki rollback' activates a kept generation again.",
      "",
      "Exit codes:",
      "  0   listed (also none kept)",
      "  1   error: an invalid desired state or an unreadable store",
      "  64  usage error"
    })
final class HistoryCommand extends StoreCommand implements Callable<Integer> {

  @Mixin FileArgument argument;

  HistoryCommand(Environment environment) {
    super(environment);
  }

  @Override
  public Integer call() {
    StoreDirectory store =
        StoreDirectory.of(desiredState(), environment.clock());
    List<GenerationSummary> generations = GenerationSummary.of(store);
    if (output.json()) {
      printJson(store, generations);
    } else {
      printText(store, generations);
    }
    return ExitCodes.OK;
  }

  private void printText(StoreDirectory store, List<GenerationSummary> generations) {
    TerminalLines text = new TerminalLines();
    if (generations.isEmpty()) {
      text.add("Store ").add(store.directory()).add(" has no generations yet: run")
          .add(" '").add(ShellCommand.hostpki("apply", "-f", file)).add("' to write the first.").end();
    } else {
      text.add("Store ").add(store.directory()).add(" keeps ").add(generations.size())
          .add(generations.size() == 1 ? " generation" : " generations")
          .add(", newest first:").end().end();
      for (GenerationSummary g : generations) {
        text.add(g.current() ? "* " : "  ").add(g.name()).add("  written ")
            .add(DateText.precise(g.time())).add(g.current() ? "  (current)" : "")
            .end();
        text.add("    changed  ").add(g.changesText()).end();
        text.add("    server   ").add(g.serverText()).end();
      }
      if (generations.stream().noneMatch(GenerationSummary::current)) {
        text.end().add("No generation is current (..data is missing or broken): '")
            .add(ShellCommand.hostpki("rollback", "-f", file)).add("' activates ")
            .add(store.restorable().filter(g -> !g.equals(generations.get(0).name()))
                .map(g -> g + " (not the newest, " + generations.get(0).name() + ", which an"
                    + " interrupted write left and never made current)")
                .orElse("the newest"))
            .add(".").end();
      } else if (generations.size() > 1) {
        text.end().add("* current. '").add(ShellCommand.hostpki("rollback", "-f", file))
            .add(" [--to GENERATION]' activates another (default: the one before).").end();
      }
    }
    out().print(text, color());
    out().flush();
  }

  /** The format of the JSON document, described by schema/history.schema.json. */
  static final String FORMAT_VERSION = "1";

  private void printJson(StoreDirectory store, List<GenerationSummary> generations) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    w.field("store", store.directory().toString());
    w.name("generations").beginArray();
    for (GenerationSummary g : generations) {
      w.beginObject();
      w.field("name", g.name());
      w.field("time", g.time());
      w.field("current", g.current());
      w.name("changes");
      if (g.changes().isEmpty()) {
        w.nullValue();
      } else {
        w.beginArray();
        g.changes().get().forEach(
            c -> w.beginObject().field("address", c.address()).field("action", c.action())
                .endObject());
        w.endArray();
      }
      w.field("server_sha256", g.server().orElse(null));
      w.field("server_problem", g.serverProblem());
      w.endObject();
    }
    w.endArray();
    out().print(w.endObject().line());
    out().flush();
  }
}
