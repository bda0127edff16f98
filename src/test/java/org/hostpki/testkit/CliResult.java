package org.hostpki.testkit;

import static org.assertj.core.api.Assertions.assertThat;

/** What one run of the CLI printed and returned. */
public record CliResult(int exitCode, String out, String err) {

  public CliResult assertExitCode(int expected) {
    assertThat(exitCode).as(toString()).isEqualTo(expected);
    return this;
  }

  public CliResult assertSucceeded() {
    return assertExitCode(0);
  }

  /** Bad input never shows a user a stack trace: that is only for {@code --debug}. */
  public CliResult assertNoStackTrace() {
    assertThat(out + err).as(toString()).doesNotContain("Exception", "\tat ", "Error:");
    return this;
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}
