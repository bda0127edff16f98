package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hostpki.install.InstallRecordFile;
import org.hostpki.install.InstallTargets;
import org.hostpki.install.ToolRunner;
import org.hostpki.install.TrustHost;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.InstallSpec;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustFilters;
import org.hostpki.model.TrustSpec;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.testkit.DesiredStates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trust.install: {system: true}} carried out by apply, on a Fedora tree under a temporary
 * root with a stand-in {@code update-ca-trust} (Debian lacks the real one; {@code TrustInstallIT}
 * runs Debian's real tools). The stand-in logs, at each call, the anchors hostpki has there and
 * what the store serves at that moment, which shows the order: a new CA is in the system store
 * before the store serves a certificate it signed, an old one leaves only after the store dropped
 * it.
 */
class ReconcilerInstallTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final Duration OVERLAP = Duration.ofDays(7);
  private static final Instant T1 = T0.plus(Duration.ofDays(1));
  private static final Instant MOVE = T1.plus(OVERLAP);
  private static final Instant RETIRE = MOVE.plus(OVERLAP);

  @TempDir Path dir;
  private Path root;
  private Path store;
  private Path anchors;
  private Path calls;
  private Path standIn;
  private Instant now = T0;
  private Optional<Subject> caSubject = Optional.empty();
  private Optional<InstallSpec> install = Optional.of(system());
  private boolean hashedDirectory;
  /** What starts the store's entry names: hostpki- and its tag. */
  private String mark;

  @BeforeEach
  void fedoraTree() throws IOException {
    root = dir.resolve("root");
    store = dir.resolve("store");
    mark = "hostpki-" + InstallTargets.storeTag(store) + "-";
    anchors = root.resolve("etc/pki/ca-trust/source/anchors");
    calls = dir.resolve("calls");
    Files.createDirectories(anchors);
    Files.createDirectories(root.resolve("etc/pki/ca-trust/extracted/pem"));
    Files.writeString(anchors.resolve("someone.pem"), org.hostpki.testkit.TestCa.selfSignedRoot("Someone").pem());
    standIn("");
  }

  /**
   * The stand-in update-ca-trust: extracts the anchors into the bundle as the real one does, logs
   * "anchors: NAME=CN ... | serves: ISSUER | previous: yes/no", then runs {@code tail}.
   */
  private void standIn(String tail) throws IOException {
    standIn = root.resolve("stand-in/update-ca-trust");
    Files.createDirectories(standIn.getParent());
    Files.writeString(
        standIn,
        "#!/bin/sh\nexport LC_ALL=C\n"
            + tail
            + "cat " + anchors + "/* > " + root.resolve("etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem") + "\n"
            + "line='anchors:'\n"
            + "for f in " + anchors + "/hostpki-*; do [ -e \"$f\" ] || continue;"
            + " line=\"$line $(basename $f .pem)=$(openssl x509 -in $f -noout -subject -nameopt multiline | sed -n 's/ *commonName *= //p')\"; done\n"
            + "serves=$(openssl x509 -in " + store + "/server.crt -noout -issuer -nameopt multiline 2>/dev/null | sed -n 's/ *commonName *= //p')\n"
            + "previous=no; [ -e " + store + "/ca-previous.crt ] && previous=yes\n"
            + "echo \"$line | serves: ${serves:-nothing} | previous: $previous\" >> " + calls + "\n",
        StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(standIn, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static InstallSpec system() {
    return new InstallSpec(
        List.of(InstallSpec.Content.CA), true, false, List.of(), Optional.empty(), List.of(),
        new SourcePosition(Path.of("host.yaml"), 9, 3));
  }

  private Reconciler reconciler() {
    HostIdentity host = new HostIdentity("portal", Optional.of("example.com"), List.of(IpAddresses.parse("192.0.2.10").orElseThrow()));
    return new Reconciler(
            spec -> host, Clock.fixed(now, ZoneOffset.UTC), new SecureRandom(), new Secrets(Map.of()),
            new Hooks(new PrintWriter(new StringWriter(), true)))
        .installingInto(
            new TrustHost(root, root.resolve("jdk"), new ToolRunner(List.of(standIn.getParent()), Duration.ofSeconds(20))));
  }

  private DesiredState desired() {
    CaSpec ca = DesiredStates.rotatingCa(caSubject, OVERLAP);
    return DesiredStates.of(
        dir.resolve("host.yaml"),
        new StoreSpec(store, Optional.empty(), Pkcs12Profile.MODERN),
        HostSpec.defaults(),
        ca,
        ServerSpec.defaults(),
        new TrustSpec(true, hashedDirectory, List.of(), List.of(), false, TrustFilters.NONE, install, List.of(), Map.of()),
        HooksSpec.none());
  }

  private Plan apply() {
    return reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO).plan();
  }

  private Plan plan() {
    return reconciler().plan(desired(), Set.of()).plan();
  }

  private List<String> calls() throws IOException {
    List<String> all = Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    Files.deleteIfExists(calls);
    return all;
  }

  private static String installs(Plan plan) {
    return plan.changes().stream()
        .filter(c -> c.address().startsWith("install/"))
        .map(c -> c.action().symbol() + c.address())
        .collect(Collectors.joining(" "));
  }

  private Certificate anchor(String name) throws Exception {
    return Pem.readCertificates(Files.readAllBytes(anchors.resolve(name))).get(0);
  }

  @Test
  void testRotation_eachCaIsInTheSystemStoreBeforeItSignsAndLeavesAfterTheOverlap() throws Exception {
    assertThat(installs(apply())).isEqualTo("+install/system/" + mark + "ca");
    assertThat(calls()).containsExactly("anchors: " + mark + "ca=portal hostpki CA | serves: nothing | previous: no");
    assertThat(plan().isEmpty()).isTrue();

    caSubject = Optional.of(Subject.commonName("Example Portal CA"));
    now = T1;
    assertThat(installs(apply())).isEqualTo("+install/system/" + mark + "ca-next");
    assertThat(calls())
        .containsExactly(
            "anchors: " + mark + "ca-next=Example Portal CA " + mark + "ca=portal hostpki CA | serves: portal hostpki CA | previous: no");

    now = MOVE;
    Plan move = apply();
    assertThat(installs(move))
        .isEqualTo("~install/system/" + mark + "ca +install/system/" + mark + "ca-previous -install/system/" + mark + "ca-next");
    // Renamed before the commit: both CAs trusted all along, the server not yet moved.
    assertThat(calls())
        .containsExactly(
            "anchors: " + mark + "ca-previous=portal hostpki CA " + mark + "ca=Example Portal CA | serves: portal hostpki CA | previous: no");
    assertThat(anchor(mark + "ca.pem").fingerprint()).isEqualTo(Pem.readCertificates(Files.readAllBytes(store.resolve("ca.crt"))).get(0).fingerprint());

    now = RETIRE;
    assertThat(installs(apply())).isEqualTo("-install/system/" + mark + "ca-previous");
    // Removed after the commit: the store no longer trusts it when the system stops.
    assertThat(calls()).containsExactly("anchors: " + mark + "ca=Example Portal CA | serves: Example Portal CA | previous: no");
    assertThat(plan().isEmpty()).isTrue();
    assertThat(anchors.resolve("someone.pem")).exists();
  }

  @Test
  void testReplaceCa_theNewCaIsInstalledBeforeTheStoreCommitsTheServerItSigned() throws Exception {
    apply();
    calls();

    Plan plan = reconciler().apply(desired(), Set.of(PlanInput.Replace.CA), Optional.empty(), Duration.ZERO).plan();

    assertThat(installs(plan)).isEqualTo("~install/system/" + mark + "ca");
    List<String> log = calls();
    assertThat(log).hasSize(1);
    // The server served still comes from the old CA of the same name: the commit comes after.
    assertThat(log.get(0)).startsWith("anchors: " + mark + "ca=portal hostpki CA | serves: portal hostpki CA");
    assertThat(anchor(mark + "ca.pem")).isEqualTo(Pem.readCertificates(Files.readAllBytes(store.resolve("ca.crt"))).get(0));
  }

  @Test
  void testRemovingInstall_removesWhatTheRecordNamesAndNothingElse() throws Exception {
    apply();
    calls();
    install = Optional.empty();

    Plan plan = apply();

    assertThat(installs(plan)).isEqualTo("-install/system/" + mark + "ca");
    assertThat(plan.changes()).hasSize(1);
    assertThat(plan.changes().get(0).reasonText()).contains("trust.install no longer names system");
    assertThat(anchors.resolve(mark + "ca.pem")).doesNotExist();
    assertThat(anchors.resolve("someone.pem")).exists();
    assertThat(InstallRecordFile.read(store).targets()).isEmpty();
    assertThat(plan().isEmpty()).isTrue();
  }

  /**
   * A target whose tool fails is left as it was, alone: the store commits all the same (the host's
   * own certificate does not wait for a trust store), the result names the target (exit 3), and the
   * next apply installs there.
   */
  @Test
  void testFailingTool_failsAloneTheStoreCommitsAndTheNextApplyRepairs() throws Exception {
    standIn("echo 'p11-kit: cannot write the bundle' >&2; exit 1\n");

    Reconciler.Result result = reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);

    assertThat(result.generation()).isPresent();
    assertThat(store.resolve("ca.crt")).exists();
    assertThat(result.installFailures()).containsOnlyKeys(org.hostpki.model.InstallTarget.system());
    assertThat(String.join("\n", result.installFailures().get(org.hostpki.model.InstallTarget.system())))
        .startsWith("install/system: ")
        .contains("p11-kit: cannot write the bundle");
    assertThat(anchors.resolve(mark + "ca.pem")).doesNotExist();
    // The record says what is there: nothing, the installer put the target back (only a crash
    // in the middle leaves what was about to be installed on record, to be cleaned up).
    assertThat(InstallRecordFile.read(store).targets()).isEmpty();
    assertThat(installs(plan())).isEqualTo("+install/system/" + mark + "ca");
    standIn("");
    Reconciler.Result repaired = reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    assertThat(installs(repaired.plan())).isEqualTo("+install/system/" + mark + "ca");
    assertThat(repaired.generation()).isEmpty();
    assertThat(repaired.installFailures()).isEmpty();
    assertThat(anchors.resolve(mark + "ca.pem")).exists();
    assertThat(plan().isEmpty()).isTrue();
  }

  /**
   * A change that fails is recorded (frecord15): before, only apply's exit 3 said so, and the next
   * plan, check, status and metrics showed a pending change like any other. The record keeps the
   * tool's words, when and how often, and the plan warns {@code install-failed}; the next success
   * clears it.
   */
  @Test
  void testFailingTool_isRecordedSeenByThePlanAndClearedByTheNextSuccess() throws Exception {
    standIn("echo 'p11-kit: cannot write the bundle \033[31m' >&2; exit 1\n");
    org.hostpki.model.InstallTarget system = org.hostpki.model.InstallTarget.system();

    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);

    org.hostpki.model.InstallRecord.Failure first = InstallRecordFile.read(store).failure(system).orElseThrow();
    assertThat(first.attempts()).isEqualTo(1);
    assertThat(first.at()).isEqualTo(T0);
    assertThat(String.join("\n", first.error()))
        .startsWith("install/system: ")
        .contains("p11-kit: cannot write the bundle \\x1b[31m")
        .doesNotContain("\033");
    assertThat(plan().warnings())
        .filteredOn(w -> w.kind() == org.hostpki.plan.WarningCode.INSTALL_FAILED)
        .singleElement()
        .satisfies(w -> assertThat(w.message())
            .startsWith("install/system: the last attempt to change it failed at ")
            .contains("p11-kit: cannot write the bundle")
            .doesNotContain("install/system: install/system"));

    now = T0.plus(Duration.ofMinutes(15));
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    org.hostpki.model.InstallRecord.Failure second = InstallRecordFile.read(store).failure(system).orElseThrow();
    assertThat(second.attempts()).isEqualTo(2);
    assertThat(second.since()).isEqualTo(T0);
    assertThat(second.at()).isEqualTo(now);
    assertThat(plan().warnings()).anySatisfy(w -> assertThat(w.message()).contains("2 attempts in a row since"));

    standIn("");
    assertThat(reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO).installFailures()).isEmpty();
    assertThat(InstallRecordFile.read(store).failures()).isEmpty();
    assertThat(plan().warnings()).noneMatch(w -> w.kind() == org.hostpki.plan.WarningCode.INSTALL_FAILED);
  }

  /** A failed target dropped from trust.install: its failure goes with it, the next apply says nothing of it. */
  @Test
  void testFailedTargetLeavingTrustInstall_itsFailureGoes() throws Exception {
    standIn("echo 'p11-kit: cannot write the bundle' >&2; exit 1\n");
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    assertThat(InstallRecordFile.read(store).failures()).containsOnlyKeys(org.hostpki.model.InstallTarget.system());

    install = Optional.empty();
    Reconciler.Result result = reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);

    assertThat(result.installFailures()).isEmpty();
    assertThat(InstallRecordFile.read(store).failures()).isEmpty();
  }

  /**
   * A new CA whose install fails is committed all the same, and the record keeps saying what the
   * target holds: the CA installed before, not the one that was about to be (the record used to
   * keep that one's fingerprint). The next apply installs the new CA.
   */
  @Test
  void testFailingToolOnReplaceCa_theRecordKeepsTheInstalledCaAndTheNextApplyInstallsTheNew() throws Exception {
    apply();
    org.hostpki.model.InstallRecord installed = InstallRecordFile.read(store);
    Certificate ca = Pem.readCertificates(Files.readAllBytes(store.resolve("ca.crt"))).get(0);
    standIn("echo 'p11-kit: cannot write the bundle' >&2; exit 1\n");

    Reconciler.Result result =
        reconciler().apply(desired(), Set.of(PlanInput.Replace.CA), Optional.empty(), Duration.ZERO);

    assertThat(result.installFailures()).containsOnlyKeys(org.hostpki.model.InstallTarget.system());
    Certificate replaced = Pem.readCertificates(Files.readAllBytes(store.resolve("ca.crt"))).get(0);
    assertThat(replaced).isNotEqualTo(ca);
    assertThat(anchor(mark + "ca.pem")).isEqualTo(ca);
    assertThat(InstallRecordFile.read(store).targets()).isEqualTo(installed.targets());
    assertThat(installed.installed(org.hostpki.model.InstallTarget.system()).orElseThrow().entries())
        .containsExactly(Map.entry(mark.substring("hostpki-".length()) + "ca", ca.fingerprint()));
    standIn("");
    assertThat(installs(apply())).isEqualTo("~install/system/" + mark + "ca");
    assertThat(anchor(mark + "ca.pem")).isEqualTo(replaced);
  }

  @Test
  void testToolFailingAfterTheCommit_failsAloneAndTheNextApplyFinishes() throws Exception {
    apply();
    install = Optional.empty();
    hashedDirectory = true; // a store change too: the removal comes after its commit
    standIn("echo 'p11-kit: read-only file system' >&2; exit 1\n");

    Reconciler.Result result = reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);

    assertThat(result.generation()).isPresent();
    assertThat(String.join("\n", result.installFailures().get(org.hostpki.model.InstallTarget.system())))
        .startsWith("install/system: ")
        .contains("p11-kit: read-only file system");
    assertThat(store.resolve("trust-hashed")).isDirectory();
    assertThat(anchors.resolve(mark + "ca.pem")).exists(); // put back by the installer
    standIn("");
    assertThat(installs(apply())).isEqualTo("-install/system/" + mark + "ca");
    assertThat(anchors.resolve(mark + "ca.pem")).doesNotExist();
    assertThat(plan().isEmpty()).isTrue();
  }

  @Test
  void testAnEntryRemovedByHand_isInstalledAgainWithoutANewGeneration() throws Exception {
    apply();
    Path current = store.resolve("..data").toRealPath();
    Files.delete(anchors.resolve(mark + "ca.pem"));

    Reconciler.Result result = reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);

    assertThat(installs(result.plan())).isEqualTo("+install/system/" + mark + "ca");
    assertThat(result.generation()).isEmpty();
    assertThat(store.resolve("..data").toRealPath()).isEqualTo(current);
    assertThat(anchors.resolve(mark + "ca.pem")).exists();
  }

  @Test
  void testNoSystemStoreKnown_isARefusalNamingTheFixAndChangesNothing() throws Exception {
    standIn("");
    Files.walk(root.resolve("etc")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());

    assertThatThrownBy(this::apply)
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("trust.install names a target this host cannot install into")
        .hasMessageContaining("hostpki does not know this system's trust store");
    assertThat(store.resolve("ca.crt")).doesNotExist();
  }

  /** The CA certificate a store holds. */
  private static Certificate caOf(Path store) throws Exception {
    return Pem.readCertificates(Files.readAllBytes(store.resolve("ca.crt"))).get(0);
  }

  @Test
  void testTwoStoresIntoOneTarget_eachInstallsUnderItsOwnTagAndRemovesOnlyItsOwn() throws Exception {
    Path web = store;
    Path mail = dir.resolve("mail/store"); // the same folder name: the tags differ by the path's hash
    String webMark = mark;
    String mailMark = "hostpki-" + InstallTargets.storeTag(mail) + "-";
    assertThat(mailMark).isNotEqualTo(webMark).startsWith("hostpki-store-");

    assertThat(installs(apply())).isEqualTo("+install/system/" + webMark + "ca");
    store = mail;
    assertThat(installs(apply())).isEqualTo("+install/system/" + mailMark + "ca");

    assertThat(anchor(webMark + "ca.pem")).isEqualTo(caOf(web));
    assertThat(anchor(mailMark + "ca.pem")).isEqualTo(caOf(mail));
    assertThat(caOf(web)).isNotEqualTo(caOf(mail));
    store = web;
    assertThat(apply().isEmpty()).isTrue();
    store = mail;
    assertThat(apply().isEmpty()).isTrue();
    assertThat(InstallRecordFile.read(web).targets().get(org.hostpki.model.InstallTarget.system()).entries())
        .containsOnlyKeys(webMark.substring("hostpki-".length()) + "ca");

    store = web;
    install = Optional.empty();
    assertThat(installs(apply())).isEqualTo("-install/system/" + webMark + "ca");
    assertThat(anchors.resolve(webMark + "ca.pem")).doesNotExist();
    assertThat(anchor(mailMark + "ca.pem")).isEqualTo(caOf(mail));
    assertThat(anchors.resolve("someone.pem")).exists();
    store = mail;
    install = Optional.of(system());
    assertThat(apply().isEmpty()).isTrue();
  }

  @Test
  void testStoreMoved_theRecordRemovesWhatItInstalledUnderItsOldTag() throws Exception {
    String oldMark = mark;
    apply();
    Path moved = dir.resolve("moved");
    Files.move(store, moved);
    store = moved;
    String newMark = "hostpki-" + InstallTargets.storeTag(moved) + "-";

    Plan plan = apply();

    assertThat(installs(plan)).isEqualTo("+install/system/" + newMark + "ca -install/system/" + oldMark + "ca");
    assertThat(plan.changes().stream().filter(c -> c.address().endsWith(oldMark + "ca")).findFirst().orElseThrow().reasonText())
        .isEqualTo(
            "installed by this store under another tag (install record): the store has moved, its tag is now "
                + InstallTargets.storeTag(moved));
    assertThat(anchors.resolve(oldMark + "ca.pem")).doesNotExist();
    assertThat(anchor(newMark + "ca.pem")).isEqualTo(caOf(moved));
    assertThat(apply().isEmpty()).isTrue();
  }
}
