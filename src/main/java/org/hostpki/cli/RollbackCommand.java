package org.hostpki.cli;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.hostpki.apply.DueHooks;
import org.hostpki.apply.HookLedger;
import org.hostpki.apply.Hooks;
import org.hostpki.model.DateText;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.PendingHook;
import org.hostpki.model.RollbackHold;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalLines;
import org.hostpki.json.JsonWriter;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.PlanJson;
import org.hostpki.plan.PlanText;
import org.hostpki.sign.RolledBackRevocations;
import org.hostpki.store.GenerationRecord;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreLock;
import org.hostpki.store.StoreTidyUpException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "rollback",
    description =
        "Make a kept generation of the store current again, in one atomic switch, and run the"
            + " hooks of what it changes (afterServerChange, afterCaChange, afterTrustChange, an"
            + " output's afterChange).",
    footer = {
      "",
      "Examples:",
      "  hostpki rollback -f /etc/hostpki/host.yaml   # to the generation before",
      "  hostpki rollback -f host.yaml --to ..2026_03_01_12_00_00.000000000",
      "",
      "'hostpki history' lists the kept generations. A rollback holds: unattended runs ('hostpki watch', 'apply --unattended' from the timer) leave the store as it is. The next plain 'hostpki apply' by a person releases the hold and makes the store match the desired state again, re-issuing what the rollback undid, unless the desired state is changed first; rollback says which changes that apply would make.",
      "",
      "Exit codes:",
      "  0   success",
      "  1   error: no such generation, the store is locked; nothing changed",
      "  3   rolled back, but a hook failed (recorded; the next apply or watch tick retries it)",
      "  64  usage error"
    })
/**
 * {@code hostpki rollback}: one switch and everything that must happen around it under the store's
 * lock, in order — the hold, the hooks carried and due, the revocation records that follow the
 * switch (their logic is in sign/RolledBackRevocations), the notices of what clients see after it.
 * Just over 400 lines: the order is the point, and split up it would have to be read across files.
 */
final class RollbackCommand extends StoreCommand implements Callable<Integer> {

  @Mixin FileArgument argument;

  @Option(
      names = "--to",
      paramLabel = "GENERATION",
      description = "The generation to make current (default: the one before the current).")
  String to;

  @Mixin StoreLockTimeout lockTimeout;

  RollbackCommand(Environment environment) {
    super(environment);
  }

  /** What the rollback did. */
  private record Switch(
      Optional<GenerationSummary> from,
      GenerationSummary to,
      boolean serverChanged,
      int hooksRun,
      Optional<String> tidyUpWarning,
      HookLedger.Attempt hooks,
      RollbackHold hold,
      List<String> notices,
      CaSwitch ca) {
    Optional<String> hookFailure() {
      return hooks.failure();
    }
  }

  /**
   * The CA certificate ({@code ca.crt}) of the two generations, empty for one without; {@code
   * fromKnown} false when no generation was current (a repair of {@code ..data}: nothing changed
   * then). A rollback that changes it changes what the trust outputs and the next signatures
   * carry, which the server certificate's line alone does not say.
   */
  private record CaSwitch(boolean fromKnown, Optional<Certificate> from, Optional<Certificate> to) {
    static CaSwitch of(StoreDirectory store, Optional<GenerationSummary> from, GenerationSummary to) {
      return new CaSwitch(from.isPresent(), from.flatMap(f -> ca(store, f.name())), ca(store, to.name()));
    }

    private static Optional<Certificate> ca(StoreDirectory store, String generation) {
      try {
        Optional<byte[]> pem = store.generationFile(generation, StoreLayout.CA_CERT);
        List<Certificate> certificates = pem.isEmpty() ? List.of() : Pem.readCertificates(pem.get());
        return certificates.stream().findFirst();
      } catch (HostpkiException | InvalidMaterialException e) {
        return Optional.empty(); // the plan after the rollback says what cannot be read
      }
    }

    boolean changed() {
      return fromKnown && !from.map(Certificate::fingerprint).equals(to.map(Certificate::fingerprint));
    }

    Optional<Fingerprint> sha256() {
      return to.map(Certificate::fingerprint);
    }

    static String text(Optional<Certificate> ca) {
      // escaped by TerminalLines, as every value printed
      return ca.map(c -> c.facts().subjectDn() + " (sha256 " + c.fingerprint().colonHex() + ")").orElse("none");
    }
  }

  @Override
  public Integer call() {
    DesiredState desired = desiredState();
    StoreDirectory store = StoreDirectory.of(desired, environment.clock());
    if (store.generations().isEmpty()) {
      // Checked before locking, which would create the store directory.
      throw new HostpkiException(
          "store " + store.directory() + " has no generations to roll back to; '"
              + ShellCommand.hostpki("apply", "-f", file) + "' writes the first");
    }
    Optional<Switch> switched;
    StoreLock lock =
        StoreLock.acquire(
            store.directory(), lockTimeout.value,
            "hostpki rollback", environment.clock(), progress()::waiting);
    try {
      switched = switchGeneration(store, desired);
    } finally {
      lock.close();
    }
    if (switched.isEmpty()) {
      return ExitCodes.OK;
    }
    Switch done = switched.get();
    Optional<Plan> next = Optional.empty();
    Optional<String> unknown = Optional.empty();
    try {
      next =
          Optional.of(
              reconciler().plan(desired, EnumSet.noneOf(PlanInput.Replace.class)).plan());
    } catch (HostpkiException e) {
      unknown = Optional.of(e.getMessage());
    }
    if (output.json()) {
      printJson(store, done, next, unknown);
    } else {
      printText(store, desired, done, next, unknown);
    }
    done.notices().forEach(n -> err().println("warning: " + n));
    if (done.hookFailure().isPresent()) {
      err().println(
          "error: " + done.hookFailure().get() + "; the store was rolled back to generation "
              + done.to().name() + ". The hook is recorded as pending: the next apply or watch"
              + " tick runs it again");
      err().flush();
      return ExitCodes.HOOK_FAILED;
    }
    return ExitCodes.OK;
  }

  /** Under the lock: choose, switch, run the hooks. Empty when the target is already current. */
  private Optional<Switch> switchGeneration(StoreDirectory store, DesiredState desired) {
    List<GenerationSummary> generations = GenerationSummary.of(store);
    Optional<GenerationSummary> current =
        generations.stream().filter(GenerationSummary::current).findFirst();
    GenerationSummary target = target(store, generations, current);
    if (current.isPresent() && current.get().name().equals(target.name())) {
      if (output.json()) {
        JsonWriter w = new JsonWriter().beginObject();
        w.field("format_version", FORMAT_VERSION);
        w.field("rolled_back", false);
        w.field("store", store.directory().toString());
        w.field("from", target.name());
        w.field("to", target.name());
        w.field("server_changed", false);
        w.field("server_sha256", target.server().orElse(null));
        w.field("ca_changed", false);
        w.field("ca_sha256", CaSwitch.of(store, Optional.of(target), target).sha256().orElse(null));
        w.field("hooks_ran", List.of());
        w.name("hook_error").nullValue();
        w.name("hold").nullValue();
        w.field("notices", List.of());
        w.name("next_apply").nullValue();
        out().print(w.endObject().line());
      } else {
        out().println("Generation " + target.name() + " is already current; nothing to do.");
      }
      out().flush();
      return Optional.empty();
    }
    boolean serverChanged =
        current.isEmpty() || !current.get().server().equals(target.server());
    Instant now = environment.clock().instant();
    // The hooks the switch makes due, and those still pending from the generation it leaves,
    // are recorded in the target with the hold before the switch: a crash never loses them.
    HookLedger leaving = HookLedger.read(store, current.map(GenerationSummary::name));
    List<PendingHook> fresh =
        DueHooks.afterSwitch(
            store, current.map(GenerationSummary::name), target.name(), serverChanged, desired, now);
    // onExpiring obligations are about the leaving generation's certificates: the next apply
    // works out those of the target afresh.
    List<PendingHook> carried =
        leaving.pending(desired.hooks()).stream().filter(h -> h.expiring().isEmpty()).toList();
    List<PendingHook> due = HookLedger.merge(carried, fresh);
    RollbackHold hold = new RollbackHold(now, current.map(GenerationSummary::name), target.name());
    // The keys of revocations for keyCompromise it undoes are recorded before the switch (a crash
    // never loses them); the revocation record follows the switch after it.
    SecureRandom random = new SecureRandom();
    RolledBackRevocations undone = RolledBackRevocations.of(store, target.name(), target.time(), random);
    current.ifPresent(c -> undone.keepCompromisedKeys(store, c.name(), random));
    Optional<String> warning = Optional.empty();
    try {
      store.activate(
          target.name(),
          Map.of(
              GenerationRecord.HOOKS_DUE, HookLedger.dueRecord(due),
              GenerationRecord.HOLD, HookLedger.holdRecord(hold)));
    } catch (StoreTidyUpException e) {
      warning = Optional.of(e.getMessage()); // switched; only the tidy-up failed
    }
    Optional<String> unrecorded = undone.undo(store, random);
    // As apply does: the hooks run under the lock, so no apply can change the set under them.
    List<String> notices = new ArrayList<>();
    current.flatMap(c -> RevocationStatus.droppedBy(store, c.name(), target.name())).ifPresent(notices::add);
    undone.notice(store).ifPresent(notices::add);
    unrecorded.ifPresent(notices::add);
    current.flatMap(c -> ReplacedCaNotice.of(store, c.name(), target.name(), file)).ifPresent(notices::add);
    expiredServer(store, target.name(), now).ifPresent(notices::add);
    HookLedger.Attempt attempt =
        HookLedger.fresh(due)
            .attempt(
                Hooks.stoppedWithHostpki(err(), environment.variables()), desired, store, target.name(), due, now,
                notices);
    int commands =
        due.stream().mapToInt(h -> desired.hooks().commands(h.hook()).size()).sum();
    return Optional.of(
        new Switch(
            current, target, serverChanged, commands, warning, attempt, hold, notices,
            CaSwitch.of(store, current, target)));
  }

  /**
   * A warning when the generation made current holds a server certificate that has expired since
   * it was written: services its hooks reload now present it. Its hold keeps unattended runs from
   * renewing it; the next plain apply releases the hold and re-issues it.
   */
  private Optional<String> expiredServer(StoreDirectory store, String generation, Instant now) {
    try {
      Optional<byte[]> pem = store.generationFile(generation, StoreLayout.SERVER_CERT);
      List<Certificate> certificates = pem.isEmpty() ? List.of() : Pem.readCertificates(pem.get());
      if (certificates.isEmpty() || certificates.get(0).facts().notAfter().isAfter(now)) {
        return Optional.empty();
      }
      return Optional.of(
          "generation " + generation + " holds a server certificate that expired at "
              + PlanText.time(certificates.get(0).facts().notAfter()) + " ("
              + store.directory().resolve(StoreLayout.SERVER_CERT) + "): clients refuse it, and"
              + " unattended runs leave it as it is while the rollback holds. Run '"
              + ShellCommand.hostpki("apply", "-f", file) + "' to release the hold and issue a new one");
    } catch (HostpkiException | InvalidMaterialException e) {
      return Optional.empty(); // the summary already says the certificate cannot be read
    }
  }

  private GenerationSummary target(
      StoreDirectory store,
      List<GenerationSummary> generations,
      Optional<GenerationSummary> current) {
    if (to != null) {
      String name = to.startsWith("..") ? to : ".." + to;
      return generations.stream()
          .filter(g -> g.name().equals(name))
          .findFirst()
          .orElseThrow(
              () ->
                  new HostpkiException(
                      "store " + store.directory() + " keeps no generation " + to
                          + "; the kept ones, newest first: " + names(generations)));
    }
    if (current.isEmpty()) {
      // ..data is broken: the repair is the newest committed set, not an interrupted write's
      Optional<String> restorable = store.restorable();
      return generations.stream()
          .filter(g -> restorable.equals(Optional.of(g.name())))
          .findFirst()
          .orElse(generations.get(0));
    }
    int index = generations.indexOf(current.get());
    if (index == generations.size() - 1) {
      throw new HostpkiException(
          "generation " + current.get().name() + " of store " + store.directory()
              + " is the oldest kept one: there is none before it to roll back to. The kept"
              + " ones, newest first: " + names(generations) + "; use --to to choose one");
    }
    return generations.get(index + 1);
  }

  private static String names(List<GenerationSummary> generations) {
    return generations.stream()
        .map(g -> g.name() + (g.current() ? " (current)" : ""))
        .collect(Collectors.joining(", "));
  }

  private void printText(
      StoreDirectory store,
      DesiredState desired,
      Switch done,
      Optional<Plan> next,
      Optional<String> unknown) {
    TerminalLines text = new TerminalLines();
    text.add("Rolled back store ").add(store.directory()).add(' ')
        .add(done.from().map(f -> "from generation " + f.name() + " ")
            .orElse("(no generation was current) "))
        .add("to generation ").add(done.to().name()).add(", written ")
        .add(DateText.precise(done.to().time())).add(".").end();
    if (done.serverChanged()) {
      text.add("The server certificate changed: ")
          .add(done.from().map(GenerationSummary::serverText).orElse("none")).add(" -> ")
          .add(done.to().serverText()).add(".").end();
    } else {
      text.add("The server certificate is the same (").add(done.to().serverText())
          .add(done.hooksRun() == 0 ? "); no hooks ran." : ").").end();
    }
    if (done.ca().changed()) {
      text.add("The CA changed: ").add(CaSwitch.text(done.ca().from())).add(" -> ")
          .add(CaSwitch.text(done.ca().to())).add(".").end();
    }
    if (done.hooksRun() > 0) {
      List<String> ran = new ArrayList<>();
      for (PendingHook h : done.hooks().attempted()) {
        int n = desired.hooks().commands(h.hook()).size();
        ran.add(n + " " + h.hook() + (n == 1 ? " hook" : " hooks"));
      }
      text.add("Ran ").add(String.join(", ", ran))
          .add(done.hookFailure().isPresent() ? "; one failed (see below)." : ".").end();
    } else if (done.serverChanged()) {
      text.add("No afterServerChange hooks are configured.").end();
    }
    done.tidyUpWarning().ifPresent(w -> text.add("warning: ").add(w).end());
    if (next.isPresent() && next.get().isEmpty()) {
      text.add("The store matches the desired state: the next 'hostpki apply' changes nothing.").end();
    } else if (next.isPresent()) {
      text.end().add("Held: until a person runs '").add(ShellCommand.hostpki("apply", "-f", file)).add("', unattended")
          .add(" runs ('hostpki watch', 'apply --unattended' from the timer) leave the store at")
          .add(" this generation. The store no longer matches the desired state: unless the")
          .add(" desired state is changed first, that apply releases the hold and makes these")
          .add(" changes:").end().end()
          .append(new PlanText(color()).lines(next.get()));
    } else {
      text.add("Cannot tell what the next 'hostpki apply' would do: ").add(unknown.get())
          .end();
    }
    out().print(text, color());
    out().flush();
  }

  /** The format of the JSON document, described by schema/rollback.schema.json. */
  static final String FORMAT_VERSION = "1";

  private void printJson(
      StoreDirectory store, Switch done, Optional<Plan> next, Optional<String> unknown) {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("format_version", FORMAT_VERSION);
    w.field("rolled_back", true);
    w.field("store", store.directory().toString());
    w.field("from", done.from().map(GenerationSummary::name));
    w.field("to", done.to().name());
    w.field("server_changed", done.serverChanged());
    w.field("server_sha256", done.to().server().orElse(null));
    w.field("ca_changed", done.ca().changed());
    w.field("ca_sha256", done.ca().sha256().orElse(null));
    w.field("hooks_ran", done.hooks().outcome().succeeded());
    w.field("hook_error", done.hookFailure());
    PlanJson.hold(w.name("hold"), Optional.of(done.hold()));
    List<String> notices = new ArrayList<>();
    done.tidyUpWarning().ifPresent(notices::add);
    notices.addAll(done.notices());
    unknown.ifPresent(u -> notices.add("cannot tell what the next apply would do: " + u));
    w.field("notices", notices);
    w.name("next_apply");
    if (next.isPresent()) {
      PlanJson.write(w, next.get());
    } else {
      w.nullValue();
    }
    out().print(w.endObject().line());
    out().flush();
  }
}
