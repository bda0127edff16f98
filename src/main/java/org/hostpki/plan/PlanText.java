package org.hostpki.plan;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;
import org.hostpki.model.TerminalText;

/**
 * The text plan a reviewer reads: one line per change, the reasons, what the store records beside
 * its content (pending hooks, a rollback's hold) as {@code !} lines, a summary line.
 */
public final class PlanText {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final boolean color;

  /** @param color mark actions with ANSI colours (only for a terminal) */
  public PlanText(boolean color) {
    this.color = color;
  }

  public String render(Plan plan) {
    StringBuilder sb = new StringBuilder();
    int addressWidth = plan.changes().stream().mapToInt(c -> c.address().length()).max().orElse(0);
    for (Change c : plan.changes()) {
      String marker = paint(c.action(), c.action().symbol());
      sb.append(marker)
          .append(' ')
          .append(pad(c.address(), addressWidth))
          .append("  ")
          .append(paint(c.action(), pad(c.action().word(), 7)))
          .append("  ")
          .append(c.reasonText())
          .append('\n');
    }
    for (PendingHook h : plan.pendingHooks()) {
      sb.append(paintNotice("!")).append(' ').append(pendingLine(h)).append('\n');
    }
    plan.hold().ifPresent(h -> sb.append(paintNotice("!")).append(' ').append(holdLine(h)).append('\n'));
    for (Warning w : plan.warnings()) {
      sb.append(color ? "\u001b[33mwarning:\u001b[0m " : "warning: ").append(w.message()).append('\n');
    }
    for (Refusal r : plan.refusals()) {
      sb.append(color ? "\u001b[31merror:\u001b[0m " : "error: ").append(r.describe()).append('\n');
    }
    if (plan.isEmpty() && plan.isRefused()) {
      sb.append("No other changes (")
          .append(plan.unchanged())
          .append(" resources checked).\n");
    } else if (plan.isEmpty()) {
      sb.append("No changes: the store matches the desired state (")
          .append(plan.unchanged())
          .append(" resources checked)")
          .append(plan.hasPendingHooks() ? ", but hooks are pending: the next apply runs them.\n" : ".\n");
    } else {
      sb.append("Plan: ")
          .append(plan.count(Action.CREATE))
          .append(" to create, ")
          .append(plan.count(Action.REPLACE))
          .append(" to replace, ")
          .append(plan.count(Action.UPDATE))
          .append(" to update, ")
          .append(plan.count(Action.DELETE))
          .append(" to delete, ")
          .append(plan.unchanged())
          .append(" unchanged.\n");
    }
    if (plan.isRefused()) {
      sb.append("Refused: apply changes nothing until the error")
          .append(plan.refusals().size() > 1 ? "s" : "")
          .append(" above ")
          .append(plan.refusals().size() > 1 ? "are" : "is")
          .append(" fixed.\n");
    }
    return sb.toString();
  }

  /** {@code hooks pending since T: LAST ERROR}, the line {@code plan} and {@code status} show. */
  public static String pendingLine(PendingHook hook) {
    return "hooks pending since " + time(hook.since()) + ": " + TerminalText.escape(hook.lastError());
  }

  /** What a rollback's hold means, in one line. */
  public static String holdLine(RollbackHold hold) {
    return "held by rollback at " + time(hold.at()) + " (generation " + hold.to() + "): unattended"
        + " runs (watch, apply --unattended) leave the store as it is; run `hostpki apply` to"
        + " release it";
  }

  public static String time(Instant instant) {
    return TIME.format(instant);
  }

  private String paintNotice(String text) {
    return color ? "\u001b[33m" + text + "\u001b[0m" : text;
  }

  private String paint(Action action, String text) {
    if (!color) {
      return text;
    }
    String code =
        switch (action) {
          case CREATE -> "32";
          case REPLACE, UPDATE -> "33";
          case DELETE -> "31";
        };
    return "\u001b[" + code + "m" + text + "\u001b[0m";
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
