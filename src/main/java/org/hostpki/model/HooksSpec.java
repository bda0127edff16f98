package org.hostpki.model;

import java.util.List;

/**
 * Commands run after a change, each an argv list (no shell).
 *
 * @param afterServerChange run when the server certificate or key changed
 */
public record HooksSpec(List<List<String>> afterServerChange) {
  public HooksSpec {
    afterServerChange = afterServerChange.stream().map(List::copyOf).toList();
  }

  public static HooksSpec none() {
    return new HooksSpec(List.of());
  }
}
