package org.hostpki.apply;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificatePool;
import org.hostpki.store.StoreSnapshot;

/**
 * The store's {@code trust/NAME.crt} and {@code trust-hashed/} files, read on every core: a
 * store may hold 100,000 of them. The result, and the error when a file is damaged (the first
 * damaged file in name order), are those of reading the files one by one.
 *
 * @param trusted {@code trust/NAME.crt} by NAME
 * @param trustedFacts their facts, by NAME
 * @param hashed {@code trust-hashed/} file name to the fingerprint of the certificate it holds
 * @param hashedCrls {@code trust-hashed/HASH.rN} to the fingerprint of the CRL it holds
 */
record TrustFiles(
    SortedMap<String, Certificate> trusted,
    SortedMap<String, CertificateFacts> trustedFacts,
    SortedMap<String, Fingerprint> hashed,
    SortedMap<String, Fingerprint> hashedCrls) {

  /**
   * Reads the files. The certificates of {@code trust/} are parsed (and added to {@code pool});
   * a {@code trust-hashed/} file holding the same DER takes the certificate from the pool.
   */
  static TrustFiles read(StoreSnapshot snapshot, StoreObserver.Reader reader, CertificatePool pool) {
    List<Map.Entry<String, byte[]>> trustFiles = new ArrayList<>();
    List<Map.Entry<String, byte[]>> hashedFiles = new ArrayList<>();
    SortedMap<String, Fingerprint> hashedCrls = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : snapshot.files().entrySet()) {
      String name = e.getKey();
      Optional<String> hashedName = StoreLayout.hashedName(name);
      if (StoreLayout.trustName(name).isPresent()) {
        trustFiles.add(e);
      } else if (hashedName.isPresent() && StoreLayout.isHashedCrl(hashedName.get())) {
        hashedCrls.put(hashedName.get(), reader.crl(name, e.getValue()).facts().fingerprint());
      } else if (hashedName.isPresent()) {
        hashedFiles.add(e);
      }
    }
    // trust/ first, so that its certificates are in the pool when trust-hashed/ is read.
    List<Outcome<Certificate>> certificates =
        Parallel.map(
            trustFiles,
            e -> {
              Certificate c = reader.single(e.getKey(), e.getValue(), pool);
              c.facts(); // worked out here, on every core; cached in the certificate
              return c;
            });
    List<Outcome<Fingerprint>> hashes =
        Parallel.map(
            hashedFiles, e -> reader.single(e.getKey(), e.getValue(), pool).fingerprint());
    throwFirstError(trustFiles, certificates, hashedFiles, hashes);

    SortedMap<String, Certificate> trusted = new TreeMap<>();
    SortedMap<String, CertificateFacts> facts = new TreeMap<>();
    for (int i = 0; i < trustFiles.size(); i++) {
      String file = trustFiles.get(i).getKey();
      String name = StoreLayout.trustName(file).orElseThrow();
      Certificate c = certificates.get(i).get();
      trusted.put(name, c);
      facts.put(name, c.facts());
    }
    SortedMap<String, Fingerprint> hashed = new TreeMap<>();
    for (int i = 0; i < hashedFiles.size(); i++) {
      hashed.put(
          StoreLayout.hashedName(hashedFiles.get(i).getKey()).orElseThrow(),
          hashes.get(i).get());
    }
    return new TrustFiles(
        Collections.unmodifiableSortedMap(trusted),
        Collections.unmodifiableSortedMap(facts),
        Collections.unmodifiableSortedMap(hashed),
        Collections.unmodifiableSortedMap(hashedCrls));
  }

  /** Throws the error of the first file, in name order, that could not be read. */
  private static void throwFirstError(
      List<Map.Entry<String, byte[]>> trustFiles,
      List<Outcome<Certificate>> certificates,
      List<Map.Entry<String, byte[]>> hashedFiles,
      List<Outcome<Fingerprint>> hashes) {
    String firstName = null;
    RuntimeException first = null;
    for (int i = 0; i < trustFiles.size(); i++) {
      if (certificates.get(i).error() != null) {
        firstName = trustFiles.get(i).getKey();
        first = certificates.get(i).error();
        break; // the rest of trust/ sorts after it
      }
    }
    for (int i = 0; i < hashedFiles.size(); i++) {
      if (hashes.get(i).error() != null) {
        if (first == null || hashedFiles.get(i).getKey().compareTo(firstName) < 0) {
          first = hashes.get(i).error();
        }
        break;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
