package org.hostpki.apply;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ObservedAccess;
import org.hostpki.model.ObservedOutputs;
import org.hostpki.model.OutputSpec;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.OutputReader;
import org.hostpki.pki.WrongPasswordException;
import org.hostpki.store.StoreSnapshot;

/**
 * Reads what the store holds of the files a desired state declares ({@link ObservedOutputs}):
 * each output as its format ({@link OutputReader}), the files left from outputs no longer
 * declared, and the files protected with {@code store.previousPassword} while the password
 * changes. An output that is there but is not what its format says is a fact (it is written
 * again), not an error; one the passwords do not open is an error, as for {@code server.p12}.
 */
final class OutputObserver {
  private OutputObserver() {}

  /**
   * @param storeFiles what observing the store's own files found ({@link
   *     ObservedOutputs#previousPassword()} of its PKCS#12 files)
   * @param accessDrift the declared files whose access is not the declared one ({@link
   *     org.hostpki.store.StoreDirectory#accessDrift})
   */
  static ObservedOutputs observe(
      DesiredState desired,
      StoreSnapshot snapshot,
      Optional<char[]> password,
      Optional<char[]> previous,
      String passwordSource,
      ObservedOutputs storeFiles,
      SortedMap<String, ObservedAccess> accessDrift) {
    Map<String, ObservedOutputs.Observed> declared = new TreeMap<>();
    Set<String> underPrevious = new TreeSet<>(storeFiles.previousPassword());
    Set<String> declaredNames = new TreeSet<>();
    Path store = desired.store().path();
    for (OutputSpec output : desired.outputs()) {
      declaredNames.addAll(output.fileNames());
      Map<String, byte[]> files = new HashMap<>();
      output.fileNames().forEach(n -> Optional.ofNullable(snapshot.files().get(n)).ifPresent(b -> files.put(n, b)));
      if (files.isEmpty()) {
        continue;
      }
      declared.put(output.file(), read(output, files, password, previous, underPrevious, store, passwordSource));
    }
    SortedSet<String> undeclared = new TreeSet<>();
    for (String name : snapshot.files().keySet()) {
      if (name.indexOf('/') < 0
          && !name.startsWith(".")
          && !StoreLayout.OWN_NAMES.contains(name)
          && !declaredNames.contains(name)) {
        undeclared.add(name);
      }
    }
    return new ObservedOutputs(declared, undeclared, accessDrift, underPrevious);
  }

  private static ObservedOutputs.Observed read(
      OutputSpec output,
      Map<String, byte[]> files,
      Optional<char[]> password,
      Optional<char[]> previous,
      Set<String> underPrevious,
      Path store,
      String passwordSource) {
    try {
      try {
        return ObservedOutputs.Observed.read(OutputReader.facts(output, files, password));
      } catch (WrongPasswordException e) {
        if (previous.isEmpty()) {
          throw StoreObserver.wrongPassword(store.resolve(output.file()), passwordSource, false);
        }
        try {
          ObservedOutputs.Observed observed =
              ObservedOutputs.Observed.read(OutputReader.facts(output, files, previous));
          underPrevious.add(output.file());
          return observed;
        } catch (WrongPasswordException again) {
          throw StoreObserver.wrongPassword(store.resolve(output.file()), passwordSource, true);
        }
      }
    } catch (InvalidMaterialException e) {
      return ObservedOutputs.Observed.unreadable(e.getMessage());
    }
  }

}
