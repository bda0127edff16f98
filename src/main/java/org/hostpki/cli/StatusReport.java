package org.hostpki.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import org.hostpki.apply.Reconciler;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ObservedStore;
import org.hostpki.plan.Renewals;
import org.hostpki.renewal.Renewal;
import org.hostpki.sign.IssuedCertificate;
import org.hostpki.sign.IssuedCertificates;

/**
 * What status shows, as text ({@link StatusCommand}) or JSON ({@link StatusJson}, also {@code apply
 * --output json}'s {@code status}): the observation and what is worked out from it.
 *
 * @param renewals when each certificate of the store is renewed, by name (ca, server)
 * @param unmanaged the trusted certificates the desired state does not name (kept: prune is off)
 * @param issued what {@code hostpki sign} issued with this CA
 * @param revoked which of those the CA revoked, and its CRL
 */
record StatusReport(
    Reconciler.Observation observation,
    SortedMap<String, Renewal> renewals,
    List<String> unmanaged,
    List<IssuedCertificate> issued,
    RevocationStatus revoked) {

  /** What status shows of an observation (planned as the timer and watch plan). */
  static StatusReport of(Reconciler.Observation o) {
    ObservedStore s = o.store().facts();
    SortedMap<String, Renewal> renewals = Renewals.of(o.desired(), s, o.acme(), o.now(), true);
    List<String> unmanaged = unmanaged(s, o.desiredTrust().keySet());
    List<IssuedCertificate> issued =
        IssuedCertificates.read(o.store().snapshot(), o.desired().store().path());
    RevocationStatus revoked =
        RevocationStatus.of(o.store().snapshot(), o.desired().store().path(), issued, s.caCertificate(), o.now());
    return new StatusReport(o, renewals, unmanaged, issued, revoked);
  }

  /** What status shows of the store's own files and certificates. */
  StoreShown shown() {
    return new StoreShown(
        observation.desired().store().path(), observation.store().facts(), observation.store().snapshot().files().keySet(),
        observation.now(), renewals, unmanaged);
  }

  /** The trusted certificates of the store under a name the desired state does not trust. */
  private static List<String> unmanaged(ObservedStore s, Set<String> desiredTrust) {
    List<String> unmanaged = new ArrayList<>();
    for (String name : s.trusted().keySet()) {
      if (!desiredTrust.contains(name)) {
        unmanaged.add(name);
      }
    }
    return unmanaged;
  }

  /**
   * The part of status that {@code apply --output json} prints of the store it leaves (its {@code
   * status}): the store's files, CA, server and trusted certificates.
   *
   * @param files the names of the files of the store's current generation, in name order
   */
  record StoreShown(
      Path store, ObservedStore facts, Set<String> files, Instant now, SortedMap<String, Renewal> renewals,
      List<String> unmanaged) {

    /**
     * What an apply left, from its own result: no second observation of the store and the host.
     * Renewals are judged as the timer and watch judge them.
     */
    static StoreShown applied(DesiredState desired, Reconciler.Result result, Instant now) {
      ObservedStore s = result.observed();
      return new StoreShown(
          desired.store().path(), s, result.files(), now, Renewals.of(desired, s, result.acme(), now, true),
          StatusReport.unmanaged(s, result.desiredTrust()));
    }
  }
}
