package org.hostpki.plan;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.InstallObservation;
import org.hostpki.model.InstallRecord;
import org.hostpki.model.InstallTarget;

/**
 * What the planner is told of {@code trust.install}, gathered at the edge: every target hostpki
 * installs into now or did before (by the install record), what it holds of hostpki's, and why a
 * named target cannot be installed into on this host.
 *
 * @param observed by target: the targets the desired state names, and those only in the record
 *     that still exist (their entries are removed)
 * @param named the targets the desired state names; the others in {@code observed} are only in
 *     the record
 * @param notes what the plan says about a target, in its changes' reasons: Java's cacerts is
 *     rebuilt by the system tool and installed through install/system
 * @param problems why a named target cannot be installed into here, each with its fix: the plan is
 *     refused
 * @param tag the store's {@linkplain org.hostpki.model.InstallEntryNames#tag tag}, which starts
 *     the name of every entry it installs
 * @param unreadable by target: why a target (named or recorded) could not be read (its error's
 *     lines, the first a headline). It is not in {@code observed}: the plan leaves it as it is
 *     with a warning, and the rest of the plan goes ahead (one app's broken trust store does not
 *     hold back the host's own certificate)
 * @param others by target: the entries the install record names under another tag whose store is
 *     still there and names them too (entry name → that store's path): this store is a copy of
 *     it, and leaves them to it; or whose store the record does not name ({@link #UNKNOWN_STORE})
 * @param othersHeld by NSS target with {@code others}: what it holds NOW under the entries of the
 *     stores with those entries' tags (entry name → fingerprint), read apart from {@code observed}
 *     (those entries are not this store's to change). The record's fingerprints are what the
 *     target held when the copy was made: the original may have replaced its CA since (fnss16)
 */
public record InstallInput(
    SortedMap<InstallTarget, InstallObservation> observed,
    List<InstallTarget> named,
    InstallRecord record,
    Map<InstallTarget, String> notes,
    List<String> problems,
    String tag,
    SortedMap<InstallTarget, List<String>> unreadable,
    SortedMap<InstallTarget, SortedMap<String, String>> others,
    SortedMap<InstallTarget, SortedMap<String, Fingerprint>> othersHeld) {

  /**
   * In {@link #others}: the entry's store is not known (a record written by a build before
   * 2026-12-07 keeps no store paths), so whether it is live cannot be told; it is left alone.
   */
  public static final String UNKNOWN_STORE = "";

  /** Nothing installed, nothing named: {@code trust.install} absent and no record. */
  public static final InstallInput NONE =
      new InstallInput(new TreeMap<>(), List.of(), InstallRecord.empty(), Map.of(), List.of(), "none");

  /** Every target read. */
  public InstallInput(
      SortedMap<InstallTarget, InstallObservation> observed,
      List<InstallTarget> named,
      InstallRecord record,
      Map<InstallTarget, String> notes,
      List<String> problems,
      String tag) {
    this(observed, named, record, notes, problems, tag, new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
  }

  public InstallInput {
    observed = Collections.unmodifiableSortedMap(new TreeMap<>(observed));
    named = List.copyOf(named);
    Objects.requireNonNull(record, "record");
    notes = Map.copyOf(notes);
    problems = List.copyOf(problems);
    Objects.requireNonNull(tag, "tag");
    SortedMap<InstallTarget, List<String>> copy = new TreeMap<>();
    unreadable.forEach((t, lines) -> copy.put(t, List.copyOf(lines)));
    unreadable = Collections.unmodifiableSortedMap(copy);
    SortedMap<InstallTarget, SortedMap<String, String>> left = new TreeMap<>();
    others.forEach((t, names) -> left.put(t, Collections.unmodifiableSortedMap(new TreeMap<>(names))));
    others = Collections.unmodifiableSortedMap(left);
    SortedMap<InstallTarget, SortedMap<String, Fingerprint>> held = new TreeMap<>();
    othersHeld.forEach((t, names) -> held.put(t, Collections.unmodifiableSortedMap(new TreeMap<>(names))));
    othersHeld = Collections.unmodifiableSortedMap(held);
    for (InstallTarget t : unreadable.keySet()) {
      if (observed.containsKey(t)) {
        throw new IllegalArgumentException(t + " is both observed and unreadable");
      }
    }
  }
}
