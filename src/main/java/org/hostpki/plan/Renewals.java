package org.hostpki.plan;

import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DurationText;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.RenewBefore;
import org.hostpki.renewal.Renewal;
import org.hostpki.renewal.RenewalPolicy;
import org.hostpki.renewal.RenewalSchedule;

/**
 * Which renewal rules apply to which of a store's certificates: the CA's ({@code ca.renewBefore})
 * to {@code ca.crt} and {@code ca-next.crt}, the server's ({@code server.renewBefore}) to {@code
 * server.crt} whether issued here or imported. The planner decides with these, and {@code status}
 * and the metrics report them, so all three say the same.
 */
public final class Renewals {
  private Renewals() {}

  /** The schedule of a certificate this host's CA made (the CA itself, or the server's). */
  static RenewalSchedule issuedHere(
      RenewBefore renewBefore, DesiredState desired, HostIdentity host, CertificateFacts c) {
    return new RenewalPolicy(renewBefore, desired.renewal(), host).schedule(c, RotationSchedule.madeAt(c));
  }

  /** The schedule of a certificate another CA made: when it was made is its notBefore. */
  static RenewalSchedule imported(
      RenewBefore renewBefore, DesiredState desired, HostIdentity host, CertificateFacts c) {
    return new RenewalPolicy(renewBefore, desired.renewal(), host).schedule(c, c.notBefore());
  }

  /**
   * The renewal of each certificate in the store at {@code now}, by plan address: {@code ca},
   * {@code ca-next}, {@code server}.
   *
   * @param unattended as a timer or {@code watch} would see it: waiting for windows
   */
  public static SortedMap<String, Renewal> of(
      DesiredState desired, HostIdentity host, ObservedStore observed, Instant now, boolean unattended) {
    SortedMap<String, Renewal> all = new TreeMap<>();
    observed.caCertificate()
        .ifPresent(c -> all.put("ca", issuedHere(desired.ca().renewBefore(), desired, host, c).at(now, unattended)));
    observed.caNextCertificate()
        .ifPresent(c -> all.put("ca-next", issuedHere(desired.ca().renewBefore(), desired, host, c).at(now, false)));
    observed.serverCertificate()
        .ifPresent(
            c -> {
              RenewBefore rb = desired.server().renewBefore();
              // An imported certificate is renewed by whoever signs the next chain: no window applies.
              all.put(
                  "server",
                  isImported(observed, c)
                      ? imported(rb, desired, host, c).at(now, false)
                      : issuedHere(rb, desired, host, c).at(now, unattended));
            });
    return all;
  }

  /** Whether the certificate is the leaf of the chain imported last. */
  static boolean isImported(ObservedStore observed, CertificateFacts cert) {
    return observed.externalChain()
        .map(List::stream)
        .flatMap(chain -> chain.findFirst())
        .map(leaf -> leaf.fingerprint().equals(cert.fingerprint()))
        .orElse(false);
  }

  /** {@code expires on 2027-12-30 08:00 UTC (in 131 days)}: hours and minutes below two days. */
  static String expiresWords(CertificateFacts c, Instant now) {
    return "expires on "
        + Planner.DATE.format(c.notAfter())
        + " (in "
        + DurationText.left(java.time.Duration.between(now, c.notAfter()))
        + ")";
  }
}
