package org.hostpki.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.hostpki.apply.Reconciler;
import org.hostpki.files.FileReasons;
import org.hostpki.config.StrictModes;
import org.hostpki.files.InputFiles;
import org.hostpki.files.InputKind;
import org.hostpki.metrics.RunOutcome;
import org.hostpki.metrics.StoreMetrics;
import org.hostpki.metrics.StoreState;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.InstallTarget;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.Warning;
import org.hostpki.plan.WarningCode;
import org.hostpki.store.OutputFile;
import org.hostpki.store.OutputTarget;

/**
 * Writes {@code metrics.textfile} after every apply, every {@code watch} observation and every
 * {@code check}, whatever their result. A file that cannot be written is a warning, never a failed
 * run: monitoring sees it by the file's age ({@code node_textfile_mtime_seconds}). Pending hooks
 * are counted from the store's records, which outlive the run that failed them.
 */
final class MetricsRecorder {
  private final Consumer<String> warn;

  /**
   * @param warn where a failure to write goes: standard error, or the watch log
   */
  MetricsRecorder(Consumer<String> warn) {
    this.warn = warn;
  }

  /**
   * After an apply that ran to its end (a failed hook included). An unattended run on a store a
   * rollback holds applies nothing: its plan's changes are drift, not changes made.
   */
  void applied(DesiredState desired, Reconciler.Result result) {
    int planned = result.plan().changes().size();
    boolean held = result.heldBy().isPresent();
    List<String> failingNow = result.installFailures().keySet().stream().map(InstallTarget::address).toList();
    List<Warning> warnings = warningsAfterApply(result.plan().warnings(), failingNow, held);
    write(
        desired,
        Optional.of(
            new StoreState(result.observed(), result.host(), result.acme(), result.now(), held ? planned : 0,
                result.pendingAfter().size(), warnings.stream().map(Warning::code).toList(),
                installFailingAfterApply(warnings, failingNow))),
        Optional.of(new RunOutcome(
            result.now(), result.hookFailure().isEmpty() && result.installFailures().isEmpty(), held ? 0 : planned)));
  }

  /**
   * After an observation that applied nothing ({@code watch}): the drift it saw.
   *
   * @param success false when the plan is one apply would refuse
   */
  void observed(DesiredState desired, Reconciler.Observation o, boolean success) {
    write(desired, Optional.of(state(o)), Optional.of(new RunOutcome(o.now(), success, 0)));
  }

  /**
   * After {@code check}, which applies nothing: the store as it saw it, and the last apply's
   * outcome as the file says it (a check is no apply, and must not hide a failing one).
   */
  void checked(DesiredState desired, Reconciler.Observation o) {
    if (desired.metrics().textfile().isEmpty()) {
      return;
    }
    write(desired, Optional.of(state(o)), lastRun(desired, desired.metrics().textfile().get()));
  }

  /**
   * After a run that failed: the store is as it was, so it is read again for what it holds (when
   * it cannot be, only the run's result is written).
   */
  void failed(DesiredState desired, Reconciler reconciler, Instant at) {
    if (desired.metrics().textfile().isEmpty()) {
      return;
    }
    Optional<StoreState> state;
    try {
      state = Optional.of(state(reconciler.plan(desired, EnumSet.noneOf(PlanInput.Replace.class), true)));
    } catch (RuntimeException e) { // reported by the run itself; here it only leaves out the store
      state = Optional.empty();
    }
    write(desired, state, Optional.of(new RunOutcome(at, false, 0)));
  }

  private static StoreState state(Reconciler.Observation o) {
    return new StoreState(
        o.store().facts(), o.host(), o.acme(), o.now(), o.plan().changes().size(), o.plan().pendingHooks().size(),
        warningCodes(o.plan()), installFailing(o.plan()));
  }

  /**
   * The plan's warnings as they stand after its apply: the plan was made before it, and its
   * {@code install-failed} of a target this apply tried again and changed is over (found by
   * rvcore15: the apply that fixed a failing target left hostpki_warnings{code="install-failed"}
   * at 1 until the next check). A run a rollback holds tries no target: its warnings stay.
   */
  static List<Warning> warningsAfterApply(List<Warning> planned, List<String> failingNow, boolean held) {
    return planned.stream()
        .filter(w -> held || w.kind() != WarningCode.INSTALL_FAILED || failingNow.contains(target(w)))
        .toList();
  }

  /** This apply's failing targets, and those its warnings still name as failing (not tried). */
  static List<String> installFailingAfterApply(List<Warning> warnings, List<String> failingNow) {
    List<String> failing = new ArrayList<>(failingNow);
    installFailing(warnings).stream().filter(t -> !failing.contains(t)).forEach(failing::add);
    return failing;
  }

  private static String target(Warning w) {
    String prefix = InstallTarget.SUBJECT_PREFIX;
    return w.subject().startsWith(prefix) ? w.subject().substring(prefix.length()) : w.subject();
  }

  /** The targets the plan warns of as failing: {@code install-unreadable}, {@code install-failed}. */
  private static List<String> installFailing(Plan plan) {
    return installFailing(plan.warnings());
  }

  private static List<String> installFailing(List<Warning> warnings) {
    return warnings.stream()
        .filter(w -> w.kind().failingInstall() && w.subject().startsWith(InstallTarget.SUBJECT_PREFIX))
        .map(MetricsRecorder::target)
        .toList();
  }

  private static List<String> warningCodes(Plan plan) {
    return plan.warnings().stream().map(Warning::code).toList();
  }

  /** The last run the metrics file records; empty when there is none, or it cannot be read. */
  private Optional<RunOutcome> lastRun(DesiredState desired, Path file) {
    try {
      String text = new String(InputFiles.read(file, InputKind.METRICS_FILE), StandardCharsets.UTF_8);
      return StoreMetrics.lastRun(text, desired);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      warn.accept("the metrics file " + file + " could not be read (" + FileReasons.of(e)
          + "); the last apply's outcome is left out of it until the next apply");
      return Optional.empty();
    }
  }

  /**
   * Another store whose series the metrics file holds, and which is still there (a hostpki store
   * at that path, not this one under another name): writing would drop its series. A store that
   * moved or was removed leaves series nobody updates; those are replaced. Empty also when the
   * file does not exist or cannot be read (writing it says why).
   */
  private static Optional<String> anotherStoresFile(DesiredState desired, String text) {
    for (String store : StoreMetrics.otherStores(text, desired)) {
      try {
        Path other = Path.of(store);
        if (other.isAbsolute()
            && OutputTarget.enclosingStore(other).filter(other::equals).isPresent()
            && !sameStore(other, desired.store().path())) {
          return Optional.of(store);
        }
      } catch (InvalidPathException e) {
        // not a store this host has: its series are stale
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the store {@code other} (which exists) is this one, {@code ours}, under another name.
   * Ours need not exist yet (a check before the first apply): then only the same path is.
   */
  private static boolean sameStore(Path other, Path ours) {
    try {
      return Files.isSameFile(other, ours);
    } catch (IOException e) {
      return other.toAbsolutePath().normalize().equals(ours.toAbsolutePath().normalize());
    }
  }

  /**
   * A file name in the metrics file's folder for this store alone: after its desired-state file
   * ({@code /etc/hostpki/nginx.yaml}: {@code hostpki-nginx.prom}), or when that name says nothing
   * of the store ({@code /etc/nginx/hostpki.yaml}), after the store's path ({@code
   * hostpki-etc-nginx-pki.prom}): stores are told apart by their paths, not by their folders'
   * names ({@code /etc/nginx/pki}, {@code /etc/postfix/pki}).
   */
  static Path ownFile(DesiredState desired, Path file) {
    String stem = desired.source().getFileName() == null ? "" : desired.source().getFileName().toString();
    stem = stem.replaceFirst("\\.(?i:ya?ml)$", "");
    Path named = file.resolveSibling("hostpki-" + stem + ".prom");
    if (!stem.isEmpty() && !stem.equalsIgnoreCase("hostpki") && !named.equals(file)) {
      return named;
    }
    StringBuilder path = new StringBuilder();
    for (Path part : desired.store().path().toAbsolutePath().normalize()) {
      path.append(path.length() == 0 ? "" : "-").append(part);
    }
    return file.resolveSibling("hostpki-" + path + ".prom");
  }

  /**
   * The metrics file's text, to see whose series it holds; empty when it cannot be read, or when
   * another user could have written it ({@link StrictModes}): whoever may write the folder could
   * otherwise forge another store's series there and stop this store's being written for good.
   */
  private static Optional<String> readForOthers(Path file) {
    if (file.getFileSystem() == java.nio.file.FileSystems.getDefault()
        && StrictModes.forThisProcess().problem(file, "the metrics file").isPresent()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new String(InputFiles.read(file, InputKind.METRICS_FILE), StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private void write(DesiredState desired, Optional<StoreState> state, Optional<RunOutcome> run) {
    Optional<Path> file = desired.metrics().textfile();
    if (file.isEmpty()) {
      return;
    }
    Optional<String> text = readForOthers(file.get());
    Optional<String> other = text.flatMap(t -> anotherStoresFile(desired, t));
    if (other.isPresent()) {
      String lastRun = StoreMetrics.lastRun(text.get(), other.get())
          .map(r -> " (its series say it was last run at " + r.at() + ")")
          .orElse("");
      warn.accept(
          "the metrics file " + file.get() + " was not written: it holds the series of another store, "
              + other.get() + lastRun + ", and each write replaces the whole file (a monitor would see one"
              + " store at a time). If that store's desired state names the same metrics.textfile, give each"
              + " store a file of its own in that folder, e.g. " + ownFile(desired, file.get())
              + ": node_exporter's textfile collector reads every *.prom file there. If that store is no"
              + " longer applied (a copy left at its old path after a move), delete " + file.get()
              + ": the next run writes it anew");
      return;
    }
    try {
      // Written as every output file is: a new file renamed into place, never into a store.
      OutputFile.at(file.get()).write(StoreMetrics.render(desired, state, run).getBytes(StandardCharsets.UTF_8));
    } catch (HostpkiException e) {
      // metrics.textfile is a file, never standard output: OutputFile's hint for -o does not apply.
      warn.accept(
          "the metrics file was not written: " + e.getMessage().replace(" " + OutputFile.STANDARD_OUTPUT, ""));
    }
  }
}
