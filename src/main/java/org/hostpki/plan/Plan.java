package org.hostpki.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;

/**
 * A plan: the ordered changes that make the store match the desired state, with warnings, and
 * the refusals that keep it from being applied; and what the store records beside its content:
 * hooks still due from an earlier write, and a rollback's hold.
 *
 * @param refusals when not empty, apply changes nothing and fails; {@code plan} shows them as
 *     errors
 * @param unchanged how many resources were checked and already match
 * @param basis a digest of everything the plan was computed from (store content, host identity,
 *     desired state, trusted inputs); a saved plan whose basis no longer matches is stale
 * @param pendingHooks hooks that an earlier write (or rollback) made due and that have not run
 *     successfully yet: the next apply runs them, whatever else it does
 * @param hold a rollback's hold: unattended runs leave the store as it is while it lasts
 */
public record Plan(
    List<Change> changes,
    List<Warning> warnings,
    List<Refusal> refusals,
    int unchanged,
    Fingerprint basis,
    List<PendingHook> pendingHooks,
    Optional<RollbackHold> hold) {

  /**
   * The version of the JSON plan format; bumped on incompatible change. 2: attributes with types
   * and snake_case names ({@code not_after} a timestamp, {@code dns_names} an array).
   */
  public static final String FORMAT_VERSION = "2";

  public Plan {
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
    refusals = List.copyOf(refusals);
    Objects.requireNonNull(basis, "basis");
    pendingHooks = List.copyOf(pendingHooks);
    Objects.requireNonNull(hold, "hold");
  }

  /** A plan of changes, with nothing recorded beside the store's content. */
  public Plan(
      List<Change> changes,
      List<Warning> warnings,
      List<Refusal> refusals,
      int unchanged,
      Fingerprint basis) {
    this(changes, warnings, refusals, unchanged, basis, List.of(), Optional.empty());
  }

  /** A plan nothing refuses. */
  public Plan(List<Change> changes, List<Warning> warnings, int unchanged, Fingerprint basis) {
    this(changes, warnings, List.of(), unchanged, basis);
  }

  /** The same changes, with what the store records about hooks and holds. */
  public Plan withRecords(List<PendingHook> pendingHooks, Optional<RollbackHold> hold) {
    return new Plan(changes, warnings, refusals, unchanged, basis, pendingHooks, hold);
  }

  /** Whether apply must refuse this plan. */
  public boolean isRefused() {
    return !refusals.isEmpty();
  }

  /**
   * Whether the plan has no changes: the store matches the desired state (hooks may still be
   * pending), unless an ACME order waits ({@link #acmeOrderWaits}).
   */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /**
   * Whether an ACME order waits for its next attempt (the {@code acme-waiting} warning): what the
   * order would change waits with it, so the store does not match the desired state yet even
   * when there are no changes now.
   */
  public boolean acmeOrderWaits() {
    return warnings.stream().anyMatch(w -> w.kind() == WarningCode.ACME_WAITING);
  }

  /** Whether an earlier write left hooks that have not run successfully. */
  public boolean hasPendingHooks() {
    return !pendingHooks.isEmpty();
  }

  /**
   * Whether an apply would do anything — change the store, run pending hooks, release a
   * rollback's hold or try again a trust.install target that cannot be read now: what {@code plan
   * --detailed-exitcode} and {@code apply --check} exit 2 for. Such a target is work left like a
   * pending hook: the real apply exits 3 while it stays unreadable, and a check that said "nothing
   * to do" would hide it. A person's apply releases a hold even with nothing else to change (it
   * reports that as a change), so its check says so too.
   *
   * @param unattended for an unattended run, which leaves a held store as it is
   */
  public boolean hasWork(boolean unattended) {
    boolean changesApply = !isEmpty() && !(unattended && hold.isPresent());
    boolean releasesHold = !unattended && hold.isPresent();
    return changesApply || releasesHold || hasPendingHooks() || installUnreadable();
  }

  /** Whether a trust.install target cannot be read: apply leaves it as it is and exits 3. */
  public boolean installUnreadable() {
    return warnings.stream().anyMatch(w -> w.kind() == WarningCode.INSTALL_UNREADABLE);
  }

  public long count(Action action) {
    return changes.stream().filter(c -> c.action() == action).count();
  }

  /** Whether any change touches the server certificate or its key. */
  public boolean changesServer() {
    return changes.stream()
        .anyMatch(
            c ->
                c.intent() instanceof Intent.IssueServer
                    || c.intent() instanceof Intent.InstallExternalChain
                    // an ACME order serves a new certificate too (tacme17: afterServerChange
                    // never ran after one, so the service kept the old certificate)
                    || c.intent() instanceof Intent.OrderAcme);
  }
}
