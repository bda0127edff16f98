package org.hostpki.plan;

import java.util.List;
import java.util.Objects;
import org.hostpki.model.Fingerprint;

/**
 * A plan: the ordered changes that make the store match the desired state, with warnings, and
 * the refusals that keep it from being applied.
 *
 * @param refusals when not empty, apply changes nothing and fails; {@code plan} shows them as
 *     errors
 * @param unchanged how many resources were checked and already match
 * @param basis a digest of everything the plan was computed from (store content, host identity,
 *     desired state, trusted inputs); a saved plan whose basis no longer matches is stale
 */
public record Plan(
    List<Change> changes,
    List<Warning> warnings,
    List<Refusal> refusals,
    int unchanged,
    Fingerprint basis) {

  /** The version of the JSON plan format; bumped on incompatible change. */
  public static final String FORMAT_VERSION = "1";

  public Plan {
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
    refusals = List.copyOf(refusals);
    Objects.requireNonNull(basis, "basis");
  }

  /** A plan nothing refuses. */
  public Plan(List<Change> changes, List<Warning> warnings, int unchanged, Fingerprint basis) {
    this(changes, warnings, List.of(), unchanged, basis);
  }

  /** Whether apply must refuse this plan. */
  public boolean isRefused() {
    return !refusals.isEmpty();
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  public long count(Action action) {
    return changes.stream().filter(c -> c.action() == action).count();
  }

  /** Whether any change touches the server certificate or its key. */
  public boolean changesServer() {
    return changes.stream()
        .anyMatch(
            c ->
                c.intent() instanceof Intent.IssueServer
                    || c.intent() instanceof Intent.InstallExternalChain);
  }
}
