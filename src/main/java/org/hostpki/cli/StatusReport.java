package org.hostpki.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.hostpki.apply.Reconciler;
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
    List<String> unmanaged = new ArrayList<>();
    for (String name : s.trusted().keySet()) {
      if (!o.desiredTrust().containsKey(name)) {
        unmanaged.add(name);
      }
    }
    List<IssuedCertificate> issued =
        IssuedCertificates.read(o.store().snapshot(), o.desired().store().path());
    RevocationStatus revoked =
        RevocationStatus.of(o.store().snapshot(), o.desired().store().path(), issued, s.caCertificate(), o.now());
    return new StatusReport(o, renewals, unmanaged, issued, revoked);
  }
}
