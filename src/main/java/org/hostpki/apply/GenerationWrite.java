package org.hostpki.apply;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.json.JsonWriter;
import org.hostpki.model.DesiredState;
import org.hostpki.model.DesiredStateContent;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PendingHook;
import org.hostpki.model.StoreLayout;
import org.hostpki.plan.AcmeObservation;
import org.hostpki.plan.Change;
import org.hostpki.model.ServerSpec;
import org.hostpki.plan.Intent;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanJson;
import org.hostpki.store.Generation;
import org.hostpki.store.GenerationRecord;
import org.hostpki.store.StoreCommit;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StreamedContent;

/**
 * One write of a new generation for {@link Reconciler}: the executor makes the set the plan
 * describes, the hooks owed are recorded into it, new install entries go in before the commit and
 * leaving ones after it, the written store is read back and checked to have converged, and the
 * hooks run.
 */
final class GenerationWrite {
  private final PlanningPass pass;
  private final EngineParts parts;

  GenerationWrite(PlanningPass pass, EngineParts parts) {
    this.pass = pass;
    this.parts = parts;
  }

  /**
   * Writes the new set the plan makes (and installs where trust.install says), checks it
   * converged, and runs the hooks.
   *
   * @param ordered what this apply's ACME order brought, when the plan orders
   */
  Reconciler.Result write(
      StoreCommit envelope, Reconciler.Observation before, HookLedger ledger, Optional<AcmeOrdered> ordered) {
    Plan plan = before.plan();
    DesiredState desired = before.desired();
    StoreDirectory directory = pass.directory(desired);
    parts.progress().step(makingStep(plan));
    SortedMap<String, StoreFile> files =
        new Executor(parts.random())
            .execute(
                plan,
                desired,
                envelope.carriedOver(),
                before.store(),
                before.desiredTrust(),
                before.writableCrls(),
                before.externalChain(),
                before.password(),
                before.now(),
                thisUpdate -> CrlNumbers.next(envelope.live(), directory, thisUpdate, parts.random()),
              ordered);
    List<String> notices = new ArrayList<>();
    // Hooks still pending from the generation before are carried into the new one, and the
    // record goes into it before its commit: a crash at any point never loses one. So are the
    // onExpiring obligations about certificates the new generation keeps, done or not.
    HookLedger.Carried expiring = ledger.expiringCarried(ExpiringHooks.keptCertificates(before.store().facts(), plan));
    List<PendingHook> carried = new ArrayList<>();
    plan.pendingHooks().stream().filter(h -> h.expiring().isEmpty()).forEach(carried::add);
    carried.addAll(expiring.due());
    List<PendingHook> due =
        HookLedger.merge(carried, DueHooks.after(plan, desired.hooks(), before.now()));
    Map<GenerationRecord, byte[]> records = new java.util.EnumMap<>(GenerationRecord.class);
    if (!due.isEmpty()) {
      records.put(GenerationRecord.HOOKS_DUE, HookLedger.dueRecord(due));
    }
    if (!expiring.done().isEmpty()) {
      records.put(GenerationRecord.HOOKS_DONE, HookLedger.doneRecord(expiring.done()));
    }
    // A target whose change fails is left as it was, alone: the store still commits (exit 3).
    SortedMap<InstallTarget, List<String>> installFailed = new TreeMap<>();
    if (TrustInstalls.changesAny(plan)) {
      parts.progress().step("installing the new certificates where the host's clients look (trust.install)");
      before.installs().add(plan, HeldCertificates.held(files),
          HeldCertificates.known(before.store(), before.desiredTrust()), notices, parts.progress()::waiting, installFailed);
    }
    recordChainRoot(desired, files, before, notices);
    parts.progress().step("writing a new generation of " + files.size() + " files");
    String generation =
        envelope.commit(
            files, metadata(plan, desired, before.now()), records, notices);
    if (TrustInstalls.changesAny(plan)) {
      parts.progress().step("removing what leaves the install targets (trust.install)");
      try {
        before.installs().settle(plan, HeldCertificates.held(files), notices, parts.progress()::waiting, installFailed);
      } catch (HostpkiException e) {
        // The failure's own headline may end in "printing:" before the tool's lines: it goes
        // below, whole, so that nothing is appended to it.
        List<String> details = new ArrayList<>();
        details.add(e.headline());
        details.addAll(e.details());
        throw new HostpkiException(
            "the store was written (generation " + generation + "), but removing what leaves the install targets"
                + " failed; the next apply tries again, and runs the hooks this one did not:",
            details);
      }
    }
    if (!TrustInstalls.changesAny(plan)) {
      before.installs().forgetPastFailures(plan); // settle does it when the plan changes a target
    }
    parts.progress().step("checking the written store");
    AcmeObservation acmeAfter =
        ordered.map(o -> before.acme().ordered(o.leaf().fingerprint())).orElse(before.acme());
    ObservedStore after =
      ordered.isEmpty()
          ? pass.checkConverged(desired, before, files)
          : pass.checkConverged(desired, before.at(parts.clock().instant()), files, acmeAfter);
    removeOutdatedRecords(desired, notices);
    HookLedger written = HookLedger.fresh(due, expiring.done());
    written = ExpiringHooks.recordArising(written, directory, generation, desired, before, after, Optional.empty());
    parts.progress().committed(
        new Reconciler.Result(
            plan, Optional.of(generation), HookLedger.Attempt.none(), Optional.empty(), plan.hold(),
            Collections.emptySortedSet(), notices, written.pending(desired.hooks()), after, before.host(), acmeAfter, before.now(),
            files.keySet(), before.desiredTrust().keySet()));
    HookLedger.Attempt hooksRun =
        written.attempt(
            parts.hooks(), desired, directory, generation, written.pending(desired.hooks()), before.now(), notices);
    // A new generation has no hold: a person's apply over a held store released it.
    return new Reconciler.Result(
        plan,
        Optional.of(generation),
        hooksRun,
        Optional.empty(),
        plan.hold(),
        Collections.emptySortedSet(), // a new generation makes every link, none is restored
        notices,
        hooksRun.stillPending(),
        after,
        before.host(),
        acmeAfter,
        before.now(),
        files.keySet(),
        before.desiredTrust().keySet(),
        TrustInstalls.failures(before.installs().input(), installFailed));
  }

  /**
   * Records, before the commit, which trusted root completes the imported chain the new set holds
   * ({@link ExternalChainRoots}), when the record lacks it, or the chain this apply ordered
   * through ACME.
   */
  private void recordChainRoot(
      DesiredState desired, SortedMap<String, StoreFile> files, Reconciler.Observation before, List<String> notices) {
    StoreFile chain = files.get(StoreLayout.EXTERNAL_CHAIN);
    boolean ordered =
        desired.server().issuer() == ServerSpec.Issuer.ACME
            && before.plan().changes().stream().anyMatch(c -> c.intent() instanceof Intent.OrderAcme);
    if (chain == null || !(ordered || ExternalChainRoots.applies(desired))) {
      return;
    }
    List<org.hostpki.pki.Certificate> certificates;
    try {
      certificates = org.hostpki.pki.Pem.readCertificates(chain.content());
    } catch (org.hostpki.pki.InvalidMaterialException e) {
      return; // written by this apply from checked certificates: cannot happen
    }
    if (ordered) {
      // Recorded for a later switch to the external issuer with this chain in its file.
      ExternalChainRoots.recordOrdered(
          desired.store().path(), parts.random(), certificates, before.desiredTrust().values(), notices);
      return;
    }
    ExternalChainRoots.record(
        desired.store().path(), parts.random(), certificates, before.desiredTrust().values(),
        ExternalChainRoots.importsChain(before.plan()), notices);
  }

  /**
   * The step that executes {@code plan}, naming what takes time: new keys (an RSA 4096 key takes
   * seconds), e.g. "generating keys: the CA's RSA 4096, the server's RSA 4096".
   */
  static String makingStep(Plan plan) {
    List<String> keys = new ArrayList<>();
    for (Change c : plan.changes()) {
      if (c.intent() instanceof Intent.IssueCa ca && ca.newKey() && ca.keptKey().isEmpty()) {
        keys.add("the CA's " + ca.key());
      } else if (c.intent() instanceof Intent.IssueNextCa next && next.keptKey().isEmpty()) {
        keys.add("the next CA's " + next.key());
      } else if (c.intent() instanceof Intent.IssueServer server && server.newKey()) {
        keys.add("the server's " + server.key());
      }
    }
    if (keys.size() == 1) {
      return "generating " + keys.get(0) + " key";
    }
    if (keys.size() > 1) {
      return "generating keys: " + String.join(", ", keys);
    }
    int n = plan.changes().size();
    return "making " + n + (n == 1 ? " change" : " changes");
  }

  /**
   * The new set has a current record of what its PKCS#12 files hold; records of hostpki 0.1.0
   * in the older generations keep a fast check of the password, and go too (a rollback to one of
   * those generations decodes its PKCS#12 files instead).
   */
  private void removeOutdatedRecords(DesiredState desired, List<String> notices) {
    try {
      pass.directory(desired).removeFromKeptGenerations(StoreLayout.PKCS12_RECORD, Pkcs12Record::isOutdated);
    } catch (HostpkiException e) {
      notices.add(e.getMessage() + "; the next apply that writes the store tries again");
    }
  }

  /**
   * The writer's record of a generation: when, from which desired-state file (a later plan from
   * another file warns), and the plan that made it ({@code history}).
   */
  static StreamedContent metadata(Plan plan, DesiredState desired, Instant now) {
    String source = desired.source().toString();
    String digest = DesiredStateContent.digest(desired).hex();
    // Written into the file as it is encoded: 45 MB after an apply of 100,000, which did not fit
    // a 512 MB heap whole beside the plan and the certificates (bench/NOTES.md, fheap16b).
    return out -> {
      java.io.Writer text = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8);
      try {
        JsonWriter w =
            JsonWriter.to(text)
                .beginObject()
                .field("time", now)
                .field(Generation.DESIRED_STATE, source)
                .field(Generation.DESIRED_STATE_DIGEST, digest);
        PlanJson.write(w.name("plan"), plan);
        w.endObject().finish();
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause(); // the file's write failed: the store's own failure says which
      }
    };
  }
}
