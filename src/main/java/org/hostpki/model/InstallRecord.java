package org.hostpki.model;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What hostpki has installed where, kept in the store so that a target no longer named in the
 * desired state is still cleaned up. It is a record of what was done, not of what is wanted: a
 * target is in it as long as hostpki may have entries there.
 *
 * <p>What it is trusted for: hostpki reads from it only the targets, the entry names (which
 * entries are this store's) and the password sources; plans, {@code status} and rollbacks look at
 * the targets themselves, never at the recorded fingerprints, which are for people. A failed
 * install leaves what the target holds on record ({@code apply.TrustInstalls}); only a crash
 * between {@link #intending} and {@link #with} leaves a certificate that was about to be
 * installed there, which the next apply compares with the target and settles.
 *
 * @param targets by target: the entries installed there and, for a Java trust store, where its
 *     password came from (needed to write it again when the desired state no longer says)
 */
public record InstallRecord(SortedMap<InstallTarget, Installed> targets) {

  public InstallRecord {
    targets = Collections.unmodifiableSortedMap(new TreeMap<>(targets));
    targets.values().forEach(Objects::requireNonNull);
  }

  /**
   * One target's entries.
   *
   * @param password for a Java trust store with a configured password: where it comes from (never
   *     the password itself)
   */
  public record Installed(SortedMap<String, Fingerprint> entries, Optional<PasswordSource> password) {
    public Installed {
      entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
      entries.keySet().forEach(InstallEntryNames::require);
      Objects.requireNonNull(password, "password");
    }
  }

  public static InstallRecord empty() {
    return new InstallRecord(new TreeMap<>());
  }

  /** What the target holds now, after an install into it; a target left empty leaves the record. */
  public InstallRecord with(
      InstallTarget target, SortedMap<String, Fingerprint> entries, Optional<PasswordSource> password) {
    SortedMap<InstallTarget, Installed> next = new TreeMap<>(targets);
    if (entries.isEmpty()) {
      next.remove(target);
    } else {
      next.put(target, new Installed(entries, password));
    }
    return new InstallRecord(next);
  }

  /**
   * Written before an install into the target starts: what was there and what is about to be, so
   * that whatever happens next (a crash in the middle), the target is in the record with every
   * name hostpki may have put there. Where a name is in both, the certificate about to be
   * installed is recorded.
   */
  public InstallRecord intending(
      InstallTarget target, SortedMap<String, Fingerprint> desired, Optional<PasswordSource> password) {
    SortedMap<String, Fingerprint> union =
        new TreeMap<>(Optional.ofNullable(targets.get(target)).map(Installed::entries).orElse(new TreeMap<>()));
    union.putAll(desired);
    return with(target, union, password);
  }

  public Optional<Installed> installed(InstallTarget target) {
    return Optional.ofNullable(targets.get(target));
  }
}
