package org.hostpki.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** How a child process ended: its exit code and everything it printed. */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {

  /** Both streams, for tools that print their verdict on either. */
  public String output() {
    return stdout + stderr;
  }

  public ProcessResult assertSucceeded() {
    return assertExitCode(0);
  }

  public ProcessResult assertFailed() {
    assertThat(exitCode).as("exit code of %s", this).isNotZero();
    return this;
  }

  public ProcessResult assertExitCode(int expected) {
    assertThat(exitCode).as("exit code of %s", this).isEqualTo(expected);
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
