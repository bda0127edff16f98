package org.hostpki.apply;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PendingHook;
import org.hostpki.plan.Change;
import org.hostpki.plan.AcmeObservation;
import org.hostpki.plan.Expiries;
import org.hostpki.plan.Plan;
import org.hostpki.plan.Refusal;
import org.hostpki.store.StoreDirectory;

/**
 * The renewal side of {@link Reconciler}: the {@code onExpiring} obligations that the store's
 * certificates give rise to (those nothing renews in time), recording them under the store lock,
 * carrying them into a new generation, and running them when the plan is refused, since a refused
 * renewal is one nothing does in time.
 */
final class ExpiringHooks {
  private ExpiringHooks() {}

  /**
   * The {@code onExpiring} obligations the store's certificates give rise to now, less those
   * recorded before: none when the desired state declares no such hook.
   *
   * @param acme what the ACME edge found out: a certificate this host orders is renewed here
   * @param blocked why unattended runs change nothing, if they do not
   * @param renewedNow addresses the run replaces, which nothing is expiring for
   */
  static List<PendingHook> arising(
      DesiredState desired,
      ObservedStore store,
      AcmeObservation acme,
      Instant now,
      Optional<String> blocked,
      List<String> renewedNow,
      Set<String> recorded) {
    if (desired.hooks().onExpiring().isEmpty()) {
      return List.of();
    }
    return Expiries.expiring(
            Expiries.standings(desired, store, acme, now, blocked),
            desired.hooks().onExpiringWithin(),
            now,
            renewedNow)
        .stream()
        .map(e -> e.obligation(now))
        .filter(h -> !recorded.contains(h.key()))
        .toList();
  }

  /**
   * Adds the {@code onExpiring} obligations arising at the observation's time for {@code store} to
   * {@code generation}'s due record (those not recorded before). Needs the store lock.
   */
  static HookLedger recordArising(
      HookLedger ledger,
      StoreDirectory directory,
      String generation,
      DesiredState desired,
      Reconciler.Observation before,
      ObservedStore store,
      Optional<String> blocked) {
    return ledger.record(
        directory,
        generation,
        arising(desired, store, before.acme(), before.now(), blocked, List.of(), ledger.recordedKeys()));
  }

  /**
   * Refuses the plan; first records and runs the {@code onExpiring} obligations that a refused
   * renewal gives rise to — unless it is refused because the clock is wrong, which would make any
   * expiry wrong too.
   */
  static Reconciler.Refused refuseRunningExpiringHooks(
      Hooks hooks, Reconciler.Observation before, StoreDirectory directory, HookLedger ledger) {
    HostpkiException refusal = refused(before.plan().refusals());
    Optional<String> current = before.store().snapshot().generation();
    DesiredState desired = before.desired();
    if (current.isEmpty() || Expiries.clockRefused(before.plan()) || desired.hooks().onExpiring().isEmpty()) {
      return new Reconciler.Refused(refusal, HookLedger.Attempt.none());
    }
    HookLedger recorded =
        recordArising(
            ledger, directory, current.get(), desired, before, before.store().facts(),
            Expiries.blocked(before.plan(), true));
    List<PendingHook> expiring =
        recorded.pending(desired.hooks()).stream().filter(h -> h.expiring().isPresent()).toList();
    List<String> notices = new ArrayList<>();
    HookLedger.Attempt attempt =
        recorded.attempt(hooks, desired, directory, current.get(), expiring, before.now(), notices);
    List<String> details = new ArrayList<>(refusal.details());
    attempt.ran().forEach(h -> details.add("ran the " + h.label() + " hook"));
    attempt.failure().ifPresent(f -> details.add(f + "; recorded as pending, the next run tries again"));
    details.addAll(notices);
    return new Reconciler.Refused(new HostpkiException(refusal.headline(), details), attempt);
  }

  /**
   * The fingerprints of the store's certificates that a write of this plan keeps: those at an
   * address it does not change.
   */
  static Set<Fingerprint> keptCertificates(ObservedStore store, Plan plan) {
    Set<String> changed = new HashSet<>(plan.changes().stream().map(Change::address).toList());
    Set<Fingerprint> kept = new HashSet<>();
    store.caCertificate().filter(c -> !changed.contains("ca")).ifPresent(c -> kept.add(c.fingerprint()));
    store.caNextCertificate().filter(c -> !changed.contains("ca-next")).ifPresent(c -> kept.add(c.fingerprint()));
    store.serverCertificate().filter(c -> !changed.contains("server")).ifPresent(c -> kept.add(c.fingerprint()));
    return kept;
  }

  /** The refusals as one error: the first's message, then every problem and further refusal. */
  private static HostpkiException refused(List<Refusal> refusals) {
    List<String> details = new ArrayList<>();
    for (int i = 0; i < refusals.size(); i++) {
      if (i > 0) {
        details.add(refusals.get(i).message());
      }
      refusals.get(i).problems().forEach(p -> details.add("- " + p));
    }
    return new HostpkiException(refusals.get(0).message(), details);
  }
}
