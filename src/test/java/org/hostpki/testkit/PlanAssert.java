package org.hostpki.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractAssert;
import org.hostpki.plan.Action;
import org.hostpki.plan.Change;
import org.hostpki.plan.Plan;
import org.hostpki.plan.Reason;
import org.hostpki.plan.ReasonCode;
import org.hostpki.plan.Warning;

/**
 * Assertions about a plan in its own terms: which resources change, how and why. Static helpers
 * for the parts ({@link #change}, {@link #codes}, ...) and a fluent form: {@code
 * assertThatPlan(plan).changes("server").with(Action.REPLACE, ReasonCode.EXPIRING)}.
 */
public final class PlanAssert extends AbstractAssert<PlanAssert, Plan> {
  private PlanAssert(Plan plan) {
    super(plan, PlanAssert.class);
  }

  public static PlanAssert assertThatPlan(Plan plan) {
    return new PlanAssert(plan);
  }

  /** The changed resources' addresses, in plan order: {@code ca}, {@code server}, ... */
  public static List<String> addresses(Plan plan) {
    return plan.changes().stream().map(Change::address).toList();
  }

  /** Each change as its symbol and address, in plan order: {@code +ca}, {@code ~server}, ... */
  public static List<String> lines(Plan plan) {
    return plan.changes().stream().map(c -> c.action().symbol() + c.address()).toList();
  }

  /** The change at {@code address}; fails the test, naming the plan's addresses, if there is none. */
  public static Change change(Plan plan, String address) {
    return plan.changes().stream()
        .filter(c -> c.address().equals(address))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no change for " + address + " in " + lines(plan)));
  }

  /** The codes of a change's reasons, in order. */
  public static List<ReasonCode> codes(Change change) {
    return change.reasons().stream().map(Reason::code).toList();
  }

  public static List<String> warningCodes(Plan plan) {
    return plan.warnings().stream().map(Warning::code).toList();
  }

  public static List<String> warningMessages(Plan plan) {
    return plan.warnings().stream().map(Warning::message).toList();
  }

  /** Nothing to change. */
  public PlanAssert hasNoChanges() {
    isNotNull();
    assertThat(lines(actual)).as("the plan's changes").isEmpty();
    return this;
  }

  /** Exactly these changes, in this order, each as its symbol and address ({@code ~server}). */
  public PlanAssert hasChanges(String... symbolAndAddress) {
    isNotNull();
    assertThat(lines(actual)).as("the plan's changes").containsExactly(symbolAndAddress);
    return this;
  }

  /** The change at {@code address}, for assertions about it. */
  public ChangeAssert changes(String address) {
    isNotNull();
    return new ChangeAssert(change(actual, address));
  }

  /** No change at {@code address}. */
  public PlanAssert leavesAlone(String address) {
    isNotNull();
    assertThat(addresses(actual)).as("the plan's changes").doesNotContain(address);
    return this;
  }

  /** Assertions about one change. */
  public static final class ChangeAssert extends AbstractAssert<ChangeAssert, Change> {
    private ChangeAssert(Change change) {
      super(change, ChangeAssert.class);
    }

    /** This action for exactly these reasons, in order. */
    public ChangeAssert with(Action action, ReasonCode... reasons) {
      assertThat(actual.action()).as("action of %s", actual.address()).isEqualTo(action);
      assertThat(codes(actual)).as("reasons of %s", actual.address()).containsExactly(reasons);
      return this;
    }

    public ChangeAssert hasAction(Action action) {
      assertThat(actual.action()).as("action of %s", actual.address()).isEqualTo(action);
      return this;
    }

    /** These reasons among others. */
    public ChangeAssert because(ReasonCode... reasons) {
      assertThat(codes(actual)).as("reasons of %s", actual.address()).contains(reasons);
      return this;
    }

    /** Its reasons' words contain each of the texts. */
    public ChangeAssert saying(String... texts) {
      assertThat(actual.reasonText()).as("reasons of %s", actual.address()).contains(Arrays.asList(texts));
      return this;
    }
  }
}
