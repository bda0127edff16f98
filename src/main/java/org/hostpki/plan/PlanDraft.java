package org.hostpki.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.Fingerprint;

/** What the parts of one planning run found so far: changes, warnings, refusals, what stays. */
final class PlanDraft {
  private final List<Change> changes = new ArrayList<>();
  private final List<Warning> warnings = new ArrayList<>();
  private final List<Refusal> refusals = new ArrayList<>();
  private int unchanged;

  void add(Change change) {
    changes.add(change);
  }

  void warn(Warning warning) {
    warnings.add(warning);
  }

  void refuse(Refusal refusal) {
    refusals.add(refusal);
  }

  /** One resource was checked and matches. */
  void unchanged() {
    unchanged++;
  }

  /** The change planned so far at {@code address}, if any. */
  Optional<Change> change(String address) {
    return changes.stream().filter(c -> c.address().equals(address)).findFirst();
  }

  /** The addresses changed so far. */
  List<String> addresses() {
    return changes.stream().map(Change::address).toList();
  }

  Plan plan(Fingerprint basis) {
    return new Plan(changes, warnings, refusals, unchanged, basis);
  }
}
