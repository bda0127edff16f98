package org.hostpki.plan;

import java.util.List;
import java.util.Objects;

/**
 * Something that stops a plan from being applied: apply refuses it and changes nothing, and
 * {@code plan} shows it as an error.
 *
 * @param kind why, as a stable code, for scripts
 * @param subject what it is about: {@code server}
 * @param message one line saying what is refused and how to go on
 * @param problems each thing found wrong, complete on its own
 */
public record Refusal(RefusalCode kind, String subject, String message, List<String> problems) {
  public Refusal {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
    problems = List.copyOf(problems);
  }

  /**
   * A refusal by its code's word.
   *
   * @throws IllegalArgumentException for a code that is not a {@link RefusalCode}'s
   */
  public Refusal(String code, String subject, String message, List<String> problems) {
    this(RefusalCode.of(code), subject, message, problems);
  }

  /** The stable code of the JSON plan: {@code chain-refused}. */
  public String code() {
    return kind.code();
  }

  /**
   * The message and its problems on one line, for where one line is all there is ({@code check}'s
   * summary, a reason in a hook's environment): {@code cannot import the chain in …: certificate 1
   * of 3 (CN=…) is not valid before …}. The message alone ends in a colon that promised them.
   */
  public String line() {
    return problems.isEmpty() ? message : message + " " + String.join("; ", problems);
  }

  /** The message and each problem on its own indented line, as printed for users. */
  public String describe() {
    StringBuilder sb = new StringBuilder(message);
    problems.forEach(p -> sb.append("\n  - ").append(p));
    return sb.toString();
  }
}
