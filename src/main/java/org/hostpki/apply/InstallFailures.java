package org.hostpki.apply;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.install.InstallException;
import org.hostpki.install.InstallRecordFile;
import org.hostpki.install.TrustInstaller;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.InstallObservation;
import org.hostpki.model.InstallRecord;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.TerminalText;

/**
 * How a target's change ends up in the install record ({@code .install/record.json}) for {@link
 * TrustInstalls}: after a success, what the target holds and no failure; after a failed change,
 * what it holds still and the failure (when, the tool's words), which plan, check, status and the
 * metrics show until the next success or until the failure no longer stands ({@link
 * #withoutStale}).
 */
final class InstallFailures {
  /** How much of a failed change's error the record keeps ({@link #recordLines}). */
  static final int RECORDED_LINES = 20;

  static final int RECORDED_CHARS = 2048;

  private final Path store;
  /** When a failed change is recorded as having happened. */
  private final Clock clock;
  /** The targets named or recorded that are there: read now, or that cannot be read now. */
  private final Set<InstallTarget> there;
  /** The targets read now. */
  private final Set<InstallTarget> read;

  /**
   * @param store the store, or null when nothing is named nor recorded
   */
  InstallFailures(Path store, Clock clock, Set<InstallTarget> there, Set<InstallTarget> read) {
    this.store = store;
    this.clock = clock;
    this.there = there;
    this.read = read;
  }

  /** After a change of {@code target} that went through: what it holds now, and no failure. */
  void succeeded(InstallTarget target, InstallObservation now, Optional<PasswordSource> password) {
    InstallRecordFile.write(
        store, InstallRecordFile.read(store).with(target, now.entries(), password).succeeded(target));
  }

  /**
   * After a change that went through while a hook its tool runs failed (the system store's
   * update.d hooks, Java's jks-keystore): what the target holds now, and the hook's failure
   * ({@link InstallRecord.Failure#hook}), which stands until a run whose hooks succeed. The entries
   * stay: clients reading the bundle trust them.
   *
   * @param lines the hooks' failures, one line each, the first naming the target
   */
  void hookFailed(InstallTarget target, InstallObservation now, Optional<PasswordSource> password, List<String> lines) {
    InstallRecordFile.write(store, InstallRecordFile.read(store).with(target, now.entries(), password)
        .failed(target, clock.instant(), recordLines(lines), true));
  }

  /**
   * After a failed change: what the target holds ({@link #recordHeld}) and the failure. Neither
   * write failing hides {@code e}: its own failure is added to it as suppressed.
   *
   * @param before the record as it was before the change was intended
   */
  void failed(
      TrustInstaller installer, InstallRecord before, Optional<PasswordSource> password, InstallException e) {
    recordHeld(installer, before, password, e);
    try {
      InstallRecordFile.write(
          store, InstallRecordFile.read(store).failed(installer.target(), clock.instant(), recordLines(e)));
    } catch (HostpkiException unrecorded) {
      e.addSuppressed(unrecorded); // the failure itself is what the user must see
    }
  }

  /**
   * After a failed change the record says what the target holds, not what was about to be: the
   * record as it was when the installer put the target back, else what it holds now. Only when
   * that cannot be read either does the record keep every name that may be there (as after a
   * crash), so that the next apply still cleans them up.
   */
  private void recordHeld(
      TrustInstaller installer, InstallRecord before, Optional<PasswordSource> password, InstallException e) {
    try {
      if (e.rolledBack()) {
        InstallRecordFile.write(store, before);
        return;
      }
      InstallObservation there = installer.observe();
      SortedMap<String, Fingerprint> entries = new TreeMap<>(there.entries());
      // a damaged entry is still hostpki's: its name stays on record
      SortedMap<String, Fingerprint> recorded = InstallRecordFile.read(store).installed(installer.target())
          .map(InstallRecord.Installed::entries).orElse(new TreeMap<>());
      there.damaged().forEach(name -> Optional.ofNullable(recorded.get(name)).ifPresent(f -> entries.put(name, f)));
      InstallRecordFile.write(store, before.with(installer.target(), entries, password));
    } catch (HostpkiException unknown) {
      e.addSuppressed(unknown); // the failure itself is what the user must see
    }
  }

  /**
   * After an apply that changed no target, or in addition to settling them: forgets the failures
   * that no longer stand ({@link #withoutStale}), so that a target that left {@code
   * trust.install}, or was repaired by hand, is not shown as failing from an old attempt.
   *
   * @param changed the targets the plan changes
   */
  void forgetPast(Set<InstallTarget> changed) {
    if (store == null) {
      return;
    }
    try {
      InstallRecord record = InstallRecordFile.read(store);
      InstallRecord without = withoutStale(record, changed);
      if (!without.equals(record)) {
        InstallRecordFile.write(store, without);
      }
    } catch (HostpkiException e) {
      // a record that cannot be read or written now: a past failure shows only while the plan
      // changes its target again, and the next install of it writes the record anyway
    }
  }

  /**
   * The record without the failures that no longer stand: of a target that left (neither named
   * nor recorded), and of a target read now that the plan does not change (it holds what it
   * should: repaired by hand, or the desired state changed).
   *
   * @param changed the targets the plan changes
   */
  InstallRecord withoutStale(InstallRecord record, Set<InstallTarget> changed) {
    InstallRecord out = record;
    for (InstallTarget target : record.failures().keySet()) {
      boolean settled = read.contains(target) && !changed.contains(target);
      if (!there.contains(target) || settled) {
        out = out.succeeded(target);
      }
    }
    return out;
  }

  /**
   * An install error's lines for the record: one line each, escaped (a tool's output has breaks),
   * at most {@link #RECORDED_LINES} lines and {@link #RECORDED_CHARS} characters — a tool may say up
   * to 64 KiB, and the record's words are repeated in every plan, check, status and Nagios line.
   */
  static List<String> recordLines(HostpkiException e) {
    return recordLines(lines(e));
  }

  private static List<String> recordLines(List<String> lines) {
    List<String> out = new ArrayList<>();
    int size = 0;
    int left = 0;
    for (String line : lines) {
      for (String part : line.split("\n")) {
        if (part.isBlank()) {
          continue;
        }
        String escaped = TerminalText.escape(part.strip());
        if (out.isEmpty() && escaped.length() > RECORDED_CHARS) { // the headline is always kept
          escaped = escaped.substring(0, RECORDED_CHARS) + "...";
        }
        if (out.isEmpty() || out.size() < RECORDED_LINES && size + escaped.length() <= RECORDED_CHARS) {
          out.add(escaped);
          size += escaped.length();
        } else {
          left++;
        }
      }
    }
    if (left > 0) {
      out.add("... (" + left + " more line(s) of the tool's output: run hostpki apply to see them)");
    }
    return out;
  }

  /** An install error's lines: its headline ({@code install/ADDRESS: ...}), then the tool's words. */
  static List<String> lines(HostpkiException e) {
    List<String> out = new ArrayList<>();
    out.add(e.headline());
    out.addAll(e.details());
    return out;
  }
}
