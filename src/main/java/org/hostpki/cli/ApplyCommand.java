package org.hostpki.cli;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hostpki.apply.Reconciler;
import org.hostpki.apply.SavedPlan;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostpkiException;
import org.hostpki.plan.JsonWriter;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.PlanJson;
import org.hostpki.plan.PlanText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "apply",
    description = "Make the store match the desired state: lock, plan, write atomically, check.",
    footer = {
      "",
      "Examples:",
      "  hostpki apply -f /etc/hostpki/host.yaml",
      "  hostpki apply -f host.yaml --check           # dry run: exit 2 if changes",
      "  hostpki apply -f host.yaml --replace server  # new key and certificate now",
      "",
      "Exit codes:",
      "  0   success",
      "  1   error: nothing changed; or a hook failed after the change",
      "  2   changes pending (only with --check)",
      "  64  usage error"
    })
final class ApplyCommand extends StoreCommand implements Callable<Integer> {

  @Option(names = "--check", description = "Only show the plan; exit 2 when changes are pending.")
  boolean check;

  @Option(names = "--plan", completionCandidates = Completion.Files.class, paramLabel = "PLAN.json", description = "Apply this saved plan, refused if stale.")
  String savedPlan;

  @Option(
      names = "--replace",
      paramLabel = "ca|server",
      converter = ReplaceConverter.class,
      completionCandidates = ReplaceConverter.Candidates.class,
      description = "Re-issue with a new key even without drift.")
  List<PlanInput.Replace> replace = List.of();

  @Option(
      names = "--lock-timeout",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = DurationConverter.class,
      description = "Wait this long for another apply to finish (e.g. 30s); default: fail at once.")
  Duration lockTimeout;

  ApplyCommand(Environment environment) {
    super(environment);
  }

  @Override
  public Integer call() {
    DesiredState desired = desiredState();
    EnumSet<PlanInput.Replace> replacements =
        replace.isEmpty() ? EnumSet.noneOf(PlanInput.Replace.class) : EnumSet.copyOf(replace);
    Reconciler reconciler = reconciler();
    if (check) {
      Plan plan = reconciler.plan(desired, replacements).plan();
      printPlan(plan, false, Optional.empty(), desired);
      if (plan.isRefused()) {
        return ExitCodes.ERROR;
      }
      return plan.isEmpty() ? ExitCodes.OK : ExitCodes.CHANGES_PENDING;
    }
    Optional<SavedPlan> saved = Optional.ofNullable(savedPlan).map(p -> SavedPlan.read(environment.resolve(p)));
    MetricsRecorder metrics = new MetricsRecorder(w -> err().println("warning: " + w));
    Reconciler.Result result;
    try {
      // A saved plan is applied as 'plan' showed it: renewals waiting for a window stay waiting.
      result = reconciler.apply(desired, replacements, saved, lockTimeout, saved.isPresent());
    } catch (RuntimeException e) {
      metrics.failed(desired, reconciler, environment.clock().instant());
      throw e;
    }
    metrics.applied(desired, result);
    printPlan(result.plan(), !result.plan().isEmpty(), result.generation(), desired);
    result.notices().forEach(n -> err().println("warning: " + n));
    if (result.hookFailure().isPresent()) {
      throw new HostpkiException(
          result.hookFailure().get().message() + "; the store was updated (generation " + result.generation().orElse("?") + ")");
    }
    return ExitCodes.OK;
  }

  private void printPlan(Plan plan, boolean applied, Optional<String> generation, DesiredState desired) {
    if (output == OutputFormat.json) {
      JsonWriter w = new JsonWriter().beginObject();
      w.field("changed", applied);
      w.field("check", check);
      generation.ifPresent(g -> w.field("generation", g));
      w.name("plan").json(PlanJson.render(plan));
      out().println(w.endObject());
    } else {
      out().print(new PlanText(color()).lines(plan), color());
      if (applied) {
        out().println(
            "Applied: store " + desired.store().path() + " is now at generation " + generation.orElse("?") + ".");
      }
    }
    out().flush();
  }
}
