package org.hostpki.model;

import java.util.List;

/**
 * Commands run around a change, each an argv list (no shell). A hook runs once for the generation
 * it belongs to; outputs have their own ({@link OutputSpec#afterChange()}).
 *
 * @param afterServerChange run when the server certificate or key changed
 * @param afterTrustChange run when the trusted certificates (trust/, trust-bundle.crt,
 *     truststore.p12) changed
 * @param afterCaChange run when the CA changed: a new CA, a rotation step
 * @param beforeChange run before a new generation is written; a failure aborts the apply with
 *     nothing changed
 */
public record HooksSpec(
    List<List<String>> afterServerChange,
    List<List<String>> afterTrustChange,
    List<List<String>> afterCaChange,
    List<List<String>> beforeChange) {
  public HooksSpec {
    afterServerChange = copy(afterServerChange);
    afterTrustChange = copy(afterTrustChange);
    afterCaChange = copy(afterCaChange);
    beforeChange = copy(beforeChange);
  }

  /** Only {@code afterServerChange}. */
  public HooksSpec(List<List<String>> afterServerChange) {
    this(afterServerChange, List.of(), List.of(), List.of());
  }

  public static HooksSpec none() {
    return new HooksSpec(List.of());
  }

  private static List<List<String>> copy(List<List<String>> commands) {
    return commands.stream().map(List::copyOf).toList();
  }
}
