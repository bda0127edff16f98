package org.hostpki.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.host.LiveHostIdentityProbe;

/** Runs the CLI in-process on the real file system and captures what it prints. */
final class CliRun {
  final int exitCode;
  final String out;
  final String err;

  private CliRun(int exitCode, String out, String err) {
    this.exitCode = exitCode;
    this.out = out;
    this.err = err;
  }

  static CliRun run(Path workingDirectory, Clock clock, Map<String, String> env, String... args) {
    return run(workingDirectory, clock, env, LiveHostIdentityProbe.system(), args);
  }

  static CliRun run(
      Path workingDirectory, Clock clock, Map<String, String> env, HostIdentityProbe probe, String... args) {
    return run(workingDirectory, clock, env, probe, false, args);
  }

  /** As on a terminal: progress and colour may be shown. */
  static CliRun runOnTerminal(Path workingDirectory, Clock clock, Map<String, String> env, String... args) {
    return run(workingDirectory, clock, env, LiveHostIdentityProbe.system(), true, args);
  }

  private static CliRun run(
      Path workingDirectory,
      Clock clock,
      Map<String, String> env,
      HostIdentityProbe probe,
      boolean terminal,
      String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> variables = new HashMap<>(env);
    Environment environment =
        new Environment(
            workingDirectory.getFileSystem(), workingDirectory, variables, clock, probe, terminal);
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), environment, args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}
