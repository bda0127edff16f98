package org.hostpki.plan;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

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
    SortedMap<String, String> before,
    SortedMap<String, String> after) {

  public Change {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(action, "action");
    reasons = List.copyOf(reasons);
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("a change needs a reason: " + address);
    }
    Objects.requireNonNull(intent, "intent");
    before = Collections.unmodifiableSortedMap(new TreeMap<>(before));
    after = Collections.unmodifiableSortedMap(new TreeMap<>(after));
  }

  public Change(String address, Action action, List<Reason> reasons, Intent intent) {
    this(address, action, reasons, intent, new TreeMap<>(), new TreeMap<>());
  }

  /** The reasons' words joined for one line of a text plan. */
  public String reasonText() {
    return String.join("; ", reasons.stream().map(Reason::message).toList());
  }

  static SortedMap<String, String> attributes(Map<String, String> values) {
    return new TreeMap<>(values);
  }
}
