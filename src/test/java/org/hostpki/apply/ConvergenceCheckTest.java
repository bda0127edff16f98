package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
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
import java.util.SortedMap;
import java.util.TreeMap;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.FileKind;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.PasswordSource;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.plan.PlanInput;
import org.hostpki.plan.Planner;
import org.hostpki.store.StoreDirectory;
import org.hostpki.store.StoreFile;
import org.hostpki.store.StoreSnapshot;
import org.hostpki.testkit.DesiredStates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The check after a write: the facts it observes parsing only changed files are those a full
 * observation gives, and a store that reads back otherwise or is not converged is an error.
 */
class ConvergenceCheckTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final String PASSWORD_SOURCE = "environment variable PW";

  private final FileSystem fs =
      Jimfs.newFileSystem(
          Configuration.unix().toBuilder()
              .setAttributeViews("basic", "owner", "posix", "unix")
              .setDefaultAttributeValue("owner:owner", System.getProperty("user.name"))
              .build());
  private final Path store = fs.getPath("/var/lib/hostpki");
  private final Path trusted = fs.getPath("/etc/hostpki/trusted.d");
  private final SecureRandom random = new SecureRandom();
  private final StoreObserver observer = new StoreObserver();
  private final ConvergenceCheck check = new ConvergenceCheck(new Planner(), observer);
  private KeyMaterial trustedKey;

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(trusted);
    trustedKey = KeyMaterial.generate(KeySpec.defaultSpec(), random);
    for (int i = 0; i < 5; i++) {
      trust("t" + i, "T" + i);
    }
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private void trust(String file, String commonName) throws IOException {
    Files.writeString(
        trusted.resolve(file + ".pem"),
        new CertificateIssuer(random)
            .selfSignedCa(Subject.commonName(commonName), trustedKey, T0, Duration.ofDays(30))
            .pem());
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

  private DesiredState desired() {
    return DesiredStates.of(
        fs.getPath("/etc/hostpki/host.yaml"),
        new StoreSpec(store, Optional.of(new PasswordSource.Env("PW")), Pkcs12Profile.MODERN),
        HostSpec.defaults(),
        CaSpec.defaults(),
        ServerSpec.defaults(),
        new TrustSpec(true, true, List.of(), List.of(trusted)),
        HooksSpec.none());
  }

  private StoreDirectory directory() {
    return new StoreDirectory(store, Clock.fixed(T0, ZoneOffset.UTC));
  }

  private static SortedMap<String, CertificateFacts> trustFacts(Reconciler.Observation before) {
    SortedMap<String, CertificateFacts> facts = new TreeMap<>();
    before.desiredTrust().forEach((n, c) -> facts.put(n, c.facts()));
    return facts;
  }

  private ObservedStore fullObservation(StoreSnapshot snapshot) {
    return observer.observe(snapshot, store, Optional.of("pw".toCharArray()), PASSWORD_SOURCE)
        .facts();
  }

  private ObservedStore reusingObservation(StoreSnapshot snapshot, Reconciler.Observation before) {
    return check.observeReusing(
        snapshot, before.store(), before.desiredTrust().values(), store,
        Optional.of("pw".toCharArray()), PASSWORD_SOURCE, Map.of());
  }

  private static SortedMap<String, StoreFile> asWritten(StoreSnapshot snapshot) {
    SortedMap<String, StoreFile> files = new TreeMap<>();
    snapshot.files().forEach(
        (name, content) ->
            files.put(name, new StoreFile(content, StoreLayout.standard().kindOf(name))));
    return files;
  }

  @Test
  void testObserveReusing_afterTrustChangesGivesTheFactsOfAFullObservation() throws IOException {
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    trust("t1", "T1 changed");
    Files.delete(trusted.resolve("t2.pem"));
    trust("t5", "T5");
    Reconciler.Observation before = reconciler().plan(desired(), Set.of());
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);

    StoreSnapshot after = directory().read();

    assertThat(after.files()).containsKeys("truststore.p12", "trust-bundle.crt", "trust/t0.crt");
    assertThat(after.under("trust-hashed")).isNotEmpty();
    assertThat(reusingObservation(after, before)).isEqualTo(fullObservation(after));
  }

  @Test
  void testObserveReusing_afterANewServerCertificateGivesTheFactsOfAFullObservation() {
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    Reconciler.Observation before = reconciler().plan(desired(), Set.of(PlanInput.Replace.SERVER));
    reconciler().apply(desired(), Set.of(PlanInput.Replace.SERVER), Optional.empty(), Duration.ZERO);

    StoreSnapshot after = directory().read();

    assertThat(after.files().get("server.crt"))
        .isNotEqualTo(before.store().snapshot().files().get("server.crt"));
    assertThat(after.files().get("truststore.p12"))
        .isEqualTo(before.store().snapshot().files().get("truststore.p12"));
    assertThat(reusingObservation(after, before)).isEqualTo(fullObservation(after));
  }

  @Test
  void testObserveReusing_onAStoreRemovedOfItsTrustGivesTheFactsOfAFullObservation() {
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    Reconciler.Observation before = reconciler().plan(desired(), Set.of());
    SortedMap<String, StoreFile> files = asWritten(before.store().snapshot());
    files.keySet().removeIf(name -> name.startsWith("trust"));
    directory().write(files, "{}".getBytes(StandardCharsets.UTF_8), before.store().snapshot());

    StoreSnapshot after = directory().read();

    assertThat(reusingObservation(after, before)).isEqualTo(fullObservation(after));
    assertThat(reusingObservation(after, before).hashedDirectory()).isEmpty();
  }

  @Test
  void testCheck_aConvergedStoreReadBackAsWrittenPasses() {
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    Reconciler.Observation before = reconciler().plan(desired(), Set.of());
    StoreSnapshot after = directory().read();

    check.check(before, after, asWritten(after), trustFacts(before), PASSWORD_SOURCE, new java.util.TreeMap<>(), before.acme());

    assertThat(before.plan().isEmpty()).isTrue();
  }

  /**
   * A PKCS#12 file an apply writes is hashed once, for the set's record: not again by the check
   * after the write, nor when the check reads that record back (a trust store of 100,000
   * certificates is tens of megabytes). An apply that finds the store converged hashes each once,
   * to know the record describes it.
   */
  @Test
  void testApply_hashesEachPkcs12FileOnce() {
    long before = Pkcs12Record.hashed();
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    long writing = Pkcs12Record.hashed() - before;
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    long converged = Pkcs12Record.hashed() - before - writing;

    assertThat(directory().read().files()).containsKeys("server.p12", "truststore.p12");
    assertThat(writing).as("hashed by the apply that wrote server.p12 and truststore.p12").isEqualTo(2);
    assertThat(converged).as("hashed by the apply that found them converged").isEqualTo(2);
  }

  @Test
  void testCheck_aWrittenSetThePlannerDoesNotAcceptIsAnError() {
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    Reconciler.Observation before = reconciler().plan(desired(), Set.of());
    SortedMap<String, StoreFile> files = asWritten(before.store().snapshot());
    files.remove("trust/t3.crt");
    directory().write(files, "{}".getBytes(StandardCharsets.UTF_8), before.store().snapshot());

    assertThatThrownBy(
            () -> check.check(before, directory().read(), files, trustFacts(before), PASSWORD_SOURCE, new java.util.TreeMap<>(), before.acme()))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("did not converge")
        .hasMessageContaining("t3");
  }

  @Test
  void testCheck_aStoreThatDoesNotReadBackAsWrittenIsAnError() {
    reconciler().apply(desired(), Set.of(), Optional.empty(), Duration.ZERO);
    Reconciler.Observation before = reconciler().plan(desired(), Set.of());
    StoreSnapshot after = directory().read();
    SortedMap<String, StoreFile> intended = asWritten(after);
    intended.put("trust/t0.crt", new StoreFile(after.files().get("trust/t1.crt"), FileKind.CERTIFICATES));

    assertThatThrownBy(
            () -> check.check(before, after, intended, trustFacts(before), PASSWORD_SOURCE, new java.util.TreeMap<>(), before.acme()))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("does not read back as written: trust/t0.crt differ");
  }
}
