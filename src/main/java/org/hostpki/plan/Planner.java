package org.hostpki.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ShellCommand;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalText;

/**
 * Computes the minimal plan that makes a store match the desired state. Pure: the result depends
 * only on the {@link PlanInput}; nothing that still matches is touched, and a replaced resource
 * cascades to what is derived from it (CA → server → chain, PKCS#12 and bundle files).
 *
 * <p>Each resource has its part, in the order a plan lists them: the CA and its rotation ({@link
 * CaRotation}), a fleet CA's CRL ({@link CaCrl}), the server certificate ({@link ServerPlan},
 * with {@link ExternalIssuer} for an outside CA and {@link AcmeOrders} for an ACME CA), its request ({@link RequestPlan}), the trusted certificates ({@link TrustPlan})
 * and the CRLs consumed with them ({@link TrustCrls}), and the files derived from them all ({@link
 * OutputPlan}), then where the host's clients look ({@link InstallPlan}). The checks they share are {@link
 * CertificateChecks} and {@link NameChanges}; how they word what they found, {@link PlanWords}.
 */
public final class Planner {

  /** Trusted certificates expiring within this are warned about. */
  public static final Duration TRUST_EXPIRY_WARNING = TrustPlan.EXPIRY_WARNING;

  public Plan plan(PlanInput given) {
    PlanDraft draft = new PlanDraft();
    PlanInput in = filtered(given, draft);
    DetectionGaps.plan(in, draft);
    ServerNames.tooMany(in).ifPresent(draft::refuse);
    ClockCheck.refusals(in).forEach(draft::refuse);
    damagedCa(in).ifPresent(draft::refuse);
    missingCaKeys(in).ifPresent(draft::refuse);
    CaRotation.Outcome ca = CaRotation.decide(in, draft);
    CaCrl.plan(
        in, ca.signerChanges(), ca.trustedCas().containsKey(StoreLayout.CA_PREVIOUS_ALIAS), draft);
    ServerPlan.Outcome server = ServerPlan.plan(in, ca.signerChanges(), ca.signerConstraints(), draft);
    RequestPlan.plan(in, server.keyChange(), draft);
    OutputPlan outputs = new OutputPlan(in, draft);
    outputs.server(ca.signerChanges(), server);
    boolean trustChanges = TrustPlan.plan(in, draft);
    List<Fingerprint> crls = TrustCrls.plan(in, draft);
    outputs.trust(ca.bundleCascade(), ca.trustedCas(), trustChanges, crls);
    outputs.pkcs12Record();
    InstallPlan.plan(in, ca.trustedCas(), draft);
    new DeclaredOutputPlan(in, draft).plan(ca.signerChanges(), server, draft.addresses());
    otherDesiredState(in, draft);
    LinkPlan.plan(in, draft); // after: restoring a link undoes no other file's change
    return draft.plan(in.basis());
  }

  /**
   * A plan that changes a store another desired-state file wrote last says so: two files naming
   * one {@code store.path} (an old copy beside a new one, two Ansible roles) re-issue and rewrite
   * back and forth on every run, each with its hooks, and nothing else would say why. Two files
   * that say the same cannot ({@link PlanInput#lastWriter()} is empty then).
   */
  private static void otherDesiredState(PlanInput in, PlanDraft draft) {
    if (in.lastWriter().isEmpty() || draft.addresses().isEmpty()) {
      return;
    }
    Path writer = in.lastWriter().get().file();
    String other = TerminalText.escape(writer.toString());
    String store = TerminalText.escape(in.desired().store().path().toString());
    String source = TerminalText.escape(in.desired().source().toString());
    if (isAnsibleInline(writer) && !isAnsibleInline(in.desired().source())) {
      // The module's temporary file is gone: "remove it" would name nothing to remove.
      draft.warn(
          new Warning(
              WarningCode.OTHER_DESIRED_STATE,
              "store",
              "store " + store + " was last written by an Ansible task's inline desired state"
                  + " (hostpki.pki.store with desired:, from its temporary file " + other + ", which the"
                  + " module deletes after the task); this plan, from " + source + ", changes it. The"
                  + " playbook and this file undo each other's changes (and run the hooks) on every"
                  + " run: keep one source of truth:"
                  + " let the task apply this file (config: " + source + " instead of desired:), or"
                  + " let the playbook own the store and stop applying this file here (its timer or"
                  + " watch), or give one of them another store.path"));
      return;
    }
    if (in.lastWriter().get().notAFile()) {
      // A record naming /dev/zero: "remove it" would be advice to break the machine.
      draft.warn(
          new Warning(
              WarningCode.OTHER_DESIRED_STATE,
              "store",
              "store " + store + "'s record names " + other + " as the desired-state file that wrote"
                  + " it last, which is no desired-state file (not a regular file), so it was not"
                  + " read; this plan, from " + source + ", changes the store. If another"
                  + " desired-state file applies this store.path, keep one file per store; else"
                  + " this warning shows once"));
      return;
    }
    List<String> differ = in.lastWriter().get().differences();
    draft.warn(
        new Warning(
            WarningCode.OTHER_DESIRED_STATE,
            "store",
            "store " + store + " was last written from another desired-state file, " + other
                + "; this plan, from " + source + ", changes it"
                + (differ.isEmpty() ? "" : " (the two files differ in " + String.join(", ", differ) + ")")
                + ". Two files naming one store.path with different settings"
                + " undo each other's changes (and run"
                + " the hooks) on every run: keep one file per store: remove " + other
                + " or change its store.path. If the file was just renamed or moved, this warning"
                + " shows once"));
  }

  /**
   * A temporary file the Ansible module ({@code ansible/.../modules/store.py}, {@code
   * write_desired}) writes an inline {@code desired:} to and deletes after the run: {@code
   * .hostpki-desired-XXXXXXXX.json}.
   */
  static boolean isAnsibleInline(Path file) {
    Path name = file.getFileName();
    return name != null && ANSIBLE_INLINE.matcher(name.toString()).matches();
  }

  private static final Pattern ANSIBLE_INLINE =
      Pattern.compile("\\.hostpki-desired-[^/]+\\.json");

  /**
   * The input with {@code trust.excludeExpired} and {@code trust.caOnly} applied to the declared
   * certificates (and the system's roots among them), each one left out a warning.
   */
  private static PlanInput filtered(PlanInput in, PlanDraft draft) {
    TrustFilter.Result<CertificateFacts> result =
        TrustFilter.apply(in.desiredTrust(), c -> c, in.desired().trust().filters(), in.now());
    if (result.dropped().isEmpty()) {
      return in;
    }
    for (TrustFilter.Dropped d : result.dropped()) {
      draft.warn(
          new Warning(
              WarningCode.TRUST_FILTERED,
              Address.trust(d.name()),
              "'" + d.name() + "' (" + d.facts().subjectDn() + ") is left out: " + d.describe()));
    }
    return new PlanInput(
        in.desired(), in.host(), result.kept(), in.observed(), in.now(), in.replace(), in.basis(),
        in.externalChain(), in.lastWritten(), in.unattended(), in.crls(), in.installs(), in.acme(),
        in.keptCas(), in.installedCrls(), in.lastWriter(), in.keptKeys(), in.importedOutsideRoots());
  }

  /**
   * A {@code ca.key} gone while {@code ca.crt} is still there was deleted by hand or lost: planned
   * as "missing", apply would make a new CA with a new key, unattended too (watch, the timer), and
   * every client trusting the old CA would stop trusting this host. Refused instead, naming the
   * kept generation that still holds the key (a generation's files are hard links: an older one
   * keeps it). Only {@code --replace ca} makes a new CA on purpose.
   *
   * <p>Not refused: a missing {@code server.key} (a new server key and certificate from the same
   * CA is what every renewal makes; clients trusting the CA accept it) and a missing {@code
   * ca-next.key} during a rotation (the old CA keeps signing; a new {@code ca-next} joins the
   * trusted certificates and its overlap starts again, so no client loses trust).
   */
  private static Optional<Refusal> missingCaKeys(PlanInput in) {
    ObservedStore observed = in.observed();
    if (in.replace().contains(PlanInput.Replace.CA)) {
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    missingKey(
        in, observed.caCertificate(), observed.caKey(), StoreLayout.CA_CERT, StoreLayout.CA_KEY, problems);
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    String file = in.desired().source().toString();
    List<PlanInput.KeptKey> holders =
        in.keptKeys().stream().filter(k -> k.file().equals(StoreLayout.CA_KEY)).toList();
    String restore =
        holders.isEmpty()
            ? "Restore the key from a backup into the current generation ("
                + TerminalText.escape(in.desired().store().path().resolve("..data").toString())
                + "/), or roll back to a generation that holds it ('" + TerminalText.escape(ShellCommand.hostpki("history", "-f", file)) + "')"
            : "Restore it with '"
                + TerminalText.escape(ShellCommand.hostpki("rollback", "-f", file, "--to", holders.get(0).generation()))
                + "' (then '" + TerminalText.escape(ShellCommand.hostpki("apply", "-f", file))
                + "' re-applies what changed since, with that CA)";
    return Optional.of(
        new Refusal(
            RefusalCode.KEY_MISSING,
            Address.CA,
            "the CA's key is missing from the store while its certificate is there; nothing was changed."
                + " A new CA would break every client that trusts the old one. " + restore
                + ", or make a new CA on purpose with '" + TerminalText.escape(ShellCommand.hostpki("apply", "-f", file, "--replace", "ca")) + "'"
                + " (clients must then trust the new CA):",
            problems));
  }

  private static void missingKey(
      PlanInput in,
      Optional<CertificateFacts> cert,
      Optional<KeyFacts> key,
      String certFile,
      String keyFile,
      List<String> problems) {
    if (cert.isEmpty() || key.isPresent()) {
      return;
    }
    StringBuilder line =
        new StringBuilder(
            TerminalText.escape(in.desired().store().path().resolve(keyFile).toString())
                + " is missing; " + certFile + " (" + TerminalText.escape(cert.get().subjectDn())
                + ") is there");
    for (PlanInput.KeptKey kept : in.keptKeys()) {
      if (kept.file().equals(keyFile)) {
        line.append("; generation ").append(TerminalText.escape(kept.generation())).append(" still holds it");
      }
    }
    problems.add(line.toString());
  }

  /**
   * A ca.crt that does not belong to ca.key (or is no CA at all: say, swapped with server.crt) is
   * a damaged store, not drift: "repairing" it would throw away the CA key that every client
   * trusts. Only an explicit --replace ca makes a new CA from such a store.
   */
  private static Optional<Refusal> damagedCa(PlanInput in) {
    ObservedStore observed = in.observed();
    if (in.replace().contains(PlanInput.Replace.CA)
        || observed.caCertificate().isEmpty()
        || observed.caKey().isEmpty()) {
      return Optional.empty();
    }
    CertificateFacts ca = observed.caCertificate().get();
    KeyFacts key = observed.caKey().get();
    String file = in.desired().store().path().resolve(StoreLayout.CA_CERT).toString();
    List<String> problems = new ArrayList<>();
    if (!ca.publicKey().publicKeyFingerprint().equals(key.publicKeyFingerprint())) {
      problems.add(
          file
              + " does not match ca.key "
              + PlanWords.keys(
                  "certificate key",
                  ca.publicKey().publicKeyFingerprint(),
                  StoreLayout.CA_KEY,
                  key.publicKeyFingerprint()));
    }
    if (!ca.ca()) {
      problems.add(file + " (" + ca.subjectDn() + ") is not a CA certificate");
    }
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal(
            RefusalCode.STORE_DAMAGED,
            Address.CA,
            "the store's CA is damaged; nothing was changed. Restore it with 'hostpki rollback',"
                + " or make a new CA with 'hostpki apply --replace ca' (clients must then trust"
                + " the new CA):",
            problems));
  }
}
