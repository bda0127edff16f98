package org.hostpki.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.net.URI;
import org.hostpki.model.AcmeChallenge;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.store.StoreDirectory;
import org.hostpki.testkit.DesiredStates;
import org.hostpki.testkit.TestAcmeCa;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Crash safety of apply, proven by enumeration: for each scenario the apply is run once cleanly
 * to number its mutating file-system operations (1 to N), then again from a fresh copy of the old
 * store with operation k failing, for each k, in each {@link FailureMode}: an I/O error the code
 * sees, a power cut that keeps everything done so far, and a power cut that loses everything not
 * synced. After each run the store must read as exactly the old set or a converged new one —
 * the old one exactly up to the rename over {@code ..data} (with the lossy power cut: up to the
 * sync of the store directory after it), the new one after — and a following apply must succeed.
 * See {@link CrashEnumerator} for the checks and {@link WriteBackCache} for the power-cut model.
 *
 * <p>Every scenario enumerates every operation in every mode, the trust scenario ({@value
 * #TRUSTED} trusted certificates, some changed, added and removed) too: it carries the unchanged
 * certificates over by hard link, so it makes just over {@value #TRUSTED} operations, each
 * failed in every mode. {@value #TRUSTED} is over three times the 64 files from which apply
 * spreads its reading, writing and syncing over threads (apply's Parallel, GenerationWriter,
 * StoreSnapshot), so every path of that work is crossed; the cost grows with the square of the
 * count (each run reads them all), and 1,000 took three CI minutes for the same paths. For a quick
 * run while working on the harness,
 * {@code -Dhostpki.crash.trust=window} enumerates only three windows in every mode — the start up
 * to {@value #WINDOW_MARGIN} operations into the trusted certificates, {@value #WINDOW_MARGIN}
 * operations either side of the first sync, and from {@value #WINDOW_MARGIN} operations before
 * the first one on {@code ..data_tmp} to the end — and a deterministic sample of {@value
 * #SAMPLES} operations between them.
 */
@Tag(Tags.SLOW)
class ApplyCrashTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final int TRUSTED = 200;
  private static final int TRUST_CHANGES = 10;
  static final int WINDOW_MARGIN = 16;
  static final int SAMPLES = 9;
  /** The system property that chooses how much of the trust scenario to enumerate. */
  static final String TRUST_ENUMERATION = "hostpki.crash.trust";
  static final String DEFAULT_TRUST_ENUMERATION = "full";

  /** Self-signed certificates to trust: {@value #TRUSTED} and some spare for changes and additions. */
  private static List<Certificate> certificates;

  private final FileSystem inputs = Disks.newDisk();
  private final Path oldStore = inputs.getPath("/var/lib/hostpki");

  @BeforeAll
  static void makeCertificates() {
    SecureRandom random = new SecureRandom();
    // One key for all: only the certificates' subjects and fingerprints matter here.
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), random);
    CertificateIssuer issuer = new CertificateIssuer(random);
    certificates = new ArrayList<>();
    for (int i = 0; i < TRUSTED + 2 * TRUST_CHANGES; i++) {
      certificates.add(
          issuer.selfSignedCa(Subject.commonName("Trusted " + i), key, T0, Duration.ofDays(800)));
    }
  }

  @AfterEach
  void close() throws IOException {
    inputs.close();
  }

  @Test
  void testApply_freshStoreIsEmptyOrCompleteAfterAFailureAtAnyOperation() {
    HostIdentity host = identity("portal", "192.0.2.10");

    CrashEnumerator enumerator =
        new CrashEnumerator(
            new CrashScenario("fresh store", oldStore,
                store -> desired(store, false, CaSpec.defaults(), TrustSpec.defaults()),
                host, Set.of(), T0));

    assertThat(enumerator.crashAtEach(everyOperationInEveryMode(enumerator)))
        .isEqualTo(3 * enumerator.cleanRun().size());
  }

  @Test
  void testApply_serverReissueAndPruneAreOldOrNewAfterAFailureAtAnyOperation() {
    // A full history, so that the apply also prunes the oldest generation.
    for (int i = 1; i <= StoreDirectory.KEPT_GENERATIONS; i++) {
      applyOld(desired(oldStore, false, CaSpec.defaults(), TrustSpec.defaults()),
          identity("portal", "192.0.2." + i), T0.plus(Duration.ofDays(i)));
    }
    HostIdentity moved = identity("portal", "192.0.2.99");

    CrashEnumerator enumerator =
        new CrashEnumerator(
            new CrashScenario("server re-issue (host identity changed)", oldStore,
                store -> desired(store, false, CaSpec.defaults(), TrustSpec.defaults()),
                moved, Set.of(), T0.plus(Duration.ofDays(10))));

    assertThat(enumerator.crashAtEach(everyOperationInEveryMode(enumerator)))
        .isEqualTo(3 * enumerator.cleanRun().size());
  }

  /**
   * Outputs added with declared owners, groups and modes ({@code store.access} widening the
   * server's key to its group, an output given to another user): every crash leaves the old set
   * or the new one, and no key file anywhere in the store wider than declared.
   */
  @Test
  void testApply_outputsWithDeclaredAccessAreOldOrNewAndNeverWiderAfterAFailure() {
    HostIdentity host = identity("portal", "192.0.2.10");
    applyOld(desired(oldStore, true, CaSpec.defaults(), TrustSpec.defaults()), host, T0);

    CrashEnumerator enumerator =
        new CrashEnumerator(
            new CrashScenario("outputs with declared access added", oldStore, this::withOutputs, host, Set.of(),
                T0.plus(Duration.ofDays(1))));

    assertThat(enumerator.crashAtEach(everyOperationInEveryMode(enumerator)))
        .isEqualTo(3 * enumerator.cleanRun().size());
  }

  private DesiredState withOutputs(Path store) {
    DesiredState base = desired(store, true, CaSpec.defaults(), TrustSpec.defaults());
    org.hostpki.model.SourcePosition at = new org.hostpki.model.SourcePosition(base.source(), 7, 5);
    List<org.hostpki.model.OutputSpec> outputs =
        List.of(
            new org.hostpki.model.OutputSpec(
                "haproxy.pem", new org.hostpki.model.OutputFormat.CombinedPem(Optional.empty()),
                org.hostpki.model.AccessSpec.NONE, List.of(), at),
            new org.hostpki.model.OutputSpec(
                "pg.key", new org.hostpki.model.OutputFormat.Key(org.hostpki.model.KeyEncoding.PKCS8, false),
                new org.hostpki.model.AccessSpec(Optional.of("postgres"), Optional.of("postgres"),
                    Optional.of(org.hostpki.model.FileMode.OWNER_ONLY)),
                List.of(), at),
            new org.hostpki.model.OutputSpec(
                "server.der", new org.hostpki.model.OutputFormat.Der(org.hostpki.model.OutputFormat.CertificateChoice.SERVER),
                org.hostpki.model.AccessSpec.NONE, List.of(), at));
    StoreSpec storeSpec =
        new StoreSpec(
            store, base.store().password(), base.store().pkcs12Profile(), Optional.empty(),
            new org.hostpki.model.AccessSpec(Optional.empty(), Optional.of("ssl-cert"), Optional.empty()));
    return new DesiredState(
        base.source(), storeSpec, base.host(), base.ca(), base.server(), base.trust(), base.hooks(), base.renewal(),
        base.metrics(), outputs, List.of());
  }

  @Test
  void testApply_caReplacementIsOldOrNewAfterAFailureAtAnyOperation() {
    HostIdentity host = identity("portal", "192.0.2.10");
    applyOld(desired(oldStore, false, CaSpec.defaults(), TrustSpec.defaults()), host, T0);
    CaSpec renamed =
        new CaSpec(
            Optional.of(Subject.commonName("Example Portal CA")),
            KeySpec.defaultSpec(),
            CaSpec.DEFAULT_VALIDITY,
            CaSpec.DEFAULT_RENEW_BEFORE,
            Optional.empty(),
            Optional.empty());

    CrashEnumerator enumerator =
        new CrashEnumerator(
            new CrashScenario("CA replaced (subject changed)", oldStore,
                store -> desired(store, false, renamed, TrustSpec.defaults()),
                host, Set.of(), T0.plus(Duration.ofDays(1))));

    assertThat(enumerator.crashAtEach(everyOperationInEveryMode(enumerator)))
        .isEqualTo(3 * enumerator.cleanRun().size());
  }

  @Test
  void testApply_trustChangesAreOldOrNewAfterAFailure() throws IOException {
    HostIdentity host = identity("portal", "192.0.2.10");
    // Before: c0000 … c0199. After: c0000 … c0009 removed, c0010 … c0019 changed, c0200 …
    // c0209 added: still 200 entries.
    Path before = trustDirectory("trusted-before", 0, TRUSTED, 0, 0);
    Path after =
        trustDirectory("trusted-after", TRUST_CHANGES, TRUSTED + TRUST_CHANGES, TRUST_CHANGES,
            2 * TRUST_CHANGES);
    applyOld(desired(oldStore, false, CaSpec.defaults(), trust(before)), host, T0);

    CrashEnumerator enumerator =
        new CrashEnumerator(
            new CrashScenario(TRUSTED + " trusted certificates changed", oldStore,
                store -> desired(store, false, CaSpec.defaults(), trust(after)),
                host, Set.of(), T0.plus(Duration.ofDays(1))));
    int n = enumerator.cleanRun().size();
    assertThat(n).isGreaterThan(TRUSTED);

    if (trustEnumeration().equals("full")) {
      assertThat(enumerator.crashAtEach(everyOperationInEveryMode(enumerator))).isEqualTo(3 * n);
      return;
    }
    // The windows: the start (the lock, the new generation's directory and its first files), the
    // turn from writing the files to syncing them, and the commit to the end. Between them the
    // apply writes, then syncs, one trusted certificate after another.
    List<int[]> windows =
        List.of(
            new int[] {1, firstOperationUnder(enumerator, "trust") + WINDOW_MARGIN},
            new int[] {
              firstOperationOf(enumerator, FileOperation.Kind.FORCE) - WINDOW_MARGIN,
              firstOperationOf(enumerator, FileOperation.Kind.FORCE) + WINDOW_MARGIN
            },
            new int[] {firstOperationOnDataTmp(enumerator) - WINDOW_MARGIN, n});
    SortedSet<Integer> inWindows = new TreeSet<>();
    windows.forEach(w -> IntStream.rangeClosed(w[0], w[1]).forEach(inWindows::add));
    List<Integer> outside =
        IntStream.rangeClosed(1, n).filter(k -> !inWindows.contains(k)).boxed().toList();
    Map<FailureMode, SortedSet<Integer>> operations = new EnumMap<>(FailureMode.class);
    for (FailureMode mode : FailureMode.values()) {
      operations.put(mode, new TreeSet<>(inWindows));
    }
    for (int i = 0; i < SAMPLES; i++) {
      operations.get(FailureMode.values()[i % 3]).add(outside.get(i * outside.size() / SAMPLES));
    }
    assertThat(enumerator.crashAtEach(operations)).isEqualTo(3 * inWindows.size() + SAMPLES);
  }

  /** {@value #TRUST_ENUMERATION}: {@code full} or {@code window}, see the class comment. */
  private static String trustEnumeration() {
    String value = System.getProperty(TRUST_ENUMERATION, DEFAULT_TRUST_ENUMERATION);
    if (!value.equals("full") && !value.equals("window")) {
      throw new IllegalArgumentException(
          "-D" + TRUST_ENUMERATION + "=" + value + ": use full or window");
    }
    return value;
  }

  @Test
  void testApply_externalChainImportIsOldOrNewAfterAFailureAtAnyOperation() throws IOException {
    HostIdentity host = identity("portal", "192.0.2.10");
    Path chain = inputs.getPath("/etc/hostpki/incoming/chain.pem");
    // Before: waiting for a chain, serving an internal certificate for the key of server.csr.
    applyOld(desired(oldStore, false, CaSpec.defaults(), TrustSpec.defaults(), external(chain)), host, T0);
    TestCa outside = TestCa.create(T0);
    Certificate leaf =
        outside.sign(Files.readAllBytes(oldStore.resolve("server.csr")), T0, Duration.ofDays(90));
    Files.createDirectories(chain.getParent());
    Files.writeString(chain, Pem.certificates(List.of(outside.intermediate(), leaf, outside.root())));

    CrashEnumerator enumerator =
        new CrashEnumerator(
            new CrashScenario("external chain imported", oldStore,
                store -> desired(store, false, CaSpec.defaults(), TrustSpec.defaults(), external(chain)),
                host, Set.of(), T0.plus(Duration.ofDays(1))));

    assertThat(enumerator.cleanRun()).as("the import writes a new generation").isNotEmpty();
    assertThat(enumerator.crashAtEach(everyOperationInEveryMode(enumerator)))
        .isEqualTo(3 * enumerator.cleanRun().size());
  }

  /**
   * The ACME import: a store serving a certificate its ACME account ordered (the record in {@code
   * .acme/} names it as the last order), renewed when its renewal is due. The CA is a test CA
   * standing in for the network ({@link TestAcmeCa}); everything the apply writes, the record of the
   * new order included, is interrupted in turn: the record may name the new order while the store
   * still serves the old certificate, and the following apply orders again and converges.
   */
  @Test
  void testApply_acmeRenewalIsOldOrNewAfterAFailureAtAnyOperation() {
    HostIdentity host = identity("portal", "192.0.2.10");
    TestCa ca = TestCa.create(T0);
    CrashScenario.reconciler(host, T0)
        .orderingFrom(new TestAcmeCa(ca, Clock.fixed(T0, ZoneOffset.UTC)))
        .apply(acme(oldStore), Set.of(), Optional.empty(), Duration.ZERO);
    assertThat(oldStore.resolve(".acme")).as("the order's record").isDirectory();
    Instant due = T0.plus(TestAcmeCa.VALIDITY).minus(Duration.ofDays(5));

    CrashEnumerator enumerator =
        new CrashEnumerator(
            new CrashScenario("ACME certificate renewed", oldStore, this::acme, host, Set.of(), due,
                Optional.of(new TestAcmeCa(ca, Clock.fixed(due, ZoneOffset.UTC)))));

    assertThat(enumerator.cleanRun())
        .as("the renewal writes the .acme/ record among its operations")
        .anyMatch(op -> op.path().toString().contains("/.acme/"));
    assertThat(enumerator.crashAtEach(everyOperationInEveryMode(enumerator)))
        .isEqualTo(3 * enumerator.cleanRun().size());
  }

  private DesiredState acme(Path store) {
    ServerSpec d = ServerSpec.defaults();
    AcmeSpec acme =
        new AcmeSpec(
            URI.create("https://acme.test/directory"), Optional.empty(), List.of(), true, Optional.empty(),
            Optional.empty(), new AcmeChallenge.Http01Listener(AcmeChallenge.Http01Listener.DEFAULT), false,
            AcmeSpec.IdentifierScope.PUBLIC, Optional.empty(), AcmeSpec.DEFAULT_TIMEOUT, org.hostpki.model.ExternalSpec.Fallback.NONE);
    return desired(store, false, CaSpec.defaults(), TrustSpec.defaults(),
        new ServerSpec(
            ServerSpec.Issuer.ACME, d.subject(), List.of("portal.example.com"), d.ipAddresses(), true, d.key(),
            d.keyRotation(), d.validity(), d.renewBefore(), d.clientAuth(), d.allowLongValidity(),
            Optional.empty(), Optional.of(acme)));
  }

  private static ServerSpec external(Path chain) {
    ServerSpec d = ServerSpec.defaults();
    return new ServerSpec(
        ServerSpec.Issuer.EXTERNAL, d.subject(), List.of("portal.example.com"), d.ipAddresses(),
        true, d.key(), d.keyRotation(), d.validity(), d.renewBefore(), d.clientAuth(),
        d.allowLongValidity(), Optional.of(new ExternalSpec(chain, ExternalSpec.Fallback.NONE)), Optional.empty());
  }

  private static Map<FailureMode, List<Integer>> everyOperationInEveryMode(
      CrashEnumerator enumerator) {
    List<Integer> all =
        IntStream.rangeClosed(1, enumerator.cleanRun().size()).boxed().toList();
    Map<FailureMode, List<Integer>> operations = new EnumMap<>(FailureMode.class);
    for (FailureMode mode : FailureMode.values()) {
      operations.put(mode, all);
    }
    return operations;
  }

  private static int firstOperationOnDataTmp(CrashEnumerator enumerator) {
    return firstOperation(
        enumerator, op -> op.path().getFileName().toString().equals("..data_tmp"));
  }

  /** The first operation on something in a directory of that name. */
  private static int firstOperationUnder(CrashEnumerator enumerator, String directory) {
    return firstOperation(
        enumerator,
        op -> op.path().getParent() != null
            && op.path().getParent().getFileName() != null
            && op.path().getParent().getFileName().toString().equals(directory));
  }

  private static int firstOperationOf(CrashEnumerator enumerator, FileOperation.Kind kind) {
    return firstOperation(enumerator, op -> op.kind() == kind);
  }

  private static int firstOperation(CrashEnumerator enumerator, Predicate<FileOperation> which) {
    return enumerator.cleanRun().stream()
        .filter(which)
        .mapToInt(FileOperation::index)
        .findFirst()
        .orElseThrow();
  }

  private static void applyOld(DesiredState desired, HostIdentity host, Instant at) {
    CrashScenario.reconciler(host, at)
        .apply(desired, Set.of(), Optional.empty(), Duration.ZERO);
  }

  private static HostIdentity identity(String name, String... addresses) {
    return new HostIdentity(
        name,
        Optional.of("example.com"),
        List.of(addresses).stream().map(a -> IpAddresses.parse(a).orElseThrow()).toList());
  }

  /** @param pkcs12 with a store password, so that the store also has its PKCS#12 files */
  private DesiredState desired(Path store, boolean pkcs12, CaSpec ca, TrustSpec trust) {
    return desired(store, pkcs12, ca, trust, ServerSpec.defaults());
  }

  private DesiredState desired(
      Path store, boolean pkcs12, CaSpec ca, TrustSpec trust, ServerSpec server) {
    return DesiredStates.of(
        inputs.getPath("/etc/hostpki/host.yaml"),
        new StoreSpec(
            store,
            pkcs12
                ? Optional.of(new PasswordSource.Env(CrashScenario.PASSWORD_VARIABLE))
                : Optional.empty(),
            Pkcs12Profile.LEGACY),
        HostSpec.defaults(),
        ca,
        server,
        trust,
        CrashScenario.HOOKS);
  }

  /**
   * A trust directory with {@code cFROM.pem} … {@code cTO-1.pem}; those from {@code changedFrom}
   * to {@code changedTo} hold a different certificate than the same name elsewhere.
   */
  private Path trustDirectory(String name, int from, int to, int changedFrom, int changedTo)
      throws IOException {
    Path dir = inputs.getPath("/etc/hostpki", name);
    Files.createDirectories(dir);
    for (int i = from; i < to; i++) {
      boolean changed = i >= changedFrom && i < changedTo;
      Certificate certificate =
          certificates.get(changed ? TRUSTED + TRUST_CHANGES + (i - changedFrom) : i);
      Files.writeString(dir.resolve(String.format("c%04d.pem", i)), certificate.pem());
    }
    return dir;
  }

  private static TrustSpec trust(Path directory) {
    return new TrustSpec(true, false, List.of(), List.of(directory));
  }
}
