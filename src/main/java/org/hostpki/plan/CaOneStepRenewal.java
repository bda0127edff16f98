package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DurationText;
import org.hostpki.model.ObservedStore;
import org.hostpki.renewal.Renewal;

/**
 * The internal CA's renewal without {@code ca.rotation}: the first unattended run from its renewal
 * time on (by default 90 days before the CA's end) replaces the CA and moves the server to the new
 * one in the same apply, so every client that trusts the CA by hand (a browser, a Java truststore,
 * {@code curl --cacert}) refuses the server from then on. The plan of that run warns ({@code
 * ca-rotation}), but nobody reads a timer's plan: {@code check}, {@code status} and the metrics say
 * it ahead, from {@link #WARN_BEFORE} before (found in the clients trial: check said "OK: nothing
 * due" nine days before the CA was swapped under every browser that had imported it).
 *
 * @param at when an unattended run replaces the CA (in the past while the renewal is due)
 * @param warnFrom when check turns WARNING for it
 * @param audience what moves to the new CA: the server, a fleet CA's hosts, or both
 */
public record CaOneStepRenewal(Instant at, Instant warnFrom, CaAudience audience) {
  /**
   * How long before the one-step renewal check warns: 30 days. Setting {@code ca.rotation.overlap}
   * any time before the renewal time turns that renewal into a phased one, so the warning only has
   * to leave time for a change of the desired state through its usual review (weeks, in a
   * configuration repository) and for handing the clients a new CA once the rotation starts. It is a
   * third of the CA's default renewBefore (90 days), as the server's renewal is a third of its
   * lifetime; a CA whose renewBefore is shorter is warned of a third of it ahead (a CA that lives a
   * day in a test is not WARNING all its life). Longer would warn for months of a renewal nobody
   * needs to act on yet, and be ignored.
   */
  public static final Duration WARN_BEFORE = Duration.ofDays(30);

  /**
   * The CA's one-step renewal; empty when {@code ca.rotation} is set (the renewal is phased) or the
   * store has no CA.
   *
   * @param renewals the store's renewals by address, as unattended runs see them ({@link Renewals#of})
   */
  public static Optional<CaOneStepRenewal> of(
      DesiredState desired, ObservedStore observed, Map<String, Renewal> renewals) {
    Renewal ca = renewals.get(Address.CA);
    if (desired.ca().rotationOverlap().isPresent() || observed.caCertificate().isEmpty() || ca == null) {
      return Optional.empty();
    }
    // Only a CA clients see: the one that signs the server, or a fleet CA (hostpki sign) whose
    // members trust it. Under an external or ACME issuer a CA that signs nothing clients check is
    // replaced unnoticed, and a month of WARNING for it would be a false alarm.
    Optional<CaAudience> audience = CaAudience.of(desired);
    if (audience.isEmpty()) {
      return Optional.empty();
    }
    Duration renewBefore = Duration.between(ca.dueAt(), ca.notAfter());
    Duration before = renewBefore.dividedBy(3).compareTo(WARN_BEFORE) < 0 ? renewBefore.dividedBy(3) : WARN_BEFORE;
    return Optional.of(new CaOneStepRenewal(ca.at(), ca.at().minus(before), audience.get()));
  }

  /** Whether check warns of it at {@code now}. */
  public boolean warnsAt(Instant now) {
    return !now.isBefore(warnFrom);
  }

  /**
   * What it does and the fix, after "the CA is" or "ca is": {@code replaced in one step (no
   * ca.rotation) on 2036-09-04 02:22 UTC (in 24 days): the server moves …}, or for a fleet CA
   * {@code … the hosts it signs (hostpki sign) move to the new CA at their next signing …}.
   */
  public String words(Instant now, String source) {
    String when =
        now.isBefore(at)
            ? "on " + DateText.of(at) + " (in " + DurationText.left(Duration.between(now, at)) + ")"
            : "by the next unattended run (due since " + DateText.of(at) + ")";
    return "replaced in one step (no ca.rotation) " + when + ": "
        + audience.moves("in the same apply", "at their next signing") + ", and clients that trust the"
        + " CA by hand (browsers, Java truststores, curl --cacert, a copied trust-bundle.crt) refuse "
        + audience.refused() + " until they are given the new one; set"
        + " ca.rotation.overlap (e.g. 14d) in " + source + " before then to trust the new CA first and"
        + (audience.fleet() ? " move to it later" : " move the server later");
  }
}
