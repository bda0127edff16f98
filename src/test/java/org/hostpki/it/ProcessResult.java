package org.hostpki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** How a child process ended: its exit code and everything it printed. */
record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {

  /** Both streams, for tools that print their verdict on either. */
  String output() {
    return stdout + stderr;
  }

  ProcessResult assertSucceeded() {
    assertThat(exitCode).as("exit code of %s", this).isZero();
    return this;
  }

  ProcessResult assertFailed() {
    assertThat(exitCode).as("exit code of %s", this).isNotZero();
    return this;
  }

  @Override
  public String toString() {
    return String.join(" ", command)
        + "\n--- exit code "
        + exitCode
        + "\n--- stdout\n"
        + stdout
        + "--- stderr\n"
        + stderr;
  }
}
