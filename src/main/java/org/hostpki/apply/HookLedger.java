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
import org.hostpki.json.RecordFormat;
import org.hostpki.model.DateText;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RecordTime;
import org.hostpki.model.RollbackHold;
import org.hostpki.json.JsonWriter;
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
 * <p>Obligations are by {@linkplain PendingHook#key() key}, so every kind of hook fits: a new
 * generation carries the pending ones of the one before it into its own due record, merged with
 * what its own changes make due, each keeping the time it first became due. The done record is
 * not carried, a new generation starts with none, and a rollback replaces every record of the
 * generation it activates — with one exception:
 *
 * <p>{@code onExpiring} obligations arise without a write: a certificate nothing renews nears its
 * expiry. One is added to the current generation's due record (replaced as a whole, by a rename),
 * then run like any other. It is about one certificate, once per threshold, so a new generation
 * that still holds that certificate carries it, done or not, with its done mark: the hook does not
 * run again for it. One whose certificate the new generation no longer holds (renewed) is dropped.
 *
 * <p>Just over 400 lines on purpose: reading, merging, carrying and attempting the recorded
 * obligations are one record format and must change together.
 */
public final class HookLedger {
  private static final String FORMAT_VERSION = "1";
  /** The certificates an {@code onExpiring} obligation can be about. */
  private static final Set<String> EXPIRING_CERTIFICATES = Set.of("ca", "ca-next", "server");

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
          Optional<PendingHook.Expiring> expiring = Optional.empty();
          JsonNode e = h.path("expiring");
          if (e.isObject()) {
            String certificate = text(e, "certificate");
            String within = text(e, "within");
            if (!EXPIRING_CERTIFICATES.contains(certificate) || !within.matches("[0-9A-Za-z.%]{1,32}")) {
              throw new IllegalArgumentException("expiring: " + certificate + " " + within);
            }
            expiring =
                Optional.of(
                    new PendingHook.Expiring(
                        certificate,
                        new Fingerprint(text(e, "fingerprint")),
                        instant(e, "not_after"),
                        within,
                        text(e, "reason")));
          }
          due.add(new PendingHook(text(h, "hook"), instant(h, "since"), changed, Optional.empty(), expiring));
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
    return fresh(due, Set.of());
  }

  /** The ledger of a generation just written with this due record and these obligations done. */
  public static HookLedger fresh(List<PendingHook> due, Set<String> done) {
    return new HookLedger(due, done, Map.of(), Optional.empty());
  }

  /**
   * The hooks due and not done that the desired state still declares (an obligation for a hook
   * since removed from the file has nothing left to run), each with its last failure.
   */
  public List<PendingHook> pending(HooksSpec hooks) {
    List<PendingHook> pending = new ArrayList<>();
    for (PendingHook h : due) {
      if (!done.contains(h.key()) && !hooks.commands(h.hook()).isEmpty()) {
        pending.add(h.withLastFailure(Optional.ofNullable(failures.get(h.key()))));
      }
    }
    return pending;
  }

  /** The keys of every obligation recorded, done or not: an {@code onExpiring} one arises once. */
  public Set<String> recordedKeys() {
    Set<String> keys = new LinkedHashSet<>();
    due.forEach(h -> keys.add(h.key()));
    return keys;
  }

  /**
   * The {@code onExpiring} obligations a new generation keeps: those about a certificate it still
   * holds, done or not.
   *
   * @param kept the fingerprints of the new generation's certificates
   * @return the due entries, and the keys of those already done
   */
  public Carried expiringCarried(Set<Fingerprint> kept) {
    List<PendingHook> carried = new ArrayList<>();
    Set<String> carriedDone = new LinkedHashSet<>();
    for (PendingHook h : due) {
      if (h.expiring().isPresent() && kept.contains(h.expiring().get().fingerprint())) {
        carried.add(h);
        if (done.contains(h.key())) {
          carriedDone.add(h.key());
        }
      }
    }
    return new Carried(carried, carriedDone);
  }

  /** {@code onExpiring} obligations carried into a new generation, and which are done. */
  public record Carried(List<PendingHook> due, Set<String> done) {
    public Carried {
      due = List.copyOf(due);
      done = Set.copyOf(done);
    }
  }

  /**
   * Adds obligations that arose without a write ({@code onExpiring}) to the due record of the
   * current generation, replacing it as a whole. Needs the store lock.
   *
   * @return the ledger with them
   */
  public HookLedger record(StoreDirectory store, String generation, List<PendingHook> arising) {
    if (arising.isEmpty()) {
      return this;
    }
    List<PendingHook> all = new ArrayList<>(due);
    all.addAll(arising);
    store.putRecord(generation, GenerationRecord.HOOKS_DUE, dueRecord(all));
    return new HookLedger(all, done, failures, hold);
  }

  public Optional<RollbackHold> hold() {
    return hold;
  }

  /**
   * Obligations carried from the generation before, merged with new ones: one per hook, due
   * since the earlier time, for every address either names.
   */
  public static List<PendingHook> merge(List<PendingHook> carried, List<PendingHook> fresh) {
    Map<String, PendingHook> merged = new LinkedHashMap<>();
    for (PendingHook h : carried) {
      merged.put(h.key(), h.withLastFailure(Optional.empty()));
    }
    for (PendingHook h : fresh) {
      PendingHook earlier = merged.get(h.key());
      if (earlier == null) {
        merged.put(h.key(), h);
      } else {
        Set<String> changed = new LinkedHashSet<>(earlier.changed());
        changed.addAll(h.changed());
        Instant since = earlier.since().isBefore(h.since()) ? earlier.since() : h.since();
        merged.put(
            h.key(),
            new PendingHook(h.hook(), since, List.copyOf(changed), Optional.empty(), earlier.expiring()));
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
      w.endArray();
      h.expiring().ifPresent(e -> w.name("expiring").beginObject()
          .field("certificate", e.certificate())
          .field("fingerprint", e.fingerprint().hex())
          .field("not_after", e.notAfter().toString())
          .field("within", e.within())
          .field("reason", e.reason())
          .endObject());
      w.endObject();
    }
    return bytes(w.endArray().endObject());
  }

  /** The done record a new generation starts with: obligations it carried already done. */
  public static byte[] doneRecord(Set<String> done) {
    return fresh(List.of()).doneRecord(Set.copyOf(done), Map.of());
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
    return doneRecord(nowDone, nowFailed);
  }

  private byte[] doneRecord(Set<String> nowDone, Map<String, PendingHook.Failure> nowFailed) {
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

    /** The obligations that ran successfully, as they were due. */
    public List<PendingHook> ran() {
      return attempted.stream().filter(h -> outcome.succeeded().contains(h.key())).toList();
    }

    /** The obligations still pending after it: those that failed. */
    public List<PendingHook> stillPending() {
      return attempted.stream().filter(h -> outcome.failures().containsKey(h.key())).toList();
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
    // Until the outcome replaces it, the record says this run is running them: a run killed
    // mid-hook (kill -9, a power cut) leaves that as the reason they are still due, rather than
    // the failure of an earlier attempt. Best effort: without it the record says what it said.
    Map<String, PendingHook.Failure> running = new LinkedHashMap<>(failures);
    due.forEach(h -> running.put(h.key(), new PendingHook.Failure(now, interrupted(now))));
    try {
      store.putRecord(generation, GenerationRecord.HOOKS_DONE, doneRecord(done, running));
    } catch (HostpkiException e) {
      // the record after the attempt fails alike and says so
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

  /** Why a hook is still due when the run that started it at {@code at} never recorded its end. */
  static String interrupted(Instant at) {
    return "the run that started it at " + DateText.of(at) + " recorded no end: that run was killed"
        + " (or the machine stopped) while the hook ran, or it is still running it";
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
      RecordFormat.refuseNewer(root, FORMAT_VERSION, store.directory().resolve(generation).resolve(record.fileName()));
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

  /**
   * A time of the record: outside RecordTime's years (Instant.parse takes a year of a billion,
   * which no date is written for) the record is not what hostpki writes.
   */
  private static Instant instant(JsonNode node, String field) {
    return RecordTime.parse(text(node, field))
        .orElseThrow(() -> new IllegalArgumentException(field + " is not a time of the years 1970 to 9999"));
  }
}
