package org.hostpki.apply;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hostpki.install.InstallException;
import org.hostpki.install.InstallRecordFile;
import org.hostpki.install.InstallTargets;
import org.hostpki.install.TrustHost;
import org.hostpki.install.TrustInstaller;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.InstallEntryNames;
import org.hostpki.model.InstallObservation;
import org.hostpki.model.InstallRecord;
import org.hostpki.model.InstallSpec;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.PasswordSource;
import org.hostpki.pki.Certificate;
import org.hostpki.plan.Change;
import org.hostpki.plan.Held;
import org.hostpki.plan.InstallInput;
import org.hostpki.plan.Intent;
import org.hostpki.plan.Plan;

/**
 * The edge of {@code trust.install} for the reconciler: observes every target the desired state
 * names and every target of the install record ({@code .install/record.json}), and carries out a
 * plan's install changes in two steps around the store's commit, so that a CA is trusted where
 * the host's clients look before the store serves a certificate it signed, and leaves only after
 * the store no longer trusts it:
 *
 * <ol>
 *   <li>{@link #add} (before the commit): what the plan installs is added, what it removes stays;
 *   <li>{@link #settle} (after it, or alone when the store does not change): each target holds
 *       exactly what the plan says.
 * </ol>
 *
 * The record names every entry hostpki may have put anywhere: it is written before a target is
 * changed with what is there and what is about to be ({@link InstallRecord#intending}), and after
 * with what is there then, also after a failed change (the certificates about to be installed are
 * not on record unless they are there); a crash in between leaves a record the next apply uses to
 * repair or remove. Entries hostpki did not install (without its mark) are never touched, nor
 * are another store's: this store owns only the entries with its tag ({@link
 * InstallTargets#storeTag}) and those its record names (the tag changes when the store moves).
 * Which certificate a plan's {@link Held} names comes from {@link HeldCertificates}.
 *
 * <p>Just over 400 lines on purpose: observing the targets (also, read-only, a copied store's
 * original's entries), adding and settling share one record and one set of installers, and what
 * could live apart already does ({@link InstallFailures}, {@link HeldCertificates}).
 */
final class TrustInstalls {
  /** Nothing named, nothing recorded. */
  static final TrustInstalls NONE = new TrustInstalls(null, InstallInput.NONE, Map.of(), Map.of(), Clock.systemUTC());

  private final Path store;
  private final InstallInput input;
  private final Map<InstallTarget, TrustInstaller> installers;
  private final Map<InstallTarget, Optional<PasswordSource>> passwords;
  /** The record's side of each change: what a target holds, its failure. */
  private final InstallFailures failures;
  /**
   * The targets whose change in this apply went through while a hook failed: the entries put
   * there, and the hooks' words. {@link #settle} does not run the tool again for the same
   * entries (the hook would fail again, and its words appear twice), and reports them as failed.
   */
  private final Map<InstallTarget, HookFailure> hookFailed = new LinkedHashMap<>();

  private record HookFailure(SortedMap<String, Fingerprint> entries, List<String> lines) {}

  private TrustInstalls(
      Path store,
      InstallInput input,
      Map<InstallTarget, TrustInstaller> installers,
      Map<InstallTarget, Optional<PasswordSource>> passwords,
      Clock clock) {
    this.store = store;
    this.input = input;
    this.installers = installers;
    this.passwords = passwords;
    Set<InstallTarget> there = new HashSet<>(installers.keySet());
    there.addAll(input.unreadable().keySet());
    this.failures = new InstallFailures(store, clock, there, input.observed().keySet());
  }

  /**
   * Reads the record and observes the targets; changes nothing. A target that cannot be read (an
   * NSS database that is locked or damaged, a Java trust store whose password is wrong or that is
   * gone) is in {@link InstallInput#unreadable}: it fails alone.
   *
   * @throws HostpkiException when the record is not one
   */
  static TrustInstalls observe(DesiredState desired, TrustHost live, Secrets secrets, Clock clock) {
    TrustHost host = live.withholding(desired.secretVariables());
    Path store = desired.store().path();
    InstallRecord record = InstallRecordFile.read(store);
    Optional<InstallSpec> spec = desired.trust().install();
    if (spec.isEmpty() && record.targets().isEmpty() && record.failures().isEmpty()) {
      return NONE;
    }
    String tag = InstallTargets.storeTag(store);
    Set<String> recordedNames = new HashSet<>();
    SortedMap<InstallTarget, SortedMap<String, String>> others = othersLive(store, tag, record);
    record.targets().forEach((target, installed) -> installed.entries().keySet().stream()
        .filter(name -> !others.getOrDefault(target, new TreeMap<>()).containsKey(name))
        .forEach(recordedNames::add));
    InstallTargets targets =
        new InstallTargets(host, name -> name.startsWith(tag + "-") || recordedNames.contains(name));
    Map<InstallTarget, TrustInstaller> installers = new LinkedHashMap<>();
    Map<InstallTarget, Optional<PasswordSource>> passwords = new LinkedHashMap<>();
    List<InstallTarget> named = new ArrayList<>();
    Map<InstallTarget, String> notes = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    SortedMap<InstallTarget, List<String>> unreadableNamed = new TreeMap<>();
    if (spec.isPresent()) {
      InstallTargets.Resolution resolution =
          targets.resolve(spec.get(), secrets.javaPassword(spec.get().javaPassword()));
      problems.addAll(resolution.problems());
      resolution.unreadable().forEach((target, why) -> unreadableNamed.put(target, List.of("install/" + target.address() + ": " + why)));
      resolution.notes().forEach(n -> notes.merge(InstallTarget.system(), n, (a, b) -> a + "; " + b));
      for (TrustInstaller installer : resolution.installers()) {
        installers.put(installer.target(), installer);
        passwords.put(
            installer.target(),
            installer.target().kind() == InstallTarget.Kind.JAVA ? spec.get().javaPassword() : Optional.empty());
        named.add(installer.target());
      }
    }
    for (Map.Entry<InstallTarget, InstallRecord.Installed> recorded : record.targets().entrySet()) {
      InstallTarget target = recorded.getKey();
      if (installers.containsKey(target) || unreadableNamed.containsKey(target)) {
        continue; // a named one that cannot be reached now is left as it is, not emptied
      }
      Optional<PasswordSource> password = recorded.getValue().password();
      targets
          .forRecorded(target, secrets.recordedPassword(target.address(), password))
          .ifPresent(
              installer -> {
                installers.put(target, installer);
                passwords.put(target, password);
              });
    }
    SortedMap<InstallTarget, InstallObservation> observed = new TreeMap<>();
    SortedMap<InstallTarget, List<String>> unreadable = new TreeMap<>(unreadableNamed);
    if (problems.isEmpty()) {
      installers.forEach(
          (target, installer) -> {
            // One target that cannot be read (another user's, locked, damaged) is left alone: the
            // store and the other targets go ahead, and apply exits 3 until it can be read.
            try {
              observed.put(target, installer.observe());
            } catch (InstallException e) {
              unreadable.put(target, InstallFailures.lines(e));
            }
          });
    }
    SortedMap<InstallTarget, SortedMap<String, Fingerprint>> othersHeld = new TreeMap<>();
    others.forEach((target, names) -> {
      if (target.kind() == InstallTarget.Kind.NSS && observed.containsKey(target)) {
        othersHeld.put(target, heldByOthers(host, target, names.keySet()));
      }
    });
    return new TrustInstalls(
        store, new InstallInput(observed, named, record, notes, problems, tag, unreadable, others, othersHeld),
        installers, passwords, clock);
  }

  /**
   * What an NSS database holds now under the entries of the stores whose tags {@code names} have
   * (every entry of theirs: a CA they rotated since sits under ca-previous), read only and apart
   * from this store's own observation, whose names are the ones its apply may change. Empty when
   * it cannot be read: the plan then installs this store's certificates under its own entries,
   * and apply says so if the database refuses.
   */
  private static SortedMap<String, Fingerprint> heldByOthers(TrustHost host, InstallTarget target, Set<String> names) {
    Set<String> tags = new HashSet<>();
    names.forEach(n -> InstallEntryNames.tagOf(n).ifPresent(tags::add));
    try {
      return new InstallTargets(host, n -> InstallEntryNames.tagOf(n).filter(tags::contains).isPresent())
          .forRecorded(target, Optional.empty())
          .map(installer -> installer.observe().entries())
          .orElse(new TreeMap<>());
    } catch (InstallException e) {
      return new TreeMap<>();
    }
  }

  /**
   * The entries the record names under another tag that the store which has that tag still names
   * as its own, by target: entry name → that store's path. This store is a copy of that one (a
   * backup restored into another folder, a copied folder) while the original is still there: it
   * leaves them to it rather than take them over, as it does when the store has moved (the
   * folder that had the other tag holds no record naming them).
   */
  private static SortedMap<InstallTarget, SortedMap<String, String>> othersLive(Path store, String tag, InstallRecord record) {
    SortedMap<InstallTarget, SortedMap<String, String>> out = new TreeMap<>();
    if (record.targets().isEmpty()) {
      return out;
    }
    SortedMap<String, String> stores = InstallRecordFile.stores(store);
    String real = InstallTargets.realPath(store);
    record.targets().forEach((target, installed) -> installed.entries().keySet().forEach(name -> {
      Optional<String> otherTag = InstallEntryNames.tagOf(name).filter(t -> !t.equals(tag));
      if (otherTag.isPresent() && !stores.containsKey(otherTag.get())) {
        // a record an older build wrote (no "stores"): the tag is a hash of a folder that cannot
        // be found from it, and that store may be live (a backup taken before the upgrade)
        out.computeIfAbsent(target, t -> new TreeMap<>()).put(name, InstallInput.UNKNOWN_STORE);
        return;
      }
      Optional<String> other = otherTag.map(stores::get)
          .filter(path -> !path.equals(real) && InstallEntryNames.tag(path).equals(otherTag.get()));
      if (other.isPresent() && InstallRecordFile.names(store.getFileSystem().getPath(other.get()), target, name)) {
        out.computeIfAbsent(target, t -> new TreeMap<>()).put(name, other.get());
      }
    }));
    return out;
  }

  /** What the planner is told. */
  InstallInput input() {
    return input;
  }

  /** Whether the plan changes any target. */
  static boolean changesAny(Plan plan) {
    return plan.changes().stream().anyMatch(c -> c.intent() instanceof Intent.InstallTrust);
  }

  /**
   * Whether the plan writes a new set: changes anything but the install targets and the store's
   * visible links (made again without a new generation: {@link #restoresLinks}).
   */
  static boolean changesStore(Plan plan) {
    return plan.changes().stream()
        .anyMatch(c -> !(c.intent() instanceof Intent.InstallTrust || c.intent() instanceof Intent.RestoreLink));
  }

  /** Whether the plan makes visible links of the store again, removed by hand. */
  static boolean restoresLinks(Plan plan) {
    return plan.changes().stream().anyMatch(c -> c.intent() instanceof Intent.RestoreLink);
  }

  /**
   * Before the store's commit: adds to each target what the plan installs there, keeping what it
   * removes (known by {@code before}, the certificates the store holds now).
   *
   * @param after the certificates the store holds once committed
   * @param before certificates of the store as it is, by fingerprint: what is installed now
   * @param notices receives what went wrong without failing the step (a system hook)
   * @param waiting told when a target's lock is held by another process and the wait begins
   * @param failed receives each target whose change failed, with its error's lines (the tool's
   *     words): the target is as it was (or as the record says), the other targets and the store go
   *     ahead, and {@link #settle} leaves it alone
   */
  void add(
      Plan plan, Function<Held, Optional<Certificate>> after, Map<Fingerprint, Certificate> before, List<String> notices,
      Consumer<String> waiting, SortedMap<InstallTarget, List<String>> failed) {
    for (Intent.InstallTrust intent : intents(plan).values()) {
      SortedMap<String, Certificate> wanted = certificates(intent, after);
      InstallObservation there = input.observed().get(intent.target());
      Set<Fingerprint> wantedPrints = new HashSet<>();
      wanted.values().forEach(c -> wantedPrints.add(c.fingerprint()));
      SortedMap<String, Certificate> meanwhile = new TreeMap<>(wanted);
      boolean adds = false;
      for (Map.Entry<String, Certificate> w : wanted.entrySet()) {
        adds |= !w.getValue().fingerprint().equals(there.entries().get(w.getKey()));
      }
      there.entries().forEach(
          (name, fingerprint) -> {
            Certificate kept = before.get(fingerprint);
            if (!meanwhile.containsKey(name) && kept != null && !wantedPrints.contains(fingerprint)) {
              meanwhile.put(name, kept);
            }
          });
      if (adds) {
        installAlone(intent.target(), meanwhile, notices, waiting, failed);
      }
    }
  }

  /**
   * Makes each target the plan changes hold exactly what the plan says (after the store's commit,
   * or alone when the store does not change), and forgets recorded targets that are gone.
   *
   * @param notices receives what went wrong without failing the step (a system hook)
   * @param waiting told when a target's lock is held by another process and the wait begins
   * @param failed the targets whose change failed in {@link #add} (left alone here), and receives
   *     those whose change fails here, as there
   */
  void settle(
      Plan plan, Function<Held, Optional<Certificate>> after, List<String> notices, Consumer<String> waiting,
      SortedMap<InstallTarget, List<String>> failed) {
    for (Intent.InstallTrust intent : intents(plan).values()) {
      SortedMap<String, Certificate> entries = certificates(intent, after);
      HookFailure hook = hookFailed.get(intent.target());
      if (!failed.containsKey(intent.target()) && (hook == null || !hook.entries().equals(fingerprints(entries)))) {
        installAlone(intent.target(), entries, notices, waiting, failed);
      }
    }
    hookFailed.forEach((target, hook) -> failed.putIfAbsent(target, hook.lines()));
    InstallRecord record = InstallRecordFile.read(store);
    InstallRecord without = record;
    for (InstallTarget target : record.targets().keySet()) {
      // a named target that cannot be read now (its store removed, its folder swapped) stays on
      // record, so that hostpki's entries are still cleaned up once it is dropped from trust.install
      if (!installers.containsKey(target) && !input.unreadable().containsKey(target)) {
        without = without.with(target, new TreeMap<>(), Optional.empty());
      }
    }
    without = failures.withoutStale(without, intents(plan).keySet());
    if (!without.equals(record)) {
      InstallRecordFile.write(store, without);
    }
  }

  /**
   * After an apply that changed no target, or in addition to {@link #settle}: forgets the failures
   * that no longer stand ({@link InstallFailures#withoutStale}).
   */
  void forgetPastFailures(Plan plan) {
    failures.forgetPast(intents(plan).keySet());
  }

  /**
   * {@link #install}, a failure of the target's own (its tool, its lock held too long, its files)
   * going into {@code failed} instead of stopping the apply: one app's trust store does not hold
   * back the host's own certificate, nor the other targets.
   */
  private void installAlone(
      InstallTarget target, SortedMap<String, Certificate> entries, List<String> notices, Consumer<String> waiting,
      SortedMap<InstallTarget, List<String>> failed) {
    try {
      install(target, entries, notices, waiting);
    } catch (InstallException e) {
      failed.put(target, InstallFailures.lines(e));
    }
  }

  /**
   * The targets this apply left as they were, by target: those that could not be read, then
   * those whose change failed ({@code failed}).
   */
  static SortedMap<InstallTarget, List<String>> failures(
      InstallInput input, SortedMap<InstallTarget, List<String>> failed) {
    SortedMap<InstallTarget, List<String>> out = new TreeMap<>(input.unreadable());
    out.putAll(failed);
    return out;
  }

  private void install(
      InstallTarget target, SortedMap<String, Certificate> entries, List<String> notices, Consumer<String> waiting) {
    SortedMap<String, Fingerprint> prints = fingerprints(entries);
    Optional<PasswordSource> password = passwords.getOrDefault(target, Optional.empty());
    InstallRecord before = InstallRecordFile.read(store);
    InstallRecordFile.write(store, before.intending(target, prints, password));
    TrustInstaller installer = installers.get(target);
    // a hook that failed at the last run: the tool runs again, even for entries that are there
    boolean again = before.failure(target).filter(InstallRecord.Failure::hook).isPresent();
    List<String> hooks = new ArrayList<>();
    InstallObservation now;
    try {
      now = installer.apply(entries, n -> {
        if (!notices.contains(n)) {
          notices.add(n);
        }
      }, waiting, hooks::add, again);
    } catch (InstallException e) {
      hookFailed.remove(target);
      failures.failed(installer, before, password, e);
      throw e;
    }
    if (hooks.isEmpty()) {
      hookFailed.remove(target);
      failures.succeeded(target, now, password);
    } else {
      hookFailed.put(target, new HookFailure(prints, List.copyOf(hooks)));
      failures.hookFailed(target, now, password, hooks);
    }
  }

  private static SortedMap<String, Fingerprint> fingerprints(SortedMap<String, Certificate> entries) {
    SortedMap<String, Fingerprint> prints = new TreeMap<>();
    entries.forEach((n, c) -> prints.put(n, c.fingerprint()));
    return prints;
  }

  /** The plan's install intents, one per target, in the plan's order. */
  private static Map<InstallTarget, Intent.InstallTrust> intents(Plan plan) {
    Map<InstallTarget, Intent.InstallTrust> out = new LinkedHashMap<>();
    for (Change change : plan.changes()) {
      if (change.intent() instanceof Intent.InstallTrust install) {
        out.putIfAbsent(install.target(), install);
      }
    }
    return out;
  }

  private static SortedMap<String, Certificate> certificates(
      Intent.InstallTrust intent, Function<Held, Optional<Certificate>> after) {
    SortedMap<String, Certificate> out = new TreeMap<>();
    intent.entries().forEach(
        (name, held) ->
            out.put(
                name,
                after.apply(held)
                    .orElseThrow(
                        () ->
                            new HostpkiException(
                                "install/" + intent.target().address() + ": the plan installs " + held
                                    + ", which the store does not hold; plan again"))));
    return out;
  }
}
