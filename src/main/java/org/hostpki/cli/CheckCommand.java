package org.hostpki.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.hostpki.apply.Reconciler;
import org.hostpki.check.Status;
import org.hostpki.check.Verdict;
import org.hostpki.check.VerdictJson;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.config.LoadResult;
import org.hostpki.config.Problem;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DurationText;
import org.hostpki.model.ExpiryThreshold;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.RenewBefore;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.PlanText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "check",
    description =
        "Monitoring: judge the store as unattended runs see it, in one summary line (OK, WARNING,"
            + " CRITICAL, or UNKNOWN when it cannot look) and an exit code. Read-only: it takes no"
            + " lock and writes nothing but metrics.textfile.",
    footer = {
      "",
      "A certificate hostpki renews itself is OK while its renewal can still happen in time (up to its safety margin: a quarter of renewBefore, at least 1h); one nothing renews in time (an imported chain with no newer one, a refused or held renewal, a renewal past its safety margin) is WARNING within --warning of its expiry and CRITICAL within --critical; an expired one is CRITICAL.",
      "",
      "Pending hooks, changes a rollback's hold keeps back, an ACME order that waits while the internal fallback serves, a certificate fallback none keeps although it does not serve the desired state (an ACME or imported one that lacks a wanted name, or an imported chain outside server.external.roots), a store no apply has written yet (never applied), without ca.rotation the CA from 30 days before its renewal (that run replaces it in one step: clients that trust it by hand refuse the server, or a fleet CA's hosts, after it), and with ca.rotation the new CA (ca-next) for its whole overlap (hand it to such clients before the move), are WARNING; a plan apply refuses, or a desired state it refuses to run (one others could have written), is CRITICAL.",
      "",
      "Examples:",
      "  hostpki check                                  # /etc/hostpki/host.yaml",
      "  hostpki check -f host.yaml --warning 14d --critical 3d",
      "  hostpki check -f host.yaml --nagios           # for Nagios, Icinga, NRPE",
      "",
      "Exit codes (with --nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN):",
      "  0   nothing due and nothing wrong",
      "  1   error: cannot check, apply would refuse, a certificate is WARNING or CRITICAL, or what serves is refused by clients: an ACME order waits on the fallback, or a certificate kept with fallback none lacks a wanted name or ends outside server.external.roots",
      "  2   changes pending",
      "  3   a hook is pending, or a trust.install target cannot be read or its last change failed (also when changes are pending: the more severe)",
      "  64  usage error (with --nagios: 3, UNKNOWN)"
    })
final class CheckCommand extends StoreCommand implements Callable<Integer> {

  @Mixin FileArgument argument;

  @Option(
      names = "--warning",
      paramLabel = "WHEN",
      converter = ThresholdConverter.class,
      description =
          "WARNING when a certificate nothing renews in time is this close to its expiry: a time"
              + " (14d), a share of its lifetime (10%%), due (from when its renewal falls due), or"
              + " its safety margin or a share of it (margin, 50%%margin). Default: due.")
  ExpiryThreshold warning = Verdict.Thresholds.DEFAULTS.warning();

  @Option(
      names = "--critical",
      paramLabel = "WHEN",
      converter = ThresholdConverter.class,
      description =
          "CRITICAL from this close to its expiry; the same forms, no further from expiry than"
              + " --warning (equal: no WARNING stage). Default: 50%%margin.")
  ExpiryThreshold critical = Verdict.Thresholds.DEFAULTS.critical();

  @Option(
      names = "--nagios",
      description =
          "Exit as a Nagios or Icinga plugin does (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) and add"
              + " performance data (seconds left per certificate, the thresholds) to the summary line.")
  boolean nagios;

  CheckCommand(Environment environment) {
    super(environment);
  }

  /**
   * With {@code --nagios} (text), what goes to standard error until the plugin output is out:
   * Icinga 2 reads a plugin's standard error into the same pipe as its output, and shows the
   * first line it gets as the status ({@code warning: the metrics file was not written} before
   * {@code OK: ...}).
   */
  private StringWriter deferredErr;

  private TerminalWriter deferredErrWriter;

  @Override
  TerminalWriter err() {
    if (deferredErr == null) {
      return super.err();
    }
    if (deferredErrWriter == null) {
      deferredErrWriter = TerminalWriter.to(new PrintWriter(deferredErr), super.err().colour());
    }
    return deferredErrWriter;
  }

  @Override
  public Integer call() {
    if (nagios && !output.json()) {
      deferredErr = new StringWriter();
    }
    try {
      return judge();
    } finally {
      if (deferredErr != null) {
        err().flush();
        PrintWriter target = spec.commandLine().getErr();
        target.print(deferredErr);
        target.flush();
        deferredErr = null;
      }
    }
  }

  private int judge() {
    refuseCriticalBeyondWarning();
    Verdict.Thresholds thresholds = new Verdict.Thresholds(warning, critical);
    Verdict verdict;
    String store = "";
    chooseFile(); // none at all is a usage error, before any verdict
    try {
      DesiredState desired = load();
      store = desired.store().path().toString();
      Reconciler.Observation o =
          reconciler().plan(desired, EnumSet.noneOf(PlanInput.Replace.class), true);
      verdict = Verdict.of(
          o.desired(), o.store().facts(), o.acme(), o.plan(), o.now(), thresholds,
          o.store().snapshot().generation().isEmpty());
      // apply and watch refuse such a file before they plan: nothing renews what the plan shows.
      List<String> unsafe = unsafeToRun(desired);
      if (!unsafe.isEmpty()) {
        verdict = verdict.refused(unsafe.get(0));
      }
      new MetricsRecorder(w -> err().println("warning: " + w)).checked(desired, o);
    } catch (HostpkiException e) {
      verdict = Verdict.unknown(e.headline(), environment.clock().instant(), thresholds);
      if (!(e instanceof InvalidFile)) { // its problems are on standard error already
        err().println("error: " + e.headline());
        e.details().forEach(d -> err().println("  " + d));
      }
      err().flush();
    }
    int exitCode = nagios ? verdict.status().nagiosCode() : exitCode(verdict.outcome());
    if (output.json()) {
      out().println(VerdictJson.render(verdict, store, exitCode));
    } else {
      out().println(pluginText(verdict.summary()) + (nagios ? performanceData(verdict) : ""));
      int width = nameWidth(verdict);
      for (Verdict.CertificateVerdict c : verdict.certificates()) {
        out().println(pluginText(line(c, verdict, width)));
      }
      for (Verdict.CrlVerdict c : verdict.crls()) {
        out().println(pluginText(line(c, verdict, width)));
      }
    }
    out().flush();
    return exitCode;
  }

  /**
   * A --critical further from expiry than --warning leaves no time in which WARNING shows: the
   * order of monitoring plugins (check_http -C 30,14: warning first) turned round, a usage error.
   * Equal ones mean CRITICAL with no WARNING before it. Thresholds of different forms (14d and
   * 10%) compare differently per certificate, and are taken as given.
   */
  private void refuseCriticalBeyondWarning() {
    if (furtherFromExpiry(critical, warning)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--critical " + critical.code() + " is further from expiry than --warning " + warning.code()
              + ", so WARNING could never show; give --warning the larger value (--warning "
              + critical.code() + " --critical " + warning.code() + "), or the same one for no"
              + " warning stage");
    }
  }

  /** Whether {@code a} is crossed before {@code b} for every certificate (both of one form). */
  private static boolean furtherFromExpiry(ExpiryThreshold a, ExpiryThreshold b) {
    if (a instanceof ExpiryThreshold.Before x && b instanceof ExpiryThreshold.Before y) {
      if (x.before() instanceof RenewBefore.Fixed p && y.before() instanceof RenewBefore.Fixed q) {
        return p.duration().compareTo(q.duration()) > 0;
      }
      if (x.before() instanceof RenewBefore.OfLifetime p && y.before() instanceof RenewBefore.OfLifetime q) {
        return p.share().compareTo(q.share()) > 0;
      }
    }
    if (a instanceof ExpiryThreshold.OfMargin x && b instanceof ExpiryThreshold.OfMargin y) {
      return x.share().compareTo(y.share()) > 0;
    }
    return false;
  }

  /**
   * The desired state, or why there is none: the first error becomes the summary, every problem
   * goes to standard error. No hook runs here, so a file others could have written is read all
   * the same, and judged CRITICAL as the apply that refuses it.
   */
  private DesiredState load() {
    LoadResult result = new DesiredStateLoader().load(environment.resolve(file));
    for (Problem p : result.problems()) {
      err().println(p.format());
    }
    return result
        .desiredState()
        .orElseThrow(
            () -> new InvalidFile(
                result.problems().stream()
                    .filter(Problem::isError)
                    .findFirst()
                    .map(Problem::format)
                    .orElse(environment.resolve(file) + " is not a valid desired state")));
  }

  /** A desired state that could not be read; its problems have been printed. */
  private static final class InvalidFile extends HostpkiException {
    InvalidFile(String message) {
      super(message);
    }
  }

  /**
   * With {@code --nagios}, text without '|', which starts the performance data wherever it is in
   * a plugin's output (a hook's {@code [sh, -c, 'a | b']}, a path): '¦' instead.
   */
  private String pluginText(String text) {
    return nagios ? text.replace('|', '\u00a6') : text;
  }

  /**
   * For {@code --nagios}, a check that could not start (a usage error, an internal error): {@code
   * UNKNOWN: WHY} on standard output, which Nagios, Icinga and NRPE show, and their code 3, where
   * 64 or 1 would read as "out of bounds" or WARNING.
   */
  static int nagiosUnknown(PrintWriter out, String why) {
    TerminalWriter.of(out).println("UNKNOWN: " + why.replace('|', '\u00a6'));
    out.flush();
    return Status.UNKNOWN.nagiosCode();
  }

  private static int exitCode(Verdict.Outcome outcome) {
    return switch (outcome) {
      case ERROR -> ExitCodes.ERROR;
      case HOOK_PENDING -> ExitCodes.HOOK_FAILED;
      case CHANGES_PENDING -> ExitCodes.CHANGES_PENDING;
      case NOTHING_DUE -> ExitCodes.OK;
    };
  }

  /**
   * The name column's width: the longest certificate or CRL name, at least 8 ({@code ca-previous.crl}
   * overflowed a fixed 8 and pushed its status out of line with the others').
   */
  private static int nameWidth(Verdict v) {
    return java.util.stream.Stream.concat(
            v.certificates().stream().map(c -> c.standing().certificate()),
            v.crls().stream().map(Verdict.CrlVerdict::file))
        .mapToInt(String::length)
        .reduce(8, Math::max);
  }

  /** {@code WIDTH}-wide name, then the status: {@code server   OK        }. */
  private static String head(String name, Status status, int width) {
    return String.format("%-" + width + "s %-9s ", name, status.name());
  }

  /** {@code server OK  expires 2027-06-03 10:00 UTC (in 180 days); renewal 2027-…}. */
  private static String line(Verdict.CertificateVerdict c, Verdict v, int width) {
    String head = head(c.standing().certificate(), c.status(), width);
    if (c.problem().isPresent()) {
      return head + c.problem().get();
    }
    String renewal =
        c.standing().unhandled().isPresent()
            ? "nothing renews it in time (" + c.standing().unhandled().get() + "); WARNING from "
                + PlanText.time(c.standing().facts().notAfter().minus(c.warningBefore()))
            : c.next().orElseGet(() -> "renewal " + c.standing().renewal().summary(v.checkedAt()));
    return head + "expires " + PlanText.time(c.standing().facts().notAfter()) + " (in "
        + DurationText.left(Duration.between(v.checkedAt(), c.standing().facts().notAfter())) + "); " + renewal;
  }

  /** {@code ca.crl OK  next update 2027-01-08 01:00 UTC (in 3 days); WARNING from …}. */
  private static String line(Verdict.CrlVerdict c, Verdict v, int width) {
    String head = head(c.file(), c.status(), width);
    if (c.problem().isPresent()) {
      return head + c.problem().get();
    }
    if (c.facts().nextUpdate().isEmpty()) {
      return head + "names no next update";
    }
    Instant next = c.facts().nextUpdate().get();
    return head + "next update " + PlanText.time(next) + " (in "
        + DurationText.left(Duration.between(v.checkedAt(), next)) + ")"
        + c.warningFrom().map(w -> "; WARNING from " + PlanText.time(w)).orElse("");
  }

  /**
   * {@code | 'ca'=315360000s;7776000:;3888000: 'server'=…}: seconds left and the thresholds as the
   * plugin guidelines' ranges, {@code N:} (alert below N; a bare {@code N} alerts above it, which
   * Icinga's and Grafana's perfdata views would show for every certificate far from expiry). No
   * minimum: an expired certificate has less than 0 seconds left.
   */
  private static String performanceData(Verdict v) {
    if (v.certificates().isEmpty()) {
      return "";
    }
    List<String> data =
        v.certificates().stream()
            .map(c -> "'" + c.standing().certificate() + "'="
                + Duration.between(v.checkedAt(), c.standing().facts().notAfter()).getSeconds() + "s;"
                + c.warningBefore().getSeconds() + ":;" + c.criticalBefore().getSeconds() + ":")
            .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
    for (Verdict.CrlVerdict c : v.crls()) {
      c.facts().nextUpdate().ifPresent(next -> data.add("'" + c.file() + "'="
          + Duration.between(v.checkedAt(), next).getSeconds() + "s;"
          + c.warningFrom().map(w -> Duration.between(w, next).getSeconds()).orElse(0L) + ":;0:"));
    }
    return " | " + String.join(" ", data);
  }
}
