package org.hostpki.plan;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hostpki.json.JsonWriter;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;

/**
 * The JSON form of a plan (described by {@code schema/plan.schema.json}): a versioned contract
 * for scripts, the Ansible module and {@code apply --plan}. Its parts are written by the other
 * documents that show them ({@code status}, {@code apply}, {@code rollback}) through the same
 * methods, so a warning or a hold reads the same everywhere.
 */
public final class PlanJson {
  private PlanJson() {}

  /** The plan as one line of JSON. */
  public static String render(Plan plan) {
    JsonWriter w = new JsonWriter();
    write(w, plan);
    return w.toString();
  }

  /**
   * The plan as {@code plan --out} saves it: with {@code written_by}, the hostpki build that made
   * it, since {@code apply --plan} applies a plan only with the build that computed it, and {@code
   * replace}, the {@code --replace} it was made with, which {@code apply --plan} plans with again;
   * and the store's generation and each input's digest it was made from ({@code store_generation},
   * {@code basis_parts}), for {@code apply --plan} to say which changed when it refuses it as
   * stale.
   */
  public static String renderSaved(
      Plan plan,
      String writtenBy,
      Set<PlanInput.Replace> replace,
      Optional<String> generation,
      Map<String, String> basisParts) {
    JsonWriter w = new JsonWriter();
    write(w, plan, Optional.of(new Saved(writtenBy, replace, generation, basisParts)));
    return w.toString();
  }

  /** What only a saved plan holds. */
  private record Saved(
      String writtenBy, Set<PlanInput.Replace> replace, Optional<String> generation, Map<String, String> basisParts) {}

  /** A {@code --replace} value as the command line and a saved plan write it: {@code server}. */
  public static String word(PlanInput.Replace replace) {
    return replace.name().toLowerCase(Locale.ROOT);
  }

  /** The plan as a JSON object, where {@code w} expects a value. */
  public static void write(JsonWriter w, Plan plan) {
    write(w, plan, Optional.empty());
  }

  private static void write(JsonWriter w, Plan plan, Optional<Saved> saved) {
    w.beginObject();
    w.field("format_version", Plan.FORMAT_VERSION);
    if (saved.isPresent()) {
      w.field("written_by", saved.get().writtenBy());
      w.name("replace").beginArray();
      for (PlanInput.Replace r : new TreeSet<>(saved.get().replace())) {
        w.value(word(r));
      }
      w.endArray();
    }
    w.field("basis", plan.basis());
    if (saved.isPresent()) {
      w.field("store_generation", saved.get().generation());
      w.name("basis_parts").beginObject();
      saved.get().basisParts().forEach((name, hex) -> w.field(name, hex));
      w.endObject();
    }
    w.name("changes").beginArray();
    for (Change c : plan.changes()) {
      change(w, c, true);
    }
    w.endArray();
    warnings(w.name("warnings"), plan.warnings());
    refusals(w.name("errors"), plan.refusals());
    w.name("summary").beginObject();
    w.field("create", plan.count(Action.CREATE));
    w.field("replace", plan.count(Action.REPLACE));
    w.field("update", plan.count(Action.UPDATE));
    w.field("delete", plan.count(Action.DELETE));
    w.field("unchanged", plan.unchanged());
    w.endObject();
    pendingHooks(w.name("hooks_pending"), plan.pendingHooks());
    hold(w.name("hold"), plan.hold());
    w.field("changes_pending", plan.hasWork(false));
    w.endObject();
  }

  /** One change: address, action and reasons; with {@code attributes}, before and after too. */
  public static void change(JsonWriter w, Change c, boolean attributes) {
    w.beginObject();
    w.field("address", c.address());
    w.field("action", c.action().word());
    w.name("reasons").beginArray();
    for (Reason r : c.reasons()) {
      w.beginObject().field("code", r.code().code()).field("message", r.message()).endObject();
    }
    w.endArray();
    if (attributes) {
      attributes(w.name("before"), c.before());
      attributes(w.name("after"), c.after());
    }
    w.endObject();
  }

  /** The warnings: code, subject, message. */
  public static void warnings(JsonWriter w, List<Warning> warnings) {
    w.beginArray();
    for (Warning warning : warnings) {
      finding(w, warning.code(), warning.subject(), warning.message()).endObject();
    }
    w.endArray();
  }

  /** What keeps a plan from being applied: code, subject, message, problems. */
  public static void refusals(JsonWriter w, List<Refusal> refusals) {
    w.beginArray();
    for (Refusal refusal : refusals) {
      finding(w, refusal.code(), refusal.subject(), refusal.message())
          .field("problems", refusal.problems())
          .endObject();
    }
    w.endArray();
  }

  /** What warnings and refusals begin with, as an object left open for more. */
  private static JsonWriter finding(JsonWriter w, String code, String subject, String message) {
    return w.beginObject().field("code", code).field("subject", subject).field("message", message);
  }

  /** A rollback's hold as the plan, {@code status} and {@code rollback} show it; null without one. */
  public static void hold(JsonWriter w, Optional<RollbackHold> hold) {
    if (hold.isEmpty()) {
      w.nullValue();
      return;
    }
    w.beginObject()
        .field("at", hold.get().at())
        .field("from", hold.get().from())
        .field("to", hold.get().to())
        .endObject();
  }

  /** The hooks still due, as the plan and {@code status} show them. */
  public static void pendingHooks(JsonWriter w, List<PendingHook> hooks) {
    w.beginArray();
    for (PendingHook h : hooks) {
      w.beginObject();
      w.field("hook", h.hook());
      w.field("since", h.since());
      w.field("changed", h.changed());
      w.name("last_attempt").value(h.lastFailure().map(PendingHook.Failure::at).orElse(null));
      w.field("last_error", h.lastFailure().map(PendingHook.Failure::message));
      w.name("expiring");
      if (h.expiring().isEmpty()) {
        w.nullValue();
      } else {
        PendingHook.Expiring e = h.expiring().get();
        w.beginObject()
            .field("certificate", e.certificate())
            .field("sha256", e.fingerprint())
            .field("not_after", e.notAfter())
            .field("within", e.within())
            .field("reason", e.reason())
            .endObject();
      }
      w.endObject();
    }
    w.endArray();
  }

  /** Attributes with their types: text, lists, timestamps, durations, fingerprints, flags. */
  private static void attributes(JsonWriter w, Attributes attributes) {
    w.beginObject();
    for (Map.Entry<String, Attribute> e : attributes.values().entrySet()) {
      w.name(e.getKey());
      Attribute a = e.getValue();
      if (a instanceof Attribute.Text t) {
        w.value(t.value());
      } else if (a instanceof Attribute.Texts t) {
        w.strings(t.values());
      } else if (a instanceof Attribute.Time t) {
        w.value(t.value());
      } else if (a instanceof Attribute.Span s) {
        w.value(s.value());
      } else if (a instanceof Attribute.Digest d) {
        w.value(d.value());
      } else if (a instanceof Attribute.Flag f) {
        w.value(f.value());
      }
    }
    w.endObject();
  }
}
