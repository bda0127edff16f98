package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DurationText;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.StoreLayout;
import org.hostpki.renewal.Renewal;

/**
 * The move of a phased CA rotation under way ({@code ca.rotation.overlap}, {@code ca-next.crt} in
 * the store, see {@link CaRotation}): from {@link #at} an apply makes the new CA sign, so a client
 * that trusts the CA by hand (a browser, a Java truststore, {@code curl --cacert}) refuses what it
 * signs unless it was given {@code ca-next} before. The overlap is there for exactly that, but only
 * the plan of the run that started it said so, and nobody reads a timer's plan: {@code check} is
 * WARNING for the whole overlap, and {@code status} and the metrics give the date, as they do for
 * the one-step renewal ({@link CaOneStepRenewal}).
 *
 * @param at when an apply moves to the new CA: one overlap after it was made, or when {@code
 *     ca.crt} falls due if that is later (a clock that went back); in the past while it is due
 * @param overlap {@code ca.rotation.overlap}
 */
public record CaPhasedMove(Instant at, Duration overlap, CaAudience audience) {
  /**
   * The rotation's move; empty without {@code ca.rotation.overlap}, without a {@code ca-next.crt}
   * that can take over, or for a CA that signs nothing clients see.
   *
   * @param renewals the store's renewals by address, as unattended runs see them ({@link
   *     Renewals#of})
   */
  public static Optional<CaPhasedMove> of(
      DesiredState desired, ObservedStore observed, Map<String, Renewal> renewals, Instant now) {
    Optional<Duration> overlap = desired.ca().rotationOverlap();
    Optional<CertificateFacts> next = observed.caNextCertificate();
    Optional<CaAudience> audience = CaAudience.of(desired);
    Renewal ca = renewals.get(Address.CA);
    if (overlap.isEmpty() || next.isEmpty() || audience.isEmpty() || ca == null
        || !next.get().ca() || !next.get().isValidAt(now)) {
      return Optional.empty();
    }
    Instant at = next.get().madeAt().plus(overlap.get());
    if (ca.dueAt().isAfter(at)) {
      at = ca.dueAt(); // the new CA waits for ca.crt to fall due (CaRotation.keepWaitingNext)
    }
    return Optional.of(new CaPhasedMove(at, overlap.get(), audience.get()));
  }

  /**
   * What comes next for {@code ca.crt}, after "next": {@code the move to the new CA (ca-next)
   * 2027-04-12 17:57 UTC (in 13 days)}. During the overlap its renewal is the move, not a renewal
   * that waits for the catch-up hour (what check and status said, fsmall15 h).
   */
  public String nextWords(Instant now) {
    return "the move to the new CA (" + Address.CA_NEXT + ") "
        + (now.isBefore(at)
            ? DateText.of(at) + " (in " + DurationText.left(Duration.between(now, at)) + ")"
            : "by the next unattended run (due since " + DateText.of(at) + ")");
  }

  /**
   * What comes and what to do, after "ca-next is": {@code the new CA of a phased rotation (overlap
   * 14d): on 2027-04-12 17:57 UTC (in 13 days) the server moves to the new CA …}.
   *
   * @param source the desired state's file, for the export command
   */
  public String words(Instant now, String source) {
    String when =
        now.isBefore(at)
            ? "on " + DateText.of(at) + " (in " + DurationText.left(Duration.between(now, at)) + ")"
            : "by the next unattended run (due since " + DateText.of(at) + ")";
    return "the new CA of a phased rotation (overlap " + DurationText.of(overlap) + "): "
        + audience.moves(when, "at their next signing from " + (now.isBefore(at) ? "then" : "now") + " on")
        + ", and clients that trust the CA by hand (browsers, Java truststores, curl --cacert, a"
        + " copied trust-bundle.crt) refuse " + audience.refused() + " unless they are given the new CA"
        + " before: " + ShellCommand.hostpki("export", "-f", source, "ca-next-cert") + " (" + StoreLayout.CA_NEXT_CERT
        + ", for browsers) or trust-bundle (both CAs)";
  }
}
