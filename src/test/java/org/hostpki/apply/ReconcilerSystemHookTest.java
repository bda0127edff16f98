package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.hostpki.install.InstallRecordFile;
import org.hostpki.install.ToolRunner;
import org.hostpki.install.TrustHost;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.InstallRecord;
import org.hostpki.model.InstallSpec;
import org.hostpki.model.InstallTarget;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.TrustFilters;
import org.hostpki.model.TrustSpec;
import org.hostpki.plan.Action;
import org.hostpki.plan.Plan;
import org.hostpki.plan.WarningCode;
import org.hostpki.testkit.DesiredStates;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trust.install.system} on a Debian tree under a temporary root with the real {@code
 * update-ca-certificates}, whose hook in /etc/ca-certificates/update.d fails (tsystem16): the tool
 * says so only with an "E:" line and exits 0. The entries stay installed, and the failure is
 * recorded (a hook failure, {@link InstallRecord.Failure#hook}) until a run whose hooks succeed.
 */
class ReconcilerSystemHookTest {
  private static final Path TOOL = Path.of("/usr/sbin/update-ca-certificates");
  private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

  @TempDir Path dir;
  private Path root;
  private Path store;
  private Path hookLog;
  private Instant now = T0;

  @BeforeEach
  void debianTree() throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(TOOL), "update-ca-certificates is not installed (Debian package ca-certificates)");
    root = dir.resolve("root");
    store = dir.resolve("store");
    hookLog = dir.resolve("hook.log");
    write("usr/share/ca-certificates/mozilla/Distribution_Root.crt", TestCa.selfSignedRoot("Distribution Root").pem());
    write("etc/ca-certificates.conf", "mozilla/Distribution_Root.crt\n");
    Files.createDirectories(root.resolve("usr/local/share/ca-certificates"));
    Files.createDirectories(root.resolve("etc/ssl/certs"));
    hook("echo 'cannot copy the bundle into /srv/chroot: read-only' >&2; exit 2\n");
  }

  private void write(String relative, String content) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.US_ASCII);
  }

  /** The hook update-ca-certificates runs: logs each run, then {@code tail}. */
  private void hook(String tail) throws IOException {
    write("etc/ca-certificates/update.d/50chroot", "#!/bin/sh\ncat >/dev/null\necho run >> " + hookLog + "\n" + tail);
    Files.setPosixFilePermissions(
        root.resolve("etc/ca-certificates/update.d/50chroot"), PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Reconciler reconciler() {
    HostIdentity host = new HostIdentity("portal", Optional.of("example.com"), List.of(IpAddresses.parse("192.0.2.10").orElseThrow()));
    return new Reconciler(
            spec -> host, Clock.fixed(now, ZoneOffset.UTC), new SecureRandom(), new Secrets(Map.of()),
            new Hooks(new PrintWriter(new StringWriter(), true)))
        .installingInto(new TrustHost(root, root.resolve("jdk"), ToolRunner.system(System.getenv())));
  }

  private DesiredState desired() {
    InstallSpec system = new InstallSpec(
        List.of(InstallSpec.Content.CA), true, false, List.of(), Optional.empty(), List.of(),
        new SourcePosition(Path.of("host.yaml"), 9, 3));
    return DesiredStates.of(
        dir.resolve("host.yaml"),
        new StoreSpec(store, Optional.empty(), Pkcs12Profile.MODERN),
        HostSpec.defaults(),
        DesiredStates.rotatingCa(Optional.empty(), Duration.ofDays(7)),
        ServerSpec.defaults(),
        new TrustSpec(true, false, List.of(), List.of(), false, TrustFilters.NONE, Optional.of(system), List.of(), Map.of()),
        HooksSpec.none());
  }

  private Reconciler.Result apply() {
    return reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
  }

  private Plan plan() {
    return reconciler().plan(desired(), Set.of()).plan();
  }

  private int hookRuns() throws IOException {
    int runs = Files.exists(hookLog) ? Files.readAllLines(hookLog).size() : 0;
    Files.deleteIfExists(hookLog);
    return runs;
  }

  /**
   * Before, apply said it once as a warning (exit 0), the record kept nothing, and the next plan
   * said "No changes": nothing ever showed that what the hook keeps was behind.
   */
  @Test
  void testFailingHook_isRecordedTheEntriesStayAndTheNextRunWhoseHookSucceedsClearsIt() throws Exception {
    InstallTarget system = InstallTarget.system();

    Reconciler.Result first = apply();

    assertThat(first.installFailures()).containsOnlyKeys(system);
    assertThat(String.join("\n", first.installFailures().get(system)))
        .startsWith("install/system: update-ca-certificates put the entries in ")
        .contains("50chroot exited with code 2", "cannot copy the bundle into /srv/chroot");
    assertThat(first.notices()).noneMatch(n -> n.contains("50chroot"));
    assertThat(hookRuns()).as("the tool runs once per apply").isEqualTo(1);
    InstallRecord record = InstallRecordFile.read(store);
    InstallRecord.Failure failure = record.failure(system).orElseThrow();
    assertThat(failure.hook()).isTrue();
    assertThat(failure.attempts()).isEqualTo(1);
    assertThat(record.installed(system).orElseThrow().entries()).hasSize(1); // the anchor stays
    try (var anchors = Files.list(root.resolve("usr/local/share/ca-certificates"))) {
      assertThat(anchors.map(a -> a.getFileName().toString()).filter(n -> n.endsWith(".crt")).toList())
          .singleElement().asString().startsWith("hostpki-");
    }

    Plan plan = plan();
    assertThat(plan.changes()).singleElement().satisfies(c -> {
      assertThat(c.address()).startsWith("install/system/hostpki-");
      assertThat(c.action()).isEqualTo(Action.REPLACE);
      assertThat(c.reasonText()).contains("a hook of the target's tool failed at its last run");
    });
    assertThat(plan.warnings()).filteredOn(w -> w.kind() == WarningCode.INSTALL_FAILED).singleElement()
        .satisfies(w -> assertThat(w.message()).contains("50chroot exited with code 2"));

    now = T0.plus(Duration.ofMinutes(15));
    assertThat(apply().installFailures()).containsOnlyKeys(system);
    assertThat(hookRuns()).isEqualTo(1);
    assertThat(InstallRecordFile.read(store).failure(system).orElseThrow().attempts()).isEqualTo(2);

    hook("exit 0\n");
    now = T0.plus(Duration.ofMinutes(30));
    assertThat(apply().installFailures()).isEmpty();
    assertThat(hookRuns()).isEqualTo(1);
    assertThat(InstallRecordFile.read(store).failures()).isEmpty();
    assertThat(InstallRecordFile.read(store).installed(system).orElseThrow().entries()).hasSize(1);
    assertThat(plan().changes()).isEmpty();
  }

  /**
   * Java's jks-keystore failing (a read-only /var under the units without trust-install.conf):
   * the bundle holds the CA, Java's cacerts does not. Before, the apply that made the store ran
   * update-ca-certificates twice (before the commit, and again after it, as cacerts was still
   * behind), its hook failing twice and its warning shown twice.
   */
  @Test
  void testJavaHookFailing_runsTheToolOncePerApplyAndIsRecorded() throws Exception {
    Path cacerts = root.resolve("etc/ssl/certs/java/cacerts");
    Files.createDirectories(cacerts.getParent());
    java.security.KeyStore jks = java.security.KeyStore.getInstance("JKS");
    jks.load(null, null);
    try (var out = Files.newOutputStream(cacerts)) {
      jks.store(out, "changeit".toCharArray());
    }
    write("etc/default/cacerts", "cacerts_updates=yes\n");
    Files.delete(root.resolve("etc/ca-certificates/update.d/50chroot"));
    write("etc/ca-certificates/update.d/jks-keystore", "#!/bin/sh\ncat >/dev/null\necho run >> " + hookLog
        + "\necho 'mkdir: cannot create directory /var/lib/ca-certificates-java: Read-only file system' >&2\nexit 1\n");
    Files.setPosixFilePermissions(
        root.resolve("etc/ca-certificates/update.d/jks-keystore"), PosixFilePermissions.fromString("rwxr-xr-x"));
    InstallTarget system = InstallTarget.system();

    Reconciler.Result first = apply();

    assertThat(hookRuns()).as("update-ca-certificates runs once per apply").isEqualTo(1);
    assertThat(first.installFailures()).containsOnlyKeys(system);
    assertThat(String.join("\n", first.installFailures().get(system)))
        .contains("jks-keystore exited with code 1", "Java's cacerts does not hold what it should yet");
    assertThat(first.notices()).noneMatch(n -> n.contains("jks-keystore"));
    assertThat(InstallRecordFile.read(store).failure(system).orElseThrow().hook()).isTrue();
    assertThat(plan().warnings()).anyMatch(w -> w.kind() == WarningCode.INSTALL_FAILED);

    now = T0.plus(Duration.ofMinutes(15));
    assertThat(apply().installFailures()).containsOnlyKeys(system);
    assertThat(hookRuns()).isEqualTo(1);
    assertThat(InstallRecordFile.read(store).failure(system).orElseThrow().attempts()).isEqualTo(2);
  }

  /** A record with a hook failure, as written and read again; an older build's reading ignores the mark. */
  @Test
  void testRecord_keepsTheHookMark() {
    InstallRecord record = InstallRecord.empty().failed(InstallTarget.system(), T0, List.of("install/system: x"), true);
    InstallRecordFile.write(store, record);
    assertThat(InstallRecordFile.read(store).failure(InstallTarget.system()).orElseThrow().hook()).isTrue();
  }
}
