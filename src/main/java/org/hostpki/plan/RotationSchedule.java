package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.ObservedStore;

/**
 * The dates of a phased CA rotation under way, as the store shows them (see {@link CaRotation}):
 * the certificates' own dates and {@code ca.rotation.overlap}, nothing else.
 *
 * @param nextMadeAt when {@code ca-next.crt} was made; empty when there is none
 * @param serverMovesOn from when an apply makes {@code ca-next} the CA and moves the server to it;
 *     empty without {@code ca-next.crt} or without an overlap
 * @param previousTrustedUntil from when an apply removes {@code ca-previous.crt} from the trusted
 *     certificates (two overlaps after the current CA was made, or its expiry if earlier); empty
 *     without {@code ca-previous.crt}, without an overlap or without a {@code ca.crt}
 */
public record RotationSchedule(
    Optional<Instant> nextMadeAt,
    Optional<Instant> serverMovesOn,
    Optional<Instant> previousTrustedUntil) {

  public RotationSchedule {
    Objects.requireNonNull(nextMadeAt, "nextMadeAt");
    Objects.requireNonNull(serverMovesOn, "serverMovesOn");
    Objects.requireNonNull(previousTrustedUntil, "previousTrustedUntil");
  }

  /** The schedule of the rotation in {@code observed} under the desired {@code ca}. */
  public static RotationSchedule of(CaSpec ca, ObservedStore observed) {
    Optional<Duration> overlap = ca.rotationOverlap();
    Optional<Instant> made = observed.caNextCertificate().map(CertificateFacts::madeAt);
    Optional<Instant> moves = made.flatMap(m -> overlap.map(m::plus));
    Optional<Instant> until = Optional.empty();
    if (observed.caPreviousCertificate().isPresent() && observed.caCertificate().isPresent()) {
      until =
          previousTrustedUntil(
              overlap, observed.caCertificate().get(), observed.caPreviousCertificate().get());
    }
    return new RotationSchedule(made, moves, until);
  }

  /**
   * From when an apply removes {@code ca-previous.crt} from the trusted certificates: two overlaps
   * after the current CA was made, or the previous CA's expiry if earlier; empty without an
   * overlap (the next apply removes it).
   */
  public static Optional<Instant> previousTrustedUntil(
      Optional<Duration> overlap, CertificateFacts current, CertificateFacts previous) {
    if (overlap.isEmpty()) {
      return Optional.empty();
    }
    Instant end = current.madeAt().plus(overlap.get().multipliedBy(2));
    Instant expiry = previous.notAfter();
    return Optional.of(expiry.isBefore(end) ? expiry : end);
  }
}
