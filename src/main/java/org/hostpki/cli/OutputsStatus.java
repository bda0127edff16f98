package org.hostpki.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.hostpki.apply.Reconciler;
import org.hostpki.json.JsonWriter;
import org.hostpki.model.FileAccess;
import org.hostpki.model.OutputSpec;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalLines;
import org.hostpki.plan.Change;

/**
 * What {@code status} shows of the declared outputs: each file, its format, the owner, group
 * and mode it is given, and whether it is current, missing or to be written again.
 */
final class OutputsStatus {
  private OutputsStatus() {}

  /** {@code Outputs  haproxy.pem (combined-pem, 0640 -:ssl-cert, current)}, one line each. */
  static void text(TerminalLines text, Reconciler.Observation o) {
    StoreLayout layout = StoreLayout.of(o.desired());
    boolean first = true;
    for (OutputSpec output : o.desired().outputs()) {
      for (String name : output.fileNames()) {
        text.add(first ? "Outputs  " : "         ").add(name).add(" (").add(output.format().yamlName()).add(", ")
            .add(layout.accessOf(name)).add(", ").add(state(o, output)).add(")").end();
        first = false;
      }
    }
  }

  /** The {@code outputs} array of {@code status --output json}. */
  static void json(JsonWriter w, Reconciler.Observation o) {
    StoreLayout layout = StoreLayout.of(o.desired());
    Path store = o.desired().store().path();
    w.name("outputs").beginArray();
    for (OutputSpec output : o.desired().outputs()) {
      for (String name : output.fileNames()) {
        FileAccess access = layout.accessOf(name);
        w.beginObject()
            .field("file", name)
            .field("path", store.resolve(name).toString())
            .field("format", output.format().yamlName())
            .field("holds_private_key", output.holdsPrivateKey(name))
            .field("owner", access.owner())
            .field("group", access.group())
            .field("mode", access.mode().toString())
            .field("state", state(o, output))
            .endObject();
      }
    }
    w.endArray();
  }

  /** {@code current}, {@code missing} or {@code pending} (a change at its address is planned). */
  private static String state(Reconciler.Observation o, OutputSpec output) {
    Optional<Change> change =
        o.plan().changes().stream().filter(c -> c.address().equals(output.address())).findFirst();
    if (change.isEmpty()) {
      return o.store().facts().outputs().declared().containsKey(output.file()) ? "current" : "missing";
    }
    return o.store().facts().outputs().declared().containsKey(output.file()) ? "pending" : "missing";
  }
}
