package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;
import org.hostpki.model.TrustedCertificateSource;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.plan.Action;
import org.hostpki.plan.Change;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.testkit.DesiredStates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whole reconcile sequence on Jimfs, with an injected clock and host identity. */
class ReconcilerTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

  private final FileSystem fs =
      Jimfs.newFileSystem(
          Configuration.unix().toBuilder()
              .setAttributeViews("basic", "owner", "posix", "unix")
              // The store must be owned by the user hostpki runs as (or root).
              .setDefaultAttributeValue("owner:owner", System.getProperty("user.name"))
              .build());
  private final Path store = fs.getPath("/var/lib/hostpki");
  private HostIdentity host = identity("portal", "192.0.2.10");
  private Instant now = T0;
  private final StringWriter log = new StringWriter();

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private static HostIdentity identity(String name, String... addresses) {
    return new HostIdentity(
        name,
        Optional.of("example.com"),
        List.of(addresses).stream().map(a -> IpAddresses.parse(a).orElseThrow()).toList());
  }

  private Reconciler reconciler() {
    HostIdentityProbe probe = spec -> host;
    return new Reconciler(
        probe,
        Clock.fixed(now, ZoneOffset.UTC),
        new SecureRandom(),
        new Secrets(Map.of("PW", "pw")),
        new Hooks(new PrintWriter(log, true)));
  }

  private DesiredState desired(CaSpec ca, ServerSpec server, TrustSpec trust, HooksSpec hooks) {
    return DesiredStates.of(
        fs.getPath("/etc/hostpki/host.yaml"),
        new StoreSpec(store, Optional.of(new PasswordSource.Env("PW")), Pkcs12Profile.MODERN),
        HostSpec.defaults(),
        ca,
        server,
        trust,
        hooks);
  }

  private DesiredState desired() {
    return desired(CaSpec.defaults(), ServerSpec.defaults(), TrustSpec.defaults(), HooksSpec.none());
  }

  private Reconciler.Result apply(DesiredState d) {
    return reconciler().apply(d, Set.of(), Optional.empty(), Duration.ZERO);
  }

  private Plan plan(DesiredState d) {
    return reconciler().plan(d, Set.of()).plan();
  }

  private byte[] read(String name) throws IOException {
    return Files.readAllBytes(store.resolve(name));
  }

  private static String actions(Plan plan) {
    return plan.changes().stream()
        .map(c -> c.action().symbol() + c.address())
        .collect(Collectors.joining(" "));
  }

  @Test
  void testApply_freshStoreConvergesAndSecondApplyDoesNothing() {
    Reconciler.Result first = apply(desired());

    assertThat(first.generation()).isPresent();
    assertThat(first.plan().count(Action.CREATE)).isEqualTo(6);
    Reconciler.Result second = apply(desired());
    assertThat(second.plan().isEmpty()).isTrue();
    assertThat(second.generation()).isEmpty();
  }

  /**
   * Found by a trial: a killed write's {@code ..NAME.partial} (with the key it made) stayed until
   * the next write, for as long as nothing changed or a rollback's hold kept unattended runs from
   * writing. A run that writes nothing removes it too, under the lock.
   */
  @Test
  void testApply_writingNothingRemovesWhatAnInterruptedWriteLeft() throws IOException {
    String generation = apply(desired()).generation().orElseThrow();
    Path partial = store.resolve("..2026_11_27_09_00_00.000000000.partial");
    Files.createDirectories(partial.resolve("trust"));
    Files.writeString(partial.resolve("server.key"), "half");
    Files.createDirectories(store.resolve("..2026_11_27_07_00_00.000000000.removing"));
    Files.createSymbolicLink(store.resolve("..data_tmp"), partial.getFileName());

    Reconciler.Result again = reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO, true);

    assertThat(again.generation()).isEmpty();
    assertThat(again.notices()).isEmpty();
    try (var names = Files.list(store)) {
      assertThat(names.map(p -> p.getFileName().toString()))
          .filteredOn(n -> n.startsWith(".."))
          .containsExactlyInAnyOrder("..data", generation);
    }
  }

  @Test
  void testApply_addressRemovedReplacesServerOnly() throws IOException {
    host = identity("portal", "192.0.2.10", "192.0.2.20");
    apply(desired());
    byte[] ca = read("ca.crt");
    host = identity("portal", "192.0.2.10");

    Plan plan = apply(desired()).plan();

    assertThat(actions(plan))
        .isEqualTo("~server ~output/server-fullchain.crt ~output/server.p12");
    assertThat(plan.changes().get(0).reasonText()).contains("address 192.0.2.20 removed");
    assertThat(read("ca.crt")).isEqualTo(ca);
  }

  @Test
  void testPlan_aStoreItsOwnFileWroteOnJimfsIsNotAnotherFiles() {
    apply(desired());
    host = identity("portal", "192.0.2.10", "192.0.2.30");

    Plan plan = apply(desired()).plan();

    assertThat(plan.changes()).isNotEmpty();
    assertThat(plan.warnings()).noneMatch(w -> w.kind() == org.hostpki.plan.WarningCode.OTHER_DESIRED_STATE);
  }

  @Test
  void testApply_caExpiredReplacesCaServerAndBundles() throws IOException {
    apply(desired());
    byte[] caKey = read("ca.key");
    // The server renewed within the last year: a host that runs, not a clock far ahead.
    now = T0.plus(Duration.ofDays(3300));
    apply(desired());
    now = T0.plus(Duration.ofDays(3651));

    Plan plan = apply(desired()).plan();

    assertThat(actions(plan))
        .isEqualTo(
            "~ca ~server ~output/server-fullchain.crt ~output/server.p12 ~output/trust-bundle.crt ~output/truststore.p12");
    assertThat(read("ca.key")).isNotEqualTo(caKey);
    assertThat(plan(desired()).isEmpty()).isTrue();
  }

  @Test
  void testApply_caSubjectChangeReissuesCaAndServer() throws IOException {
    apply(desired());
    CaSpec named =
        new CaSpec(
            Optional.of(Subject.commonName("Example Portal CA")),
            KeySpec.defaultSpec(),
            CaSpec.DEFAULT_VALIDITY,
            CaSpec.DEFAULT_RENEW_BEFORE,
            Optional.empty(),
            Optional.empty());

    Plan plan = apply(desired(named, ServerSpec.defaults(), TrustSpec.defaults(), HooksSpec.none())).plan();

    assertThat(plan.changes().get(0).address()).isEqualTo("ca");
    assertThat(plan.changes().get(0).reasonText()).contains("subject changed", "Example Portal CA");
    assertThat(new String(read("ca.crt"), StandardCharsets.US_ASCII)).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void testApply_serverCertificateSwappedForAnotherKeysIsReplaced() throws Exception {
    apply(desired());
    Path generation = store.resolve("..data").toRealPath();
    KeyMaterial other = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
    Certificate foreign =
        new CertificateIssuer(new SecureRandom()).selfSignedCa(Subject.commonName("other"), other, T0, Duration.ofDays(30));
    Files.writeString(generation.resolve("server.crt"), foreign.pem());

    Plan plan = plan(desired());

    Change server = plan.changes().get(0);
    assertThat(server.address()).isEqualTo("server");
    assertThat(server.reasonText()).contains("does not match server.key", "not signed by the store's CA");
    apply(desired());
    assertThat(plan(desired()).isEmpty()).isTrue();
  }

  @Test
  void testApply_trustedCertificatesAreWrittenAndPruned() throws IOException {
    KeyMaterial k = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
    Certificate ldap =
        new CertificateIssuer(new SecureRandom()).selfSignedCa(Subject.commonName("LDAP CA"), k, T0, Duration.ofDays(800));
    Path file = fs.getPath("/etc/hostpki/ldap.pem");
    Files.createDirectories(file.getParent());
    Files.writeString(file, ldap.pem());
    TrustSpec trust =
        new TrustSpec(
            true,
            true,
            List.of(
                new TrustedCertificateSource(
                    "ldap",
                    new TrustedCertificateSource.Content.FromFile(file),
                    new SourcePosition(file, 1, 1))),
            List.of());
    DesiredState withTrust = desired(CaSpec.defaults(), ServerSpec.defaults(), trust, HooksSpec.none());

    apply(withTrust);

    assertThat(read("trust/ldap.crt")).isEqualTo(ldap.pem().getBytes(StandardCharsets.US_ASCII));
    String bundle = new String(read("trust-bundle.crt"), StandardCharsets.US_ASCII);
    assertThat(bundle).startsWith(new String(read("ca.crt"), StandardCharsets.US_ASCII)).endsWith(ldap.pem());
    try (var hashed = Files.list(store.resolve("..data/trust-hashed"))) {
      assertThat(hashed.count()).isEqualTo(2);
    }

    Plan pruned = apply(desired()).plan();

    assertThat(actions(pruned))
        .isEqualTo("-trust/ldap ~output/trust-bundle.crt ~output/truststore.p12 -output/trust-hashed");
    assertThat(store.resolve("trust/ldap.crt")).doesNotExist();
  }

  @Test
  void testApply_aFirstApplyFailingOnAnInputLeavesNoStoreFolder() {
    Path missing = fs.getPath("/etc/hostpki/ldap.pem");
    TrustSpec trust =
        new TrustSpec(
            true,
            true,
            List.of(
                new TrustedCertificateSource(
                    "ldap",
                    new TrustedCertificateSource.Content.FromFile(missing),
                    new SourcePosition(fs.getPath("/etc/hostpki/host.yaml"), 7, 5))),
            List.of());

    assertThatThrownBy(() -> apply(desired(CaSpec.defaults(), ServerSpec.defaults(), trust, HooksSpec.none())))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("ldap.pem");

    assertThat(store.getParent()).doesNotExist();
    assertThat(apply(desired()).generation()).as("a later apply works").isPresent();
  }

  @Test
  void testApply_failingHookIsReportedAfterTheStoreIsWritten() {
    HooksSpec hooks = new HooksSpec(List.of(List.of("sh", "-c", "echo reloading; exit 3")));
    DesiredState d = desired(CaSpec.defaults(), ServerSpec.defaults(), TrustSpec.defaults(), hooks);

    Reconciler.Result result = apply(d);

    assertThat(result.hookFailure()).isPresent();
    assertThat(result.hookFailure().get().message()).contains("exited with status 3");
    assertThat(log.toString()).contains("reloading");
    assertThat(plan(d).isEmpty()).isTrue();
  }

  @Test
  void testApply_hooksDoNotRunWhenTheServerIsUnchanged() {
    HooksSpec hooks = new HooksSpec(List.of(List.of("sh", "-c", "echo ran")));
    DesiredState d = desired(CaSpec.defaults(), ServerSpec.defaults(), TrustSpec.defaults(), hooks);
    apply(d);
    log.getBuffer().setLength(0);

    apply(d);

    assertThat(log.toString()).doesNotContain("ran");
  }

  /**
   * Found by a trial: {@code rm pki/server.crt} left plan, check and apply saying "No changes"
   * while nginx could no longer open the file, until the next change's commit made the link. The
   * generation is the truth: a missing ca.crt or server.crt link is no missing certificate.
   */
  @Test
  void testApply_missingLinksAreMadeAgainWithoutReissuingOrRunningHooks() throws IOException {
    HooksSpec hooks = new HooksSpec(List.of(List.of("sh", "-c", "echo ran")));
    DesiredState d = desired(CaSpec.defaults(), ServerSpec.defaults(), TrustSpec.defaults(), hooks);
    String generation = apply(d).generation().orElseThrow();
    byte[] ca = read("ca.crt");
    byte[] server = read("server.crt");
    log.getBuffer().setLength(0);
    Files.delete(store.resolve("ca.crt"));
    Files.delete(store.resolve("server.crt"));

    Plan plan = plan(d);
    Reconciler.Result result = apply(d);

    assertThat(actions(plan)).isEqualTo("~link/ca.crt ~link/server.crt");
    assertThat(plan.changes().get(1).reasonText())
        .isEqualTo("the link server.crt -> ..data/server.crt is missing (removed by hand)");
    assertThat(result.generation()).as("no new generation").isEmpty();
    assertThat(Files.readSymbolicLink(store.resolve("server.crt"))).hasToString("..data/server.crt");
    assertThat(read("ca.crt")).isEqualTo(ca);
    assertThat(read("server.crt")).isEqualTo(server);
    assertThat(Files.readSymbolicLink(store.resolve("..data"))).hasToString(generation);
    assertThat(log.toString()).as("the files services read are unchanged: no hook").doesNotContain("ran");
    assertThat(plan(d).isEmpty()).isTrue();
  }

  /**
   * The apply's result names the links it made, not those its plan found missing: one made
   * meanwhile by someone else (a person's {@code ln -s}) is not reported as restored by apply.
   */
  @Test
  void testApply_reportsOnlyTheLinksItMadeItself() throws IOException {
    apply(desired());
    Files.delete(store.resolve("ca.crt"));
    Files.delete(store.resolve("server.crt"));
    Progress personMakesOneLink =
        step -> {
          if (step.startsWith("making the store's missing links")) {
            try {
              Files.createSymbolicLink(store.resolve("ca.crt"), fs.getPath("..data/ca.crt"));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
    Reconciler reconciler =
        new Reconciler(
            spec -> host, Clock.fixed(now, ZoneOffset.UTC), new SecureRandom(), new Secrets(Map.of("PW", "pw")),
            new Hooks(new PrintWriter(log, true)), personMakesOneLink);

    Reconciler.Result result = reconciler.apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);

    assertThat(actions(result.plan())).isEqualTo("~link/ca.crt ~link/server.crt");
    assertThat(result.restoredLinks()).containsExactly("server.crt");
    assertThat(Files.readSymbolicLink(store.resolve("ca.crt"))).hasToString("..data/ca.crt");
    assertThat(Files.readSymbolicLink(store.resolve("server.crt"))).hasToString("..data/server.crt");
    assertThat(apply(desired()).restoredLinks()).as("nothing missing: nothing restored").isEmpty();
  }

  @Test
  void testApply_aFileInPlaceOfALinkIsRefusedAndKept() throws IOException {
    apply(desired());
    Files.delete(store.resolve("server.crt"));
    Files.writeString(store.resolve("server.crt"), "an admin's own certificate");

    assertThatThrownBy(() -> apply(desired()))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(store.resolve("server.crt") + " is a regular file")
        .hasMessageContaining("the next `hostpki apply` makes the link");
    assertThat(Files.readString(store.resolve("server.crt"))).isEqualTo("an admin's own certificate");
  }

  @Test
  void testApply_replaceCaMakesEverythingNew() throws IOException {
    apply(desired());
    byte[] caKey = read("ca.key");
    byte[] serverKey = read("server.key");

    Plan plan =
        reconciler().apply(desired(), Set.of(PlanInput.Replace.CA), Optional.empty(), Duration.ZERO).plan();

    assertThat(plan.changes().get(0).reasonText()).contains("--replace ca");
    assertThat(read("ca.key")).isNotEqualTo(caKey);
    assertThat(read("server.key")).isNotEqualTo(serverKey);
  }

  @Test
  void testPlan_unreadableStoreFileNamesTheFile() throws IOException {
    apply(desired());
    Files.writeString(store.resolve("..data").toRealPath().resolve("ca.crt"), "garbage");

    assertThatThrownBy(() -> plan(desired()))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("/var/lib/hostpki/ca.crt");
  }

  /** A reconciler that runs {@code tamper} when the apply starts checking the written store. */
  private Reconciler tamperingBeforeTheCheck(IoAction tamper) {
    Progress tampering =
        step -> {
          if (step.startsWith("checking the written store")) {
            try {
              tamper.run();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        };
    return new Reconciler(
        spec -> host,
        Clock.fixed(now, ZoneOffset.UTC),
        new SecureRandom(),
        new Secrets(Map.of("PW", "pw")),
        new Hooks(new PrintWriter(log, true)),
        tampering);
  }

  private interface IoAction {
    void run() throws IOException;
  }

  @Test
  void testApply_aStoreChangedBehindTheLockBeforeTheCheckIsAnError() {
    Reconciler reconciler =
        tamperingBeforeTheCheck(() -> Files.writeString(store.resolve("ca.crt"), "not what was written"));

    assertThatThrownBy(
            () -> reconciler.apply(desired(), Set.of(), Optional.empty(), Duration.ZERO))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("does not read back as written: ca.crt differ");
  }

  /**
   * The written set is compared with the store read back by digests, so that neither is held
   * whole beside the other (bench/NOTES.md, fheap15): one byte changed, at the same length, is
   * still found.
   */
  @Test
  void testApply_oneByteChangedBehindTheLockBeforeTheCheckIsAnError() {
    Reconciler reconciler =
        tamperingBeforeTheCheck(
            () -> {
              byte[] ca = Files.readAllBytes(store.resolve("ca.crt"));
              ca[40] ^= 1;
              Files.write(store.resolve("ca.crt"), ca);
            });

    assertThatThrownBy(
            () -> reconciler.apply(desired(), Set.of(), Optional.empty(), Duration.ZERO))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("does not read back as written: ca.crt differ");
  }
}
