package org.hostpki.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.InstallEntryNames;
import org.hostpki.model.InstallObservation;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;

/**
 * The operating system's trust store: one file per entry in the family's anchors directory, taken
 * up by the family's tool. Where that tool also rebuilds Java's {@code cacerts} (see {@link
 * SystemTrustLayout#javaKeystore()}), Java is part of this target: an entry counts as installed
 * only when the bundle, and that {@code cacerts}, hold it.
 *
 * <p>On Debian, {@code update-ca-certificates} tells ca-certificates-java only about links it
 * adds: a removed or rewritten file is taken up only with {@code --fresh}, and even then Java
 * hears of no removal. So after a removal this installer also hands the removed names to the
 * {@code jks-keystore} hook itself, as ca-certificates would for a removed system CA.
 */
public final class SystemTrustInstaller implements TrustInstaller {
  // Over 400 lines on purpose: the family's tool, its update.d hooks (whose failures are notices,
  // not rollbacks), Java's cacerts kept by the same tool, and the put-back of the anchors are one
  // step under one host-wide lock, judged by one look at what the tool left.

  /** Far more than any system bundle; a bound on what a bad file can make us read. */
  private static final int MAX_BUNDLE_BYTES = 64 << 20;

  private static final int MAX_ANCHOR_BYTES = 1 << 20;

  /**
   * How update-ca-certificates reports a hook in /etc/ca-certificates/update.d that failed: it
   * goes on and exits 0, so this line is the only sign that what the hook keeps in step with the
   * system store (Java's cacerts, a copy in a container's root) was not updated.
   */
  private static final Pattern FAILED_HOOK = Pattern.compile("^E: (.+) exited with code (\\d+)\\.$", Pattern.MULTILINE);

  /**
   * Where Debian's jks-keystore hook queues the links it is handed ({@code +LINK}, {@code -LINK})
   * for ca-certificates-java, which takes them into {@code cacerts} when dpkg runs its triggers and
   * then removes the file. Its hook queues first and asks dpkg to run the triggers after, which
   * fails while apt holds dpkg's lock: a change queued here is on its way into Java.
   */
  static final String JAVA_PENDING = "var/lib/ca-certificates-java/pending";

  private static final int MAX_PENDING_BYTES = 16 << 20;

  private static final String READ_ONLY_REFUSED = "; a read-only file system refused a write: ";

  private final SystemTrustLayout layout;
  private final ToolRunner tools;
  private final Path tool;
  private final Predicate<String> owned;

  /** @param owned which marked entry names are this store's ({@link TrustInstaller}) */
  SystemTrustInstaller(SystemTrustLayout layout, ToolRunner tools, Path tool, Predicate<String> owned) {
    this.layout = layout;
    this.tools = tools;
    this.tool = tool;
    this.owned = owned;
  }

  public SystemTrustLayout layout() {
    return layout;
  }

  @Override
  public InstallTarget target() {
    return InstallTarget.system();
  }

  @Override
  public String describe() {
    return layout.describe();
  }

  @Override
  public InstallObservation observe() {
    try {
      return observe(anchorFiles());
    } catch (IOException e) {
      throw new InstallException(target(), "cannot read the system trust store: " + e.getMessage());
    }
  }

  private InstallObservation observe(SortedMap<String, Optional<byte[]>> files) throws IOException {
    return observe(files, true);
  }

  /**
   * @param withJava whether an entry must be in Java's cacerts too (or queued for it, {@link
   *     #JAVA_PENDING}); not after a hook failed, when only the system tool's own work is checked
   */
  private InstallObservation observe(SortedMap<String, Optional<byte[]>> files, boolean withJava) throws IOException {
    Set<Fingerprint> bundle = bundleFingerprints(layout.bundle());
    Optional<JavaKeystoreFile.Entries> java = withJava ? javaEntries() : Optional.empty();
    Map<String, Character> pending = java.isPresent() ? javaPending() : Map.of();
    SortedMap<String, Fingerprint> entries = new TreeMap<>();
    SortedSet<String> damaged = new TreeSet<>();
    for (Map.Entry<String, Optional<byte[]>> file : files.entrySet()) {
      String name = file.getKey();
      Optional<Fingerprint> fingerprint = file.getValue().flatMap(SystemTrustInstaller::singleCertificate);
      if (fingerprint.isPresent() && bundle.contains(fingerprint.get()) && linked(name)
          && (inJava(java, name, fingerprint.get()) || Character.valueOf('+').equals(pending.get(name)))) {
        entries.put(name, fingerprint.get());
      } else {
        damaged.add(name);
      }
    }
    // Debian's gap: a Java entry whose file is gone stays in cacerts until someone removes it.
    java.ifPresent(j -> staleJavaNames(j, files.keySet()).stream()
        .filter(n -> !Character.valueOf('-').equals(pending.get(n)))
        .forEach(damaged::add));
    return new InstallObservation(target(), entries, damaged);
  }

  /**
   * Debian: what jks-keystore queued for Java and ca-certificates-java has not taken up yet, by
   * entry name: {@code +} or {@code -}, the last line naming that entry's link.
   */
  private Map<String, Character> javaPending() {
    Map<String, Character> out = new TreeMap<>();
    if (layout.family() != SystemTrustLayout.Family.DEBIAN) {
      return out;
    }
    Optional<byte[]> bytes;
    try {
      bytes = InstallFiles.read(layout.root().resolve(JAVA_PENDING), MAX_PENDING_BYTES, true);
    } catch (IOException e) {
      return out; // unreadable: nothing counts as on its way
    }
    if (bytes.isEmpty()) {
      return out;
    }
    String prefix = layout.debianLink("").getParent() + "/" + InstallEntryNames.MARK;
    for (String line : new String(bytes.get(), StandardCharsets.UTF_8).split("\n")) {
      if (line.length() > 1 && (line.charAt(0) == '+' || line.charAt(0) == '-')
          && line.startsWith(prefix, 1) && line.endsWith(".pem")) {
        out.put(line.substring(1 + prefix.length(), line.length() - ".pem".length()), line.charAt(0));
      }
    }
    return out;
  }

  private boolean linked(String name) {
    return layout.family() != SystemTrustLayout.Family.DEBIAN || Files.exists(layout.debianLink(name));
  }

  private boolean inJava(Optional<JavaKeystoreFile.Entries> java, String name, Fingerprint fingerprint) {
    if (java.isEmpty()) {
      return true;
    }
    if (layout.family() == SystemTrustLayout.Family.DEBIAN) {
      return fingerprint.equals(java.get().certificates().get(SystemTrustLayout.debianJavaAlias(name)));
    }
    return java.get().certificates().containsValue(fingerprint); // p11-kit picks its own aliases
  }

  private List<String> staleJavaNames(JavaKeystoreFile.Entries java, Set<String> files) {
    List<String> stale = new ArrayList<>();
    if (layout.family() != SystemTrustLayout.Family.DEBIAN) {
      return stale;
    }
    String prefix = "debian:" + InstallEntryNames.MARK;
    for (String alias : java.certificates().keySet()) {
      if (alias.startsWith(prefix) && alias.endsWith(".pem")) {
        String name = alias.substring(prefix.length(), alias.length() - ".pem".length());
        if (InstallEntryNames.isValid(name) && owned.test(name) && !files.contains(name)) {
          stale.add(name);
        }
      }
    }
    return stale;
  }

  private Optional<JavaKeystoreFile.Entries> javaEntries() throws IOException {
    if (layout.javaKeystore().isEmpty()) {
      return Optional.empty();
    }
    // Read without the password: a JKS file's certificates are not encrypted, and the password
    // ca-certificates-java uses is in a file of its own (/etc/default/cacerts).
    return Optional.of(JavaKeystoreFile.read(layout.javaKeystore().get(), Optional.empty(), true).entries());
  }

  /**
   * {@inheritDoc} Holds the host-wide lock of {@link SystemTrustLayout#lockFile()} throughout:
   * another store's apply into the same system store waits. Where the tool rebuilds Java's
   * cacerts, that file's own lock ({@link JavaKeystoreInstaller#lockFile(Path)}) is held too: a
   * {@code java:} target naming it (one only in an install record, from when {@code
   * cacerts_updates} was off) is not written at the same time. Always in this order, and a Java
   * target takes only its own: no two applies wait for each other.
   */

  /**
   * {@inheritDoc} On Debian a hook in {@code /etc/ca-certificates/update.d} that fails (Java's
   * jks-keystore does while apt holds dpkg's lock) is not the step's failure: the system tool did
   * its work, and clients reading the bundle trust what it holds. The hook's failure, with its
   * words, goes to {@code notices}, and the anchors and bundle stay.
   */
  @Override
  public InstallObservation apply(
      SortedMap<String, Certificate> desired,
      java.util.function.Consumer<String> notices,
      java.util.function.Consumer<String> waiting) {
    return apply(desired, notices, waiting, notices, false);
  }

  @Override
  public InstallObservation apply(
      SortedMap<String, Certificate> desired,
      java.util.function.Consumer<String> notices,
      java.util.function.Consumer<String> waiting,
      java.util.function.Consumer<String> hookFailures,
      boolean again) {
    try (TargetLock lock = TargetLock.hold(target(), layout.lockFile(), TargetLock.WAIT, waiting);
        TargetLock java = layout.javaKeystore()
            .map(j -> TargetLock.hold(target(), JavaKeystoreInstaller.lockFile(j), TargetLock.WAIT, waiting))
            .orElse(null)) {
      return applyLocked(desired, hookFailures, again);
    }
  }

  /** @param again run the tool (with --fresh) even when the entries are as desired */
  private InstallObservation applyLocked(
      SortedMap<String, Certificate> desired, java.util.function.Consumer<String> notices, boolean again) {
    SortedMap<String, Fingerprint> wanted = DesiredEntries.fingerprints(desired);
    SortedMap<String, Optional<byte[]>> before;
    InstallObservation now;
    try {
      before = anchorFiles();
      now = observe(before);
    } catch (IOException e) {
      throw new InstallException(target(), "cannot read the system trust store: " + e.getMessage());
    }
    if (now.holdsExactly(wanted) && !again) {
      return now;
    }
    Set<String> removed = new TreeSet<>(now.damaged());
    removed.addAll(now.entries().keySet());
    removed.removeAll(desired.keySet());
    boolean rewrites = desired.keySet().stream().anyMatch(n -> before.containsKey(n) && !wanted.get(n).equals(now.entries().get(n)));
    boolean fresh = again || !removed.isEmpty() || rewrites || !now.damaged().isEmpty();
    List<String> log = new ArrayList<>();
    try {
      for (Map.Entry<String, Certificate> entry : desired.entrySet()) {
        if (!wanted.get(entry.getKey()).equals(now.entries().get(entry.getKey()))) {
          InstallFiles.replace(anchor(entry.getKey()), entry.getValue().pem().getBytes(StandardCharsets.US_ASCII), InstallFiles.PUBLIC);
        }
      }
      for (String name : removed) {
        InstallFiles.delete(anchor(name));
      }
      List<String> hookFailures = new ArrayList<>();
      refresh(fresh, removed, log, hookFailures);
      SortedMap<String, Optional<byte[]>> files = anchorFiles();
      InstallObservation after = observe(files);
      if (!after.holdsExactly(wanted) && !hookFailures.isEmpty()) {
        // Java's cacerts (what a hook keeps) may be behind: the tool's own work is what must hold.
        InstallObservation toolsWork = observe(files, false);
        if (toolsWork.holdsExactly(wanted)) {
          hookFailures.add(
              "Java's cacerts does not hold what it should yet (" + Differences.describe(after, wanted) + "): "
                  + (readOnly(log)
                      ? "a hook could not write, a file system being read-only: " + TargetLock.READ_ONLY_ADVICE
                          + "; then apply again"
                      : "once apt and dpkg are done, run " + layout.family().tool() + " (or apply again)"));
          after = toolsWork;
        }
      }
      hookFailures.forEach(notices);
      if (!after.holdsExactly(wanted)) {
        throw new StepFailed(
            layout.family().tool() + " ran, but the system store does not hold what it should: "
                + Differences.describe(after, wanted) + toolOutput(log));
      }
      return after;
    } catch (IOException | StepFailed e) {
      throw rollBack(before, desired.keySet(), e.getMessage());
    }
  }

  /** Puts the anchor files back as they were and runs the tool again. */
  private InstallException rollBack(SortedMap<String, Optional<byte[]>> before, Set<String> desiredNames, String failure) {
    boolean filesBack = false;
    try {
      Set<String> added = new TreeSet<>(desiredNames);
      added.removeAll(before.keySet());
      for (String name : added) {
        InstallFiles.delete(anchor(name));
      }
      for (Map.Entry<String, Optional<byte[]>> file : before.entrySet()) {
        if (file.getValue().isPresent()) {
          InstallFiles.replace(anchor(file.getKey()), file.getValue().get(), InstallFiles.PUBLIC);
        }
      }
      filesBack = true;
      refresh(true, added, new ArrayList<>(), new ArrayList<>());
      return new InstallException(target(), failure + "\n  The system store was put back as it was.", true, null);
    } catch (IOException | StepFailed e) {
      String state =
          filesBack
              ? "the files in " + layout.anchors() + " are as before, the bundle made from them may not be: once"
                  + " the cause is fixed, run " + layout.family().tool()
                  + (layout.family() == SystemTrustLayout.Family.DEBIAN ? " --fresh" : " extract")
              : "some files in " + layout.anchors() + " may not be as before: once the cause is fixed, the"
                  + " next apply puts hostpki's entries as they should be";
      return new InstallException(
          target(), failure + "\n  Putting the system store back failed too: " + e.getMessage() + "; " + state, false, null);
    }
  }

  /**
   * Runs the family's tool, and on Debian tells Java of removed entries. A failure of the tool
   * itself fails the step; a Debian hook that failed (reported only by an "E:" line, the tool
   * exits 0) does not: the anchors and bundle are as they should be, and putting them back would
   * take the CA from every client because, say, dpkg's lock was held. It goes to {@code
   * hookFailures}, one line each with what the tool printed.
   */
  private void refresh(boolean fresh, Set<String> removed, List<String> log, List<String> hookFailures)
      throws IOException, StepFailed {
    ToolRunner.Result result = tools.run(layout.refreshCommand(tool, fresh), "");
    log.add(result.output());
    if (!result.succeeded()) {
      throw new StepFailed(result.failure() + readOnlyAdvice(result));
    }
    if (layout.family() != SystemTrustLayout.Family.DEBIAN) {
      return;
    }
    Matcher failedHook = FAILED_HOOK.matcher(result.stdout());
    while (failedHook.find()) {
      hookFailures.add(
          "install/system: " + layout.family().tool() + " put the entries in " + layout.bundle() + ", but its hook "
              + TerminalText.escape(failedHook.group(1)) + " exited with code " + failedHook.group(2)
              + ", so what that hook keeps in step with the system store (Java's cacerts, a copy elsewhere) may be"
              + " behind; what the tool printed:" + oneLine(result.output())
              + readOnlyAdvice(result));
    }
    if (layout.javaKeystore().isPresent() && !removed.isEmpty()) {
      StringBuilder lines = new StringBuilder();
      removed.forEach(n -> lines.append('-').append(layout.debianLink(n)).append('\n'));
      ToolRunner.Result hook = tools.run(List.of(layout.debianJavaHook().toString()), lines.toString());
      log.add(hook.output());
      if (!hook.succeeded()) {
        hookFailures.add(
            "install/system: the entries left " + layout.bundle() + ", but telling Java of that failed: "
                + oneLine(hook.failure()) + readOnlyAdvice(hook));
      }
    }
  }

  /**
   * Whether the tools' output says a write was refused by a read-only file system (the shipped
   * units' ProtectSystem=strict without trust-install.conf): then that, not dpkg's lock, is the
   * cause to name.
   */
  private static boolean readOnly(List<String> log) {
    return log.stream().anyMatch(o -> o.contains(TargetLock.READ_ONLY));
  }

  /** {@link TargetLock#READ_ONLY_ADVICE} when the tool's output says a read-only file system refused it. */
  private static String readOnlyAdvice(ToolRunner.Result result) {
    return result.output().contains(TargetLock.READ_ONLY) ? READ_ONLY_REFUSED + TargetLock.READ_ONLY_ADVICE : "";
  }

  /** A tool's output (indented lines) as one line, for a warning. */
  private static String oneLine(String output) {
    return " " + String.join(" | ", output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
  }

  private static String toolOutput(List<String> log) {
    return log.isEmpty() ? "" : "; what the tools printed:" + String.join("", log);
  }

  private Path anchor(String name) {
    return layout.anchors().resolve(layout.fileName(name));
  }

  /**
   * This store's files in the anchors directory, by entry name: their bytes, or empty for a marked
   * name that is not a readable regular file. Names that are not valid entry names are not
   * hostpki's, those of another store not this store's: both are left out.
   */
  private SortedMap<String, Optional<byte[]>> anchorFiles() throws IOException {
    SortedMap<String, Optional<byte[]>> files = new TreeMap<>();
    if (!Files.isDirectory(layout.anchors())) {
      throw new IOException(layout.anchors() + " is not a directory");
    }
    try (DirectoryStream<Path> dir =
        Files.newDirectoryStream(layout.anchors(), InstallEntryNames.MARK + "*" + layout.suffix())) {
      for (Path file : dir) {
        String fileName = file.getFileName().toString();
        String name =
            fileName.substring(InstallEntryNames.MARK.length(), fileName.length() - layout.suffix().length());
        if (!InstallEntryNames.isValid(name) || !owned.test(name)) {
          continue;
        }
        Optional<byte[]> bytes;
        try {
          bytes = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
              ? InstallFiles.read(file, MAX_ANCHOR_BYTES, false)
              : Optional.empty();
        } catch (IOException e) {
          bytes = Optional.empty();
        }
        files.put(name, bytes);
      }
    }
    return files;
  }

  private static Optional<Fingerprint> singleCertificate(byte[] bytes) {
    try {
      List<Certificate> certificates = Pem.readCertificates(bytes, 2);
      return certificates.size() == 1 ? Optional.of(certificates.get(0).fingerprint()) : Optional.empty();
    } catch (InvalidMaterialException e) {
      return Optional.empty();
    }
  }

  /** The fingerprints of a PEM bundle; none when it does not exist. */
  static Set<Fingerprint> bundleFingerprints(Path bundle) throws IOException {
    Optional<byte[]> bytes = InstallFiles.read(bundle, MAX_BUNDLE_BYTES, true);
    Set<Fingerprint> out = new java.util.HashSet<>();
    if (bytes.isEmpty() || bytes.get().length == 0) {
      return out;
    }
    try {
      for (Certificate c : Pem.readCertificates(bytes.get(), 100_000)) {
        out.add(c.fingerprint());
      }
    } catch (InvalidMaterialException e) {
      throw new IOException(bundle + " " + e.getMessage());
    }
    return out;
  }
}
