package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.pki.Pkcs12;
import org.hostpki.plan.Plan;
import org.hostpki.plan.PlanInput;
import org.hostpki.store.StoreDirectory;
import org.hostpki.testkit.DesiredStates;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A phased CA rotation ({@code ca.rotation.overlap: 7d}) walked through on Jimfs with the clock
 * moved forward: what each phase writes, what clients find in the trust outputs, and which CA
 * signs the server.
 */
class ReconcilerCaRotationTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final Duration OVERLAP = Duration.ofDays(7);
  /** The day the CA subject is changed: phase 1. */
  private static final Instant T1 = T0.plus(Duration.ofDays(1));
  private static final Instant MOVE = T1.plus(OVERLAP);
  private static final Instant RETIRE = MOVE.plus(OVERLAP);
  private static final Subject NEW_SUBJECT = Subject.commonName("Example Portal CA");

  private final FileSystem fs =
      Jimfs.newFileSystem(
          Configuration.unix().toBuilder()
              .setAttributeViews("basic", "owner", "posix", "unix")
              .setDefaultAttributeValue("owner:owner", System.getProperty("user.name"))
              .build());
  private final Path store = fs.getPath("/var/lib/hostpki");
  private final Path chainFile = fs.getPath("/etc/hostpki/incoming/portal-chain.pem");
  private final HostIdentity host =
      new HostIdentity(
          "portal", Optional.of("example.com"), List.of(IpAddresses.parse("192.0.2.10").orElseThrow()));
  private Instant now = T0;
  private Optional<Subject> caSubject = Optional.empty();
  private ServerSpec server = ServerSpec.defaults();

  /** The first CA, made at T0. */
  private Certificate oldCa;

  @BeforeEach
  void firstApply() throws Exception {
    apply();
    oldCa = certificate("ca.crt");
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private Reconciler reconciler() {
    HostIdentityProbe probe = spec -> host;
    return new Reconciler(
        probe,
        Clock.fixed(now, ZoneOffset.UTC),
        new SecureRandom(),
        new Secrets(Map.of("PW", "pw")),
        new Hooks(new PrintWriter(new StringWriter(), true)));
  }

  private DesiredState desired() {
    CaSpec ca = DesiredStates.rotatingCa(caSubject, OVERLAP);
    return DesiredStates.of(
        fs.getPath("/etc/hostpki/host.yaml"),
        new StoreSpec(store, Optional.of(new PasswordSource.Env("PW")), Pkcs12Profile.MODERN),
        HostSpec.defaults(),
        ca,
        server,
        new TrustSpec(true, true, List.of(), List.of()),
        HooksSpec.none());
  }

  private Reconciler.Result apply() {
    return reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
  }

  private Plan plan() {
    return reconciler().plan(desired(), Set.of()).plan();
  }

  private byte[] read(String name) throws IOException {
    return Files.readAllBytes(store.resolve(name));
  }

  private Certificate certificate(String name) throws Exception {
    return Pem.readCertificates(read(name)).get(0);
  }

  private List<Certificate> bundle() throws Exception {
    return Pem.readCertificates(read("trust-bundle.crt"));
  }

  private Map<String, Fingerprint> truststore() throws Exception {
    return Pkcs12.read(read("truststore.p12"), "pw".toCharArray()).trustedEntries();
  }

  private Set<Fingerprint> hashedDirectory() throws Exception {
    Set<Fingerprint> fingerprints = new HashSet<>();
    try (Stream<Path> files = Files.list(store.resolve("trust-hashed"))) {
      for (Path p : files.toList()) {
        fingerprints.add(Pem.readCertificates(Files.readAllBytes(p)).get(0).fingerprint());
      }
    }
    return fingerprints;
  }

  private static String actions(Plan plan) {
    return plan.changes().stream()
        .map(c -> c.action().symbol() + c.address())
        .collect(Collectors.joining(" "));
  }

  /** Changes the CA subject at T1 and applies: phase 1. */
  private Plan phase1() {
    caSubject = Optional.of(NEW_SUBJECT);
    now = T1;
    return apply().plan();
  }

  // ---- phase 1 --------------------------------------------------------------------------------

  @Test
  void testApply_phase1TrustsTheNewCaWhileTheOldOneKeepsSigningTheServer() throws Exception {
    byte[] serverCrt = read("server.crt");

    Plan plan = phase1();

    assertThat(actions(plan))
        .isEqualTo("+ca-next ~output/trust-bundle.crt ~output/truststore.p12 ~output/trust-hashed");
    Certificate next = certificate("ca-next.crt");
    assertThat(next.facts().subject()).isEqualTo(NEW_SUBJECT);
    assertThat(certificate("ca.crt")).isEqualTo(oldCa);
    assertThat(read("server.crt")).isEqualTo(serverCrt);
    assertThat(certificate("server.crt").isSignedBy(oldCa)).isTrue();
    assertThat(bundle()).containsExactly(oldCa, next);
    assertThat(truststore())
        .containsOnly(
            Map.entry("hostpki-ca", oldCa.fingerprint()), Map.entry("hostpki-ca-next", next.fingerprint()));
    assertThat(hashedDirectory()).containsExactlyInAnyOrder(oldCa.fingerprint(), next.fingerprint());
  }

  @Test
  void testApply_phase1WritesTheNewCaKeyForTheOwnerOnly() throws Exception {
    phase1();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve("ca-next.key"))))
        .isEqualTo("rw-------");
    assertThat(KeyMaterial.fromPem(read("ca-next.key")).matches(certificate("ca-next.crt"))).isTrue();
  }

  @Test
  void testApply_phase1SaysWhenTheServerMoves() {
    phase1();

    Plan plan = plan();

    assertThat(plan.isEmpty()).isTrue();
    assertThat(plan.warnings().get(0).message())
        .contains("the server moves to it on 2026-12-05 08:00 UTC (overlap 7d)");
  }

  @Test
  void testApply_oneSecondBeforeTheOverlapEndsNothingChanges() throws Exception {
    phase1();
    now = MOVE.minusSeconds(1);

    Reconciler.Result result = apply();

    assertThat(result.generation()).isEmpty();
    assertThat(certificate("server.crt").isSignedBy(oldCa)).isTrue();
  }

  // ---- phase 2 --------------------------------------------------------------------------------

  @Test
  void testApply_phase2MovesTheServerToTheNewCaAndKeepsTheOldOneTrusted() throws Exception {
    phase1();
    byte[] nextCrt = read("ca-next.crt");
    byte[] nextKey = read("ca-next.key");
    Certificate next = certificate("ca-next.crt");
    now = MOVE;

    Plan plan = apply().plan();

    assertThat(actions(plan))
        .isEqualTo(
            "~ca +ca-previous ~server ~output/server-fullchain.crt ~output/server.p12"
                + " ~output/trust-bundle.crt ~output/truststore.p12 ~output/trust-hashed");
    assertThat(read("ca.crt")).isEqualTo(nextCrt);
    assertThat(read("ca.key")).isEqualTo(nextKey);
    assertThat(store.resolve("ca-next.crt")).doesNotExist();
    assertThat(store.resolve("ca-next.key")).doesNotExist();
    assertThat(certificate("ca-previous.crt")).isEqualTo(oldCa);
    assertThat(store.resolve("ca-previous.key")).doesNotExist();
    Certificate serverCert = certificate("server.crt");
    assertThat(serverCert.isSignedBy(next)).isTrue();
    assertThat(serverCert.isSignedBy(oldCa)).isFalse();
    assertThat(Pem.readCertificates(read("server-fullchain.crt"))).containsExactly(serverCert, next);
    assertThat(bundle()).containsExactly(next, oldCa);
    assertThat(truststore())
        .containsOnly(
            Map.entry("hostpki-ca", next.fingerprint()), Map.entry("hostpki-ca-previous", oldCa.fingerprint()));
    assertThat(hashedDirectory()).containsExactlyInAnyOrder(oldCa.fingerprint(), next.fingerprint());
  }

  @Test
  void testApply_phase2IsOneGenerationAndThePreviousOneIsUntouched() throws Exception {
    phase1();
    Path phase1Generation = store.resolve("..data").toRealPath();
    byte[] phase1Bundle = Files.readAllBytes(phase1Generation.resolve("trust-bundle.crt"));
    now = MOVE;

    Reconciler.Result result = apply();

    Path generation = store.resolve("..data").toRealPath();
    assertThat(generation.getFileName().toString()).isEqualTo(result.generation().orElseThrow());
    assertThat(generation.resolve("ca-previous.crt")).exists();
    assertThat(generation.resolve("ca-next.crt")).doesNotExist();
    assertThat(Files.readAllBytes(phase1Generation.resolve("trust-bundle.crt"))).isEqualTo(phase1Bundle);
    assertThat(phase1Generation.resolve("ca-next.crt")).exists();
  }

  // ---- phase 3 --------------------------------------------------------------------------------

  @Test
  void testApply_phase3LeavesOnlyTheNewCaTrusted() throws Exception {
    phase1();
    now = MOVE;
    apply();
    Certificate current = certificate("ca.crt");
    byte[] serverCrt = read("server.crt");
    now = RETIRE.minusSeconds(1);
    assertThat(apply().generation()).isEmpty();
    now = RETIRE;

    Plan plan = apply().plan();

    assertThat(actions(plan))
        .isEqualTo("-ca-previous ~output/trust-bundle.crt ~output/truststore.p12 ~output/trust-hashed");
    assertThat(store.resolve("ca-previous.crt")).doesNotExist();
    assertThat(bundle()).containsExactly(current);
    assertThat(truststore()).containsOnly(Map.entry("hostpki-ca", current.fingerprint()));
    assertThat(hashedDirectory()).containsExactly(current.fingerprint());
    assertThat(read("server.crt")).isEqualTo(serverCrt);
  }

  @Test
  void testApply_everyPhaseConvergesAndASecondApplyChangesNothing() {
    for (Runnable phase :
        List.<Runnable>of(
            this::phase1,
            () -> {
              now = MOVE;
              apply();
            },
            () -> {
              now = RETIRE;
              apply();
            })) {
      phase.run();

      assertThat(plan().isEmpty()).as("plan after the phase at " + now).isTrue();
      assertThat(apply().generation()).as("second apply at " + now).isEmpty();
    }
  }

  // ---- other triggers and the immediate cases ---------------------------------------------------

  @Test
  void testApply_anExpiringCaRotatesInPhasesToo() throws Exception {
    now = T0.plus(Duration.ofDays(3500)); // the server certificate is renewed by the old CA
    apply();
    byte[] serverCrt = read("server.crt");
    now = T0.plus(Duration.ofDays(3600)); // 50 days before the CA expires

    Plan plan = apply().plan();

    assertThat(actions(plan)).startsWith("+ca-next ").doesNotContain("server");
    assertThat(plan.changes().get(0).reasonText()).contains("ca.crt: expires on", "renewal due since", ": renewBefore 90d");
    assertThat(read("server.crt")).isEqualTo(serverCrt);
    now = now.plus(OVERLAP);
    apply();
    assertThat(certificate("server.crt").isSignedBy(certificate("ca.crt"))).isTrue();
    assertThat(certificate("ca-previous.crt")).isEqualTo(oldCa);
  }

  @Test
  void testApply_anExpiredCaIsReplacedAtOnceAndLeavesTheBundle() throws Exception {
    // The server renewed within the last year: a host that runs, not a clock far ahead.
    now = T0.plus(Duration.ofDays(3300));
    apply();
    now = T0.plus(Duration.ofDays(3651));

    Plan plan = apply().plan();

    assertThat(plan.changes().get(0).reasonText()).contains("expired on", "at once, without the overlap of 7d");
    Certificate current = certificate("ca.crt");
    assertThat(current).isNotEqualTo(oldCa);
    assertThat(certificate("server.crt").isSignedBy(current)).isTrue();
    assertThat(bundle()).containsExactly(current);
    assertThat(store.resolve("ca-previous.crt")).doesNotExist();
  }

  @Test
  void testApply_replaceCaDuringTheOverlapReplacesAtOnceAndTrustsOnlyTheNewCa() throws Exception {
    phase1();
    now = T1.plus(Duration.ofDays(2));

    Plan plan =
        reconciler().apply(desired(), Set.of(PlanInput.Replace.CA), Optional.empty(), Duration.ZERO).plan();

    assertThat(actions(plan)).startsWith("~ca -ca-next ~server");
    assertThat(plan.changes().get(0).reasonText()).contains("suspected key compromise");
    Certificate current = certificate("ca.crt");
    assertThat(current.facts().subject()).isEqualTo(NEW_SUBJECT);
    assertThat(certificate("server.crt").isSignedBy(current)).isTrue();
    assertThat(bundle()).containsExactly(current);
    assertThat(store.resolve("ca-next.crt")).doesNotExist();
    assertThat(plan().isEmpty()).isTrue();
  }

  /** The desired state with the new CA subject and without {@code ca.rotation}. */
  private DesiredState noOverlap() {
    caSubject = Optional.of(NEW_SUBJECT);
    DesiredState d = desired();
    return DesiredStates.of(
        d.source(), d.store(), d.host(),
        new CaSpec(caSubject, d.ca().key(), d.ca().validity(), d.ca().renewBefore(), Optional.empty(), Optional.empty()),
        d.server(), d.trust(), d.hooks());
  }

  @Test
  void testApply_withoutOverlapTheCaIsReplacedAtOnceAsBefore() throws Exception {
    DesiredState noOverlap = noOverlap();
    now = T1;

    reconciler().apply(noOverlap, Set.of(), Optional.empty(), Duration.ZERO);

    Certificate current = certificate("ca.crt");
    assertThat(current.facts().subject()).isEqualTo(NEW_SUBJECT);
    assertThat(certificate("server.crt").isSignedBy(current)).isTrue();
    assertThat(bundle()).containsExactly(current);
  }

  // ---- a rollback to before the rotation began ----------------------------------------------

  /** Makes the generation {@code generation} current again, as {@code hostpki rollback --to} does. */
  private void rollBackTo(String generation) {
    new StoreDirectory(store, Clock.fixed(now, ZoneOffset.UTC)).activate(generation);
  }

  private String currentGeneration() throws IOException {
    return Files.readSymbolicLink(store.resolve("..data")).toString();
  }

  private static Fingerprint publicKey(Certificate c) {
    return c.facts().publicKey().publicKeyFingerprint();
  }

  /** Phase 1, then a day later a rollback to the generation before it; the new CA it made. */
  private Certificate phase1RolledBack() throws Exception {
    String before = currentGeneration();
    phase1();
    Certificate next = certificate("ca-next.crt");
    now = T1.plus(Duration.ofDays(2));
    rollBackTo(before);
    return next;
  }

  @Test
  void testApply_afterARollbackToBeforeTheRotationBeganTheNewCaKeepsTheKeyClientsMayTrust() throws Exception {
    Certificate trustedByClients = phase1RolledBack();
    assertThat(store.resolve("ca-next.crt")).doesNotExist();

    Plan plan = apply().plan();

    assertThat(actions(plan)).startsWith("+ca-next ");
    assertThat(plan.changes().get(0).reasonText())
        .contains("it takes the key of the CA made on 2026-11-28 08:00 UTC (ca-next.crt of generation ..2026_11_28_08_00_00");
    Certificate next = certificate("ca-next.crt");
    assertThat(publicKey(next)).isEqualTo(publicKey(trustedByClients));
    assertThat(next.facts().subject()).isEqualTo(NEW_SUBJECT);
    // Dated now: the clients that picked up the bundle of the rollback get the whole overlap.
    assertThat(next.facts().madeAt()).isEqualTo(now);
    assertThat(plan().isEmpty()).isTrue();
    now = now.plus(OVERLAP);
    apply();
    assertThat(certificate("server.crt").isSignedBy(trustedByClients)).isTrue();
  }

  @Test
  void testApply_afterARollbackPastTheMoveTheNewCaKeepsTheKeyThatSignedTheServer() throws Exception {
    String before = currentGeneration();
    phase1();
    now = MOVE;
    apply();
    Certificate signing = certificate("ca.crt");
    now = MOVE.plus(Duration.ofDays(1));
    rollBackTo(before);

    Plan plan = apply().plan();

    assertThat(actions(plan)).startsWith("+ca-next ");
    assertThat(plan.changes().get(0).reasonText()).contains("ca.crt of generation ..2026_12_05_08_00_00");
    assertThat(publicKey(certificate("ca-next.crt"))).isEqualTo(publicKey(signing));
  }

  @Test
  void testApply_withoutOverlapARollbackPastAReplacedCaKeepsItsKey() throws Exception {
    String before = currentGeneration();
    DesiredState noOverlap = noOverlap();
    now = T1;
    reconciler().apply(noOverlap, Set.of(), Optional.empty(), Duration.ZERO);
    Certificate replacement = certificate("ca.crt");
    now = T1.plus(Duration.ofDays(1));
    rollBackTo(before);

    Plan plan = reconciler().apply(noOverlap, Set.of(), Optional.empty(), Duration.ZERO).plan();

    assertThat(plan.changes().get(0).reasonText()).contains("(ca.crt of generation ..2026_11_28_08_00_00");
    assertThat(publicKey(certificate("ca.crt"))).isEqualTo(publicKey(replacement));
    assertThat(certificate("server.crt").isSignedBy(replacement)).isTrue();
  }

  @Test
  void testApply_replaceCaAfterARollbackMakesANewKeyAllTheSame() throws Exception {
    Certificate suspect = phase1RolledBack();

    Plan plan =
        reconciler().apply(desired(), Set.of(PlanInput.Replace.CA), Optional.empty(), Duration.ZERO).plan();

    assertThat(plan.changes().get(0).reasonText()).doesNotContain("takes the key");
    assertThat(publicKey(certificate("ca.crt"))).isNotEqualTo(publicKey(suspect));
  }

  // ---- external issuer --------------------------------------------------------------------------

  private void external() {
    ServerSpec d = ServerSpec.defaults();
    server =
        new ServerSpec(
            ServerSpec.Issuer.EXTERNAL, d.subject(), List.of("portal.example.com"), d.ipAddresses(), true,
            d.key(), d.keyRotation(), d.validity(), d.renewBefore(), d.clientAuth(), d.allowLongValidity(),
            Optional.of(new ExternalSpec(chainFile, ExternalSpec.Fallback.NONE)), Optional.empty());
  }

  @Test
  void testApply_anImportedChainIsServedThroughTheWholeRotation() throws Exception {
    external();
    apply();
    TestCa external = TestCa.create(T0.minus(Duration.ofDays(1)));
    Certificate leaf = external.sign(read("server.csr"), T0.minus(Duration.ofMinutes(5)), Duration.ofDays(90));
    Files.createDirectories(chainFile.getParent());
    Files.writeString(chainFile, Pem.certificates(List.of(leaf, external.intermediate())));
    apply();
    byte[] fullchain = read("server-fullchain.crt");

    phase1();
    now = MOVE;
    Plan move = apply().plan();
    now = RETIRE;
    apply();

    assertThat(actions(move)).doesNotContain("server");
    assertThat(certificate("server.crt")).isEqualTo(leaf);
    assertThat(read("server-fullchain.crt")).isEqualTo(fullchain);
    assertThat(bundle()).containsExactly(certificate("ca.crt"));
    assertThat(certificate("ca.crt").facts().subject()).isEqualTo(NEW_SUBJECT);
  }

  @Test
  void testApply_theInternalCertificateAwaitingAChainMovesToTheNewCaAndKeepsItsKey() throws Exception {
    external();
    apply();
    byte[] key = read("server.key");
    byte[] csr = read("server.csr");
    phase1();
    assertThat(certificate("server.crt").isSignedBy(oldCa)).isTrue();
    now = MOVE;

    apply();

    assertThat(certificate("server.crt").isSignedBy(certificate("ca.crt"))).isTrue();
    assertThat(read("server.key")).isEqualTo(key);
    assertThat(read("server.csr")).isEqualTo(csr);
    assertThat(new String(read("trust-bundle.crt"), StandardCharsets.US_ASCII))
        .contains(oldCa.pem());
  }
}
