package org.hostpki.apply;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.RevocationList;
import org.hostpki.pki.SubjectHash;

/**
 * The {@code trust-hashed/} directory: each certificate under its OpenSSL subject-hash name
 * {@code <hash>.<n>}, as {@code openssl rehash} names them, so {@code -CApath} and {@code curl
 * --capath} find them, and each CRL under its issuer's hash {@code <hash>.r<n>}. Like rehash, a
 * certificate that appears twice is written once.
 */
final class HashedDirectory {
  private HashedDirectory() {}

  /** File name to PEM, for the certificates and then the CRLs, each in the given order. */
  static SortedMap<String, String> write(List<Certificate> certificates, List<RevocationList> crls) {
    SortedMap<String, String> files = write(certificates);
    Map<String, Integer> nextIndex = new HashMap<>();
    Set<Fingerprint> seen = new HashSet<>();
    for (RevocationList crl : crls) {
      if (!seen.add(crl.facts().fingerprint())) {
        continue;
      }
      String hash = SubjectHash.opensslIssuerHash(crl);
      int n = nextIndex.merge(hash, 1, Integer::sum) - 1;
      files.put(hash + ".r" + n, crl.pem());
    }
    return files;
  }

  /** File name to PEM, for the certificates in the given order. */
  static SortedMap<String, String> write(List<Certificate> certificates) {
    SortedMap<String, String> files = new TreeMap<>();
    Map<String, Integer> nextIndex = new HashMap<>();
    Set<Fingerprint> seen = new HashSet<>();
    for (Certificate c : certificates) {
      if (!seen.add(c.fingerprint())) {
        continue;
      }
      String hash = SubjectHash.opensslSubjectHash(c);
      int n = nextIndex.merge(hash, 1, Integer::sum) - 1;
      files.put(hash + "." + n, c.pem());
    }
    return files;
  }
}
