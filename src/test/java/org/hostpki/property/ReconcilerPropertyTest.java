package org.hostpki.property;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.hostpki.apply.Hooks;
import org.hostpki.apply.Reconciler;
import org.hostpki.apply.Secrets;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Random sequences of desired-state edits, host identity changes and clock steps, each applied by
 * the real {@link Reconciler} on Jimfs. After every apply the store must be converged and valid:
 * a second apply changes nothing, the server certificate names every name and address the world
 * asks for (worked out here, independently of the planner), chains to the CA, and every key
 * matches its certificate, and nothing was re-issued that the edit had no reason to touch (a new
 * address never replaces the CA; a trust entry never the server certificate). The final store of each sequence is also checked by {@code openssl
 * verify}.
 *
 * <p>Seeded, so a failure replays; a failing sequence is shrunk (edits dropped while it still
 * fails) and reported with the shortest sequence found. {@code -Dhostpki.property.seeds=N} and
 * {@code -Dhostpki.property.steps=M} try N sequences of M edits instead of the default 8 of 8.
 */
@Tag(Tags.SLOW)
class ReconcilerPropertyTest {
  private static final int DEFAULT_STEPS = 8;
  private static final int DEFAULT_SEEDS = 8;

  private static List<Certificate> trustPool;

  @TempDir Path tmp;

  @BeforeAll
  static void makeTrustPool() {
    List<Certificate> pool = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
      pool.add(
          new CertificateIssuer(new SecureRandom())
              .selfSignedCa(Subject.commonName("trusted " + i), key, World.T0, Duration.ofDays(20 * 365)));
    }
    trustPool = List.copyOf(pool);
  }

  static LongStream seeds() {
    int n = Integer.getInteger("hostpki.property.seeds", DEFAULT_SEEDS);
    return LongStream.range(0, n).map(i -> 0x5eed_0000L + i);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void testRandomEdits_alwaysConvergeToAValidStore(long seed) throws Exception {
    Random random = new Random(seed);
    List<Edit> edits = new ArrayList<>();
    for (int i = 0, n = Integer.getInteger("hostpki.property.steps", DEFAULT_STEPS); i < n; i++) {
      edits.add(Edit.random(random, trustPool));
    }
    Optional<AssertionError> failure = run(edits, false);
    if (failure.isPresent()) {
      List<Edit> shrunk = shrink(edits);
      AssertionError error =
          new AssertionError(
              "seed " + seed + " fails; shrunk to " + shrunk.size() + " edits: " + shrunk
                  + "\n" + run(shrunk, false).map(Throwable::getMessage).orElse("(passes alone)"),
              failure.get());
      throw error;
    }
    assertThat(run(edits, true)).isEmpty();
  }

  /** Drops edits one at a time while the sequence still fails. */
  private List<Edit> shrink(List<Edit> failing) throws Exception {
    List<Edit> current = new ArrayList<>(failing);
    boolean smaller = true;
    while (smaller) {
      smaller = false;
      for (int i = 0; i < current.size(); i++) {
        List<Edit> candidate = new ArrayList<>(current);
        candidate.remove(i);
        if (run(candidate, false).isPresent()) {
          current = candidate;
          smaller = true;
          break;
        }
      }
    }
    return current;
  }

  /** Applies the edits one by one on a fresh file system, checking after each apply. */
  private Optional<AssertionError> run(List<Edit> edits, boolean verifyWithOpenssl) throws Exception {
    World world = new World();
    try (FileSystem fs =
        Jimfs.newFileSystem(
            Configuration.unix().toBuilder()
                .setAttributeViews("basic", "owner", "posix", "unix")
                .setDefaultAttributeValue("owner:owner", System.getProperty("user.name"))
                .build())) {
      Path store = fs.getPath("/var/lib/hostpki");
      List<String> done = new ArrayList<>();
      try {
        check(world, fs, store, "initial state");
        for (Edit edit : edits) {
          byte[] caKey = Files.readAllBytes(store.resolve("ca.key"));
          byte[] serverKey = Files.readAllBytes(store.resolve("server.key"));
          byte[] serverCertificate = Files.readAllBytes(store.resolve("server.crt"));
          edit.applyTo(world);
          done.add(edit.description());
          check(world, fs, store, String.join(", ", done));
          if (edit.reach() != Edit.Reach.CA) {
            assertThat(Files.readAllBytes(store.resolve("ca.key"))).as("the CA key after " + edit).isEqualTo(caKey);
          }
          if (edit.reach() == Edit.Reach.OUTPUTS) {
            assertThat(Files.readAllBytes(store.resolve("server.key"))).as("server.key after " + edit).isEqualTo(serverKey);
            assertThat(Files.readAllBytes(store.resolve("server.crt"))).as("server.crt after " + edit).isEqualTo(serverCertificate);
          }
        }
        if (verifyWithOpenssl) {
          opensslVerify(store);
        }
      } catch (AssertionError | RuntimeException e) {
        return Optional.of(new AssertionError("after [" + String.join(", ", done) + "]: " + e.getMessage(), e));
      }
    }
    return Optional.empty();
  }

  private void check(World world, FileSystem fs, Path store, String after) throws Exception {
    var desired = world.desired(fs, store);
    Reconciler.Result first = reconciler(world).apply(desired, Set.of(), Optional.empty(), Duration.ZERO);
    assertThat(first.hookFailure()).isEmpty();

    Reconciler.Result second = reconciler(world).apply(desired, Set.of(), Optional.empty(), Duration.ZERO);
    assertThat(second.plan().changes()).as("a second apply after " + after).isEmpty();
    assertThat(second.generation()).as("a second apply makes no generation").isEmpty();

    Certificate ca = single(store.resolve("ca.crt"));
    Certificate server = single(store.resolve("server.crt"));
    CertificateFacts facts = server.facts();
    assertThat(facts.dnsNames()).as("server DNS names").containsAll(world.expectedDnsNames());
    assertThat(facts.ipAddresses()).as("server addresses").containsAll(world.expectedAddresses());
    assertThat(server.isSignedBy(ca)).as("server signed by the CA").isTrue();
    assertThat(ca.isSignedBy(ca)).as("the CA is self-signed").isTrue();
    assertThat(ca.facts().ca()).isTrue();
    assertThat(facts.notBefore()).isBeforeOrEqualTo(world.now);
    assertThat(facts.notAfter()).isAfter(world.now);
    assertThat(ca.facts().notAfter()).isAfter(world.now);
    assertThat(facts.extendedKeyUsages().contains(CertificateFacts.EKU_CLIENT_AUTH)).isEqualTo(world.clientAuth);
    if (world.caName.isPresent()) {
      // Without a name the CA is named after the host when made, and kept when the host is renamed.
      assertThat(ca.facts().subject().commonName()).isEqualTo(world.caName);
    }

    KeyMaterial serverKey = KeyMaterial.fromPem(Files.readAllBytes(store.resolve("server.key")));
    KeyMaterial caKey = KeyMaterial.fromPem(Files.readAllBytes(store.resolve("ca.key")));
    assertThat(serverKey.matches(server)).as("server.key matches server.crt").isTrue();
    assertThat(caKey.matches(ca)).as("ca.key matches ca.crt").isTrue();
    assertThat(serverKey.facts().spec()).contains(world.serverKey);
    assertThat(caKey.facts().spec()).contains(world.caKey);

    assertThat(Pem.readCertificates(Files.readAllBytes(store.resolve("server-fullchain.crt"))))
        .containsExactly(server, ca);
    Set<String> trusted = new TreeSet<>();
    if (Files.isDirectory(store.resolve("trust"))) {
      try (Stream<Path> list = Files.list(store.resolve("trust"))) {
        list.forEach(p -> trusted.add(p.getFileName().toString().replace(".crt", "")));
      }
    }
    if (world.prune) {
      assertThat(trusted).as("trust/ with prune").isEqualTo(world.trust.keySet());
    } else {
      assertThat(trusted).as("trust/ without prune").containsAll(world.trust.keySet());
    }
    for (String name : world.trust.keySet()) {
      assertThat(single(store.resolve("trust/" + name + ".crt"))).isEqualTo(world.trust.get(name));
    }
    assertThat(Files.exists(store.resolve("server.p12"), LinkOption.NOFOLLOW_LINKS)).isEqualTo(world.password);
    assertThat(Files.exists(store.resolve("truststore.p12"), LinkOption.NOFOLLOW_LINKS)).isEqualTo(world.password);
  }

  private static Reconciler reconciler(World world) {
    var identity = world.identity();
    return new Reconciler(
        spec -> identity,
        Clock.fixed(world.now, ZoneOffset.UTC),
        new SecureRandom(),
        new Secrets(Map.of("PW", "property-pw")),
        new Hooks(new PrintWriter(new StringWriter(), true)));
  }

  private static Certificate single(Path file) throws Exception {
    List<Certificate> certificates = Pem.readCertificates(Files.readAllBytes(file));
    assertThat(certificates).as(file.toString()).hasSize(1);
    return certificates.get(0);
  }

  /** The store's CA and server certificate, copied out of Jimfs, checked by OpenSSL itself. */
  private void opensslVerify(Path store) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory(tmp, "verify");
    Files.write(dir.resolve("ca.crt"), Files.readAllBytes(store.resolve("ca.crt")));
    Files.write(dir.resolve("server.crt"), Files.readAllBytes(store.resolve("server.crt")));
    Process p =
        new ProcessBuilder(
                "openssl", "verify", "-x509_strict", "-purpose", "sslserver",
                "-attime", Long.toString(storeTime(store)),
                "-CAfile", dir.resolve("ca.crt").toString(), dir.resolve("server.crt").toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
    assertThat(output).as(output).contains(": OK");
  }

  /** A moment inside the server certificate's validity (the world's clock may be years ahead). */
  private static long storeTime(Path store) throws IOException {
    try {
      CertificateFacts facts = single(store.resolve("server.crt")).facts();
      return facts.notBefore().plus(Duration.ofHours(2)).getEpochSecond();
    } catch (Exception e) {
      throw new IOException(e);
    }
  }
}
