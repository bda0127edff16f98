package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.DateText;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DurationText;
import org.hostpki.model.ExpiryThreshold;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PendingHook;
import org.hostpki.renewal.Renewal;

/**
 * Whether anything renews a store's certificates in time: what {@code hooks.onExpiring} runs for
 * and what {@code hostpki check} judges against its thresholds.
 *
 * <p>A certificate is <em>handled</em> while hostpki renews it itself (this host's CA made it; an
 * imported one waits for whoever signs the next chain), nothing keeps unattended runs from doing so
 * (a rollback's hold, a plan that apply refuses), and its safety margin has not passed: up to there
 * a renewal may rightly wait for its threshold, a window or the catch-up hour; past it, one that has
 * not happened has failed (apply keeps failing, or nothing runs it). A certificate that is not
 * handled and within a threshold of its expiry is {@linkplain Expiring expiring}. A pure function of
 * its inputs, like the planner.
 */
public final class Expiries {
  private Expiries() {}

  /**
   * One store certificate and whether it is handled.
   *
   * @param renewal its renewal as unattended runs see it
   * @param safetyMargin how long before expiry its renewal waits for nothing any more
   * @param unhandled why nothing renews it in time, in words; empty while it is handled
   */
  public record Standing(
      String certificate,
      CertificateFacts facts,
      Renewal renewal,
      Duration safetyMargin,
      Optional<String> unhandled) {
    public Standing {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(facts, "facts");
      Objects.requireNonNull(renewal, "renewal");
      Objects.requireNonNull(safetyMargin, "safetyMargin");
      Objects.requireNonNull(unhandled, "unhandled");
    }

    /** How long before its expiry this certificate crosses {@code threshold}. */
    public Duration before(ExpiryThreshold threshold) {
      return threshold.before(
          new ExpiryThreshold.Span(
              Duration.between(facts.notBefore(), facts.notAfter()),
              Duration.between(renewal.dueAt(), facts.notAfter()),
              safetyMargin));
    }

    /** Whether at {@code now} it is expired or within {@code threshold} of its expiry. */
    public boolean within(ExpiryThreshold threshold, Instant now) {
      return !now.plus(before(threshold)).isBefore(facts.notAfter());
    }

    /** Whether it is not handled and within {@code threshold} of its expiry. */
    public boolean expiring(ExpiryThreshold threshold, Instant now) {
      return unhandled.isPresent() && within(threshold, now);
    }
  }

  /**
   * A certificate that nothing renews in time, within one threshold of its expiry: one {@code
   * onExpiring} obligation.
   */
  public record Expiring(Standing standing, ExpiryThreshold threshold) {
    public PendingHook obligation(Instant since) {
      CertificateFacts c = standing.facts();
      return PendingHook.expiring(
          since,
          new PendingHook.Expiring(
              standing.certificate(),
              c.fingerprint(),
              c.notAfter(),
              threshold.code(),
              standing.unhandled().orElseThrow()));
    }
  }

  /**
   * Every store certificate with a renewal rule ({@code ca}, {@code ca-next}, {@code server};
   * {@code ca-previous} is kept through a rotation's overlap only, and left to expire), and whether
   * it is handled.
   *
   * @param acme what the ACME edge found out ({@link Renewals#scheduled})
   * @param blocked why unattended runs change nothing now (a hold, a refused plan), in words;
   *     empty when they apply what is due
   */
  public static List<Standing> standings(
      DesiredState desired,
      ObservedStore observed,
      AcmeObservation acme,
      Instant now,
      Optional<String> blocked) {
    List<Standing> standings = new ArrayList<>();
    for (Renewals.Scheduled s : Renewals.scheduled(desired, observed, acme).values()) {
      Renewal renewal = s.at(now, true);
      Duration margin = Duration.between(s.schedule().latest(), s.facts().notAfter());
      Optional<String> unhandled;
      if (blocked.isPresent()) {
        unhandled = blocked;
      } else if (s.imported()) {
        String chainEnds =
            observed.serverCertificate()
                .flatMap(leaf -> Renewals.expiresBefore(leaf, observed)
                    .map(first -> "its chain stops being valid on " + DateText.of(first.notAfter()) + ", when "
                        + first.subjectDn() + " in it expires, before the certificate itself ("
                        + DateText.of(leaf.notAfter()) + "); "))
                .orElse("");
        unhandled =
            Optional.of(
                chainEnds
                    + "it was imported from another CA, which must sign its successor: no newer chain has"
                    + " been imported from "
                    + desired.server().external().map(e -> e.chain().toString()).orElse("server.external.chain"));
      } else if (!now.isBefore(s.schedule().latest())) {
        unhandled =
            Optional.of(
                "its renewal has been due since "
                    + DateText.of(renewal.dueAt())
                    + " and it was not renewed by its safety margin ("
                    + DurationText.left(margin)
                    + " before expiry): apply fails, or nothing runs it");
      } else {
        unhandled = Optional.empty();
      }
      standings.add(new Standing(s.address(), s.facts(), renewal, margin, unhandled));
    }
    return standings;
  }

  /**
   * The certificates expiring at {@code now}, one per certificate and threshold crossed, leaving
   * out {@code renewedNow}: the addresses this run replaces.
   */
  public static List<Expiring> expiring(
      List<Standing> standings, List<ExpiryThreshold> thresholds, Instant now, List<String> renewedNow) {
    List<Expiring> expiring = new ArrayList<>();
    for (Standing s : standings) {
      if (renewedNow.contains(s.certificate())) {
        continue;
      }
      for (ExpiryThreshold t : thresholds) {
        if (s.expiring(t, now)) {
          expiring.add(new Expiring(s, t));
        }
      }
    }
    return expiring;
  }

  /**
   * Why unattended runs change nothing now, in words, or empty: a plan apply refuses, or (for an
   * unattended run) a rollback's hold.
   */
  public static Optional<String> blocked(Plan plan, boolean unattended) {
    if (plan.isRefused()) {
      Refusal r = plan.refusals().get(0);
      return Optional.of("apply refuses to change the store (" + r.code() + "): " + r.line());
    }
    if (unattended && plan.hold().isPresent()) {
      return Optional.of(
          "the store is held by the rollback at "
              + PlanText.time(plan.hold().get().at())
              + ": unattended runs leave it as it is until a person runs hostpki apply");
    }
    return Optional.empty();
  }

  /** Whether the plan is refused because the clock cannot be trusted: then nothing is expiring by it. */
  public static boolean clockRefused(Plan plan) {
    return plan.refusals().stream().anyMatch(r -> r.code().startsWith("clock-"));
  }
}
