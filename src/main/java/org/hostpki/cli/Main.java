package org.hostpki.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** The {@code hostpki} command's entry point. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    StandardOutput stdout = StandardOutput.install();
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    Environment environment = Environment.system();
    PrintWriter err = JournalPriorities.forStandardError(new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        environment.variables(), Path.of("/proc/self/fd/2"));
    int code = run(out, err, environment, args);
    out.flush();
    code = stdout.exitCode(code, err);
    err.flush();
    System.exit(code);
  }

  /** Runs one command line and returns its exit code; what tests call. */
  public static int run(PrintWriter out, PrintWriter err, Environment environment, String... args) {
    Optional<String> undecodable = ArgumentEncoding.undecodable(args, ArgumentEncoding.ofThisJvm());
    if (undecodable.isPresent()) {
      TerminalWriter e = TerminalWriter.to(err, false);
      e.println("error: " + undecodable.get());
      e.flush();
      return ExitCodes.USAGE;
    }
    return HostpkiCommand.commandLineFor(out, err, environment, args).execute(args);
  }
}
