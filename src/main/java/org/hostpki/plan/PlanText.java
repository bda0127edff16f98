package org.hostpki.plan;

import java.time.Instant;
import org.hostpki.model.DateText;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;
import org.hostpki.model.TerminalLines.Colour;
import org.hostpki.model.TerminalLines;

/**
 * The text plan a reviewer reads: one line per change, the reasons, what the store records beside
 * its content (pending hooks, a rollback's hold) as {@code !} lines, a summary line.
 */
public final class PlanText {
  private final boolean color;
  private final String pendingHooks;

  /** @param color {@link #render} marks actions with ANSI colours (only for a terminal) */
  public PlanText(boolean color) {
    this(color, "the next apply runs them");
  }

  private PlanText(boolean color, String pendingHooks) {
    this.color = color;
    this.pendingHooks = pendingHooks;
  }

  /**
   * The text of the plan an apply carries out: the hooks pending are its to run, now ({@code plan}
   * and {@code apply --check} leave them to the next apply).
   */
  public static PlanText applying(boolean color) {
    return new PlanText(color, "this apply runs them now");
  }

  /** The plan as text, with ANSI colours when this renderer was made for a terminal. */
  public String render(Plan plan) {
    return lines(plan).text(color);
  }

  /**
   * The plan line by line: every reason, warning and error is one line, so what they quote (a
   * certificate's subject, a file name) cannot add a line of its own.
   */
  public TerminalLines lines(Plan plan) {
    TerminalLines out = new TerminalLines();
    int addressWidth = plan.changes().stream().mapToInt(c -> c.address().length()).max().orElse(0);
    for (Change c : plan.changes()) {
      out.add(colour(c.action()), c.action().symbol())
          .add(" " + pad(c.address(), addressWidth) + "  ")
          .add(colour(c.action()), pad(c.action().word(), 7))
          .add("  " + c.reasonText())
          .end();
    }
    for (PendingHook h : plan.pendingHooks()) {
      out.add(Colour.YELLOW, "!").add(" " + pendingLine(h)).end();
    }
    plan.hold().ifPresent(h -> out.add(Colour.YELLOW, "!").add(" " + holdLine(h)).end());
    for (Warning w : plan.warnings()) {
      out.add(Colour.YELLOW, "warning:").add(" " + w.message()).end();
    }
    for (Refusal r : plan.refusals()) {
      out.add(Colour.RED, "error:").add(" " + r.message()).end();
      r.problems().forEach(p -> out.line("  - " + p));
    }
    if (plan.isEmpty() && plan.isRefused()) {
      if (plan.unchanged() > 0) { // none checked: the refusal came before any resource (foreign-folder)
        out.line("No other changes (" + plan.unchanged() + " resources checked).");
      }
    } else if (plan.isEmpty() && plan.acmeOrderWaits()) {
      out.line("No changes now: the ACME order waits, see the warning above (" + plan.unchanged() + " resources checked)"
          + (plan.hasPendingHooks() ? "; hooks are pending: " + pendingHooks + "." : "."));
    } else if (plan.isEmpty()) {
      out.line("No changes: the store matches the desired state (" + plan.unchanged() + " resources checked)"
          + (plan.hasPendingHooks() ? ", but hooks are pending: " + pendingHooks + "." : "."));
    } else {
      out.line(
          "Plan: " + plan.count(Action.CREATE) + " to create, " + plan.count(Action.REPLACE)
              + " to replace, " + plan.count(Action.UPDATE) + " to update, "
              + plan.count(Action.DELETE) + " to delete, " + plan.unchanged() + " unchanged.");
    }
    if (plan.isRefused()) {
      boolean many = plan.refusals().size() > 1;
      out.line(
          "Refused: apply changes nothing until the error" + (many ? "s" : "") + " above "
              + (many ? "are" : "is") + " fixed.");
    }
    return out;
  }

  /** {@code hooks pending since T: LAST ERROR}, the line {@code plan} and {@code status} show. */
  public static String pendingLine(PendingHook hook) {
    return "hooks pending since " + time(hook.since()) + ": " + hook.lastError();
  }

  /** What a rollback's hold means, in one line. */
  public static String holdLine(RollbackHold hold) {
    return "held by rollback at " + time(hold.at()) + " (generation " + hold.to() + "): unattended"
        + " runs (watch, apply --unattended) leave the store as it is; run `hostpki apply` to"
        + " release it";
  }

  public static String time(Instant instant) {
    return DateText.of(instant);
  }

  private static Colour colour(Action action) {
    return switch (action) {
      case CREATE -> Colour.GREEN;
      case REPLACE, UPDATE -> Colour.YELLOW;
      case DELETE -> Colour.RED;
    };
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
