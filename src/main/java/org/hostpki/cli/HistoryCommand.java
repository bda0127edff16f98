package org.hostpki.cli;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.hostpki.plan.JsonWriter;
import org.hostpki.store.StoreDirectory;
import picocli.CommandLine.Command;

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
      "'hostpki rollback' activates a kept generation again."
    })
final class HistoryCommand extends StoreCommand implements Callable<Integer> {
  static final DateTimeFormatter WRITTEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  HistoryCommand(Environment environment) {
    super(environment);
  }

  @Override
  public Integer call() {
    StoreDirectory store =
        StoreDirectory.of(desiredState(), environment.clock());
    List<GenerationSummary> generations = GenerationSummary.of(store);
    if (output == OutputFormat.json) {
      printJson(store, generations);
    } else {
      printText(store, generations);
    }
    return ExitCodes.OK;
  }

  private void printText(StoreDirectory store, List<GenerationSummary> generations) {
    StringBuilder sb = new StringBuilder();
    if (generations.isEmpty()) {
      sb.append("Store ").append(store.directory()).append(" has no generations yet: run")
          .append(" 'hostpki apply -f ").append(file).append("' to write the first.\n");
    } else {
      sb.append("Store ").append(store.directory()).append(" keeps ").append(generations.size())
          .append(generations.size() == 1 ? " generation" : " generations")
          .append(", newest first:\n\n");
      for (GenerationSummary g : generations) {
        sb.append(g.current() ? "* " : "  ").append(g.name()).append("  written ")
            .append(WRITTEN.format(g.time())).append(g.current() ? "  (current)" : "")
            .append('\n');
        sb.append("    changed  ").append(g.changesText()).append('\n');
        sb.append("    server   ").append(g.serverText()).append('\n');
      }
      if (generations.stream().noneMatch(GenerationSummary::current)) {
        sb.append("\nNo generation is current (..data is missing or broken): 'hostpki rollback -f ")
            .append(file).append("' activates the newest.\n");
      } else if (generations.size() > 1) {
        sb.append("\n* current. 'hostpki rollback -f ").append(file)
            .append(" [--to GENERATION]' activates another (default: the one before).\n");
      }
    }
    out().print(sb);
    out().flush();
  }

  private void printJson(StoreDirectory store, List<GenerationSummary> generations) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("store", store.directory().toString());
    w.name("generations").beginArray();
    for (GenerationSummary g : generations) {
      w.beginObject();
      w.field("name", g.name());
      w.field("time", g.time().toString());
      w.field("current", g.current());
      w.name("changes");
      if (g.changes().isEmpty()) {
        w.value((String) null);
      } else {
        w.beginArray();
        g.changes().get().forEach(
            c -> w.beginObject().field("address", c.address()).field("action", c.action())
                .endObject());
        w.endArray();
      }
      w.field("summary", g.changesText());
      w.name("serverSha256").value(g.server().map(f -> f.colonHex()).orElse(null));
      g.serverProblem().ifPresent(p -> w.field("serverProblem", p));
      w.endObject();
    }
    w.endArray();
    out().println(w.endObject());
    out().flush();
  }
}
