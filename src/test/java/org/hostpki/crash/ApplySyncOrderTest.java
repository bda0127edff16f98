package org.hostpki.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
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
import java.util.function.Predicate;
import org.hostpki.apply.Hooks;
import org.hostpki.apply.Reconciler;
import org.hostpki.apply.Secrets;
import org.hostpki.crash.FileOperation.Kind;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
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
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.plan.PlanInput;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreLock;
import org.hostpki.testkit.DesiredStates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The syncs of an apply, read from the sequence of operations it makes: every file and directory
 * of the new generation reaches the disk before the commit, the commit itself right after it.
 * The store's set has a trust directory with enough certificates for the writer's parallel sync.
 * One apply for the class: the tests only read the operations it made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplySyncOrderTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final int TRUSTED = 70;

  private final FileSystem disk = Disks.newDisk();
  private final Path store = disk.getPath("/srv/tls/hostpki");
  private List<FileOperation> operations;
  private Path generation;

  @BeforeAll
  void applyToAFreshStore() throws IOException {
    Path trusted = disk.getPath("/etc/hostpki/trusted.d");
    Files.createDirectories(trusted);
    SecureRandom random = new SecureRandom();
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), random);
    CertificateIssuer issuer = new CertificateIssuer(random);
    for (int i = 0; i < TRUSTED; i++) {
      Files.writeString(
          trusted.resolve("t" + i + ".pem"),
          issuer.selfSignedCa(Subject.commonName("T" + i), key, T0, Duration.ofDays(30)).pem());
    }
    FaultInjector recorder = FaultInjector.recording();
    FaultyFileSystem faulty = new FaultyFileSystem(disk, recorder);
    reconciler().apply(desired(faulty.getPath(store.toString()), trusted), Set.of(),
        Optional.empty(), Duration.ZERO);
    operations = recorder.operations();
    generation = store.resolve("..data").toRealPath();
  }

  @AfterAll
  void close() throws IOException {
    disk.close();
  }

  private static Reconciler reconciler() {
    return new Reconciler(
        spec -> new HostIdentity("portal", Optional.of("example.com"),
            List.of(IpAddresses.parse("192.0.2.10").orElseThrow())),
        Clock.fixed(T0, ZoneOffset.UTC),
        new SecureRandom(),
        new Secrets(Map.of("PW", "pw")),
        new Hooks(new PrintWriter(Writer.nullWriter())));
  }

  private DesiredState desired(Path storePath, Path trusted) {
    return DesiredStates.of(
        disk.getPath("/etc/hostpki/host.yaml"),
        new StoreSpec(storePath, Optional.of(new PasswordSource.Env("PW")), Pkcs12Profile.LEGACY),
        HostSpec.defaults(),
        CaSpec.defaults(),
        ServerSpec.defaults(),
        new TrustSpec(true, true, List.of(), List.of(trusted)),
        HooksSpec.none());
  }

  private Path partial() {
    return store.resolve(generation.getFileName() + ".partial");
  }

  private int commit() {
    return commit(operations);
  }

  private int commit(List<FileOperation> sequence) {
    return sequence.stream()
        .filter(op -> op.kind() == Kind.MOVE && op.target().equals(store.resolve("..data")))
        .mapToInt(FileOperation::index)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no commit in " + sequence));
  }

  private int first(Predicate<FileOperation> matching) {
    return operations.stream().filter(matching).mapToInt(FileOperation::index).findFirst()
        .orElseThrow(() -> new AssertionError("no such operation in " + operations));
  }

  private int last(Predicate<FileOperation> matching) {
    return operations.stream().filter(matching).mapToInt(FileOperation::index).max()
        .orElseThrow(() -> new AssertionError("no such operation in " + operations));
  }

  private List<Path> created(Kind kind) {
    return operations.stream()
        .filter(op -> op.kind() == kind && op.path().startsWith(partial()))
        .map(FileOperation::path)
        .toList();
  }

  /** The first sync of {@code path} after operation {@code after}, or none. */
  private Optional<Integer> syncOf(Path path, int after) {
    return syncOf(operations, path, after);
  }

  private static Optional<Integer> syncOf(List<FileOperation> sequence, Path path, int after) {
    return sequence.stream()
        .filter(op -> op.index() > after && op.kind() == Kind.FORCE && op.path().equals(path))
        .map(FileOperation::index)
        .findFirst();
  }

  @Test
  void testApply_syncsEveryFileOfTheNewGenerationAfterItsLastWriteAndBeforeTheCommit() {
    List<Path> files = created(Kind.OPEN_FOR_WRITE);

    assertThat(files).hasSizeGreaterThan(2 * TRUSTED);
    for (Path file : files) {
      int lastWrite = last(op -> op.path().equals(file) && op.kind() != Kind.FORCE);
      assertThat(syncOf(file, lastWrite)).as(file.toString()).hasValueSatisfying(
          sync -> assertThat(sync).isLessThan(commit()));
    }
  }

  @Test
  void testApply_syncsEveryDirectoryOfTheNewGenerationAfterItsLastEntryAndBeforeItsRename() {
    List<Path> directories = created(Kind.CREATE_DIRECTORY);
    int rename = first(op -> op.kind() == Kind.MOVE && op.path().equals(partial()));

    assertThat(directories).contains(partial(), partial().resolve("trust"),
        partial().resolve("trust-hashed"));
    for (Path directory : directories) {
      int lastEntry = last(op -> directory.equals(op.path().getParent())
          && (op.kind() == Kind.OPEN_FOR_WRITE || op.kind() == Kind.CREATE_DIRECTORY));
      assertThat(syncOf(directory, lastEntry)).as(directory.toString()).hasValueSatisfying(
          sync -> assertThat(sync).isLessThan(rename));
    }
  }

  @Test
  void testApply_syncsTheStoreDirectoryAfterNamingTheGenerationAndItsLinksBeforeTheCommit() {
    int rename = first(op -> op.kind() == Kind.MOVE && op.path().equals(partial()));
    int lastLink = last(op -> op.kind() == Kind.CREATE_SYMBOLIC_LINK
        && store.equals(op.path().getParent())
        && !op.path().getFileName().toString().startsWith(".."));

    assertThat(lastLink).isGreaterThan(rename).isLessThan(commit());
    assertThat(syncOf(store, lastLink)).hasValueSatisfying(
        sync -> assertThat(sync).isLessThan(commit()));
  }

  @Test
  void testApply_linksDataTmpBeforeTheGenerationHasItsName() {
    // So a complete generation without ..data always shows its commit was interrupted.
    int dataTmp = first(op -> op.kind() == Kind.CREATE_SYMBOLIC_LINK
        && op.path().equals(store.resolve("..data_tmp")));

    assertThat(dataTmp).isLessThan(first(op -> op.kind() == Kind.MOVE && op.path().equals(partial())));
  }

  @Test
  void testApply_syncsTheStoreDirectoryRightAfterTheCommit() {
    assertThat(syncOf(store, commit())).hasValue(commit() + 1);
  }

  @Test
  void testApply_syncsTheParentsOfANewStoreDirectory() {
    int created = first(op -> op.kind() == Kind.CREATE_DIRECTORY && op.path().equals(store));

    assertThat(syncOf(store.getParent(), created)).isPresent();
    assertThat(syncOf(disk.getPath("/srv"), created)).isPresent();
    assertThat(syncOf(disk.getPath("/"), created)).isPresent();
  }

  /** It changes the store; the other tests read only the operations recorded before. */
  @Test
  void testActivate_syncsTheStoreDirectoryBeforeAndRightAfterTheCommit() throws IOException {
    Path before = generation;
    reconciler().apply(desired(store, disk.getPath("/etc/hostpki/trusted.d")),
        Set.of(PlanInput.Replace.SERVER), Optional.empty(), Duration.ZERO);
    FaultInjector recorder = FaultInjector.recording();
    Path faultyStore = new FaultyFileSystem(disk, recorder).getPath(store.toString());
    StoreLock lock = StoreLock.acquire(faultyStore, Duration.ZERO, "test");
    try {
      new StoreDirectory(faultyStore, Clock.fixed(T0, ZoneOffset.UTC))
          .activate(before.getFileName().toString());
    } finally {
      lock.close();
    }
    List<FileOperation> rollback = recorder.operations();

    int commit = commit(rollback);
    assertThat(syncOf(rollback, store, 0))
        .hasValueSatisfying(sync -> assertThat(sync).isLessThan(commit));
    assertThat(syncOf(rollback, store, commit)).hasValue(commit + 1);
  }

  /**
   * It changes the store; the other tests read only the operations recorded before. A new server
   * certificate leaves the trusted certificates unchanged: they are linked, not written, and each
   * link's directory is synced after it and before the generation is renamed into place.
   */
  @Test
  void testApply_linksUnchangedFilesAndSyncsTheirDirectoriesBeforeTheRename() throws IOException {
    FaultInjector recorder = FaultInjector.recording();
    Path faultyStore = new FaultyFileSystem(disk, recorder).getPath(store.toString());
    reconciler().apply(desired(faultyStore, disk.getPath("/etc/hostpki/trusted.d")),
        Set.of(PlanInput.Replace.SERVER), Optional.empty(), Duration.ZERO);
    List<FileOperation> sequence = recorder.operations();
    Path partial =
        store.resolve(store.resolve("..data").toRealPath().getFileName() + ".partial");
    int rename = sequence.stream()
        .filter(op -> op.kind() == Kind.MOVE && op.path().equals(partial))
        .mapToInt(FileOperation::index).findFirst().orElseThrow();
    List<FileOperation> links = sequence.stream()
        .filter(op -> op.kind() == Kind.CREATE_LINK && op.path().startsWith(partial))
        .toList();

    assertThat(links).extracting(op -> op.path().getParent())
        .contains(partial.resolve("trust"), partial.resolve("trust-hashed"));
    assertThat(links).hasSizeGreaterThanOrEqualTo(2 * TRUSTED);
    for (Path directory : links.stream().map(op -> op.path().getParent()).distinct().toList()) {
      int lastLink = links.stream().filter(op -> op.path().getParent().equals(directory))
          .mapToInt(FileOperation::index).max().orElseThrow();
      assertThat(syncOf(sequence, directory, lastLink)).as(directory.toString())
          .hasValueSatisfying(sync -> assertThat(sync).isLessThan(rename));
    }
  }
}
