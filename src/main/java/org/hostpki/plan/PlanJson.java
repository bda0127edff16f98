package org.hostpki.plan;

import java.util.Map;

/**
 * The JSON form of a plan (described by {@code schema/plan.schema.json}): a versioned contract
 * for scripts, the Ansible module and {@code apply --plan}.
 */
public final class PlanJson {
  private PlanJson() {}

  public static String render(Plan plan) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", Plan.FORMAT_VERSION);
    w.field("basis", plan.basis().hex());
    w.name("changes").beginArray();
    for (Change c : plan.changes()) {
      w.beginObject();
      w.field("address", c.address());
      w.field("action", c.action().word());
      w.name("reasons").beginArray();
      for (Reason r : c.reasons()) {
        w.beginObject().field("code", r.code().code()).field("message", r.message()).endObject();
      }
      w.endArray();
      attributes(w, "before", c.before());
      attributes(w, "after", c.after());
      w.endObject();
    }
    w.endArray();
    w.name("warnings").beginArray();
    for (Warning warning : plan.warnings()) {
      w.beginObject()
          .field("code", warning.code())
          .field("subject", warning.subject())
          .field("message", warning.message())
          .endObject();
    }
    w.endArray();
    w.name("errors").beginArray();
    for (Refusal refusal : plan.refusals()) {
      w.beginObject()
          .field("code", refusal.code())
          .field("subject", refusal.subject())
          .field("message", refusal.message());
      w.name("problems").beginArray();
      refusal.problems().forEach(w::value);
      w.endArray();
      w.endObject();
    }
    w.endArray();
    w.name("summary").beginObject();
    w.field("create", plan.count(Action.CREATE));
    w.field("replace", plan.count(Action.REPLACE));
    w.field("update", plan.count(Action.UPDATE));
    w.field("delete", plan.count(Action.DELETE));
    w.field("unchanged", plan.unchanged());
    w.endObject();
    w.field("changes_pending", !plan.isEmpty());
    return w.endObject().toString();
  }

  private static void attributes(JsonWriter w, String name, Map<String, String> values) {
    w.name(name).beginObject();
    values.forEach(w::field);
    w.endObject();
  }
}
