package org.hostpki.apply;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hostpki.json.JsonReader;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;
import org.hostpki.json.JsonWriter;
import org.hostpki.plan.Plan;
import org.hostpki.store.GenerationRecord;
import org.hostpki.store.StoreDirectory;
import tools.jackson.databind.JsonNode;

/**
 * What a generation records beside its content: the hooks it made due ({@code .hooks-due.json},
 * written inside the generation before its commit, or before a rollback switches to it), which of
 * them have run successfully and how the last attempt of the others failed ({@code
 * .hooks-done.json}, replaced as a whole after each attempt), and a rollback's hold ({@code
 * .hold.json}). A hook is pending while it is due and not done.
 *
 * <p>Obligations are by hook name, so every kind of hook fits: a new generation carries the
 * pending ones of the one before it into its own due record, merged with what its own changes
 * make due, each keeping the time it first became due. The done record is never carried: a new
 * generation starts with none, and a rollback replaces every record of the generation it
 * activates.
 */
public final class HookLedger {
  private static final String FORMAT_VERSION = "1";

  private final List<PendingHook> due;
  private final Set<String> done;
  private final Map<String, PendingHook.Failure> failures;
  private final Optional<RollbackHold> hold;

  private HookLedger(
      List<PendingHook> due,
      Set<String> done,
      Map<String, PendingHook.Failure> failures,
      Optional<RollbackHold> hold) {
    this.due = List.copyOf(due);
    this.done = Set.copyOf(done);
    this.failures = Map.copyOf(failures);
    this.hold = hold;
  }

  /** The records of a generation; nothing for a store never written. */
  public static HookLedger read(StoreDirectory store, Optional<String> generation) {
    if (generation.isEmpty()) {
      return new HookLedger(List.of(), Set.of(), Map.of(), Optional.empty());
    }
    String g = generation.get();
    List<PendingHook> due = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    Map<String, PendingHook.Failure> failures = new LinkedHashMap<>();
    Optional<RollbackHold> hold = Optional.empty();
    try {
      Optional<JsonNode> dueRecord = parse(store, g, GenerationRecord.HOOKS_DUE);
      if (dueRecord.isPresent()) {
        for (JsonNode h : dueRecord.get().path("hooks")) {
          List<String> changed = new ArrayList<>();
          h.path("changed").forEach(c -> changed.add(c.asString()));
          due.add(PendingHook.due(text(h, "hook"), instant(h, "since"), changed));
        }
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw damaged(store, g, GenerationRecord.HOOKS_DUE);
    }
    try {
      Optional<JsonNode> doneRecord = parse(store, g, GenerationRecord.HOOKS_DONE);
      if (doneRecord.isPresent()) {
        doneRecord.get().path("done").forEach(d -> done.add(d.asString()));
        for (JsonNode f : doneRecord.get().path("failures")) {
          failures.put(
              text(f, "hook"), new PendingHook.Failure(instant(f, "at"), text(f, "message")));
        }
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw damaged(store, g, GenerationRecord.HOOKS_DONE);
    }
    try {
      Optional<JsonNode> holdRecord = parse(store, g, GenerationRecord.HOLD);
      if (holdRecord.isPresent()) {
        JsonNode h = holdRecord.get();
        hold =
            Optional.of(
                new RollbackHold(
                    instant(h, "at"),
                    h.path("from").isString() ? Optional.of(h.path("from").asString()) : Optional.empty(),
                    text(h, "to")));
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw damaged(store, g, GenerationRecord.HOLD);
    }
    return new HookLedger(due, done, failures, hold);
  }

  /** The ledger of a generation just written with this due record and no other. */
  public static HookLedger fresh(List<PendingHook> due) {
    return new HookLedger(due, Set.of(), Map.of(), Optional.empty());
  }

  /**
   * The hooks due and not done that the desired state still declares (an obligation for a hook
   * since removed from the file has nothing left to run), each with its last failure.
   */
  public List<PendingHook> pending(HooksSpec hooks) {
    List<PendingHook> pending = new ArrayList<>();
    for (PendingHook h : due) {
      if (!done.contains(h.hook()) && !hooks.commands(h.hook()).isEmpty()) {
        pending.add(
            new PendingHook(h.hook(), h.since(), h.changed(), Optional.ofNullable(failures.get(h.hook()))));
      }
    }
    return pending;
  }

  public Optional<RollbackHold> hold() {
    return hold;
  }

  /** The hooks a plan makes due once it is written, at {@code now}, that the state declares. */
  public static List<PendingHook> dueAfter(Plan plan, HooksSpec hooks, Instant now) {
    List<String> changed = plan.changes().stream().map(c -> c.address()).toList();
    List<PendingHook> due = new ArrayList<>();
    if (plan.changesServer() && !hooks.commands(HooksSpec.AFTER_SERVER_CHANGE).isEmpty()) {
      due.add(PendingHook.due(HooksSpec.AFTER_SERVER_CHANGE, now, changed));
    }
    return due;
  }

  /**
   * Obligations carried from the generation before, merged with new ones: one per hook, due
   * since the earlier time, for every address either names.
   */
  public static List<PendingHook> merge(List<PendingHook> carried, List<PendingHook> fresh) {
    Map<String, PendingHook> merged = new LinkedHashMap<>();
    for (PendingHook h : carried) {
      merged.put(h.hook(), PendingHook.due(h.hook(), h.since(), h.changed()));
    }
    for (PendingHook h : fresh) {
      PendingHook earlier = merged.get(h.hook());
      if (earlier == null) {
        merged.put(h.hook(), h);
      } else {
        Set<String> changed = new LinkedHashSet<>(earlier.changed());
        changed.addAll(h.changed());
        Instant since = earlier.since().isBefore(h.since()) ? earlier.since() : h.since();
        merged.put(h.hook(), PendingHook.due(h.hook(), since, List.copyOf(changed)));
      }
    }
    return List.copyOf(merged.values());
  }

  /** The due record: every hook due, when it became due and what changed. */
  public static byte[] dueRecord(List<PendingHook> due) {
    JsonWriter w = new JsonWriter().beginObject().field("format_version", FORMAT_VERSION);
    w.name("hooks").beginArray();
    for (PendingHook h : due) {
      w.beginObject().field("hook", h.hook()).field("since", h.since().toString());
      w.name("changed").beginArray();
      h.changed().forEach(w::value);
      w.endArray().endObject();
    }
    return bytes(w.endArray().endObject());
  }

  /**
   * The done record after an attempt: the hooks done before and those that just succeeded; the
   * last failure of the others.
   */
  byte[] doneRecord(Hooks.Outcome outcome, Instant at) {
    Set<String> nowDone = new LinkedHashSet<>(done);
    nowDone.addAll(outcome.succeeded());
    Map<String, PendingHook.Failure> nowFailed = new LinkedHashMap<>(failures);
    outcome.succeeded().forEach(nowFailed::remove);
    outcome.failures().forEach((hook, message) -> nowFailed.put(hook, new PendingHook.Failure(at, message)));
    JsonWriter w = new JsonWriter().beginObject().field("format_version", FORMAT_VERSION);
    w.name("done").beginArray();
    nowDone.forEach(w::value);
    w.endArray();
    w.name("failures").beginArray();
    nowFailed.forEach(
        (hook, f) ->
            w.beginObject()
                .field("hook", hook)
                .field("at", f.at().toString())
                .field("message", f.message())
                .endObject());
    return bytes(w.endArray().endObject());
  }

  /**
   * What an attempt to run the due hooks did.
   *
   * @param attempted the hooks that were due, as they were before the attempt
   */
  public record Attempt(List<PendingHook> attempted, Hooks.Outcome outcome) {
    public Attempt {
      attempted = List.copyOf(attempted);
    }

    public static Attempt none() {
      return new Attempt(List.of(), Hooks.Outcome.none());
    }

    public Optional<String> failure() {
      return outcome.firstFailure();
    }
  }

  /**
   * Runs the due hooks of the current generation and records the outcome in its done record.
   * Needs the store lock. A done record that cannot be written is a notice, not an error: the
   * store is as it should be, and the hooks only run once more.
   *
   * @param notices receives what went wrong after the store was written
   */
  public Attempt attempt(
      Hooks hooks,
      org.hostpki.model.DesiredState desired,
      StoreDirectory store,
      String generation,
      List<PendingHook> due,
      Instant now,
      List<String> notices) {
    if (due.isEmpty()) {
      return Attempt.none();
    }
    Hooks.Outcome outcome = hooks.run(desired, due, store.directory(), generation);
    try {
      store.putRecord(generation, GenerationRecord.HOOKS_DONE, doneRecord(outcome, now));
    } catch (HostpkiException e) {
      notices.add(
          "the hooks ran, but recording that failed (" + e.getMessage() + "); the next apply runs "
              + (outcome.succeeded().isEmpty() ? "them" : "the ones that succeeded") + " again");
    }
    return new Attempt(due, outcome);
  }

  /** The hold record a rollback writes into the generation it activates. */
  public static byte[] holdRecord(RollbackHold hold) {
    JsonWriter w = new JsonWriter().beginObject().field("format_version", FORMAT_VERSION);
    w.field("at", hold.at().toString());
    w.name("from").value(hold.from().orElse(null));
    w.field("to", hold.to());
    return bytes(w.endObject());
  }

  private static byte[] bytes(JsonWriter w) {
    return (w + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static Optional<JsonNode> parse(
      StoreDirectory store, String generation, GenerationRecord record) {
    Optional<byte[]> bytes = store.record(generation, record);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode root = JsonReader.parse(new String(bytes.get(), StandardCharsets.UTF_8));
      if (root == null || !root.isObject() || !FORMAT_VERSION.equals(text(root, "format_version"))) {
        throw new IllegalArgumentException("format_version " + FORMAT_VERSION + " missing");
      }
      return Optional.of(root);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw damaged(store, generation, record);
    }
  }

  private static HostpkiException damaged(
      StoreDirectory store, String generation, GenerationRecord record) {
    return new HostpkiException(
        "store record " + store.directory().resolve(generation).resolve(record.fileName())
            + " is not what hostpki writes (altered by hand?); remove it"
            + (record == GenerationRecord.HOOKS_DUE ? " (the hooks it recorded then count as done)" : ""));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isString() || v.asString().isEmpty()) {
      throw new IllegalArgumentException(field + " missing");
    }
    return v.asString();
  }

  private static Instant instant(JsonNode node, String field) {
    return Instant.parse(text(node, field));
  }
}
