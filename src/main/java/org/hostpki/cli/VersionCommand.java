package org.hostpki.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hostpki version}: what {@code --version} prints, also as JSON. */
@Command(
    name = "version",
    description =
        "Print the version of hostpki, the commit and date it was built from, and the Java runtime"
            + " and BouncyCastle version it runs with.",
    footer = {
      "",
      "Examples:",
      "  hostpki version",
      "  hostpki version --output json | jq -r .commit",
      "",
      "A build from a source tarball, without git, reports the commit as unknown.",
      "",
      "Exit codes:",
      "  0   printed",
      "  1   standard output could not be written",
      "  64  usage error"
    })
final class VersionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin HelpOption help;

  @Mixin FormatOption output;

  @Override
  public Integer call() {
    VersionReport report = VersionReport.ofThisProcess();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      out.println(report.json());
    } else {
      out.print(report.text());
    }
    out.flush();
    return ExitCodes.OK;
  }
}
