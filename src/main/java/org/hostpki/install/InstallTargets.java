package org.hostpki.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.hostpki.model.InstallSpec;
import org.hostpki.model.InstallTarget;
import org.hostpki.store.OutputTarget;

/**
 * Turns {@code trust.install} into the installers of this host: which system family it is, which
 * Java trust stores are files of their own and which the system tool rebuilds, where certutil is.
 * What the desired state asks and the host cannot give is a problem in words, for the plan to
 * show; nothing here changes anything.
 */
public final class InstallTargets {
  private final TrustHost host;
  private final Predicate<String> owned;

  /**
   * @param owned which marked entry names are the store's own: those with its tag and those its
   *     install record names ({@link TrustInstaller})
   */
  public InstallTargets(TrustHost host, Predicate<String> owned) {
    this.host = host;
    this.owned = owned;
  }

  /**
   * The installers for one desired state, in a fixed order (system, Java stores, NSS databases),
   * each target once.
   *
   * @param installers what to observe and apply
   * @param notes what the plan should say about how targets were resolved (a Java store that is
   *     part of the system target)
   * @param problems why a named target cannot be installed into on this host, each with the fix
   *     (the desired state or the host must change): the plan is refused
   * @param unreadable by target: why a Java trust store or NSS database named cannot be reached as it
   *     is now (no file there, a link its user put on the way): that target fails alone, as one that
   *     cannot be read, since its user can change it at any time
   */
  public record Resolution(
      List<TrustInstaller> installers, List<String> notes, List<String> problems,
      Map<InstallTarget, String> unreadable) {
    public Resolution {
      installers = List.copyOf(installers);
      notes = List.copyOf(notes);
      problems = List.copyOf(problems);
      unreadable = Collections.unmodifiableMap(new LinkedHashMap<>(unreadable));
    }
  }

  /**
   * @param javaPassword the Java trust stores' password as configured; empty for {@value
   *     InstallSpec#DEFAULT_JAVA_PASSWORD}
   */
  public Resolution resolve(InstallSpec spec, Optional<char[]> javaPassword) {
    List<TrustInstaller> installers = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<InstallTarget, String> unreadable = new LinkedHashMap<>();
    Optional<SystemTrustLayout> layout = SystemTrustLayout.detect(host.root());
    if (spec.system()) {
      system(layout).ifPresentOrElse(installers::add, () -> problems.add(systemProblem(layout)));
    }
    Map<Path, String> javaStores = new LinkedHashMap<>();
    if (spec.runningJava()) {
      javaStores.put(runningJavaKeystore(), "trust.install.java (the Java that runs hostpki, " + host.javaHome() + ")");
    }
    spec.javaKeystores().forEach(p -> javaStores.putIfAbsent(underRoot(p), "trust.install.java"));
    Map<Path, Boolean> seen = new LinkedHashMap<>();
    for (Map.Entry<Path, String> store : javaStores.entrySet()) {
      Path real;
      try {
        real = KeystorePlace.find(store.getKey());
      } catch (NoSuchFileException e) {
        unreadable.put(InstallTarget.java(store.getKey()), store.getValue() + ": there is no trust store at " + store.getKey());
        continue;
      } catch (IOException e) {
        unreadable.put(InstallTarget.java(store.getKey()), store.getValue() + ": " + e.getMessage());
        continue;
      }
      if (seen.put(real, true) != null) {
        continue; // the running Java's store named again by its path, or two links to one file
      }
      Optional<String> inStore = insideAStore(store.getKey(), real);
      if (inStore.isPresent()) {
        problems.add(store.getValue() + ": " + inStore.get());
        continue;
      }
      if (layout.flatMap(SystemTrustLayout::javaKeystore).map(j -> sameFile(j, real)).orElse(false)) {
        SystemTrustLayout l = layout.get();
        if (spec.system()) {
          notes.add(
              "Java's " + real + " is rebuilt by " + l.family().tool() + " from the system store ("
                  + (l.family() == SystemTrustLayout.Family.DEBIAN ? "ca-certificates-java" : "p11-kit")
                  + "), so it is installed through install/system, as one target");
        } else {
          problems.add(
              store.getValue() + ": " + real + " is rebuilt by " + l.family().tool() + " from the system store,"
                  + " so anything put there directly is lost at its next run; set trust.install.system: true,"
                  + " which installs into it too");
        }
        continue;
      }
      installers.add(
          new JavaKeystoreInstaller(
              real, Optional.of(javaPassword.orElse(InstallSpec.DEFAULT_JAVA_PASSWORD.toCharArray())), owned));
    }
    if (!spec.nssDatabases().isEmpty()) {
      Optional<Path> certutil = host.tools().find("certutil");
      if (certutil.isEmpty()) {
        problems.add(
            "trust.install.nss: certutil is not installed (Debian/Ubuntu: apt install libnss3-tools;"
                + " Fedora/RHEL: dnf install nss-tools)");
      } else {
        for (Path database : spec.nssDatabases()) {
          Path directory = underRoot(database);
          if (Files.isSymbolicLink(directory)) {
            unreadable.put(InstallTarget.nss(directory),
                "trust.install.nss: " + directory + " is a symbolic link" + linkTarget(directory)
                    + "; hostpki runs as root and does not follow a link in someone's profile to another"
                    + " database: name the database's own folder");
            continue;
          }
          Optional<String> inStore = insideAStore(directory, directory);
          if (inStore.isPresent()) {
            problems.add("trust.install.nss: " + inStore.get());
            continue;
          }
          installers.add(new NssDatabaseInstaller(directory, host.tools(), certutil.get(), owned));
        }
      }
    }
    return new Resolution(installers, notes, problems, unreadable);
  }

  /**
   * The installer for a target that is only in the install record (the desired state no longer
   * names it), to remove hostpki's entries from it; empty when the target is gone (its file or
   * database no longer exists), so there is nothing left to remove.
   *
   * @param javaPassword for a Java store: the password recorded with it, resolved
   */
  public Optional<TrustInstaller> forRecorded(InstallTarget target, Optional<char[]> javaPassword) {
    switch (target.kind()) {
      case SYSTEM:
        return system(SystemTrustLayout.detect(host.root())).map(TrustInstaller.class::cast);
      case JAVA:
        Path keystore = target.location().orElseThrow();
        return Files.exists(keystore)
            ? Optional.of(
                new JavaKeystoreInstaller(
                    keystore, Optional.of(javaPassword.orElse(InstallSpec.DEFAULT_JAVA_PASSWORD.toCharArray())), owned))
            : Optional.empty();
      default:
        Path database = target.location().orElseThrow();
        Optional<Path> certutil = host.tools().find("certutil");
        // A folder replaced by a link since is not followed: its entries there are out of reach.
        return !Files.isSymbolicLink(database) && Files.isRegularFile(database.resolve("cert9.db")) && certutil.isPresent()
            ? Optional.of(new NssDatabaseInstaller(database, host.tools(), certutil.get(), owned))
            : Optional.empty();
    }
  }

  /**
   * Why a target cannot be one: it lies in a hostpki store, whose generations are never changed
   * once written (and are pruned: the path would be gone after a few applies).
   *
   * @param named the target as the desired state names it
   * @param real its real path
   */
  private static Optional<String> insideAStore(Path named, Path real) {
    return OutputTarget.enclosingStore(Files.isDirectory(real) ? real : real.getParent())
        .map(
            s -> named + (named.equals(real) ? "" : " (" + real + ")") + " is inside the hostpki store " + s
                + ", whose files only hostpki apply writes: installing there would change a kept generation."
                + " Name a trust store outside any hostpki store");
  }

  private Optional<SystemTrustInstaller> system(Optional<SystemTrustLayout> layout) {
    return layout.flatMap(l -> host.tools().find(l.family().tool()).map(tool -> new SystemTrustInstaller(l, host.tools(), tool, owned)));
  }

  private String systemProblem(Optional<SystemTrustLayout> layout) {
    if (layout.isPresent()) {
      SystemTrustLayout.Family family = layout.get().family();
      return "trust.install.system: this is a " + family.description() + " system, but " + family.tool()
          + " is not installed (package " + family.packageName() + ")";
    }
    return "trust.install.system: hostpki does not know this system's trust store: it has neither "
        + host.root().resolve("etc/pki/ca-trust/source/anchors") + " (Fedora/RHEL) nor "
        + host.root().resolve("usr/local/share/ca-certificates") + " with " + host.root().resolve("etc/ca-certificates.conf")
        + " (Debian/Ubuntu); trust the CA by hand with your system's tool, or leave system out";
  }

  /**
   * The {@linkplain org.hostpki.model.InstallEntryNames#tag tag} of the store at {@code store}, from
   * its real path: the same through any link to it. A store not made yet takes the real path of
   * its nearest existing parent and the rest as written, which is what it has once made.
   */
  public static String storeTag(Path store) {
    return org.hostpki.model.InstallEntryNames.tag(realPath(store));
  }

  /** The real path of the store at {@code store}, as its {@link #storeTag tag} is made from. */
  public static String realPath(Path store) {
    Path absolute = store.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing.getParent() != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    Path real;
    try {
      real = existing.toRealPath().resolve(existing.relativize(absolute));
    } catch (IOException e) {
      real = absolute;
    }
    return real.toString();
  }

  /** The running Java's cacerts: {@code lib/security/cacerts}, or a Java 8 JDK's {@code jre/lib/...}. */
  private Path runningJavaKeystore() {
    Path modern = host.javaHome().resolve("lib/security/cacerts");
    Path java8 = host.javaHome().resolve("jre/lib/security/cacerts");
    return Files.exists(modern) || !Files.exists(java8) ? modern : java8;
  }

  /** A path from the desired state, under the host's root (the same path on a real host). */
  private Path underRoot(Path path) {
    return path.isAbsolute() ? host.root().resolve(path.getRoot().relativize(path)) : path;
  }

  private static String linkTarget(Path link) {
    try {
      return " (to " + Files.readSymbolicLink(link) + ")";
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }
}
