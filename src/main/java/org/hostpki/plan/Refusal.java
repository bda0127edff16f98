package org.hostpki.plan;

import java.util.List;
import java.util.Objects;

/**
 * Something that stops a plan from being applied: apply refuses it and changes nothing, and
 * {@code plan} shows it as an error. The only case so far is an external chain that cannot be
 * imported.
 *
 * @param code stable, for scripts: {@code chain-refused}
 * @param subject what it is about: {@code server}
 * @param message one line saying what is refused and how to go on
 * @param problems each thing found wrong, complete on its own
 */
public record Refusal(String code, String subject, String message, List<String> problems) {
  public Refusal {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
    problems = List.copyOf(problems);
  }

  /** The message and each problem on its own indented line, as printed for users. */
  public String describe() {
    StringBuilder sb = new StringBuilder(message);
    problems.forEach(p -> sb.append("\n  - ").append(p));
    return sb.toString();
  }
}
