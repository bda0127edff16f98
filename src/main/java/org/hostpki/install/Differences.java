package org.hostpki.install;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.InstallEntryNames;
import org.hostpki.model.InstallObservation;

/** What an observed target lacks or has too much of, in words for a failure message. */
final class Differences {
  private Differences() {}

  static String describe(InstallObservation observed, SortedMap<String, Fingerprint> wanted) {
    List<String> missing = new ArrayList<>();
    List<String> different = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    for (Map.Entry<String, Fingerprint> w : wanted.entrySet()) {
      Fingerprint there = observed.entries().get(w.getKey());
      if (there == null && !observed.damaged().contains(w.getKey())) {
        missing.add(InstallEntryNames.MARK + w.getKey());
      } else if (there == null || !there.equals(w.getValue())) {
        different.add(InstallEntryNames.MARK + w.getKey());
      }
    }
    observed.entries().keySet().stream().filter(n -> !wanted.containsKey(n)).forEach(n -> extra.add(InstallEntryNames.MARK + n));
    observed.damaged().stream().filter(n -> !wanted.containsKey(n)).forEach(n -> extra.add(InstallEntryNames.MARK + n));
    List<String> parts = new ArrayList<>();
    if (!missing.isEmpty()) {
      parts.add("missing: " + String.join(", ", missing));
    }
    if (!different.isEmpty()) {
      parts.add("not as it should be: " + String.join(", ", different));
    }
    if (!extra.isEmpty()) {
      parts.add("left over: " + String.join(", ", extra));
    }
    return String.join("; ", parts);
  }
}
