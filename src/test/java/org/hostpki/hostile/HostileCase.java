package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * One bad input: what to break in a copy of the good store, the command to run, and what the user
 * must be told. Running it checks the exit code, that every expected piece of the message is on
 * standard error (or in the plan on standard output, for a plan apply would refuse), that no
 * stack trace is shown, and that not one byte, mode or link under the folder changed.
 */
record HostileCase(
    String name,
    Setup setup,
    List<String> args,
    Map<String, String> environment,
    int exitCode,
    List<String> messages,
    boolean inPlan) {

  /** Breaks something in a fresh copy of the good store. */
  @FunctionalInterface
  interface Setup {
    void breakIn(Workspace workspace) throws Exception;
  }

  /** {@code hostpki apply -f host.yaml} fails with exit 1 and these pieces of message. */
  static HostileCase apply(String name, Setup setup, String... messages) {
    return new HostileCase(
        name, setup, List.of("apply", "-f", "host.yaml"), GoodStore.ENVIRONMENT, 1, List.of(messages),
        false);
  }

  HostileCase withArgs(String... args) {
    return new HostileCase(name, setup, List.of(args), environment, exitCode, messages, inPlan);
  }

  HostileCase withEnvironment(Map<String, String> variables) {
    return new HostileCase(name, setup, args, variables, exitCode, messages, inPlan);
  }

  HostileCase withExitCode(int code) {
    return new HostileCase(name, setup, args, environment, code, messages, inPlan);
  }

  /** The messages are in the plan printed on standard output ({@code plan}, {@code apply --check}). */
  HostileCase inThePlan() {
    return new HostileCase(name, setup, args, environment, exitCode, messages, true);
  }

  /** Runs the case in {@code workspace} and returns what the CLI printed. */
  CliResult check(Workspace workspace) throws Exception {
    setup.breakIn(workspace);
    SortedMap<String, String> before = workspace.snapshot();

    CliResult result = workspace.hostpki(environment, args);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(exitCode);
    for (String message : messages) {
      assertThat(inPlan ? result.out() : result.err())
          .as(result.toString())
          .contains(workspace.expand(message));
    }
    result.assertNoStackTrace();
    assertThat(workspace.snapshot()).as("the folder after " + args).isEqualTo(before);
    return result;
  }

  @Override
  public String toString() {
    return name;
  }
}
