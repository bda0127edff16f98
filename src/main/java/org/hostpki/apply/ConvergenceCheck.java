package org.hostpki.apply;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.plan.Change;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.Planner;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreSnapshot;

/**
 * After a write: the store read back from disk must hold exactly the set that was written, and
 * planning again on it must find nothing to do. Anything else is a bug in hostpki (the executor
 * wrote what the planner does not accept) or a store changed behind the lock's back.
 *
 * <p>Observing the read-back store parses only what the write changed. A file whose bytes are
 * those the observation before the write parsed under the same name has the same facts — facts
 * are a function of the bytes alone — so they are taken over instead of parsed again: the trusted
 * certificates ({@code trust/}, {@code trust-hashed/}), the bundle and the PKCS#12 trust store,
 * which make nearly all the parsing of a large trust store. Every other file is parsed again,
 * and so is every changed file, by the same {@link StoreObserver}.
 */
final class ConvergenceCheck {
  static final String TRUST_BUNDLE = "trust-bundle.crt";
  static final String TRUSTSTORE = "truststore.p12";
  private static final String CRT = ".crt";

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
   * @throws HostpkiException when the store reads back otherwise, or is not converged
   */
  void check(
      Reconciler.Observation before,
      StoreSnapshot readBack,
      SortedMap<String, StoreFile> written,
      SortedMap<String, CertificateFacts> trustFacts,
      String passwordSource) {
    Path storePath = before.desired().store().path();
    requireReadBackAsWritten(storePath, readBack, written);
    ObservedStore after =
        observeReusing(readBack, before.store(), storePath, before.password(), passwordSource);
    Plan again =
        planner.plan(
            new PlanInput(
                before.desired(), before.host(), trustFacts, after, before.now(), java.util.Set.of(),
                before.plan().basis(), before.externalChainFile()));
    if (!again.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (Change c : again.changes()) {
        sb.append("\n  ").append(c.address()).append(": ").append(c.reasonText());
      }
      throw new HostpkiException(
          "the store was written but did not converge; still to do:" + sb
              + "\nThis is a bug in hostpki: please report it with the plan above");
    }
  }

  private static void requireReadBackAsWritten(
      Path storePath, StoreSnapshot readBack, SortedMap<String, StoreFile> written) {
    List<String> differing = new ArrayList<>();
    for (Map.Entry<String, StoreFile> file : written.entrySet()) {
      byte[] read = readBack.files().get(file.getKey());
      if (read == null || !Arrays.equals(read, file.getValue().content())) {
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
   * The facts of {@code readBack}, exactly as {@link StoreObserver#observe} gives them, parsing
   * only the files whose bytes differ from those {@code before} was observed from.
   */
  ObservedStore observeReusing(
      StoreSnapshot readBack,
      StoreContents before,
      Path storePath,
      Optional<char[]> password,
      String passwordSource) {
    ObservedStore old = before.facts();
    SortedMap<String, byte[]> toParse = new TreeMap<>();
    SortedMap<String, CertificateFacts> trusted = new TreeMap<>();
    SortedMap<String, Fingerprint> hashed = new TreeMap<>();
    boolean bundleKept = false;
    boolean truststoreKept = false;
    for (Map.Entry<String, byte[]> file : readBack.files().entrySet()) {
      String name = file.getKey();
      byte[] previous = before.snapshot().files().get(name);
      if (previous == null || !Arrays.equals(previous, file.getValue())) {
        toParse.put(name, file.getValue());
      } else if (isTrusted(name) && old.trusted().containsKey(trustedKey(name))) {
        trusted.put(trustedKey(name), old.trusted().get(trustedKey(name)));
      } else if (isHashed(name)
          && old.hashedDirectory().map(h -> h.containsKey(hashedKey(name))).orElse(false)) {
        hashed.put(hashedKey(name), old.hashedDirectory().get().get(hashedKey(name)));
      } else if (name.equals(TRUST_BUNDLE) && old.trustBundle().isPresent()) {
        bundleKept = true;
      } else if (name.equals(TRUSTSTORE) && old.truststorePkcs12().isPresent()) {
        truststoreKept = true;
      } else {
        toParse.put(name, file.getValue());
      }
    }
    ObservedStore parsed =
        observer
            .observe(
                new StoreSnapshot(
                    readBack.exists(), readBack.generation(), toParse,
                    readBack.contentFingerprint()),
                storePath,
                password,
                passwordSource)
            .facts();
    trusted.putAll(parsed.trusted());
    parsed.hashedDirectory().ifPresent(hashed::putAll);
    Optional<List<Fingerprint>> bundle = bundleKept ? old.trustBundle() : parsed.trustBundle();
    Optional<Pkcs12Facts> truststore =
        truststoreKept ? old.truststorePkcs12() : parsed.truststorePkcs12();
    return new ObservedStore(
        parsed.exists(),
        parsed.caKey(),
        parsed.caCertificate(),
        parsed.serverKey(),
        parsed.serverCertificate(),
        parsed.serverSignedByCa(),
        parsed.serverFullchain(),
        parsed.serverCsr(),
        parsed.serverPkcs12(),
        trusted,
        bundle,
        truststore,
        hashed.isEmpty() ? Optional.empty() : Optional.of(hashed),
        parsed.externalChain(),
        parsed.caNextKey(),
        parsed.caNextCertificate(),
        parsed.caPreviousCertificate(),
        parsed.contentFingerprint());
  }

  private static boolean isTrusted(String name) {
    return name.startsWith(StoreObserver.TRUST_DIR) && name.endsWith(CRT);
  }

  private static String trustedKey(String name) {
    return name.substring(StoreObserver.TRUST_DIR.length(), name.length() - CRT.length());
  }

  private static boolean isHashed(String name) {
    return name.startsWith(StoreObserver.HASHED_DIR);
  }

  private static String hashedKey(String name) {
    return name.substring(StoreObserver.HASHED_DIR.length());
  }
}
