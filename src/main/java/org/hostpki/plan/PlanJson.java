package org.hostpki.plan;

import java.util.Map;
import java.util.Optional;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;

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
    w.name("hooks_pending").beginArray();
    for (PendingHook h : plan.pendingHooks()) {
      pendingHook(w, h);
    }
    w.endArray();
    hold(w.name("hold"), plan.hold());
    w.field("changes_pending", plan.hasWork(false));
    return w.endObject().toString();
  }

  /** A rollback's hold as the plan, {@code status} and {@code rollback} show it; null without one. */
  public static void hold(JsonWriter w, Optional<RollbackHold> hold) {
    if (hold.isEmpty()) {
      w.value((String) null);
      return;
    }
    w.beginObject()
        .field("at", hold.get().at().toString())
        .name("from").value(hold.get().from().orElse(null))
        .field("to", hold.get().to())
        .endObject();
  }

  /** One pending hook as the plan and {@code status} show it. */
  public static void pendingHook(JsonWriter w, PendingHook h) {
    w.beginObject();
    w.field("hook", h.hook());
    w.field("since", h.since().toString());
    w.name("changed").beginArray();
    h.changed().forEach(w::value);
    w.endArray();
    w.name("last_attempt").value(h.lastFailure().map(f -> f.at().toString()).orElse(null));
    w.name("last_error").value(h.lastFailure().map(PendingHook.Failure::message).orElse(null));
    w.name("expiring");
    if (h.expiring().isEmpty()) {
      w.value((String) null);
    } else {
      PendingHook.Expiring e = h.expiring().get();
      w.beginObject()
          .field("certificate", e.certificate())
          .field("fingerprint", e.fingerprint().hex())
          .field("not_after", e.notAfter().toString())
          .field("within", e.within())
          .field("reason", e.reason())
          .endObject();
    }
    w.endObject();
  }

  private static void attributes(JsonWriter w, String name, Map<String, String> values) {
    w.name(name).beginObject();
    values.forEach(w::field);
    w.endObject();
  }
}
