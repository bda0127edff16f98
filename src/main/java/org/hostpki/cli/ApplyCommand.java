package org.hostpki.cli;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hostpki.apply.HookLedger;
import org.hostpki.apply.Progress;
import org.hostpki.apply.Reconciler;
import org.hostpki.apply.SavedPlan;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.TerminalText;
import org.hostpki.json.JsonWriter;
import org.hostpki.plan.Intent;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.PlanJson;
import org.hostpki.plan.PlanText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "apply",
    description = "Make the store match the desired state: lock, plan, write atomically, check.",
    footer = {
      "",
      "Examples:",
      "  hostpki apply -f /etc/hostpki/host.yaml",
      "  hostpki apply -f host.yaml --check           # dry run: exit 2 if pending",
      "  hostpki apply -f host.yaml --replace server  # new key, new certificate",
      "  hostpki apply -f host.yaml --replace server --revoke-old  # ACME",
      "  hostpki apply -f host.yaml --unattended      # from a timer or scheduler",
      "",
      "Hooks that did not finish successfully before (a failure, a timeout, hostpki killed after writing the store) are run first, whatever else is to do, until they succeed.",
      "",
      "Exit codes:",
      "  0   success",
      "  1   error: nothing on disk changed",
      "  2   changes or hooks pending (only with --check)",
      "  3   the store is at the desired state, but a hook failed (recorded) or a trust.install target could not be read"
          + " or changed (left as it was); the next run retries it",
      "  64  usage error"
    })
final class ApplyCommand extends StoreCommand implements Callable<Integer> {

  @Mixin FileArgument argument;

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
      names = "--revoke-old",
      description =
          "With --replace server and server.issuer: acme: once the new certificate is in place,"
              + " revoke the replaced one at the CA (reason keyCompromise).")
  boolean revokeOld;

  @Option(
      names = "--unattended",
      description =
          "For runs no person started (timers, schedulers): honour a rollback's hold, that is,"
              + " run only pending hooks and leave the store as the rollback left it, and renew"
              + " only inside renewal.windows. Without it, the apply releases the hold and renews"
              + " what is due at once.")
  boolean unattended;

  @Mixin StoreLockTimeout lockTimeout;

  /** Whether the apply's report up to its hooks is printed: as they were about to run. */
  private boolean reportedBeforeHooks;

  private DesiredState desired;

  /** What the JSON's {@code status} shows: the store as the run leaves it. */
  private StatusReport.StoreShown status;

  ApplyCommand(Environment environment) {
    super(environment);
  }

  /**
   * The terminal's progress, and the report of what was applied as soon as it is done, before
   * the hooks run: the hooks' output (on standard error) then follows the plan (on standard
   * output) in a log that takes both, as journald does.
   */
  @Override
  Progress progress() {
    Progress terminal = super.progress();
    return new Progress() {
      @Override
      public void step(String description) {
        terminal.step(description);
      }

      @Override
      public void waiting(String description) {
        terminal.waiting(description);
      }

      @Override
      public void committed(Reconciler.Result beforeHooks) {
        if (!output.json()) {
          printApplied(beforeHooks);
          reportedBeforeHooks = true;
        }
      }
    };
  }

  @Override
  public Integer call() {
    desired = desiredState();
    EnumSet<PlanInput.Replace> replacements =
        replace.isEmpty() ? EnumSet.noneOf(PlanInput.Replace.class) : EnumSet.copyOf(replace);
    if (revokeOld && !replacements.contains(PlanInput.Replace.SERVER)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--revoke-old revokes the certificate --replace server replaces: give both");
    }
    if (revokeOld && desired.server().issuer() != org.hostpki.model.ServerSpec.Issuer.ACME) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--revoke-old revokes through the ACME CA, and server.issuer is not acme; a certificate of"
              + " the internal CA is revoked with 'hostpki revoke'");
    }
    Reconciler reconciler = reconciler();
    if (check) {
      Reconciler.Observation observation = reconciler.plan(desired, replacements, unattended);
      Plan plan = observation.plan();
      if (output.json()) {
        status = StatusReport.of(observation).shown();
      }
      printCheck(plan);
      if (plan.isRefused()) {
        return ExitCodes.ERROR;
      }
      return plan.hasWork(unattended) ? ExitCodes.CHANGES_PENDING : ExitCodes.OK;
    }
    Optional<SavedPlan> saved = Optional.ofNullable(savedPlan).map(p -> SavedPlan.read(environment.resolve(p), VersionReport.ofThisProcess().build()));
    MetricsRecorder metrics = new MetricsRecorder(w -> err().println("warning: " + w));
    Reconciler.Result result;
    try {
      result = reconciler.apply(desired, replacements, saved, lockTimeout.value, unattended, revokeOld);
    } catch (RuntimeException e) {
      metrics.failed(desired, reconciler, environment.clock().instant());
      throw e;
    }
    metrics.applied(desired, result);
    if (output.json()) {
      // The store as the apply left it, as status shows it (the Ansible module returned it from a
      // second Java, 'hostpki status'), from the apply's own result: no second plan of the store.
      status = StatusReport.StoreShown.applied(desired, result, environment.clock().instant());
    }
    printResult(result);
    result.notices().forEach(n -> err().println("warning: " + n));
    if (!result.installFailures().isEmpty()) {
      printInstallFailures(result);
    }
    if (result.hookFailure().isPresent()) {
      String store = storeAfter(result);
      err().println(
          "error: " + result.hookFailure().get().message() + "; " + store + ". The hook is recorded"
              + " as pending: the next apply, watch tick or timer run runs it again");
      err().flush();
      return ExitCodes.HOOK_FAILED;
    }
    return result.installFailures().isEmpty() ? ExitCodes.OK : ExitCodes.HOOK_FAILED;
  }

  /** What became of the store, after a failure of a side step: {@code the store is now at ...}. */
  private static String storeAfter(Reconciler.Result result) {
    return result.generation().map(g -> "the store is now at generation " + g).orElse("the store did not change")
        + (result.heldBy().isPresent() ? ", held by a rollback" : " and matches the desired state");
  }

  /** The store's install record, for what a failure left; empty when it cannot be read now. */
  private org.hostpki.model.InstallRecord installRecord() {
    try {
      return org.hostpki.install.InstallRecordFile.read(desired.store().path());
    } catch (HostpkiException e) {
      return org.hostpki.model.InstallRecord.empty();
    }
  }

  /** {@code install_errors}: each target left as it was, its error's lines in one. */
  private static List<String> installErrors(Reconciler.Result result) {
    return result.installFailures().values().stream().map(lines -> String.join("\n", lines)).toList();
  }

  /**
   * Each install target this apply left as it was (it could not be read, or its change failed),
   * with its tool's words, and what became of the store: it went ahead without the target (exit 3).
   */
  private void printInstallFailures(Reconciler.Result result) {
    String store = storeAfter(result);
    org.hostpki.model.InstallRecord record = installRecord();
    result.installFailures().forEach((target, lines) -> {
      err().println("error: " + TerminalText.escape(lines.get(0)));
      lines.stream().skip(1).forEach(l -> err().println("  " + TerminalText.escape(l)));
      boolean hook = record.failure(target).filter(org.hostpki.model.InstallRecord.Failure::hook).isPresent();
      err().println(
          "  install/" + TerminalText.escape(target.address())
              + (hook
                  ? " holds its entries (only the hook failed, recorded); " + store
                      + ". The next apply, watch tick or timer run runs its tool again until its hooks succeed"
                  : " is left as it was; " + store + ". The next apply, watch tick or timer run tries this target again"));
    });
    err().flush();
  }

  private void printCheck(Plan plan) {
    if (output.json()) {
      out().print(
          json(plan.hasWork(unattended), true, Optional.empty(), plan, List.of(), Optional.empty(),
                  Optional.empty(), Optional.empty(), List.of(), List.of(), status)
              .line());
    } else {
      out().print(new PlanText(color()).lines(plan), color());
      if (unattended && plan.hold().isPresent() && !plan.isEmpty()) {
        out().println("An unattended apply leaves these changes: the store is held by a rollback.");
      }
    }
    out().flush();
  }

  private void printResult(Reconciler.Result result) {
    Plan plan = result.plan();
    HookLedger.Attempt hooks = result.hooks();
    boolean changed =
        result.generation().isPresent() || !hooks.attempted().isEmpty() || result.released().isPresent()
            || (!plan.isEmpty() && result.heldBy().isEmpty()) // install targets changed, the store not
            || !result.restoredLinks().isEmpty(); // made again even under a rollback's hold
    if (output.json()) {
      out().print(
          json(changed, false, result.generation(), plan, hooks.ran().stream().map(PendingHook::label).toList(),
                  result.hookFailure().map(Reconciler.HooksFailure::message),
                  result.heldBy().map(RollbackHold::at), result.released().map(RollbackHold::at),
                  result.notices(), installErrors(result), status)
              .line());
      out().flush();
      return;
    }
    if (!reportedBeforeHooks) {
      printApplied(result);
    }
    if (!hooks.ran().isEmpty()) {
      out().println("Ran the hooks: " + String.join(", ", hooks.ran().stream().map(PendingHook::label).toList()) + ".");
    }
    out().flush();
  }

  /** The text report up to the hooks: the plan, a hold released or honoured, the generation. */
  private void printApplied(Reconciler.Result result) {
    Plan plan = result.plan();
    out().print(PlanText.applying(color()).lines(plan), color());
    result.released().ifPresent(h -> out().println(
        "Released the hold of the rollback at " + PlanText.time(h.at()) + "."));
    List<String> links = result.restoredLinks().stream().map(TerminalText::escape).toList();
    if (result.heldBy().isPresent() && !plan.isEmpty()) {
      out().println(
          "Held by rollback at " + PlanText.time(result.heldBy().get().at()) + "; run `"
              + ShellCommand.hostpki("apply", "-f", file) + "` to release it. Nothing above was applied" + (links.isEmpty() ? "." : " but the links."));
    }
    result.generation().ifPresent(g -> out().println(
        "Applied: store " + desired.store().path() + " is now at generation " + g + "."));
    if (result.generation().isEmpty() && !links.isEmpty()) {
      out().println(
          "Applied: made the store's missing links again (" + String.join(", ", links) + "); the files"
              + " they lead to are as they were, nothing was re-issued or rewritten.");
    }
    if (result.generation().isEmpty() && result.heldBy().isEmpty()
        && plan.changes().stream().anyMatch(c -> c.intent() instanceof Intent.InstallTrust)) {
      out().println("Applied: the install targets changed; the store " + desired.store().path() + " did not.");
    }
    out().flush();
  }

  /** The format of the JSON document, described by schema/apply.schema.json. */
  static final String FORMAT_VERSION = "1";

  /**
   * The JSON document.
   *
   * @param changed whether the run changed anything (the store, a hold, hooks that ran); with
   *     {@code --check}, whether it would (exit 2)
   */
  private static JsonWriter json(
      boolean changed,
      boolean check,
      Optional<String> generation,
      Plan plan,
      List<String> hooksRan,
      Optional<String> hookError,
      Optional<Instant> heldBy,
      Optional<Instant> released,
      List<String> notices,
      List<String> installErrors,
      StatusReport.StoreShown status) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    w.field("changed", changed);
    w.field("check", check);
    w.field("generation", generation);
    PlanJson.write(w.name("plan"), plan);
    w.field("hooks_ran", hooksRan);
    w.field("hook_error", hookError);
    w.name("held_by_rollback").value(heldBy.orElse(null));
    w.name("released_hold").value(released.orElse(null));
    w.field("notices", notices);
    w.field("install_errors", installErrors);
    w.name("status");
    if (status == null) {
      w.nullValue();
    } else {
      w.beginObject().field("store", status.store().toString());
      StatusJson.storeMembers(w, status);
      w.endObject();
    }
    return w.endObject();
  }
}
