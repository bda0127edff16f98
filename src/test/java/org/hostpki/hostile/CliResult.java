package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;

/** What one in-process run of the CLI printed and returned. */
record CliResult(int exitCode, String out, String err) {

  /** Hostile input never shows a user a stack trace: that is only for {@code --debug}. */
  CliResult assertNoStackTrace() {
    assertThat(out + err).as(toString()).doesNotContain("Exception", "\tat ", "Error:");
    return this;
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}
