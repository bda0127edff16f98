package org.hostpki.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.StoreLayout;

/**
 * Whether the clock fits the store's certificates, before anything is re-issued on its word. A
 * certificate that hostpki made is valid from the moment it was made, so one that is not valid
 * yet means the clock is behind (a dead RTC battery, a VM restored from a snapshot, NTP not yet
 * synchronised); and a store whose every certificate expired long after it was last written
 * hints at a clock far ahead. Replacing the certificates would throw away good ones that every
 * client trusts, so the plan is refused instead, with the way out either way: set the clock
 * right, or, if it is right, ask for the replacement with {@code --replace}.
 *
 * <p>Pure, like the planner: the certificates, {@code now} and when the store was last written
 * are its inputs.
 */
public final class ClockCheck {
  /**
   * How long after the store was last written a clock past every certificate's end is taken for
   * one that is far ahead rather than for a host left alone that long.
   */
  static final Duration FAR_AHEAD = Duration.ofDays(365);

  /**
   * No clock that reads earlier than this is right: this hostpki was not released yet. A host
   * without a battery-backed clock (a Raspberry Pi, an embedded board) starts at 1970, or at the
   * build date of its system, until NTP synchronises; a store made then holds certificates dated
   * then, which no client accepts, and which the right clock later takes for a clock far ahead.
   * Not raised with each release: any past date is a true floor.
   */
  public static final Instant EARLIEST = Instant.parse("2026-01-01T00:00:00Z");

  /** A certificate of the store, and whether a {@code --replace} of the plan replaces it. */
  private record Held(String file, CertificateFacts facts, boolean replaced) {}

  private ClockCheck() {}

  /** The refusals the clock calls for: none when it fits the store. */
  static List<Refusal> refusals(PlanInput in) {
    boolean ca = in.replace().contains(PlanInput.Replace.CA);
    boolean server = ca || in.replace().contains(PlanInput.Replace.SERVER);
    ObservedStore observed = in.observed();
    List<Held> held = new ArrayList<>();
    observed.caCertificate().ifPresent(c -> held.add(new Held(StoreLayout.CA_CERT, c, ca)));
    observed.caNextCertificate().ifPresent(c -> held.add(new Held(StoreLayout.CA_NEXT_CERT, c, ca)));
    observed
        .caPreviousCertificate()
        .ifPresent(c -> held.add(new Held(StoreLayout.CA_PREVIOUS_CERT, c, ca)));
    observed.serverCertificate().ifPresent(c -> held.add(new Held(StoreLayout.SERVER_CERT, c, server)));
    List<Refusal> refusals = new ArrayList<>();
    behind(held, in.now()).ifPresent(refusals::add);
    if (refusals.isEmpty()) {
      beforeRelease(in.now()).ifPresent(refusals::add);
    }
    if (refusals.isEmpty()) {
      farAhead(held, in.now(), in.lastWritten(), observed.caCertificate().isPresent())
          .ifPresent(refusals::add);
    }
    return refusals;
  }

  private static Optional<Refusal> behind(List<Held> held, Instant now) {
    List<Held> early =
        held.stream().filter(h -> !h.replaced() && h.facts().isNotYetValidAt(now)).toList();
    if (early.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder sb = new StringBuilder("the clock is behind: ");
    for (int i = 0; i < early.size(); i++) {
      Held h = early.get(i);
      sb.append(i == 0 ? "" : i == early.size() - 1 ? " and " : ", ")
          .append(h.file())
          .append(i == 0 ? " is valid from " : " from ")
          .append(DateText.precise(h.facts().notBefore()));
    }
    boolean caToo = early.stream().anyMatch(h -> !h.file().equals(StoreLayout.SERVER_CERT));
    sb.append(", now is ")
        .append(DateText.precise(now))
        .append(". Nothing was changed: a certificate is valid from the moment it was made, so")
        .append(" replacing it would throw away a good one. Set the clock right (NTP,")
        .append(" timedatectl) and run again; if the clock is right, ")
        .append(early.size() == 1 ? "the certificate was" : "the certificates were")
        .append(" made by a clock that ran ahead: replace ")
        .append(early.size() == 1 ? "it" : "them")
        .append(" with --replace ")
        .append(caToo ? "ca" : "server");
    return Optional.of(
        new Refusal(RefusalCode.CLOCK_BEHIND, caToo ? "ca" : "server", sb.toString(), List.of()));
  }

  /** A clock before {@link #EARLIEST} is wrong whatever the store holds; no --replace helps. */
  private static Optional<Refusal> beforeRelease(Instant now) {
    return beforeRelease(
            now,
            "Nothing was changed: certificates made now would be dated then, and no client would"
                + " accept them")
        .map(message -> new Refusal(RefusalCode.CLOCK_BEHIND, "ca", message, List.of()));
  }

  /**
   * Why a clock before {@link #EARLIEST} is wrong, and the way out, for every command that dates
   * what it writes ({@code sign} and {@code revoke} too); empty from then on.
   *
   * @param nothingDone what was not done, and why: the sentence between the clock and the way out
   */
  public static Optional<String> beforeRelease(Instant now, String nothingDone) {
    if (!now.isBefore(EARLIEST)) {
      return Optional.empty();
    }
    return Optional.of(
        "the clock is behind: now is "
            + DateText.precise(now)
            + ", before this hostpki was released ("
            + DateText.day(EARLIEST)
            + "). "
            + nothingDone
            + ". Set the clock right (NTP: timedatectl set-ntp true; a boot-time unit should run"
            + " after time-sync.target) and run again");
  }

  private static Optional<Refusal> farAhead(
      List<Held> held, Instant now, Optional<Instant> lastWritten, boolean hasCa) {
    if (held.isEmpty()
        || lastWritten.isEmpty()
        || !now.isAfter(lastWritten.get().plus(FAR_AHEAD))
        || held.stream().allMatch(Held::replaced)
        || held.stream().anyMatch(h -> !h.facts().isExpiredAt(now))) {
      return Optional.empty();
    }
    Held last = held.get(0);
    for (Held h : held) {
      if (h.facts().notAfter().isAfter(last.facts().notAfter())) {
        last = h;
      }
    }
    String message =
        "the clock may be far ahead: now is "
            + DateText.precise(now)
            + ", every certificate in the store has expired (the last, "
            + last.file()
            + ", on "
            + DateText.precise(last.facts().notAfter())
            + ") and the store was last written on "
            + DateText.precise(lastWritten.get())
            + ", "
            + Duration.between(lastWritten.get(), now).toDays()
            + " days before. Nothing was changed. If the clock is wrong, set it right (NTP,"
            + " timedatectl) and run again; if it is right, the store was left alone that long:"
            + " re-issue "
            + (hasCa ? "everything with --replace ca" : "the server certificate with --replace server");
    return Optional.of(new Refusal(RefusalCode.CLOCK_AHEAD, hasCa ? "ca" : "server", message, List.of()));
  }
}
