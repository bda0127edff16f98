package org.hostpki.plan;

import java.util.List;
import java.util.Objects;

/**
 * One planned change to one resource.
 *
 * @param address the resource: {@code ca}, {@code server}, {@code output/server.p12}, {@code
 *     trust/NAME}
 * @param before the resource's attributes now, for reviewers (empty when it does not exist)
 * @param after the attributes it will have, as far as they are known before applying
 */
public record Change(
    String address,
    Action action,
    List<Reason> reasons,
    Intent intent,
    Attributes before,
    Attributes after) {

  public Change {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(action, "action");
    reasons = List.copyOf(reasons);
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("a change needs a reason: " + address);
    }
    Objects.requireNonNull(intent, "intent");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
  }

  public Change(String address, Action action, List<Reason> reasons, Intent intent) {
    this(address, action, reasons, intent, Attributes.none(), Attributes.none());
  }

  /** The reasons' words joined for one line of a text plan. */
  public String reasonText() {
    return String.join("; ", reasons.stream().map(Reason::message).toList());
  }
}
