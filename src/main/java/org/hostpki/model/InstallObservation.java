package org.hostpki.model;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What hostpki finds of its own in one install target: the marked entries only (see {@link
 * InstallEntryNames}), by name without the mark. Entries others put there are never reported.
 *
 * @param entries the marked entries whose certificate is known, by name
 * @param damaged marked entries that are there but not as hostpki puts them: an unreadable file, a
 *     Java alias that is not a trusted certificate, an NSS entry without SSL trust, or an entry
 *     the platform tool did not take up (on Debian, a file that is not in the bundle). A plan
 *     replaces them.
 */
public record InstallObservation(
    InstallTarget target, SortedMap<String, Fingerprint> entries, SortedSet<String> damaged) {

  public InstallObservation {
    Objects.requireNonNull(target, "target");
    entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    damaged = Collections.unmodifiableSortedSet(new TreeSet<>(damaged));
    entries.keySet().forEach(InstallEntryNames::require);
    damaged.forEach(InstallEntryNames::require);
    for (String name : damaged) {
      if (entries.containsKey(name)) {
        throw new IllegalArgumentException(name + " is both installed and damaged");
      }
    }
  }

  public static InstallObservation empty(InstallTarget target) {
    return new InstallObservation(target, new TreeMap<>(), new TreeSet<>());
  }

  /** Whether exactly these certificates are installed, under these names, and nothing else. */
  public boolean holdsExactly(SortedMap<String, Fingerprint> desired) {
    return damaged.isEmpty() && entries.equals(desired);
  }
}
