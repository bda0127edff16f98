package org.hostpki.plan;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.Backdate;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DurationText;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.ServerSpec;
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
      RenewBefore renewBefore, DesiredState desired, CertificateFacts c) {
    return new RenewalPolicy(renewBefore, desired.renewal()).schedule(c, c.madeAt());
  }

  /**
   * How long before its chain's end an imported certificate is due at least (a person has the next
   * chain signed): see {@link RenewalPolicy#withNotice}.
   */
  public static final java.time.Duration IMPORTED_NOTICE = java.time.Duration.ofDays(14);

  /**
   * The schedule of a certificate another CA made: when it was made is its notBefore; a share of
   * its lifetime is due {@link #IMPORTED_NOTICE} ahead at least.
   */
  static RenewalSchedule imported(
      RenewBefore renewBefore, DesiredState desired, CertificateFacts c) {
    return new RenewalPolicy(renewBefore, desired.renewal()).withNotice(IMPORTED_NOTICE).schedule(c, c.notBefore());
  }

  /**
   * The schedule of a certificate this host orders from an ACME CA ({@code server.issuer: acme}):
   * renewed here like one issued here, from its notBefore, inside the CA's suggested window (ARI)
   * when the CA suggests one for this certificate, the one this account ordered.
   */
  static RenewalSchedule ordered(
      RenewBefore renewBefore, DesiredState desired, CertificateFacts c, AcmeObservation acme) {
    return new RenewalPolicy(renewBefore, desired.renewal())
        .schedule(c, c.notBefore(), acme.renewalWindow().filter(w -> acme.orderedHere(c.fingerprint())));
  }

  /**
   * A store certificate with a renewal rule, and its schedule.
   *
   * @param address {@code ca}, {@code ca-next} or {@code server}
   * @param imported made by another CA and imported from {@code server.external.chain}: whoever
   *     signs the next chain renews it, and no window applies (a certificate ordered from an ACME
   *     CA is recorded like an imported chain, but this host renews it: not imported)
   */
  public record Scheduled(String address, CertificateFacts facts, RenewalSchedule schedule, boolean imported) {
    /** Its renewal at {@code now}; a window applies only to unattended runs, and only to {@code ca} and {@code server}. */
    public Renewal at(Instant now, boolean unattended) {
      return schedule.at(now, unattended && !imported && !address.equals("ca-next"));
    }
  }

  /**
   * The store's certificates that have a renewal rule, by plan address.
   *
   * @param acme what the ACME edge found out ({@link AcmeObservation#NONE} unless {@code
   *     server.issuer: acme}): the CA's renewal window for the served certificate
   */
  public static SortedMap<String, Scheduled> scheduled(
      DesiredState desired, ObservedStore observed, AcmeObservation acme) {
    SortedMap<String, Scheduled> all = new TreeMap<>();
    RenewBefore ca = desired.ca().renewBefore();
    observed.caCertificate()
        .ifPresent(c -> all.put("ca", new Scheduled("ca", c, issuedHere(ca, desired, c), false)));
    observed.caNextCertificate()
        .ifPresent(c -> all.put("ca-next", new Scheduled("ca-next", c, issuedHere(ca, desired, c), false)));
    observed.serverCertificate()
        .ifPresent(
            c -> {
              RenewBefore rb = desired.server().renewBefore();
              if (desired.server().issuer() == ServerSpec.Issuer.ACME) {
                all.put("server", new Scheduled("server", c, ordered(rb, desired, c, acme), false));
                return;
              }
              boolean imported = observed.isImportedLeaf(c);
              CertificateFacts judged = imported ? endingWithItsChain(c, observed) : c;
              RenewalSchedule schedule =
                  imported
                      ? imported(rb, desired, judged)
                      : endsWithItsCa(c, observed)
                          ? issuedHere(ca, desired, observed.caCertificate().orElseThrow())
                          : issuedHere(rb, desired, c);
              all.put("server", new Scheduled("server", judged, schedule, imported));
            });
    return all;
  }

  /**
   * Whether the server certificate {@code c}, issued by the store's CA, ends when that CA does
   * (within an hour): its validity was shortened to the CA's end, or it was issued before hostpki
   * shortened it. The same CA would issue it again for no longer, so the CA's rotation renews it,
   * and it is judged by the CA's schedule (the plan, {@code status}, {@code check} and the metrics
   * alike).
   */
  static boolean endsWithItsCa(CertificateFacts c, ObservedStore observed) {
    return !observed.isImportedLeaf(c)
        && observed.serverSignedByCa()
        && observed.caCertificate()
            .filter(ca -> !c.notAfter().isBefore(ca.notAfter().minus(Backdate.MAX)))
            .isPresent();
  }

  /**
   * The certificate of the chain imported last ({@code external-chain.crt}) that expires first,
   * before {@code leaf} does: an intermediate (or the root) another CA made to end sooner. Clients
   * refuse the whole chain from then on, however long the leaf lasts.
   */
  static Optional<CertificateFacts> expiresBefore(CertificateFacts leaf, ObservedStore observed) {
    if (!observed.isImportedLeaf(leaf)) {
      return Optional.empty();
    }
    return observed.externalChain().orElseThrow().stream()
        .skip(1)
        .filter(c -> c.notAfter().isBefore(leaf.notAfter()))
        .min(Comparator.comparing(CertificateFacts::notAfter));
  }

  /**
   * When {@code c} stops being valid for clients: its notAfter, or for the leaf of the chain
   * imported last the earlier end of a certificate in that chain (what renewal, {@code check} and
   * the metrics' chain series count from).
   */
  public static Instant chainNotAfter(CertificateFacts c, ObservedStore observed) {
    return endingWithItsChain(c, observed).notAfter();
  }

  /**
   * An imported certificate as it is renewed and judged: its own facts, ending when its chain stops
   * being valid (found in the time trial: an intermediate that expired before the leaf left every
   * client refusing the server while plan, status and check said all was well).
   */
  static CertificateFacts endingWithItsChain(CertificateFacts leaf, ObservedStore observed) {
    return expiresBefore(leaf, observed)
        .map(first -> leaf.withNotAfter(first.notAfter()))
        .orElse(leaf);
  }

  /**
   * The renewal of each certificate in the store at {@code now}, by plan address: {@code ca},
   * {@code ca-next}, {@code server}.
   *
   * @param acme what the ACME edge found out, as for {@link #scheduled}
   * @param unattended as a timer or {@code watch} would see it: waiting for windows
   */
  public static SortedMap<String, Renewal> of(
      DesiredState desired,
      ObservedStore observed,
      AcmeObservation acme,
      Instant now,
      boolean unattended) {
    SortedMap<String, Renewal> all = new TreeMap<>();
    scheduled(desired, observed, acme).forEach((address, s) -> all.put(address, s.at(now, unattended)));
    return all;
  }

  /** {@code expires on 2027-12-30 08:00 UTC (in 131 days)}: hours and minutes below two days. */
  static String expiresWords(CertificateFacts c, Instant now) {
    return "expires on "
        + DateText.of(c.notAfter())
        + " (in "
        + DurationText.left(java.time.Duration.between(now, c.notAfter()))
        + ")";
  }
}
