package org.hostpki.model;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
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
 * <p>It also keeps, per target, the last change that failed ({@link Failure}: its lock held by its
 * owner, certutil or the write failing), until a change of that target succeeds or the target
 * leaves: the plan, {@code check}, {@code status} and the metrics show it (as certmonger's
 * NEED_TO_SAVE or cert-manager's Ready=False), not only the failed apply's exit code.
 *
 * @param targets by target: the entries installed there and, for a Java trust store, where its
 *     password came from (needed to write it again when the desired state no longer says)
 * @param failures by target: the last change of it that failed, while no later one succeeded
 */
public record InstallRecord(SortedMap<InstallTarget, Installed> targets, SortedMap<InstallTarget, Failure> failures) {

  public InstallRecord {
    targets = Collections.unmodifiableSortedMap(new TreeMap<>(targets));
    targets.values().forEach(Objects::requireNonNull);
    failures = Collections.unmodifiableSortedMap(new TreeMap<>(failures));
    failures.values().forEach(Objects::requireNonNull);
  }

  /** A record without failures. */
  public InstallRecord(SortedMap<InstallTarget, Installed> targets) {
    this(targets, new TreeMap<>());
  }

  /**
   * A change of a target that failed, and the ones before it that failed too.
   *
   * @param since when the first of these failures happened
   * @param at when the last one happened
   * @param attempts how many changes failed in a row (at least 1)
   * @param error the last failure's lines: its headline, then the tool's words, escaped for a
   *     terminal
   * @param hook whether the target's own change went through and a hook its tool runs failed (a
   *     script in /etc/ca-certificates/update.d, Java's jks-keystore): the entries stay installed,
   *     and the failure stands until a run of the tool whose hooks all succeed
   */
  public record Failure(Instant since, Instant at, int attempts, List<String> error, boolean hook) {
    /** A failed change of the target itself. */
    public Failure(Instant since, Instant at, int attempts, List<String> error) {
      this(since, at, attempts, error, false);
    }

    public Failure {
      Objects.requireNonNull(since, "since");
      Objects.requireNonNull(at, "at");
      error = List.copyOf(error);
      if (attempts < 1 || error.isEmpty()) {
        throw new IllegalArgumentException("a failure needs an attempt and its error");
      }
    }
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

  /**
   * This record with one more failed change of {@code target} (counted after the ones before), at
   * {@code at} to the second: what people read, as the revocation record and the lock holder keep
   * it (an instant with nanoseconds only looked precise in {@code status}).
   */
  public InstallRecord failed(InstallTarget target, Instant atAnyPrecision, List<String> error) {
    return failed(target, atAnyPrecision, error, false);
  }

  /**
   * {@link #failed(InstallTarget, Instant, List)}, of the given kind ({@link Failure#hook}); a
   * failure of either kind counts after one of the other.
   */
  public InstallRecord failed(InstallTarget target, Instant atAnyPrecision, List<String> error, boolean hook) {
    Instant at = atAnyPrecision.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    SortedMap<InstallTarget, Failure> next = new TreeMap<>(failures);
    Failure before = failures.get(target);
    next.put(target, before == null
        ? new Failure(at, at, 1, error, hook)
        : new Failure(before.since(), at, before.attempts() + 1, error, hook));
    return new InstallRecord(targets, next);
  }

  /** This record without a failure of {@code target}: a change of it succeeded, or it left. */
  public InstallRecord succeeded(InstallTarget target) {
    if (!failures.containsKey(target)) {
      return this;
    }
    SortedMap<InstallTarget, Failure> next = new TreeMap<>(failures);
    next.remove(target);
    return new InstallRecord(targets, next);
  }

  public Optional<Failure> failure(InstallTarget target) {
    return Optional.ofNullable(failures.get(target));
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
    return new InstallRecord(next, failures);
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
