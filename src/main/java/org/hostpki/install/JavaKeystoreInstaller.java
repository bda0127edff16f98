package org.hostpki.install;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.InstallEntryNames;
import org.hostpki.model.InstallObservation;
import org.hostpki.model.InstallTarget;
import org.hostpki.pki.Certificate;

/**
 * A Java trust store ({@code cacerts}) that no system tool rebuilds: a JDK or JRE of its own, or
 * one an application ships. Entries are trusted certificate entries with the alias {@code
 * hostpki-NAME}. The file is changed with the JDK's KeyStore API and replaced in one rename (a
 * new file beside it, synced, with the old one's owner and mode), so a JVM starting meanwhile
 * reads the old or the new store, never half of one.
 *
 * <p>The path is the trust store's real path ({@link KeystorePlace}: a JDK's {@code
 * lib/security/cacerts} often is a link, followed when the plan resolves it, unless another user
 * may change it). The store may be below folders of another user's (an app's own JDK): its folder
 * is reached without following a link from the first name that user may change on, and the file
 * and its lock are read and written relative to that folder, held open, so a link put on the way
 * since is refused, never followed. Two writers at once (a package upgrade rewriting the same
 * file) are not kept apart: the later rename wins, and the next apply puts hostpki's entries back.
 * Two stores' applies are: each holds a lock on a hidden file beside it ({@link #lockFile()}).
 */
public final class JavaKeystoreInstaller implements TrustInstaller {
  private final Path keystore;
  private final Optional<char[]> password;
  private final Predicate<String> owned;

  /**
   * @param keystore the trust store file's real path ({@link KeystorePlace#find})
   * @param password its password; empty for one without
   * @param owned which marked entry names are this store's ({@link TrustInstaller})
   */
  JavaKeystoreInstaller(Path keystore, Optional<char[]> password, Predicate<String> owned) {
    this.keystore = keystore;
    this.password = password.map(char[]::clone);
    this.owned = owned;
  }

  @Override
  public InstallTarget target() {
    return InstallTarget.java(keystore);
  }

  @Override
  public String describe() {
    return keystore + ", aliases " + InstallEntryNames.MARK + "NAME";
  }

  @Override
  public InstallObservation observe() {
    try (KeystorePlace.Held held = place()) {
      return observe(JavaKeystoreFile.read(held.folder(), held.file(), password));
    } catch (IOException e) {
      throw new InstallException(target(), e.getMessage());
    }
  }

  private InstallObservation observe(JavaKeystoreFile.Loaded loaded) {
    SortedMap<String, Fingerprint> entries = new TreeMap<>();
    SortedSet<String> damaged = new TreeSet<>();
    for (Map.Entry<String, Fingerprint> entry : loaded.entries().certificates().entrySet()) {
      nameOf(entry.getKey()).ifPresent(name -> entries.put(name, entry.getValue()));
    }
    return new InstallObservation(target(), entries, damaged);
  }

  /** The entry name of a marked alias of this store's; key stores fold aliases to lower case. */
  private Optional<String> nameOf(String alias) {
    if (!alias.startsWith(InstallEntryNames.MARK)) {
      return Optional.empty();
    }
    String name = alias.substring(InstallEntryNames.MARK.length());
    return InstallEntryNames.isValid(name) && owned.test(name) ? Optional.of(name) : Optional.empty();
  }

  /**
   * {@inheritDoc} Holds the host-wide lock of {@link #lockFile()} throughout: another store's
   * apply into the same file waits, where the later rename would drop the first one's entries.
   */
  @Override
  public InstallObservation apply(
      SortedMap<String, Certificate> desired,
      java.util.function.Consumer<String> notices,
      java.util.function.Consumer<String> waiting) {
    try (KeystorePlace.Held held = place();
        TargetLock lock = TargetLock.hold(target(), beside(held.file()), TargetLock.WAIT, waiting, () -> (FileChannel)
            held.folder().open(beside(held.name()), TargetLock.OPTIONS, TargetLock.MODE))) {
      return applyLocked(held, desired);
    } catch (IOException e) {
      throw new InstallException(target(), e.getMessage());
    }
  }

  /**
   * The trust store's folder, held open ({@link KeystorePlace#open}), its path checked again as
   * the plan found it: a link put on the way since, by whoever may change a name on it, is not
   * followed.
   */
  private KeystorePlace.Held place() {
    Path real;
    try {
      real = KeystorePlace.find(keystore);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InstallException(target(), keystore + " does not exist");
    } catch (IOException e) {
      throw new InstallException(target(), e.getMessage() + "; nothing was changed");
    }
    if (!real.equals(keystore.toAbsolutePath())) {
      throw new InstallException(
          target(),
          keystore + " leads to " + real + " now (a link was put on the way to it); nothing was changed. Name the"
              + " trust store itself");
    }
    try {
      return KeystorePlace.open(real);
    } catch (IOException e) {
      throw new InstallException(target(), e.getMessage());
    }
  }

  /** {@code .NAME.hostpki.lock} beside the trust store. */
  Path lockFile() {
    return beside(keystore.toAbsolutePath());
  }

  private static Path beside(Path file) {
    return file.resolveSibling("." + file.getFileName() + SystemTrustLayout.LOCK_FILE);
  }

  /**
   * The lock of the Java trust store at {@code keystore}: also held by the system store's apply
   * when the system tool rebuilds that file ({@link SystemTrustInstaller}).
   */
  static Path lockFile(Path keystore) {
    Path file;
    try {
      file = keystore.toRealPath();
    } catch (IOException e) {
      file = keystore.toAbsolutePath(); // reading it fails next, with its own words
    }
    return beside(file);
  }

  private InstallObservation applyLocked(KeystorePlace.Held held, SortedMap<String, Certificate> desired) {
    SortedMap<String, Fingerprint> wanted = DesiredEntries.fingerprints(desired);
    JavaKeystoreFile.Loaded before;
    try {
      before = JavaKeystoreFile.read(held.folder(), held.file(), password);
    } catch (IOException e) {
      throw new InstallException(target(), e.getMessage());
    }
    InstallObservation now = observe(before);
    if (now.holdsExactly(wanted)) {
      return now;
    }
    for (String name : desired.keySet()) {
      if (before.entries().keys().contains(InstallEntryNames.MARK + name)) {
        throw new InstallException(
            target(),
            "the alias " + InstallEntryNames.MARK + name + " holds a key, not a trusted certificate: it is not"
                + " hostpki's, and hostpki does not replace it; rename it (keytool -changealias)");
      }
    }
    SortedSet<String> remove = new TreeSet<>();
    now.entries().keySet().stream().filter(n -> !desired.containsKey(n)).forEach(n -> remove.add(InstallEntryNames.MARK + n));
    SortedMap<String, Certificate> put = new TreeMap<>();
    desired.forEach(
        (name, certificate) -> {
          if (!wanted.get(name).equals(now.entries().get(name))) {
            put.put(InstallEntryNames.MARK + name, certificate);
          }
        });
    try {
      InstallFiles.replace(
          held.folder(), held.name(), JavaKeystoreFile.changed(before, remove, put, password), InstallFiles.PUBLIC);
    } catch (IOException e) {
      // Nothing was renamed over the store: it is as it was.
      throw new InstallException(target(), "cannot write " + keystore + ": " + e.getMessage());
    }
    try {
      InstallObservation after = observe(JavaKeystoreFile.read(held.folder(), held.file(), password));
      if (after.holdsExactly(wanted)) {
        return after;
      }
      throw rollBack(held, before, "after writing, " + keystore + " does not hold what it should: " + Differences.describe(after, wanted));
    } catch (IOException e) {
      throw rollBack(held, before, "after writing, " + keystore + " cannot be read: " + e.getMessage());
    }
  }

  private InstallException rollBack(KeystorePlace.Held held, JavaKeystoreFile.Loaded before, String failure) {
    try {
      InstallFiles.replace(held.folder(), held.name(), before.bytes(), InstallFiles.PUBLIC);
      return new InstallException(target(), failure + "\n  The previous file was put back.", true, null);
    } catch (IOException e) {
      return new InstallException(target(), failure + "\n  Putting the previous file back failed too: " + e.getMessage(), false, e);
    }
  }
}
