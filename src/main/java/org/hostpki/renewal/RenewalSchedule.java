package org.hostpki.renewal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;
import org.hostpki.model.MaintenanceWindow;
import org.hostpki.model.RenewBefore;

/**
 * One certificate's renewal times, worked out by {@link RenewalPolicy#schedule}; {@link #at}
 * applies them to a moment.
 */
public final class RenewalSchedule {

  /**
   * The threshold as it applies to this certificate, for the words.
   *
   * @param lifetime notAfter − notBefore
   * @param period how long before expiry it is due, before jitter
   * @param longerThanLifetime renewBefore was as long as the lifetime or longer, so a third of
   *     the lifetime is used
   * @param jitter how much earlier than the threshold this certificate is due
   * @param margin how close to expiry a wait for a window may come
   * @param shareAlone the share of the lifetime renewBefore names, when {@code notice} raised
   *     {@code period} above it ({@link RenewalPolicy#withNotice}); empty otherwise
   * @param notice the least time ahead a certificate a person renews is due, if it is one
   */
  record Rule(
      RenewBefore renewBefore,
      Duration lifetime,
      Duration period,
      boolean longerThanLifetime,
      Duration jitter,
      Duration margin,
      Optional<SuggestedWindow> suggested,
      Optional<Duration> shareAlone,
      Optional<Duration> notice) {

    /** {@code renewBefore 33% of 398 days = 131 days, 6 days earlier by jitter}. */
    String words() {
      if (suggested.isPresent()) {
        return "inside the renewal window its CA suggests, "
            + DateText.of(suggested.get().start())
            + " to "
            + DateText.of(suggested.get().end());
      }
      String threshold;
      if (longerThanLifetime) {
        threshold =
            "renewBefore "
                + renewBefore.text()
                + ", not shorter than its lifetime of "
                + DurationText.left(lifetime)
                + ", so a third of it = "
                + DurationText.left(period);
      } else if (renewBefore instanceof RenewBefore.OfLifetime) {
        threshold =
            "renewBefore "
                + renewBefore.text()
                + " of "
                + DurationText.left(lifetime)
                + " = "
                + shareAlone
                    .map(share -> DurationText.left(share) + ", raised to " + DurationText.left(period)
                        + " for a chain another CA signs (" + DurationText.left(notice.orElseThrow())
                        + ", or two thirds of a shorter lifetime, to have it signed in time)")
                    .orElse(DurationText.left(period));
      } else {
        threshold = "renewBefore " + renewBefore.text();
      }
      // Less than a minute of jitter (a short certificate close to its threshold) is not worth saying.
      return jitter.compareTo(Duration.ofMinutes(1)) < 0
          ? threshold
          : threshold + ", " + DurationText.left(jitter) + " earlier by jitter";
    }
  }

  private final Rule rule;
  private final Instant notAfter;
  private final Instant dueAt;
  private final Instant latest;
  private final List<MaintenanceWindow> windows;
  private final double windowShare;
  private final MaintenanceWindow catchUpSlot;

  RenewalSchedule(
      Rule rule,
      Instant notAfter,
      Instant dueAt,
      Instant latest,
      List<MaintenanceWindow> windows,
      double windowShare,
      MaintenanceWindow catchUpSlot) {
    this.rule = rule;
    this.notAfter = notAfter;
    this.dueAt = dueAt;
    this.latest = latest;
    this.windows = List.copyOf(windows);
    this.windowShare = windowShare;
    this.catchUpSlot = catchUpSlot;
  }

  /** When the certificate is due: its threshold less its jitter (or its point in the CA's window). */
  public Instant dueAt() {
    return dueAt;
  }

  /** The last moment a renewal waits for: the safety margin before expiry. */
  public Instant latest() {
    return latest;
  }

  public Instant notAfter() {
    return notAfter;
  }

  /** How long before expiry it is due, before jitter. */
  public Duration period() {
    return rule.period();
  }

  /**
   * The renewal as it stands at {@code now}.
   *
   * @param unattended a run without a person (a timer, {@code watch}): it waits for a window; a
   *     person's {@code apply} renews as soon as a certificate is due
   */
  public Renewal at(Instant now, boolean unattended) {
    String words = rule.words();
    Renewal.Cause base =
        rule.suggested().isPresent() ? Renewal.Cause.SUGGESTED_WINDOW : Renewal.Cause.THRESHOLD;
    if (now.isBefore(dueAt)) {
      return scheduled(words, base, unattended);
    }
    if (!unattended) {
      Optional<String> skipped =
          windows.isEmpty()
              ? Optional.empty()
              : Optional.of("a person's apply does not wait for " + windowWords(windows));
      return renewal(Renewal.State.DUE, dueAt, base, words, Optional.empty(), skipped);
    }
    boolean catchingUp = windows.isEmpty() && !now.isBefore(dueAt.plus(RenewalPolicy.CATCH_UP_AFTER));
    if (windows.isEmpty() && !catchingUp) {
      return renewal(Renewal.State.DUE, dueAt, base, words, Optional.empty(), Optional.empty());
    }
    List<MaintenanceWindow> allowed = catchingUp ? List.of(catchUpSlot) : windows;
    double share = catchingUp ? 0 : windowShare;
    Renewal.Cause cause = catchingUp ? Renewal.Cause.CATCH_UP : Renewal.Cause.WINDOW;
    String waitWords = catchingUp ? catchUpWords() : windowWords(allowed);
    Optional<WindowCalendar.Opening> opening = WindowCalendar.firstAllowed(allowed, share, now);
    if (opening.isPresent() && opening.get().from().equals(now)) {
      String where = catchingUp ? catchUpWords() : "the window " + opening.get().window();
      return renewal(Renewal.State.DUE, now, cause, words, Optional.of(where), Optional.empty());
    }
    if (!now.isBefore(latest)) {
      return atMargin(
          Renewal.State.DUE, words, Optional.empty(),
          "not waiting for " + waitWords + ": " + marginWords() + " is reached");
    }
    if (opening.isEmpty() || opening.get().from().isAfter(latest)) {
      return atMargin(
          Renewal.State.WAITING, words, Optional.of(waitWords),
          "it does not open before " + marginWords() + ", when the renewal goes ahead regardless");
    }
    return renewal(
        Renewal.State.WAITING,
        opening.get().from(),
        cause,
        words,
        Optional.of(catchingUp ? waitWords : "the window " + opening.get().window()),
        Optional.empty());
  }

  /** A renewal of this schedule's certificate: its due point and expiry are the schedule's. */
  private Renewal renewal(
      Renewal.State state,
      Instant at,
      Renewal.Cause cause,
      String rule,
      Optional<String> waitingFor,
      Optional<String> note) {
    return new Renewal(state, at, dueAt, notAfter, cause, rule, waitingFor, note);
  }

  /** A renewal at the safety margin ({@code latest}), with a note on why no window is waited for. */
  private Renewal atMargin(Renewal.State state, String words, Optional<String> waitingFor, String note) {
    return renewal(state, latest, Renewal.Cause.SAFETY_MARGIN, words, waitingFor, Optional.of(note));
  }

  /** Not due yet: when it will be renewed. */
  private Renewal scheduled(String words, Renewal.Cause base, boolean unattended) {
    if (!unattended || windows.isEmpty()) {
      return renewal(Renewal.State.SCHEDULED, dueAt, base, words, Optional.empty(), Optional.empty());
    }
    Optional<WindowCalendar.Opening> opening = WindowCalendar.firstAllowed(windows, windowShare, dueAt);
    if (opening.isEmpty() || opening.get().from().isAfter(latest)) {
      return atMargin(
          Renewal.State.SCHEDULED, words, Optional.of(windowWords(windows)),
          windowWords(windows) + " does not open between then and " + marginWords());
    }
    return renewal(
        Renewal.State.SCHEDULED,
        opening.get().from(),
        Renewal.Cause.WINDOW,
        words,
        Optional.of("the window " + opening.get().window()),
        Optional.empty());
  }

  /** {@code the safety margin (33 days before expiry)}. */
  private String marginWords() {
    return "the safety margin (" + DurationText.left(Duration.between(latest, notAfter)) + " before expiry)";
  }

  private String catchUpWords() {
    return "this host's catch-up hour "
        + catchUpSlot.toString().substring("daily ".length())
        + " (the renewal is more than a day overdue)";
  }

  private static String windowWords(List<MaintenanceWindow> windows) {
    return windows.size() == 1
        ? "the window " + windows.get(0)
        : "the windows " + String.join("; ", windows.stream().map(MaintenanceWindow::toString).toList());
  }
}
