package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class PlanTextTest {
  private static final Refusal REFUSAL =
      new Refusal(
          "chain-refused",
          "server",
          "cannot import the chain in /in/chain.pem; nothing was changed.",
          List.of("SAN does not cover: portal", "certificate 2 of 2 (CN=CA) expired on 2026-01-01 00:00 UTC"));

  private static Change csrCreate() {
    return new Change(
        "server.csr", Action.CREATE, List.of(new Reason(ReasonCode.MISSING, "no request yet")), new Intent.RemoveCsr());
  }

  @Test
  void testRender_refusalIsAnErrorWithOneLinePerProblem() {
    Plan plan = new Plan(List.of(), List.of(), List.of(REFUSAL), 7, Fixtures.fp("b"));

    String text = new PlanText(false).render(plan);

    assertThat(text)
        .isEqualTo(
            "error: cannot import the chain in /in/chain.pem; nothing was changed.\n"
                + "  - SAN does not cover: portal\n"
                + "  - certificate 2 of 2 (CN=CA) expired on 2026-01-01 00:00 UTC\n"
                + "No other changes (7 resources checked).\n"
                + "Refused: apply changes nothing until the error above is fixed.\n");
  }

  @Test
  void testRender_aRefusalBeforeAnyResourceWasCheckedSaysNoOtherChangesNot() {
    Plan plan = new Plan(List.of(), List.of(), List.of(REFUSAL), 0, Fixtures.fp("b"));

    assertThat(new PlanText(false).render(plan))
        .doesNotContain("No other changes")
        .endsWith("  - certificate 2 of 2 (CN=CA) expired on 2026-01-01 00:00 UTC\n"
            + "Refused: apply changes nothing until the error above is fixed.\n");
  }

  @Test
  void testRender_warningsComeBeforeTheSummary() {
    Plan plan =
        new Plan(
            List.of(csrCreate()),
            List.of(new Warning("chain-awaited", "server", "Waiting for a signed chain at /in/chain.pem")),
            3,
            Fixtures.fp("b"));

    assertThat(new PlanText(false).render(plan))
        .isEqualTo(
            "+ server.csr  create   no request yet\n"
                + "warning: Waiting for a signed chain at /in/chain.pem\n"
                + "Plan: 1 to create, 0 to replace, 0 to update, 0 to delete, 3 unchanged.\n");
  }

  @Test
  void testRender_pendingHooksAndAHoldAreBangLinesBeforeTheSummary() {
    Instant t = Instant.parse("2026-11-27T08:00:00Z");
    PendingHook hook =
        new PendingHook("afterServerChange", t, List.of("server"),
            Optional.of(new PendingHook.Failure(t, "afterServerChange hook [x] said \u001b[2Kok\nforged")));
    Plan plan =
        new Plan(List.of(), List.of(), 6, Fixtures.fp("b"))
            .withRecords(List.of(hook), Optional.of(new RollbackHold(t, Optional.empty(), "..G")));

    assertThat(new PlanText(false).render(plan))
        .isEqualTo(
            "! hooks pending since 2026-11-27 08:00 UTC: afterServerChange hook [x] said \\x1b[2Kok\\nforged\n"
                + "! held by rollback at 2026-11-27 08:00 UTC (generation ..G): unattended runs (watch,"
                + " apply --unattended) leave the store as it is; run `hostpki apply` to release it\n"
                + "No changes: the store matches the desired state (6 resources checked), but hooks are"
                + " pending: the next apply runs them.\n");
  }

  /** Found by a trial: an apply's text said "the next apply runs them" and then ran them itself. */
  @Test
  void testRender_anApplysTextSaysItRunsThePendingHooksNow() {
    Instant t = Instant.parse("2026-11-27T08:00:00Z");
    Plan plan =
        new Plan(List.of(), List.of(), 6, Fixtures.fp("b"))
            .withRecords(List.of(new PendingHook("afterServerChange", t, List.of("server"), Optional.empty())), Optional.empty());

    assertThat(PlanText.applying(false).render(plan))
        .endsWith("(6 resources checked), but hooks are pending: this apply runs them now.\n");
  }

  @Test
  void testRender_emptyPlanSaysNoChanges() {
    assertThat(new PlanText(false).render(new Plan(List.of(), List.of(), 6, Fixtures.fp("b"))))
        .isEqualTo("No changes: the store matches the desired state (6 resources checked).\n");
  }

  @Test
  void testRender_anEmptyPlanWhileAnAcmeOrderWaitsDoesNotSayTheStoreMatches() {
    Warning waiting = new Warning(WarningCode.ACME_WAITING, "server", "the last ACME order failed at …");

    assertThat(new PlanText(false).render(new Plan(List.of(), List.of(waiting), List.of(), 6, Fixtures.fp("b"))))
        .isEqualTo(
            "warning: the last ACME order failed at …\n"
                + "No changes now: the ACME order waits, see the warning above (6 resources checked).\n");
  }

  @Test
  void testRender_whatReasonsWarningsAndErrorsQuoteCannotForgeALine() {
    // How it was found: a CA commonName "Good CA\nPlan: 0 to create, 0 to replace" forged the
    // summary, and ESC[1A ESC[2K in a subject erased the line of its own change on a terminal.
    String hostile = "Good CA\nPlan: 0 to create, 0 to replace\u001b[1A\u001b[2K";
    Plan plan =
        new Plan(
            List.of(new Change("trust/dev", Action.CREATE, List.of(new Reason(ReasonCode.TRUST_ADDED, "sha256 AA… CN=" + hostile)),
                new Intent.RemoveCsr())),
            List.of(new Warning("trust-expiring", "trust/dev", "trusted certificate " + hostile + " expires")),
            List.of(new Refusal("chain-refused", "server", "cannot import " + hostile, List.of("issued by " + hostile))),
            3,
            Fixtures.fp("b"));

    String text = new PlanText(true).render(plan);

    String shown = "Good CA\\nPlan: 0 to create, 0 to replace\\x1b[1A\\x1b[2K";
    assertThat(text)
        .isEqualTo(
            "\u001b[32m+\u001b[0m trust/dev  \u001b[32mcreate \u001b[0m  sha256 AA… CN=" + shown + "\n"
                + "\u001b[33mwarning:\u001b[0m trusted certificate " + shown + " expires\n"
                + "\u001b[31merror:\u001b[0m cannot import " + shown + "\n"
                + "  - issued by " + shown + "\n"
                + "Plan: 1 to create, 0 to replace, 0 to update, 0 to delete, 3 unchanged.\n"
                + "Refused: apply changes nothing until the error above is fixed.\n");
  }
}
