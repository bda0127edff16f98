package org.hostpki.cli;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.hostpki.apply.Reconciler;
import org.hostpki.model.ShellCommand;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.PlanJson;
import org.hostpki.plan.PlanText;
import org.hostpki.store.OutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "plan",
    description = "Show what apply would change, and why. Changes nothing.",
    footer = {
      "",
      "Examples:",
      "  hostpki plan -f /etc/hostpki/host.yaml",
      "  hostpki plan -f host.yaml --out plan.json     # then:",
      "  hostpki apply -f host.yaml --plan plan.json",
      "",
      "Exit codes:",
      "  0   success, also with changes pending",
      "  1   error; also when apply would refuse the plan",
      "  2   changes or hooks pending (only with --detailed-exitcode)",
      "  64  usage error"
    })
final class PlanCommand extends StoreCommand implements Callable<Integer> {

  @Mixin FileArgument argument;

  @Option(
      names = "--out",
      completionCandidates = Completion.Files.class,
      paramLabel = "PLAN.json",
      description = "Also save the plan as JSON, for 'apply --plan' (a new file renamed into place; never inside a store); - writes it to standard output and the report to standard error.")
  String out;

  @Option(names = "--detailed-exitcode", description = "Exit 2 when changes are pending.")
  boolean detailedExitCode;

  @Option(
      names = "--replace",
      paramLabel = "ca|server",
      converter = ReplaceConverter.class,
      completionCandidates = ReplaceConverter.Candidates.class,
      description = "Re-issue with a new key even without drift (e.g. a suspected key compromise).")
  List<PlanInput.Replace> replace = List.of();

  PlanCommand(Environment environment) {
    super(environment);
  }

  @Override
  public Integer call() {
    Optional<OutputFile> saveTo = OutputOption.file(spec.commandLine(), environment, out);
    boolean toStandardOutput = OutputOption.STANDARD_OUTPUT.equals(out);
    // What the timer and watch would do: a renewal waiting for a window is not a pending change.
    Set<PlanInput.Replace> replacing =
        replace.isEmpty() ? EnumSet.noneOf(PlanInput.Replace.class) : EnumSet.copyOf(replace);
    Reconciler.Observation observation = reconciler().plan(desiredState(), replacing, true);
    Plan plan = observation.plan();
    boolean json = output.json();
    if (!json) {
      // With --out -, standard output carries the saved plan alone.
      TerminalWriter to = toStandardOutput ? err() : out();
      to.print(new PlanText(color()).lines(plan), color());
      to.flush();
    }
    if (plan.isRefused()) {
      if (json || toStandardOutput) {
        printJson(plan);
      }
      return ExitCodes.ERROR; // apply would refuse it: not worth saving
    }
    if (saveTo.isPresent()) {
      saveTo.get().write(saved(observation, replacing).concat("\n").getBytes(StandardCharsets.UTF_8));
      if (!json) {
        out().println(
            "Saved the plan to " + saveTo.get().path() + "; apply it with: " + ShellCommand.hostpki("apply", "-f", file, "--plan", out));
      }
    }
    if (toStandardOutput) {
      out().print(saved(observation, replacing).concat("\n"));
      out().flush();
    } else if (json) {
      printJson(plan); // after the file is saved: a failed save prints the error document alone
    }
    return detailedExitCode && plan.hasWork(false) ? ExitCodes.CHANGES_PENDING : ExitCodes.OK;
  }

  private static String saved(Reconciler.Observation observation, Set<PlanInput.Replace> replacing) {
    return PlanJson.renderSaved(
        observation.plan(), VersionReport.ofThisProcess().build(), replacing, observation.basis().generation(),
        observation.basis().parts());
  }

  private void printJson(Plan plan) {
    out().print(PlanJson.render(plan).concat("\n"));
    out().flush();
  }
}
