package org.hostpki.renewal;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;

/**
 * A certificate's renewal as it stands at one moment: whether it is due, and when and why.
 *
 * @param at when it is renewed: for {@link State#SCHEDULED} and {@link State#WAITING} the moment
 *     ahead; for {@link State#DUE} the moment it became due (or its window opened, or the safety
 *     margin was reached)
 * @param dueAt when the threshold (less jitter) was or will be reached
 * @param rule how the threshold came about, in words: {@code renewBefore 33% of its lifetime of
 *     398 days (131 days), 6 days earlier by jitter}
 * @param waitingFor the window it waits for, or renews in: {@code the window Sat 02:00–05:00 UTC}
 * @param note what a reviewer should know: a wait cut short by the safety margin, a window a
 *     person's apply does not wait for
 */
public record Renewal(
    State state,
    Instant at,
    Instant dueAt,
    Instant notAfter,
    Cause cause,
    String rule,
    Optional<String> waitingFor,
    Optional<String> note) {


  public Renewal {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(dueAt, "dueAt");
    Objects.requireNonNull(notAfter, "notAfter");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(waitingFor, "waitingFor");
    Objects.requireNonNull(note, "note");
  }

  public enum State {
    /** Not due yet. */
    SCHEDULED,
    /** Due: the next run renews it. */
    DUE,
    /** Due, but an unattended run waits for a window; not a pending change. */
    WAITING
  }

  /** Which rule decides the moment: the one a plan's {@code expiring} reason names. */
  public enum Cause {
    THRESHOLD("threshold"),
    SUGGESTED_WINDOW("suggested-window"),
    WINDOW("window"),
    CATCH_UP("catch-up"),
    SAFETY_MARGIN("safety-margin");

    private final String code;

    Cause(String code) {
      this.code = code;
    }

    /** The stable code in JSON output: {@code safety-margin}. */
    public String code() {
      return code;
    }
  }

  public boolean due() {
    return state == State.DUE;
  }

  /**
   * Whether the certificate expires within {@code warning} of {@code now} although a renewal was
   * due: what a {@code hooks.onExpiring} warning time is checked against.
   */
  public boolean expiresWithin(Duration warning, Instant now) {
    return state != State.SCHEDULED && !now.plus(warning).isBefore(notAfter);
  }

  /**
   * The words of a plan's {@code expiring} reason: {@code renewal due since 2027-09-14 10:12 UTC:
   * renewBefore 33% of 398 days = 131 days, …; in the window Sat 02:00–05:00 UTC}.
   */
  public String reasonWords() {
    StringBuilder sb = new StringBuilder("renewal due since ").append(DateText.of(dueAt));
    sb.append(": ").append(rule);
    if (cause == Cause.WINDOW || cause == Cause.CATCH_UP) {
      waitingFor.ifPresent(w -> sb.append("; in ").append(w));
    }
    note.ifPresent(n -> sb.append("; ").append(n));
    return sb.toString();
  }

  /**
   * What a wait is about, for a plan's line: {@code renewal due since … (…); waiting for the window
   * Sat 02:00–05:00 UTC until 2026-12-12 01:17 UTC}.
   */
  public String waitingWords() {
    StringBuilder sb = new StringBuilder("renewal due since ").append(DateText.of(dueAt));
    sb.append(" (").append(rule).append("); waiting for ");
    sb.append(waitingFor.orElse("a window")).append(" until ").append(DateText.of(at));
    note.ifPresent(n -> sb.append("; ").append(n));
    return sb.toString();
  }

  /**
   * One line for {@code status}: {@code 2027-09-14 10:12 UTC (in 282 days): renewBefore 33% …},
   * {@code due since …: renewBefore …}, {@code due since …: …; waiting for … until …}.
   */
  public String summary(Instant now) {
    StringBuilder sb = new StringBuilder();
    switch (state) {
      case SCHEDULED -> {
        sb.append(DateText.of(at)).append(" (in ").append(DurationText.left(Duration.between(now, at))).append(')');
        if (cause == Cause.WINDOW) {
          waitingFor.ifPresent(w -> sb.append(", in ").append(w));
        } else if (cause == Cause.SAFETY_MARGIN) {
          sb.append(", at the safety margin");
        }
        if (cause == Cause.WINDOW || cause == Cause.SAFETY_MARGIN) {
          sb.append("; due ").append(DateText.of(dueAt));
        }
        sb.append(": ").append(rule);
      }
      case DUE -> {
        sb.append("due since ").append(DateText.of(dueAt)).append(": ").append(rule);
        if (cause == Cause.WINDOW || cause == Cause.CATCH_UP) {
          waitingFor.ifPresent(w -> sb.append("; in ").append(w));
        }
      }
      case WAITING -> sb.append("due since ")
          .append(DateText.of(dueAt))
          .append(": ")
          .append(rule)
          .append("; waiting for ")
          .append(waitingFor.orElse("a window"))
          .append(" until ")
          .append(DateText.of(at))
          .append(" (in ")
          .append(DurationText.left(Duration.between(now, at)))
          .append(')');
      default -> throw new IllegalStateException(state.toString());
    }
    note.ifPresent(n -> sb.append("; ").append(n));
    return sb.toString();
  }
}
