package org.hostpki.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.hostpki.apply.Reconciler;
import org.hostpki.model.HostpkiException;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.PlanJson;
import org.hostpki.plan.PlanText;
import picocli.CommandLine.Command;
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
      "  2   changes pending (only with --detailed-exitcode)",
      "  64  usage error"
    })
final class PlanCommand extends StoreCommand implements Callable<Integer> {

  @Option(names = "--out", completionCandidates = Completion.Files.class, paramLabel = "PLAN.json", description = "Also save the plan as JSON, for 'apply --plan'.")
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
    // What the timer and watch would do: a renewal waiting for a window is not a pending change.
    Reconciler.Observation observation =
        reconciler()
            .plan(
                desiredState(),
                replace.isEmpty() ? EnumSet.noneOf(PlanInput.Replace.class) : EnumSet.copyOf(replace),
                true);
    Plan plan = observation.plan();
    print(plan);
    if (plan.isRefused()) {
      return ExitCodes.ERROR; // apply would refuse it: not worth saving
    }
    if (out != null) {
      Path target = environment.resolve(out);
      try {
        Files.writeString(target, PlanJson.render(plan) + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new HostpkiException("cannot write the plan to " + target + ": " + e.getMessage());
      }
      if (output == OutputFormat.text) {
        out().println("Saved the plan to " + target + "; apply it with: hostpki apply -f " + file + " --plan " + out);
      }
    }
    return detailedExitCode && !plan.isEmpty() ? ExitCodes.CHANGES_PENDING : ExitCodes.OK;
  }

  void print(Plan plan) {
    if (output == OutputFormat.json) {
      out().println(PlanJson.render(plan));
    } else {
      out().print(new PlanText(color()).lines(plan), color());
    }
    out().flush();
  }
}
