package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.install.DebianSystemTrustTest.desired;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.InstallObservation;
import org.hostpki.pki.Certificate;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An NSS database changed with the real certutil. */
class NssDatabaseInstallerTest {
  @TempDir Path dir;
  private Path db;
  private ToolRunner tools;
  private Path certutil;
  private final Certificate foreign = TestCa.selfSignedRoot("Foreign Root");
  private final Certificate ca = TestCa.selfSignedRoot("hostpki Test CA");
  private final Certificate next = TestCa.selfSignedRoot("hostpki Test CA"); // a rotated CA keeps the subject

  @BeforeEach
  void setUp() throws IOException {
    tools = ToolRunner.system(System.getenv());
    certutil = tools.find("certutil").orElse(null);
    Assumptions.assumeTrue(certutil != null, "certutil is not installed (Debian package libnss3-tools)");
    db = Files.createDirectories(dir.resolve("nssdb"));
    certutil("-N", "--empty-password");
    Path pem = Files.writeString(dir.resolve("foreign.pem"), foreign.pem());
    certutil("-A", "-n", "Foreign Root", "-t", "CT,C,C", "-i", pem.toString());
  }

  private NssDatabaseInstaller installer() {
    return new NssDatabaseInstaller(db, tools, certutil, HostTree.EVERY_NAME);
  }

  @Test
  void testApply_addsATrustedEntryNamedByNameAndFingerprint() throws IOException {
    InstallObservation after = installer().apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(listing())
        .containsExactlyInAnyOrder("Foreign Root|CT,C,C", NssDatabaseInstaller.nickname("web-1a2b3c4d-ca", ca.fingerprint()) + "|C,,");
    assertThat(after.entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    assertThat(installer().observe()).isEqualTo(after);
  }

  /**
   * A database names the PKCS#11 modules to load in its pkcs11.txt, which its owner may write:
   * {@code library=/home/app/evil.so} there had root's certutil load and run that library, on a
   * plan as much as an apply (trial: the library wrote "loaded as uid 0"). Run as root on a database
   * of another user's, certutil runs as that user (here a certutil that notes who runs it).
   */
  @Test
  void testApply_asRootOnAnotherUsersDatabaseCertutilRunsAsThem() throws Exception {
    java.nio.file.attribute.UserPrincipal nobody = givenToNobodyByRoot(db);
    Path uids = Files.createFile(dir.resolve("uids"));
    Files.setPosixFilePermissions(uids, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    Path noting = Files.writeString(dir.resolve("certutil"), "#!/bin/sh\nid -u >> " + uids + "\nexec " + certutil + " \"$@\"\n");
    Files.setPosixFilePermissions(noting, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    NssDatabaseInstaller asRoot = new NssDatabaseInstaller(db, tools, noting, HostTree.EVERY_NAME);

    InstallObservation after = asRoot.apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(after.entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    assertThat(asRoot.observe()).isEqualTo(after);
    assertThat(Files.readAllLines(uids)).isNotEmpty().containsOnly(String.valueOf(Files.getAttribute(db, "unix:uid")));
    assertThat(Files.getOwner(db.resolve("cert9.db"))).isEqualTo(nobody);
  }

  /** A certutil that notes its uid, environment, working folder and privileges, then runs the real one. */
  private Path notingCertutil(Path notes) throws IOException {
    Files.createFile(notes);
    Files.setPosixFilePermissions(notes, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    Path noting = Files.writeString(dir.resolve("certutil"), "#!/bin/sh\n"
        + "{ echo uid=$(id -u); echo gid=$(id -g); tr '\\0' '\\n' < /proc/$$/environ; echo cwd=$(readlink /proc/$$/cwd);"
        + " grep -E '^(NoNewPrivs|CapInh):' /proc/$$/status; } >> " + notes + "\n"
        + "exec " + certutil + " \"$@\"\n");
    Files.setPosixFilePermissions(noting, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    return noting;
  }

  private static void assumeRootWithSetpriv(ToolRunner tools) throws IOException {
    Assumptions.assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")), "needs root");
    Assumptions.assumeTrue(tools.find("setpriv").isPresent(), "setpriv (util-linux) is not installed");
  }

  /**
   * rvsec13 H1: certutil ran as root whenever the database folder was root's, though a group could
   * write the folder (root:nogroup 0775: a member replaced pkcs11.txt with library=evil.so and
   * root's plan loaded it as uid 0). Refused now, saying who may write it and how to fix it.
   */
  @Test
  void testObserve_asRootARootFolderAGroupMayWriteIsRefused() throws Exception {
    assumeRootWithSetpriv(tools);
    Files.setPosixFilePermissions(db, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
    Path notes = dir.resolve("notes");
    NssDatabaseInstaller asRoot = new NssDatabaseInstaller(db, tools, notingCertutil(notes), HostTree.EVERY_NAME);

    assertThatThrownBy(asRoot::observe)
        .isInstanceOf(InstallException.class)
        .hasMessageContaining(db + ", but " + db + " may be written by the members of group")
        .hasMessageContaining("rwxrwxr-x")
        .hasMessageContaining("chmod go-w " + db);
    assertThat(Files.readString(notes)).as("certutil never ran").isEmpty();
  }

  /**
   * rvsec13 H1: a root folder (0755) whose pkcs11.txt another user owns: that user may write the
   * module list, so certutil runs as them, not as root.
   */
  @Test
  void testObserve_asRootAModuleListAnotherUserOwnsMakesCertutilRunAsThem() throws Exception {
    assumeRootWithSetpriv(tools);
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(db, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setOwner(db.resolve("pkcs11.txt"), dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    for (String readable : List.of("cert9.db", "key4.db")) {
      Files.setPosixFilePermissions(db.resolve(readable), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }
    Path notes = dir.resolve("notes");
    NssDatabaseInstaller asRoot = new NssDatabaseInstaller(db, tools, notingCertutil(notes), HostTree.EVERY_NAME);

    asRoot.observe();

    assertThat(Files.readAllLines(notes))
        .contains("uid=" + Files.getAttribute(db.resolve("pkcs11.txt"), "unix:uid"))
        .doesNotContain("uid=0", "gid=0");
  }

  /**
   * rvsec13 H2: certutil run as the database's owner is theirs to inspect: /proc/PID/environ showed
   * root's whole environment and /proc/PID/cwd opened root's working folder. It now gets PATH and
   * LC_ALL only, runs in /, without new privileges or inheritable capabilities. rvsec13 L2: the owner
   * may fill the batch's out folder with a folder of files; removing it failed ("Directory not
   * empty") and that replaced the apply's result.
   */
  @Test
  void testApply_asRootCertutilAsTheOwnerGetsNothingOfRootsAndLeavesNoFolder() throws Exception {
    givenToNobodyByRoot(db);
    Path notes = dir.resolve("notes");
    Path noting = notingCertutil(notes);
    // and it leaves a folder of files in the batch's out folder
    Files.writeString(noting, Files.readString(noting).replace("exec ", "for a in \"$@\"; do case $a in */commands)"
        + " o=$(dirname $a)/out; mkdir -p $o/left/deeper && touch $o/left/deeper/f $o/left/g && echo out=$o >> " + notes
        + ";; esac; done\nexec "));

    InstallObservation after = new NssDatabaseInstaller(db, tools, noting, HostTree.EVERY_NAME)
        .apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(after.entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    List<String> noted = Files.readAllLines(notes);
    assertThat(noted).contains("uid=" + Files.getAttribute(db, "unix:uid"), "cwd=/", "NoNewPrivs:\t1", "CapInh:\t0000000000000000")
        .doesNotContain("uid=0");
    assertThat(noted.stream().filter(l -> l.matches("^[A-Za-z_][A-Za-z0-9_]*=.*") && !l.matches("^(uid|gid|cwd|out)=.*")))
        .allMatch(l -> l.startsWith("PATH=") || l.startsWith("LC_ALL="), "only PATH and LC_ALL");
    List<String> outs = noted.stream().filter(l -> l.startsWith("out=")).toList();
    assertThat(outs).isNotEmpty().allSatisfy(o -> assertThat(Path.of(o.substring(4)).getParent()).doesNotExist());
  }

  /**
   * rvcore12 3: the guide said two stores' installs into one NSS database take turns, but only the
   * system and Java targets took the host-wide lock; another store's delete-and-add then looked
   * like a browser's change and was put back. The apply now waits for a lock another holds.
   */
  @Test
  void testApply_waitsForTheLockAnotherStoresApplyHolds() throws Exception {
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<Void> other = java.util.concurrent.CompletableFuture.runAsync(() -> {
      try (TargetLock lock = TargetLock.hold(
          org.hostpki.model.InstallTarget.system(), db.resolve(SystemTrustLayout.LOCK_FILE), TargetLock.WAIT)) {
        held.countDown();
        release.await(2, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(held.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    java.util.concurrent.CompletableFuture<InstallObservation> apply =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> installer().apply(desired("web-1a2b3c4d-ca", ca)));
    Thread.sleep(1500);
    assertThat(apply).as("waits while the other holds the lock").isNotDone();
    release.countDown();
    other.get(1, java.util.concurrent.TimeUnit.MINUTES);
    assertThat(apply.get(2, java.util.concurrent.TimeUnit.MINUTES).entries()).containsKey("web-1a2b3c4d-ca");
  }

  /**
   * A device's own self-signed certificate (what fetch-cert saves from a BMC) is no CA: NSS, and
   * Chromium with it, accept a server presenting it only as a trusted peer ({@code P,,}), never by
   * {@code C,,}. An entry installed with {@code C,,} before is put right.
   */
  @Test
  void testApply_aCertificateThatIsNoCaIsATrustedPeer() throws IOException {
    Certificate device = TestCa.selfSignedLeaf("bmc-01.example.com");
    String nickname = NssDatabaseInstaller.nickname("web-1a2b3c4d-trust-bmc-01", device.fingerprint());

    InstallObservation after = installer().apply(desired("web-1a2b3c4d-ca", ca, "web-1a2b3c4d-trust-bmc-01", device));

    assertThat(listing()).contains(nickname + "|P,,", NssDatabaseInstaller.nickname("web-1a2b3c4d-ca", ca.fingerprint()) + "|C,,");
    assertThat(after.entries()).containsEntry("web-1a2b3c4d-trust-bmc-01", device.fingerprint());
    certutil("-M", "-n", nickname, "-t", "C,,");
    assertThat(installer().observe().damaged()).containsExactly("web-1a2b3c4d-trust-bmc-01");
    installer().apply(desired("web-1a2b3c4d-ca", ca, "web-1a2b3c4d-trust-bmc-01", device));
    assertThat(listing()).contains(nickname + "|P,,");
  }

  @Test
  void testApply_rotationWithTheSameSubjectTellsTheCertificatesApart() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca, "web-1a2b3c4d-ca-next", next));
    assertThat(installer().observe().entries())
        .containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()), Map.entry("web-1a2b3c4d-ca-next", next.fingerprint()));

    InstallObservation moved = installer().apply(desired("web-1a2b3c4d-ca", next, "web-1a2b3c4d-ca-previous", ca));

    assertThat(moved.entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", next.fingerprint()), Map.entry("web-1a2b3c4d-ca-previous", ca.fingerprint()));
    InstallObservation done = installer().apply(new TreeMap<>());
    assertThat(done.entries()).isEmpty();
    assertThat(listing()).containsExactly("Foreign Root|CT,C,C");
  }

  @Test
  void testObserve_anEntryWithoutServerTrustIsDamagedAndApplyRepairsIt() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    certutil("-M", "-n", NssDatabaseInstaller.nickname("web-1a2b3c4d-ca", ca.fingerprint()), "-t", ",,");

    assertThat(installer().observe().damaged()).containsExactly("web-1a2b3c4d-ca");
    assertThat(installer().apply(desired("web-1a2b3c4d-ca", ca)).entries()).containsOnlyKeys("web-1a2b3c4d-ca");
  }

  @Test
  void testApply_aCertificateAlreadyThereUnderAnotherNicknameFailsAndIsPutBack() throws IOException {
    Path pem = Files.writeString(dir.resolve("ca.pem"), ca.pem());
    certutil("-A", "-n", "Example Portal CA", "-t", ",,", "-i", pem.toString());
    List<String> before = listing();

    assertThatThrownBy(() -> installer().apply(desired("web-1a2b3c4d-ca", ca)))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("install/nss:" + db + ": after certutil, the database does not hold what it should: missing: hostpki-web-1a2b3c4d-ca")
        .hasMessageContaining("NSS keeps a certificate it already holds under the nickname it has")
        .hasMessageContaining("The database was put back as it was.");
    assertThat(listing()).isEqualTo(before); // the foreign entry's trust too
  }

  /**
   * tinstall12: 2,000 entries took 12 min 44 s, certutil started once per entry on every listing
   * and once per change. Now a listing, one run reading every entry's certificates and one run per
   * kind of change, whatever the number of entries.
   */
  @Test
  void testApply_startsCertutilAFewTimesWhateverTheNumberOfEntries() throws IOException {
    Path runs = dir.resolve("runs");
    NssDatabaseInstaller counted = wrapped("echo run >>" + runs + "\nexec " + certutil + " \"$@\"\n");
    SortedMap<String, Certificate> many = new TreeMap<>();
    for (int i = 0; i < 12; i++) {
      // NSS gives one key one nickname: each its own key (a device's own certificate, no CA)
      many.put(String.format("web-1a2b3c4d-trust-%02d", i), i % 2 == 0 ? TestCa.selfSignedRoot("Root " + i) : TestCa.selfSignedLeaf("device-" + i));
    }

    InstallObservation after = counted.apply(many);
    long applying = Files.readAllLines(runs).size();
    SortedMap<String, Certificate> changed = new TreeMap<>(many);
    changed.put("web-1a2b3c4d-trust-03", TestCa.selfSignedRoot("Root 3"));
    changed.remove("web-1a2b3c4d-trust-04");
    InstallObservation again = counted.apply(changed);
    long changing = Files.readAllLines(runs).size() - applying;
    InstallObservation observed = counted.observe();
    long observing = Files.readAllLines(runs).size() - applying - changing;

    assertThat(after.entries()).hasSize(12);
    assertThat(observed).isEqualTo(again);
    assertThat(again.entries()).hasSize(11).containsEntry("web-1a2b3c4d-trust-03", changed.get("web-1a2b3c4d-trust-03").fingerprint());
    assertThat(listing()).hasSize(12).contains(
        NssDatabaseInstaller.nickname("web-1a2b3c4d-trust-00", many.get("web-1a2b3c4d-trust-00").fingerprint()) + "|C,,",
        NssDatabaseInstaller.nickname("web-1a2b3c4d-trust-01", many.get("web-1a2b3c4d-trust-01").fingerprint()) + "|P,,");
    assertThat(applying).as("list, add, list, read").isEqualTo(4);
    assertThat(changing).as("list, read, delete, add, list, read").isEqualTo(6);
    assertThat(observing).as("list, read").isEqualTo(2);
  }

  /**
   * A listing longer than the 64 KiB the tools' output is cut at for messages (about 900 entries):
   * at 2,000 the entries after the cut looked missing and the install was rolled back.
   */
  @Test
  void testApply_aListingOfThousandsOfEntriesIsReadWhole() throws IOException {
    // certutil -L listing 1,500 other entries (about 100 KiB) before the real ones
    NssDatabaseInstaller longListing = wrapped(
        "if [ $# = 3 ] && [ \"$3\" = -L ]; then\n  i=0; while [ $i -lt 1500 ]; do"
            + " printf '%-60s %s\\n' \"Other Root $i\" 'CT,C,C'; i=$((i+1)); done\nfi\nexec " + certutil + " \"$@\"\n");

    InstallObservation after = longListing.apply(desired("web-1a2b3c4d-ca", ca));

    assertThat(after.entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
  }

  /** certutil stops a batch at its first failing command: what it did before is put back. */
  @Test
  void testApply_aBatchThatStopsHalfwayIsPutBack() throws IOException {
    SortedMap<String, Certificate> three = new TreeMap<>();
    for (int i = 0; i < 3; i++) {
      three.put("web-1a2b3c4d-trust-" + i, TestCa.selfSignedRoot("Root " + i));
    }
    installer().apply(three);
    List<String> before = listing();
    // A certutil whose batches of deletions run their first command only, then fail as certutil does.
    NssDatabaseInstaller halfway = wrapped(
        "if [ \"$3\" = -B ] && [ \"$(wc -l <\"$5\")\" -gt 1 ] && head -n 1 \"$5\" | grep -q '^-D'; then\n"
            + "  head -n 1 \"$5\" >\"$5.first\"; " + certutil + " \"$1\" \"$2\" -B -i \"$5.first\"\n"
            + "  echo 'certutil: stopped here' >&2; exit 255\nfi\nexec " + certutil + " \"$@\"\n");
    SortedMap<String, Certificate> replaced = new TreeMap<>();
    three.keySet().forEach(n -> replaced.put(n, TestCa.selfSignedRoot("New " + n)));

    assertThatThrownBy(() -> halfway.apply(replaced))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("install/nss:" + db + ": certutil -d sql:" + db + " -B (deleting 3 entries, one command a line)"
            + " exited with code 255, printing:\n  stderr: certutil: stopped here")
        .hasMessageContaining("The database was put back as it was.");
    assertThat(listing()).containsExactlyInAnyOrderElementsOf(before);
    assertThat(installer().observe().entries()).containsOnlyKeys(three.keySet());
  }

  /**
   * tupgrade13: a certutil killed while it changed the database (an OOM kill, a unit's stop
   * timeout) leaves a hot journal, which certutil -L (read-only) cannot roll back: putting the
   * database back failed, and every later plan failed with SEC_ERROR_BAD_DATABASE and advice to
   * close a browser. Here strace kills certutil (SIGKILL) as it ends its first change.
   */
  @Test
  void testApply_aCertutilKilledHalfwayLeavesAJournalThatIsRolledBack() throws IOException {
    Path strace = tools.find("strace").orElse(null);
    Assumptions.assumeTrue(strace != null, "strace is not installed");
    List<String> before = listing();
    NssDatabaseInstaller killed = wrapped(
        "if [ \"$3\" = -B ]; then exec " + strace + " -f -qq -o /dev/null -P " + db.resolve("cert9.db-journal")
            + " -e trace=unlink -e inject=unlink:signal=KILL " + certutil + " \"$@\"; fi\nexec " + certutil + " \"$@\"\n");
    List<String> notices = new ArrayList<>();

    assertThatThrownBy(() -> killed.apply(desired("web-1a2b3c4d-ca", ca), notices::add))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("exited with code 137, printing nothing\n  a program (a certutil killed halfway, a browser that"
            + " crashed) was stopped while it changed the database sql:" + db + ", and left cert9.db-journal: opened it for"
            + " writing once (certutil --rename of no entry), which put back its last complete state\n"
            + "  The database was put back as it was.");
    assertThat(notices).isEmpty(); // told in the message
    assertThat(listing()).containsExactlyInAnyOrderElementsOf(before);
    assertThat(installer().apply(desired("web-1a2b3c4d-ca", ca)).entries()).containsOnlyKeys("web-1a2b3c4d-ca");
  }

  /** A journal rolled back where the apply then succeeds is a notice of the apply's. */
  @Test
  void testApply_aJournalRolledBackBeforeTheChangeIsANotice() throws IOException {
    Path strace = tools.find("strace").orElse(null);
    Assumptions.assumeTrue(strace != null, "strace is not installed");
    killedAddingOther(strace);
    List<String> notices = new ArrayList<>();

    assertThat(installer().apply(desired("web-1a2b3c4d-ca", ca), notices::add).entries()).containsOnlyKeys("web-1a2b3c4d-ca");
    assertThat(notices).containsExactly("install/nss:" + db + ": a program (a certutil killed halfway, a browser that"
        + " crashed) was stopped while it changed the database sql:" + db + ", and left cert9.db-journal: opened it for"
        + " writing once (certutil --rename of no entry), which put back its last complete state");
    assertThat(listing()).containsExactlyInAnyOrder(
        "Foreign Root|CT,C,C", NssDatabaseInstaller.nickname("web-1a2b3c4d-ca", ca.fingerprint()) + "|C,,");
  }

  /** hostpki's entry installed, then a certutil adding "other" killed as it committed (needs strace). */
  private void installedThenKilledAddingOther() throws IOException {
    Path strace = tools.find("strace").orElse(null);
    Assumptions.assumeTrue(strace != null, "strace is not installed");
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    killedAddingOther(strace);
  }

  /** certutil adding "other", killed by strace as SQLite is about to remove the journal (the commit). */
  private void killedAddingOther(Path strace) throws IOException {
    Path pem = Files.writeString(dir.resolve("ca.pem"), ca.pem());
    List<String> command = new ArrayList<>(List.of(strace.toString(), "-f", "-qq", "-o", "/dev/null", "-P",
        db.resolve("cert9.db-journal").toString(), "-e", "trace=unlink", "-e", "inject=unlink:signal=KILL",
        certutil.toString(), "-d", "sql:" + db, "-A", "-n", "other", "-t", "C,,", "-i", pem.toString()));
    assertThat(tools.run(command, "").exitCode()).isEqualTo(137);
    assertThat(db.resolve("cert9.db-journal")).isRegularFile();
  }

  /**
   * fsmall15 b: a plan, check or status reads a database with a journal left behind in a private
   * copy, rolled back there: the app's files are left as they are (it rolled the journal back in
   * the database itself, and said nothing). The next apply rolls it back there, as a notice.
   */
  @Test
  void testObserve_aJournalLeftBehindIsReadInACopyAndTheDatabaseLeftAsItIs() throws IOException {
    installedThenKilledAddingOther();
    Map<String, byte[]> before = new TreeMap<>();
    for (String name : List.of("cert9.db", "key4.db", "cert9.db-journal")) {
      before.put(name, Files.readAllBytes(db.resolve(name)));
    }

    assertThat(installer().observe().entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    for (Map.Entry<String, byte[]> file : before.entrySet()) {
      assertThat(db.resolve(file.getKey())).as(file.getKey()).hasBinaryContent(file.getValue());
    }
    List<String> notices = new ArrayList<>();
    assertThat(installer().apply(desired("web-1a2b3c4d-ca", ca), notices::add).entries()).containsOnlyKeys("web-1a2b3c4d-ca");
    assertThat(notices).singleElement().asString().contains("left cert9.db-journal: opened it for writing once");
    assertThat(db.resolve("cert9.db-journal")).doesNotExist();
  }

  /**
   * rvfinal15: root's copy of another user's database (a journal left behind) was made with the
   * umask's modes: under umask 022 its key4.db (the app's private keys) was 0644 in a folder 0755,
   * and any user could read it while a plan ran. The copy is its owner's alone now, whatever the
   * umask; root's folder around it lets only the owner's group pass. Its certutil notes the modes.
   */
  @Test
  void testObserve_asRootTheCopyOfAnotherUsersDatabaseIsTheirsAlone() throws IOException {
    Path strace = tools.find("strace").orElse(null);
    Assumptions.assumeTrue(strace != null, "strace is not installed");
    killedAddingOther(strace);
    givenToNobodyByRoot(db);
    Path notes = Files.createFile(dir.resolve("modes"));
    Files.setPosixFilePermissions(notes, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    NssDatabaseInstaller noting = wrapped("d=${2#sql:}\ncase $d in */hostpki-nss*) [ -s " + notes + " ] || stat -c '%n %a %U:%G' \"${d%/db}\" \"$d\" \"$d\"/* >> "
        + notes + ";; esac\nexec " + certutil + " \"$@\"\n");

    assertThat(noting.observe().entries()).isEmpty();
    List<String> seen = Files.readAllLines(notes); // at certutil's first run in the copy
    String folder = seen.get(0).substring(0, seen.get(0).indexOf(' '));
    assertThat(seen.stream().map(line -> line.replace(folder, "FOLDER"))).containsExactlyInAnyOrder(
        "FOLDER 710 root:nogroup", "FOLDER/db 700 nobody:nogroup", "FOLDER/db/cert9.db 600 nobody:nogroup",
        "FOLDER/db/key4.db 600 nobody:nogroup", "FOLDER/db/cert9.db-journal 600 nobody:nogroup");
    assertThat(Path.of(folder)).doesNotExist();
  }

  /**
   * thostile16: the database's owner made a sparse journal of any size, and every plan, check or
   * status of root's wrote it out whole into the temp folder (a watch at every look), filling that
   * disk. rvsec16: one under the copy's 1 GiB limit still wrote ~1 GB at every look. A journal
   * without SQLite's rollback journal magic is not copied at all (SQLite rolls nothing back from
   * it either): the database is read, and the app's files are left as they are.
   */
  @Test
  void testObserve_aJournalWithoutSqlitesHeaderIsNotCopied() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    Path journal = db.resolve("cert9.db-journal");
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(journal.toFile(), "rw")) {
      file.setLength(NssDatabaseInstaller.COPY_LIMIT + 1); // sparse: no disk space
    }

    assertThat(installer().observe().entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    assertThat(Files.size(journal)).isEqualTo(NssDatabaseInstaller.COPY_LIMIT + 1);
  }

  /**
   * rvsec16: a real journal (a certutil killed as it committed) made sparse-large by the
   * database's owner: what is copied of it is bounded by its database's size (a journal holds
   * each page once), and the copy still reads what a rollback gives.
   */
  @Test
  void testObserve_aJournalIsCopiedAtMostAsLargeAsItsDatabaseAllows() throws IOException {
    installedThenKilledAddingOther();
    Path journal = db.resolve("cert9.db-journal");
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(journal.toFile(), "rw")) {
      file.setLength(16 << 20); // sparse past the journal's pages
    }
    Path notes = Files.createFile(dir.resolve("sizes"));
    NssDatabaseInstaller noting = wrapped("d=${2#sql:}\ncase $d in */hostpki-nss*) [ -s " + notes
        + " ] || stat -c '%s' \"$d\"/cert9.db-journal >> " + notes + ";; esac\nexec " + certutil + " \"$@\"\n");

    assertThat(noting.observe().entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    long copied = Long.parseLong(Files.readAllLines(notes).get(0));
    assertThat(copied).isGreaterThan(0).isLessThanOrEqualTo(Files.size(db.resolve("cert9.db")) * 65 / 64 + (1 << 20));
    assertThat(Files.size(journal)).isEqualTo(16 << 20);
  }

  /**
   * rvfinal16 2: a journal whose header is zeroes (a sparse file: SQLite ignores it) still made a
   * private copy of the database at every look. Now certutil reads the database itself.
   */
  @Test
  void testObserve_aJournalSqliteIgnoresMakesNoCopy() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(db.resolve("key4.db-journal").toFile(), "rw")) {
      file.setLength(900L << 20); // sparse
    }
    Path notes = Files.createFile(dir.resolve("where"));
    NssDatabaseInstaller noting = wrapped("echo \"$2\" >> " + notes + "\nexec " + certutil + " \"$@\"\n");

    assertThat(noting.observe().entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    assertThat(Files.readAllLines(notes)).isNotEmpty().containsOnly("sql:" + db);
    assertThat(Files.size(db.resolve("key4.db-journal"))).isEqualTo(900L << 20);
  }

  /**
   * rvfinal16 2: with a journal SQLite would roll back, a database its owner made sparse-large was
   * copied at its full size (up to 1 GiB at every look). Now as far as its header says it reaches:
   * SQLite reads nothing past that, and the copy reads as the database does. A journal with a
   * first byte but no rollback magic makes the copy (a read-only open refuses it) but is left out.
   */
  @Test
  void testObserve_aSparseDatabaseIsCopiedAsFarAsItsHeaderSays() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    long reach = Files.size(db.resolve("cert9.db"));
    Files.writeString(db.resolve("cert9.db-journal"), "no journal SQLite wrote");
    for (String name : List.of("cert9.db", "key4.db")) {
      try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(db.resolve(name).toFile(), "rw")) {
        file.setLength(64L << 20); // sparse past the header's pages
      }
    }
    Path notes = Files.createFile(dir.resolve("sizes"));
    NssDatabaseInstaller noting = wrapped("d=${2#sql:}\ncase $d in */hostpki-nss*) ls \"$d\" >> " + notes
        + "; stat -c '%s' \"$d\"/cert9.db >> " + notes + ";; esac\nexec " + certutil + " \"$@\"\n");

    assertThat(noting.observe().entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
    assertThat(Files.readAllLines(notes)).isNotEmpty().doesNotContain("cert9.db-journal").contains(String.valueOf(reach))
        .allMatch(l -> !l.matches("[0-9]+") || l.equals(String.valueOf(reach)));
    assertThat(Files.size(db.resolve("cert9.db"))).isEqualTo(64L << 20);
    assertThat(db.resolve("cert9.db-journal")).hasContent("no journal SQLite wrote");
  }

  /**
   * rvsec17 M1: the database's owner made key4.db sparse-large with a header whose page count says
   * so, and a journal SQLite takes as hot: every look of root's wrote the whole size out in the
   * temporary folder. Now the copy is sparse too: its holes take no disk (a block of zeroes is
   * skipped, not written), and it reads as the database does.
   */
  @Test
  void testObserve_aSparseDatabaseWhoseHeaderSaysSoIsCopiedSparse() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    Path key4 = db.resolve("key4.db");
    long size = 64L << 20;
    try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(key4, java.nio.file.StandardOpenOption.READ,
        java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer pageSize = java.nio.ByteBuffer.allocate(2);
      file.read(pageSize, 16);
      long pages = size / (pageSize.flip().getShort() & 0xffff);
      file.write(java.nio.ByteBuffer.allocate(4).putInt(0, (int) pages), 28);
      file.truncate(size);
      file.write(java.nio.ByteBuffer.allocate(1), size - 1);
    }
    Files.write(db.resolve("key4.db-journal"), new byte[] {1});
    Path notes = Files.createFile(dir.resolve("blocks"));
    NssDatabaseInstaller noting = wrapped("d=${2#sql:}\ncase $d in */hostpki-nss*) [ -s " + notes
        + " ] || stat -c '%s %b %B' \"$d\"/key4.db >> " + notes + ";; esac\nexec " + certutil + " \"$@\"\n");

    try {
      noting.observe();
    } catch (InstallException e) {
      // what certutil makes of the zero pages is not the point: what the copy takes on disk is
    }
    String[] seen = Files.readAllLines(notes).get(0).split(" ");
    assertThat(Long.parseLong(seen[0])).isEqualTo(size);
    assertThat(Long.parseLong(seen[1]) * Long.parseLong(seen[2])).isLessThan(4L << 20);
  }

  /** A database whose header gives no size, read in a copy: a clear refusal, nothing copied. */
  @Test
  void testObserve_aDatabaseWithoutAValidHeaderIsNotCopied() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    Files.writeString(db.resolve("key4.db-journal"), "x");
    try (java.nio.channels.FileChannel key4 = java.nio.channels.FileChannel.open(db.resolve("key4.db"),
        java.nio.file.StandardOpenOption.WRITE)) {
      key4.write(java.nio.ByteBuffer.wrap(new byte[] {0, 3}), 16); // page size 3
    }

    assertThatThrownBy(installer()::observe)
        .isInstanceOf(InstallException.class)
        .hasMessageContaining(db.resolve("key4.db") + " has a damaged header (its page size is not one SQLite uses)")
        .hasMessageContaining("left a journal (key4.db-journal); certutil cannot read it either")
        .hasMessageNotContaining(" -N");
  }

  /**
   * rvcore17 L2: a header whose page count SQLite does not trust (0, or written with another change
   * counter) was refused, with advice to make the database again (losing the app's keys). SQLite
   * takes the size from the file's length then, and so does the copy: it is read as usual.
   */
  @Test
  void testObserve_aPageCountSqliteDoesNotTrustIsReadAtTheFilesLength() throws IOException {
    installer().apply(desired("web-1a2b3c4d-ca", ca));
    Files.writeString(db.resolve("key4.db-journal"), "x");
    Files.writeString(db.resolve("cert9.db-journal"), "x");
    for (String name : List.of("key4.db", "cert9.db")) {
      try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(db.resolve(name),
          java.nio.file.StandardOpenOption.WRITE)) {
        file.write(java.nio.ByteBuffer.allocate(4), 28); // page count 0
      }
    }

    assertThat(installer().observe().entries()).containsExactly(Map.entry("web-1a2b3c4d-ca", ca.fingerprint()));
  }

  /**
   * Closing note 16: a copied store's install failed because the original's entry holds the same
   * certificate (NSS keeps one nickname a certificate), and the hint said "a nickname hostpki did
   * not give it". The original's entry is named now, as another hostpki store's.
   */
  @Test
  void testApply_aCertificateAnotherStoreInstalledIsNamedAsThatStoresEntry() throws IOException {
    String theirs = NssDatabaseInstaller.nickname("orig-5e6f7a8b-ca", ca.fingerprint());
    Path pem = Files.writeString(dir.resolve("ca.pem"), ca.pem());
    certutil("-A", "-n", theirs, "-t", "C,,", "-i", pem.toString());
    NssDatabaseInstaller copy = new NssDatabaseInstaller(db, tools, certutil, n -> n.startsWith("web-"));

    assertThatThrownBy(() -> copy.apply(desired("web-1a2b3c4d-ca", ca)))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("'" + theirs + "' holds the certificate of web-1a2b3c4d-ca: an entry of another hostpki"
            + " store's (this store may be a copy of that one")
        .hasMessageNotContaining("hostpki did not give it")
        .hasMessageContaining("The database was put back as it was.");
    assertThat(listing()).containsExactlyInAnyOrder("Foreign Root|CT,C,C", theirs + "|C,,");
  }

  /** A journal that cannot be rolled back (in the copy): the advice says why, naming the database. */
  @Test
  void testObserve_aJournalThatCannotBeRolledBackIsNamed() throws IOException {
    Path strace = tools.find("strace").orElse(null);
    Assumptions.assumeTrue(strace != null, "strace is not installed");
    killedAddingOther(strace);
    NssDatabaseInstaller renamingNothing = wrapped("[ \"$3\" = --rename ] && exit 0\nexec " + certutil + " \"$@\"\n");

    assertThatThrownBy(renamingNothing::observe)
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("SEC_ERROR_BAD_DATABASE")
        .hasMessageContaining("was stopped while it changed the database sql:" + db + ", and left cert9.db-journal."
            + " Opening it for writing, which puts back its last complete state, failed too:")
        .hasMessageNotContaining("browser) holds it locked")
        .hasMessageNotContaining("hostpki-nss");
    assertThat(db.resolve("cert9.db-journal")).isRegularFile();
    assertThat(installer().observe().entries()).isEmpty();
    assertThat(db.resolve("cert9.db-journal")).isRegularFile();
  }

  /**
   * tsec13: {@code app} swapped {@code /home/app/.pki} for a link to {@code /root/.pki}; the
   * database folder reached was root's, so root's certutil changed root's database. A link that
   * another user may change on the way is refused at the plan, and again just before each certutil
   * run (here {@code app} swaps it while the apply runs: its certutil's first listing does).
   */
  @Test
  void testApply_asRootALinkAnotherUserMayChangeOnTheWayIsRefused() throws Exception {
    Path rootsPki = Files.createDirectories(dir.resolve("root/.pki"));
    Files.move(db, rootsPki.resolve("nssdb")); // root's own database
    Path app = Files.createDirectories(dir.resolve("home/app"));
    Path appsDb = Files.createDirectories(app.resolve(".pki/nssdb"));
    List<String> rootsBefore = listing(rootsPki.resolve("nssdb"));
    db = appsDb;
    certutil("-N", "--empty-password");
    java.nio.file.attribute.UserPrincipal nobody = givenToNobodyByRoot(app);
    Path link = Files.createSymbolicLink(dir.resolve("home/app/.pki-link"), rootsPki);
    Files.getFileAttributeView(link, java.nio.file.attribute.PosixFileAttributeView.class, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        .setOwner(nobody);
    // app's swap, done by its certutil (it runs as app) after its first listing
    NssDatabaseInstaller swapped = wrapped(
        "if [ \"$3\" = -L ] && [ -d " + app.resolve(".pki") + " ] && [ ! -L " + app.resolve(".pki") + " ]; then\n"
            + "  " + certutil + " \"$@\"; mv " + app.resolve(".pki") + " " + app.resolve(".pki-old") + "; mv "
            + link + " " + app.resolve(".pki") + "; exit 0\nfi\nexec " + certutil + " \"$@\"\n");

    assertThatThrownBy(() -> swapped.apply(desired("web-1a2b3c4d-ca", ca)))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("sql:" + appsDb + " leads through the symbolic link " + app.resolve(".pki") + " (the link leads to "
            + rootsPki + " now), which nobody may change");
    assertThat(listing(rootsPki.resolve("nssdb"))).containsExactlyInAnyOrderElementsOf(rootsBefore);
    assertThatThrownBy(() -> installer().observe())
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("leads through the symbolic link " + app.resolve(".pki"));
  }

  /** Skips unless root with setpriv; gives everything in {@code folder} to nobody, and returns nobody. */
  private java.nio.file.attribute.UserPrincipal givenToNobodyByRoot(Path folder) throws IOException {
    assumeRootWithSetpriv(tools);
    java.nio.file.attribute.UserPrincipal nobody =
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    try (java.util.stream.Stream<Path> files = Files.walk(folder)) {
      for (Path f : files.toList()) {
        Files.setOwner(f, nobody);
      }
    }
    return nobody;
  }

  /** The installer with certutil replaced by a script (which may run the real one). */
  private NssDatabaseInstaller wrapped(String script) throws IOException {
    Path wrapper = Files.createDirectories(dir.resolve("wrapper-" + Integer.toHexString(script.hashCode()))).resolve("certutil");
    Files.writeString(wrapper, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    return new NssDatabaseInstaller(db, tools, wrapper, HostTree.EVERY_NAME);
  }

  /**
   * rvsec14 M2: the owner of a database made key4.db a FIFO (cert9.db stayed a regular file), and
   * certutil -L, run as them, waited on the pipe for its whole 3-minute timeout while root's apply
   * held the store's lock. Refused now before certutil runs: the target is unreadable at once.
   */
  @Test
  void testObserve_asRootADatabaseFileItsOwnerMadeAPipeIsRefusedWithoutCertutil() throws Exception {
    assumeRootWithSetpriv(tools);
    Files.delete(db.resolve("key4.db"));
    mkfifo(db.resolve("key4.db"));
    givenToNobodyByRoot(db);
    Path notes = dir.resolve("notes");
    NssDatabaseInstaller asRoot =
        new NssDatabaseInstaller(db, tools, notingCertutil(notes), HostTree.EVERY_NAME, java.time.Duration.ofSeconds(5));

    assertThatThrownBy(asRoot::observe)
        .isInstanceOf(InstallException.class)
        .hasMessageContaining(db.resolve("key4.db") + " is no regular file (a pipe, socket or device)");
    assertThat(Files.readString(notes)).as("certutil never ran").isEmpty();
  }

  /**
   * rvsec14 M2: a certutil -L that hangs (here: pkcs11.txt names a FIFO as a module, which a
   * database's owner may write) is stopped after the listing's own short timeout, not the 3 minutes
   * an install may take: the target is unreadable quickly and root's store lock is freed.
   */
  @Test
  void testObserve_aListingThatHangsIsStoppedAfterTheListingTimeout() throws Exception {
    Path module = dir.resolve("module.so");
    mkfifo(module);
    Files.writeString(db.resolve("pkcs11.txt"), "\nlibrary=" + module + "\nname=Hangs\n", java.nio.file.StandardOpenOption.APPEND);
    NssDatabaseInstaller installer = new NssDatabaseInstaller(db, tools, certutil, HostTree.EVERY_NAME, java.time.Duration.ofSeconds(2));

    assertThatThrownBy(installer::observe)
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("-L did not finish within 2 s and was stopped");
  }

  private static void mkfifo(Path path) throws IOException, InterruptedException {
    Process made = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertThat(made.waitFor()).isZero();
  }

  @Test
  void testObserve_missingDatabaseNamesTheFix() {
    Path none = dir.resolve("home/app/.pki/nssdb");

    assertThatThrownBy(() -> new NssDatabaseInstaller(none, tools, certutil, HostTree.EVERY_NAME).observe())
        .isInstanceOf(InstallException.class)
        .hasMessage(
            "install/nss:" + none + ": there is no NSS database in " + none + " (no cert9.db). hostpki does not make"
                + " one in someone's profile: start the browser once as that user, or create it as that user:"
                + " certutil -d sql:" + none + " -N --empty-password");
  }

  /** {@code certutil -L} as "nickname|trust" lines. */
  private List<String> listing() throws IOException {
    return listing(db);
  }

  private List<String> listing(Path database) throws IOException {
    List<String> out = new ArrayList<>();
    ToolRunner.Result result = tools.run(List.of(certutil.toString(), "-d", "sql:" + database, "-L"), "");
    assertThat(result.exitCode()).as(result.output()).isZero();
    for (String line : result.stdout().split("\n")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(.*\\S)\\s+(\\S*,\\S*,\\S*)\\s*$").matcher(line);
      if (m.matches() && !line.startsWith(" ")) {
        out.add(m.group(1) + "|" + m.group(2));
      }
    }
    return out;
  }

  private ToolRunner.Result certutil(String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(certutil.toString(), "-d", "sql:" + db));
    command.addAll(List.of(arguments));
    ToolRunner.Result result = tools.run(command, "");
    assertThat(result.exitCode()).as(result.output()).isZero();
    return result;
  }
}
