package org.hostpki.apply;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ObservedAccess;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.plan.Change;
import org.hostpki.plan.Plan;
import org.hostpki.plan.AcmeObservation;
import org.hostpki.plan.InstallInput;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.Planner;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreSnapshot;

/**
 * After a write: the store read back from disk must hold exactly the set that was written, and
 * planning again on it must find nothing to do. Anything else is a bug in hostpki (the executor
 * wrote what the planner does not accept) or a store changed behind the lock's back.
 *
 * <p>Observing the read-back store does not parse again the trusted certificates already parsed
 * before the write (found by their exact DER), which make nearly all the parsing of a large
 * trust store; everything else is observed again by the same {@link StoreObserver}.
 */
final class ConvergenceCheck {
  private final Planner planner;
  private final StoreObserver observer;

  ConvergenceCheck(Planner planner, StoreObserver observer) {
    this.planner = planner;
    this.observer = observer;
  }

  /**
   * @param readBack the store as read from disk after the write
   * @param written the set that was written
   * @param trustFacts the declared trusted certificates, as the plan before the write had them
   * @param accessDrift the declared files of the store read back whose access is not the declared
   *     one: none, when the writer did its work
   * @param acme what the ACME edge knows after the write (the certificate just ordered)
   * @return the facts of the store read back
   * @throws HostpkiException when the store reads back otherwise, or is not converged
   */
  ObservedStore check(
      Reconciler.Observation before,
      StoreSnapshot readBack,
      SortedMap<String, StoreFile> written,
      SortedMap<String, CertificateFacts> trustFacts,
      String passwordSource,
      SortedMap<String, ObservedAccess> accessDrift,
      AcmeObservation acme) {
    Path storePath = before.desired().store().path();
    requireReadBackAsWritten(storePath, readBack, written);
    ObservedStore read =
        observeReusing(
            readBack, before.store(), before.desiredTrust().values(), storePath, before.password(),
            passwordSource, openedWithThePassword(written, readBack));
    ObservedStore after =
        read.withOutputs(
            OutputObserver.observe(
                before.desired(), readBack, before.password(), Optional.empty(), passwordSource,
                read.outputs(), accessDrift));
    // As a run without a person: what it leaves is a subset of what a person's apply does, so an
    // apply of either kind must leave it nothing.
    Plan again =
        planner.plan(
            new PlanInput(
                before.desired(), before.host(), trustFacts, after, before.now(), java.util.Set.of(),
                before.plan().basis(), before.externalChainFile(), Optional.empty(), true,
                before.trustedCrls(), InstallInput.NONE, acme, List.of(), before.installedTrustedCrls(),
                Optional.empty(), List.of(), importedOutsideRoots(before, after)));
    if (!again.isEmpty()) {
      List<String> details = new ArrayList<>();
      for (Change c : again.changes()) {
        details.add(c.address() + ": " + c.reasonText());
      }
      details.add("This is a bug in hostpki: please report it with the plan above");
      throw new HostpkiException("the store was written but did not converge; still to do:", details);
    }
    return after;
  }

  /**
   * Where the chain imported earlier ends, when outside server.external.roots, as the plan before
   * the write saw it: the same while the write kept that chain; a chain imported now passed the
   * roots.
   */
  private static Optional<String> importedOutsideRoots(Reconciler.Observation before, ObservedStore after) {
    return before.store().facts().externalChain().equals(after.externalChain())
        ? before.importedOutsideRoots()
        : Optional.empty();
  }

  /**
   * The PKCS#12 files of a set just written, by their digest: each was made with the store
   * password or carried over from a store that was observed with it (a file the password does not
   * open stops observing), so the read-back need not derive a key to know it. The digests are the
   * ones the set's own record gives: the executor made it from these very files as the last step
   * of the set ({@code Executor.pkcs12Record}), hashing each once, so they are not hashed again
   * here, nor when the record is read back with them. A file the record has no entry for is left
   * out: the read-back decodes it, as before. The bytes are the read-back's own (the same as
   * written, checked before): no copy of a trust store of tens of megabytes is kept for this.
   */
  private static Map<Fingerprint, byte[]> openedWithThePassword(
      SortedMap<String, StoreFile> written, StoreSnapshot readBack) {
    Map<Fingerprint, byte[]> opened = new HashMap<>();
    Optional<Pkcs12Record> record =
        Optional.ofNullable(written.get(StoreLayout.PKCS12_RECORD))
            .flatMap(r -> Pkcs12Record.parse(r.content()));
    for (String name : StoreLayout.PKCS12_FILES) {
      byte[] content = readBack.files().get(name);
      Optional<Fingerprint> digest = record.flatMap(r -> r.digestOf(name));
      if (written.containsKey(name) && content != null && digest.isPresent()) {
        opened.put(digest.get(), content);
      }
    }
    return opened;
  }

  private static void requireReadBackAsWritten(
      Path storePath, StoreSnapshot readBack, SortedMap<String, StoreFile> written) {
    List<String> differing = new ArrayList<>();
    for (Map.Entry<String, StoreFile> file : written.entrySet()) {
      if (!file.getValue().readsBackIn(readBack, file.getKey())) {
        differing.add(file.getKey());
      }
    }
    for (String name : readBack.files().keySet()) {
      if (!written.containsKey(name)) {
        differing.add(name);
      }
    }
    if (!differing.isEmpty()) {
      throw new HostpkiException(
          "the store " + storePath + " was written but does not read back as written: "
              + String.join(", ", differing.subList(0, Math.min(10, differing.size())))
              + (differing.size() > 10 ? " and " + (differing.size() - 10) + " more" : "")
              + " differ. Something changed the store during the apply (it must only be "
              + "changed by hostpki, under its lock); run `hostpki apply` again");
    }
  }

  /**
   * The facts of {@code readBack}, exactly as {@link StoreObserver#observe} gives them, without
   * parsing again a certificate {@code before} or the declared trust already parsed: the store
   * just written holds them byte for byte (see {@link StoreObserver#observe(StoreSnapshot, Path,
   * Optional, String, Collection, Map, Optional)}). The PKCS#12 files are not decoded again when their
   * record proves their facts, and the password is not checked again on a file in {@code opened}.
   */
  ObservedStore observeReusing(
      StoreSnapshot readBack,
      StoreContents before,
      Collection<Certificate> declared,
      Path storePath,
      Optional<char[]> password,
      String passwordSource,
      Map<Fingerprint, byte[]> opened) {
    List<Certificate> known = new ArrayList<>(before.trusted().values());
    known.addAll(declared);
    return observer.observe(readBack, storePath, password, passwordSource, known, opened, Optional.empty()).facts();
  }
}
