package org.hostpki.apply;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.PendingHook;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalText;
import org.hostpki.model.TrustedCrl;
import org.hostpki.model.UnsupportedSetting;
import org.hostpki.pki.Certificate;
import org.hostpki.plan.AcmeObservation;
import org.hostpki.plan.Change;
import org.hostpki.plan.Expiries;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.Planner;
import org.hostpki.plan.Refusal;
import org.hostpki.plan.RefusalCode;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreSnapshot;

/**
 * One planning pass of {@link Reconciler}: observe the store, the host and the declared inputs
 * (trusted certificates, CRLs, an external chain), digest them into the plan's basis, and plan;
 * after a write, observe the new store and check that nothing is left to do. Changes nothing.
 */
final class PlanningPass {
  private final EngineParts parts;
  private final Planner planner = new Planner();
  private final StoreObserver observer = new StoreObserver();
  private final TrustInputs trustInputs = new TrustInputs();
  private final ExternalChainInput externalChainInput = new ExternalChainInput();

  PlanningPass(EngineParts parts) {
    this.parts = parts;
  }

  /** @param live the store as read under the lock; empty: read it now */
  Reconciler.Observation observe(
      DesiredState desired,
      Set<PlanInput.Replace> replace,
      boolean unattended,
      Optional<StoreSnapshot> live) {
    return observe(desired, replace, unattended, live, Optional.empty());
  }

  /**
   * @param live the store as read under the lock; empty: read it now
   * @param acmeFailed this run's own ACME order just failed: plan what serves meanwhile
   */
  Reconciler.Observation observe(
      DesiredState desired,
      Set<PlanInput.Replace> replace,
      boolean unattended,
      Optional<StoreSnapshot> live,
      Optional<AcmeObservation.Failure> acmeFailed) {
    refuseNotYetSupported(desired);
    refuseStorePathNotAFolder(desired);
    Instant now = parts.clock().instant();
    HostIdentity host = parts.hostProbe().identify(desired.host());
    Optional<char[]> password = parts.secrets().password(desired.store().password());
    parts.progress().step("reading the store " + desired.store().path());
    StoreDirectory directory = directory(desired);
    StoreSnapshot snapshot = live.orElseGet(directory::read);
    // A folder of other files, or one inside another store, is refused as a whole, not name by name.
    Optional<Refusal> misplaced = misplaced(desired, directory, snapshot);
    if (misplaced.isEmpty()) {
      desired.outputs().forEach(o -> o.fileNames().forEach(n -> directory.requireFreeName(n, o.origin())));
    }
    Optional<char[]> previous = parts.secrets().previousPassword(desired.store().previousPassword());
    StoreContents read =
        observer.observe(
            snapshot, desired.store().path(), password, passwordSource(desired), List.of(), java.util.Map.of(), previous);
    StoreContents store =
        read.withKeptCas(KeptCa.newerThan(directory, snapshot.generation())).withFacts(
            read.facts()
                .withOutputs(
                    OutputObserver.observe(
                        desired, snapshot, password, previous, passwordSource(desired), read.facts().outputs(),
                        directory.accessDrift(snapshot)))
                .withMissingLinks(directory.missingLinks(snapshot)));
    parts.progress().step("reading the declared trusted certificates");
    // A declared certificate already in the store is not parsed a second time.
    SortedMap<String, Certificate> trust =
        TrustInputs.withSystemRoots(
            desired.trust(), trustInputs.read(desired.trust(), store.trusted().values()), () -> parts.trustHost().get().root());
    parts.progress().step("planning (" + trust.size() + " trusted certificates declared)");
    SortedMap<String, CertificateFacts> trustFacts = facts(trust);
    List<CrlInputs.Read> crls = CrlInputs.read(desired.trust().crls(), signers(store, trust));
    List<TrustedCrl> trustedCrls = crls.stream().map(CrlInputs.Read::trusted).toList();
    List<CrlInputs.Read> installedCrls =
        CrlInputs.installed(
            desired.store().path().resolve(StoreLayout.TRUST_CRLS),
            store.snapshot().file(StoreLayout.TRUST_CRLS), signers(store, trust));
    ExternalChainInput.Read external = externalChainInput.read(desired, host, store.facts(), store.serverKey(), store.externalChain(), now);
    TrustInstalls installs = observeInstalls(desired);
    AcmeObservation acme = observeAcme(desired, store, unattended, acmeFailed);
    PlanBasis inputs = basis(desired, host, store, trustFacts, replace, external, trustedCrls, installs, acme);
    Fingerprint basis = inputs.digest();
    HookLedger ledger = HookLedger.read(directory, store.snapshot().generation());
    Plan planned =
        planner
            .plan(
                new PlanInput(
                    desired, host, trustFacts, store.facts(), now, replace, basis, external.facts(),
                    directory.lastWritten(), unattended, trustedCrls, installs.input(), acme,
                    store.keptCas().stream().map(KeptCa::facts).toList(),
                    installedCrls.stream().map(CrlInputs.Read::trusted).toList(),
                    OtherWriter.of(desired, directory),
                    KeptCa.keysOf(directory, snapshot.generation(), store),
                    external.importedOutsideRoots()))
            .withRecords(ledger.pending(desired.hooks()), ledger.hold());
    if (misplaced.isPresent()) {
      // Nothing is planned for a folder that is not hostpki's to use: the refusal alone.
      planned = new Plan(List.of(), List.of(), List.of(misplaced.get()), 0, basis);
    }
    Optional<String> blocked = Expiries.blocked(planned, unattended);
    List<PendingHook> arising =
        Expiries.clockRefused(planned) || misplaced.isPresent()
            ? List.of()
            : ExpiringHooks.arising(
                desired,
                store.facts(),
                acme,
                now,
                blocked,
                blocked.isPresent() ? List.of() : planned.changes().stream().map(Change::address).toList(),
                ledger.recordedKeys());
    // The hooks an apply would run: those recorded as pending, and the onExpiring ones arising.
    List<PendingHook> pending = new ArrayList<>(planned.pendingHooks());
    pending.addAll(arising);
    Plan plan = JavaPasswordWarning.added(password, planned.withRecords(pending, planned.hold()));
    plan = TrustCriticalExtensions.added(plan, trust, desired.trust().filters(), now);
    // Only the chain that serves: while the internal fallback serves, external-chain.crt is kept
    // for later and its root's trust is nothing clients meet now (rvcore16 L1).
    plan = ExternalChainRoots.checked(
        plan, desired, desired.store().path(),
        store.facts().servesImportedChain() ? store.externalChain().orElse(List.of()) : List.of(),
        trust.values());
    return new Reconciler.Observation(
        desired, host, store, trust, password, now, plan, external.facts(), external.chain(),
        external.importedOutsideRoots(), arising,
        crls, installedCrls, installs, acme, inputs);
  }

  /** The ACME edge of this desired state; empty unless the issuer is acme (acme4j stays unloaded). */
  Optional<AcmeEdge> acme(DesiredState desired) {
    if (desired.server().issuer() != org.hostpki.model.ServerSpec.Issuer.ACME) {
      return Optional.empty();
    }
    return AcmeEdge.of(desired, parts.secrets(), parts.hooks(), parts.clock(), parts.random(), parts.acmeCa());
  }

  /**
   * What the planner is told of the ACME CA: nothing unless the issuer is acme; the renewal
   * window is asked for only on a first pass (not after this run's own order failed).
   */
  private AcmeObservation observeAcme(
      DesiredState desired, StoreContents store, boolean unattended, Optional<AcmeObservation.Failure> failed) {
    Optional<AcmeEdge> edge = acme(desired);
    if (edge.isEmpty()) {
      return AcmeObservation.NONE;
    }
    if (failed.isEmpty()) {
      parts.progress().step("asking the ACME CA for renewal information");
    }
    AcmeObservation seen = edge.get().observe(unattended, store.serverCertificate(), failed.isEmpty());
    return failed.map(seen::afterOwnFailure).orElse(seen);
  }

  /** The targets of {@code trust.install} and of the install record; none to read without either. */
  private TrustInstalls observeInstalls(DesiredState desired) {
    if (desired.trust().install().isEmpty()
        && !java.nio.file.Files.exists(desired.store().path().resolve(org.hostpki.install.InstallRecordFile.FOLDER))) {
      return TrustInstalls.NONE;
    }
    parts.progress().step("reading the install targets (trust.install)");
    return TrustInstalls.observe(desired, parts.trustHost().get(), parts.secrets(), parts.clock());
  }

  /**
   * Reads the new store back from disk and plans again on it: it must hold exactly the set
   * written, and nothing may be left to do. Only the files the write changed are parsed again,
   * see {@link ConvergenceCheck}.
   *
   * @return the new store's facts
   */
  ObservedStore checkConverged(
      DesiredState desired, Reconciler.Observation before, SortedMap<String, StoreFile> written) {
    return checkConverged(desired, before, written, before.acme());
  }

  /** @param acmeAfter what the ACME edge knows after the write (the certificate just ordered) */
  ObservedStore checkConverged(
      DesiredState desired,
      Reconciler.Observation before,
      SortedMap<String, StoreFile> written,
      AcmeObservation acmeAfter) {
    StoreDirectory directory = directory(desired);
    StoreSnapshot readBack = directory.read();
    return new ConvergenceCheck(planner, observer)
        .check(
            before, readBack, written, facts(before.desiredTrust()), passwordSource(desired),
            directory.accessDrift(readBack), acmeAfter);
  }

  StoreDirectory directory(DesiredState desired) {
    return StoreDirectory.of(desired, parts.clock());
  }

  /**
   * Refuses a store path that names something other than a folder, or goes through a file
   * ({@code pki/server.crt/x}), naming where the desired state writes it; a missing one is made by
   * apply, and one that cannot be looked at is the store's own error. A path through a file of a
   * store is the {@code nested-store} refusal's case, with its words.
   */
  void refuseStorePathNotAFolder(DesiredState desired) {
    Path path = desired.store().path();
    Path existing = path;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    try {
      if (existing == null || Files.readAttributes(existing, BasicFileAttributes.class).isDirectory()) {
        return;
      }
    } catch (IOException e) {
      return;
    }
    String shown = TerminalText.escape(path.toString());
    if (!existing.equals(path)) {
      StoreDirectory directory = directory(desired);
      Optional<Path> outer = directory.enclosingStore();
      throw new HostpkiException(
          placed(
              desired,
              outer.isPresent()
                  ? directory.nestedStoreMessage(outer.get())
                  : "store " + shown + " goes through " + TerminalText.escape(existing.toString())
                      + ", which is not a directory; store.path must name a directory (hostpki creates it"
                      + " when missing): point store.path at a folder beside it"));
    }
    throw new HostpkiException(
        placed(desired, "store " + shown + " is not a directory; store.path must name a directory (hostpki creates it"
            + " when missing): move " + shown + " away, or point store.path at another folder"));
  }

  /**
   * The refusal of a store folder hostpki may not use: inside another store ({@code nested-store}),
   * or a folder of other files ({@code foreign-folder}); empty for a store or a new or empty folder.
   */
  private static Optional<Refusal> misplaced(DesiredState desired, StoreDirectory directory, StoreSnapshot snapshot) {
    Optional<Path> outer = directory.enclosingStore();
    if (outer.isPresent()) {
      return Optional.of(
          new Refusal(RefusalCode.NESTED_STORE, "store", placed(desired, directory.nestedStoreMessage(outer.get())), List.of()));
    }
    List<String> foreign = snapshot.generation().isEmpty() ? directory.foreignEntries() : List.of();
    return foreign.isEmpty()
        ? Optional.empty()
        : Optional.of(
            new Refusal(RefusalCode.FOREIGN_FOLDER, "store", placed(desired, directory.foreignFolderMessage(foreign)), List.of()));
  }

  /** A message about the store path, after where the desired state gives it ({@code file:line:col: }). */
  private static String placed(DesiredState desired, String message) {
    return desired.store().pathOrigin().map(SourcePosition::prefix).orElse("") + message;
  }

  /**
   * Settings this build reads but cannot carry out yet ({@link DesiredState#notYetSupported()};
   * none at present, the mechanism stays for the next setting read before it is carried out):
   * refused, rather than silently left out.
   */
  static void refuseNotYetSupported(DesiredState desired) {
    List<UnsupportedSetting> settings = desired.notYetSupported();
    if (settings.isEmpty()) {
      return;
    }
    List<String> keys = settings.stream().map(UnsupportedSetting::key).toList();
    boolean one = keys.size() == 1;
    throw new HostpkiException(
        settings.get(0).position() + ": " + String.join(", ", keys) + (one ? " is" : " are")
            + " not yet supported by this build: validate accepts " + (one ? "it" : "them")
            + ", but plan and apply cannot carry " + (one ? "it" : "them") + " out yet; remove "
            + (one ? "it" : "them") + " to plan or apply this desired state");
  }

  /**
   * Everything a plan depends on, input by input, and its digest. Two observations with the same
   * basis give the same plan (up to the clock).
   */
  static PlanBasis basis(
      DesiredState desired,
      HostIdentity host,
      StoreContents store,
      SortedMap<String, CertificateFacts> trust,
      Set<PlanInput.Replace> replace,
      ExternalChainInput.Read external,
      List<TrustedCrl> crls,
      TrustInstalls installs,
      AcmeObservation acme) {
    Map<String, String> parts = new LinkedHashMap<>();
    parts.put(PlanBasis.STORE, storeBasis(store.snapshot()).hex());
    parts.put(PlanBasis.HOST, host.toString());
    parts.put(PlanBasis.DESIRED, desired.toString());
    StringBuilder sb = new StringBuilder();
    trust.forEach((n, c) -> sb.append(n).append(' ').append(c.fingerprint().hex()).append('\n'));
    parts.put("trust", sb.toString());
    sb.setLength(0);
    crls.forEach(c -> sb.append(c.facts().fingerprint().hex()).append(' ').append(c.signer().map(Fingerprint::hex).orElse("-")).append('\n'));
    parts.put("crls", sb.toString());
    parts.put("replace", new java.util.TreeSet<>(replace).toString());
    parts.put("external-chain", external.basisWords());
    sb.setLength(0);
    installs.input().observed().forEach((t, o) -> sb.append(o).append('\n'));
    parts.put("installs", sb.toString());
    parts.put("acme", acme == AcmeObservation.NONE ? "" : acme.basisWords());
    parts.put("missing-links", store.facts().missingLinks().toString());
    sb.setLength(0);
    store.keptCas().forEach(k -> sb.append(k.generation()).append(' ').append(k.certificate().fingerprint().hex()).append('\n'));
    parts.put("kept-cas", sb.toString());
    return PlanBasis.of(store.snapshot().generation(), parts);
  }

  /**
   * The store's content as a plan's basis counts it: every file but the records of what a fleet
   * CA signed ({@code issued/}, which nothing a plan decides reads: a {@code sign} between {@code
   * plan --out} and {@code apply --plan} leaves the plan current). Hashed again only when there are
   * such records.
   */
  private static Fingerprint storeBasis(StoreSnapshot snapshot) {
    SortedMap<String, byte[]> issued = snapshot.under(StoreLayout.ISSUED_DIRECTORY);
    if (issued.isEmpty()) {
      return snapshot.contentFingerprint();
    }
    SortedMap<String, byte[]> files = new TreeMap<>(snapshot.files());
    files.keySet().removeAll(issued.keySet());
    return StoreSnapshot.fingerprintOf(files);
  }

  /** The certificates a consumed CRL may be signed by: the store's and the declared trusted ones. */
  private static List<Certificate> signers(StoreContents store, SortedMap<String, Certificate> trust) {
    List<Certificate> all = new ArrayList<>();
    store.caCertificate().ifPresent(all::add);
    store.caNextCertificate().ifPresent(all::add);
    store.caPreviousCertificate().ifPresent(all::add);
    all.addAll(trust.values());
    all.addAll(store.trusted().values());
    return all;
  }

  private static String passwordSource(DesiredState desired) {
    return desired.store().password().map(PasswordSource::describe).orElse("no password");
  }

  private static SortedMap<String, CertificateFacts> facts(SortedMap<String, Certificate> trust) {
    SortedMap<String, CertificateFacts> facts = new TreeMap<>();
    trust.forEach((n, c) -> facts.put(n, c.facts()));
    return facts;
  }
}
