package org.hostpki.install;

import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.InstallEntryNames;
import org.hostpki.pki.Certificate;

/** Checks of what a caller asks to install: valid names, each certificate once. */
final class DesiredEntries {
  private DesiredEntries() {}

  /**
   * The desired entries' fingerprints.
   *
   * @throws IllegalArgumentException for an invalid name or a certificate under two names (an NSS
   *     database cannot hold one certificate twice, so no target is given one twice)
   */
  static SortedMap<String, Fingerprint> fingerprints(SortedMap<String, Certificate> desired) {
    SortedMap<String, Fingerprint> out = new TreeMap<>();
    Map<Fingerprint, String> names = new HashMap<>();
    for (Map.Entry<String, Certificate> entry : desired.entrySet()) {
      InstallEntryNames.require(entry.getKey());
      Fingerprint fingerprint = entry.getValue().fingerprint();
      String earlier = names.putIfAbsent(fingerprint, entry.getKey());
      if (earlier != null) {
        throw new IllegalArgumentException(
            "the same certificate is desired as " + earlier + " and as " + entry.getKey() + "; install it once");
      }
      out.put(entry.getKey(), fingerprint);
    }
    return out;
  }
}
