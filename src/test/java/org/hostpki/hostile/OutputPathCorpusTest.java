package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.fetch.LoopbackTlsServer;
import org.hostpki.testkit.ToolCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Every path a user names for output ({@code export -o}, {@code plan --out}, {@code sign -o},
 * {@code fetch-cert -o}) pointed into a store — its visible names, a generation, a link or a
 * linked directory into it, another store — is refused, naming the store, and nothing changes. A
 * hard link to a store file outside the store is replaced by a new file, never written through;
 * {@code -} is standard output.
 *
 * <p>Found: {@code export server-cert -o STORE/ca.key} wrote the certificate through the link
 * into the key file every kept generation shares, and rollback could not bring the key back.
 */
@Tag(Tags.SLOW)
class OutputPathCorpusTest {
  private static final String POLICY =
      "  policy: {allowedDomains: [\"*.example.com\"], allowedNetworks: [192.0.2.0/24], maxValidity: 90d}\n";

  @TempDir static Path templateDir;
  @TempDir static Path certificates;
  private static LoopbackTlsServer device;
  @TempDir Path dir;

  @BeforeAll
  static void makeGoodStoreAndDevice() throws IOException {
    GoodStore.build(templateDir);
    Workspace template = new Workspace(templateDir, GoodStore.CLOCK, GoodStore.PROBE);
    template.editYaml("ca:\n", "ca:\n" + POLICY);
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
    Files.write(
        templateDir.resolve("m1.csr"),
        CertificationRequest.create(
            Subject.empty(), List.of("m1.example.com"), List.of(InetAddress.getByName("192.0.2.11")),
            false, key, new SecureRandom()));
    device =
        LoopbackTlsServer.start(
            InetAddress.getLoopbackAddress(),
            ToolCertificates.keytoolSelfSigned(certificates, "device", "CN=device.test", "dns:device.test").keyStore());
  }

  @AfterAll
  static void stopDevice() {
    device.close();
  }

  /** A command that writes where {@code -o} (or {@code --out}) says. */
  private enum Output {
    EXPORT(t -> List.of("export", "-f", "host.yaml", "server-cert", "-o", t)),
    PLAN(t -> List.of("plan", "-f", "host.yaml", "--out", t)),
    SIGN(t -> List.of("sign", "-f", "host.yaml", "--csr", "m1.csr", "-o", t)),
    FETCH_CERT(t -> List.of("fetch-cert", "127.0.0.1:" + device.port(), "-o", t));

    final Function<String, List<String>> args;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    Output(Function<String, List<String>> args) {
      this.args = args;
    }

    String[] args(String target) {
      return args.apply(target).toArray(String[]::new);
    }
  }

  /** Where the output goes: a setup, the target, and the store it is in. */
  private record Into(String name, HostileCase.Setup setup, String target, String store) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Into> INTO_A_STORE =
      List.of(
          new Into("a visible store name (a link into the generation)", w -> {}, "pki/ca.key", "{store}"),
          new Into("a file in the live generation (a hard link shared with the kept ones)", w -> {},
              "pki/{generation}/ca.key", "{store}"),
          new Into("a new name in the store", w -> {}, "pki/out.pem", "{store}"),
          new Into("a new name in a store subdirectory", w -> {}, "pki/trust/out.pem", "{store}"),
          new Into("a folder in the store that does not exist (never: create it first)", w -> {},
              "pki/trust-hashed/out.pem", "{store}"),
          new Into("a link outside that points at a store file",
              w -> Files.createSymbolicLink(w.dir.resolve("out.pem"), Path.of("pki/ca.key")), "out.pem", "{store}"),
          new Into("a file in a directory linked to the store",
              w -> Files.createSymbolicLink(w.dir.resolve("certs"), Path.of("pki")), "certs/out.pem", "{store}"),
          new Into("another store that lost its ..data link", OutputPathCorpusTest::otherStore,
              "other/..2026_01_01_00_00_00.000000000/ca.key", "{dir}/other"));

  static Stream<Arguments> intoAStore() {
    List<Arguments> cases = new ArrayList<>();
    for (Output output : Output.values()) {
      for (Into into : INTO_A_STORE) {
        cases.add(Arguments.of(output, into));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} into {1}")
  @MethodSource("intoAStore")
  void testOutputIntoAStore_isRefusedAndChangesNothing(Output output, Into into) throws Exception {
    Workspace w = workspace();
    String target = into.target().replace("{generation}", w.store.relativize(w.generation()).toString());

    new HostileCase(
            into.name(),
            into.setup(),
            List.of(output.args(target)),
            GoodStore.ENVIRONMENT,
            1,
            List.of(
                "cannot write {dir}/" + target + ": it is ",
                " inside the hostpki store " + into.store() + ", whose files only hostpki apply writes",
                "Choose a path outside the store"),
            false)
        .check(w);
  }

  static Stream<Output> outputs() {
    return Stream.of(Output.values());
  }

  /** A hard link to the CA key outside the store gets a new file; the key stays in every generation. */
  @ParameterizedTest
  @MethodSource("outputs")
  void testOutputOverAHardLinkToAStoreKey_replacesTheLinkNotTheKey(Output output) throws IOException {
    Workspace w = workspace();
    Path key = w.inGeneration("ca.key");
    Path link = Files.createLink(w.dir.resolve("copy.key"), key);
    SortedMap<String, String> generations = generations(w);

    CliResult result = w.hostpki(output.args("copy.key"));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    result.assertNoStackTrace();
    assertThat(Files.isSameFile(link, key)).isFalse();
    assertThat(Files.readString(link)).doesNotContain("PRIVATE KEY");
    assertThat(Files.readString(key)).contains("PRIVATE KEY");
    assertThat(generations(w)).containsAllEntriesOf(generations);
  }

  /** {@code -o -} writes to standard output, never a file named "-". */
  @ParameterizedTest
  @MethodSource("outputs")
  void testOutputDash_isStandardOutput(Output output) {
    Workspace w = workspace();

    CliResult result = w.hostpki(output.args("-"));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains(output == Output.PLAN ? "\"format_version\"" : "-----BEGIN CERTIFICATE-----");
    assertThat(w.dir.resolve("-")).doesNotExist();
  }

  /** Found as is: the certificate written into ca.key, and rollback left without a key. */
  @Test
  void testExportAndPlanIntoTheKey_leaveEveryGenerationAndRollbackIntact() throws IOException {
    Workspace w = workspace();
    assertThat(w.hostpki("apply", "-f", "host.yaml", "--replace", "server").exitCode()).isZero();
    String generation = w.store.relativize(w.generation()).toString();
    SortedMap<String, String> before = generations(w);
    byte[] key = Files.readAllBytes(w.store.resolve("ca.key"));

    List<CliResult> refused =
        List.of(
            w.hostpki("export", "-f", "host.yaml", "server-cert", "-o", "pki/ca.key"),
            w.hostpki("export", "-f", "host.yaml", "server-cert", "-o", "pki/" + generation + "/ca.key"),
            w.hostpki("plan", "-f", "host.yaml", "--out", "pki/ca.key"));

    assertThat(refused).allSatisfy(r -> {
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
      assertThat(r.err()).contains("inside the hostpki store " + w.store + ", whose files");
    });
    assertThat(generations(w)).isEqualTo(before);
    CliResult rollback = w.hostpki("rollback", "-f", "host.yaml");
    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    assertThat(Files.readAllBytes(w.store.resolve("ca.key"))).isEqualTo(key);
    CliResult plan = w.hostpki("plan", "-f", "host.yaml");
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
  }

  private Workspace workspace() {
    return Workspace.copyOf(templateDir, dir, GoodStore.CLOCK, GoodStore.PROBE);
  }

  /** The snapshot entries of every generation directory: what a rollback depends on. */
  /**
   * Every file of every generation, with its mode and content; not the generation directories'
   * own modes: a write (sign's issued/ record) closes the generation it leaves behind (0700).
   */
  private static SortedMap<String, String> generations(Workspace w) {
    SortedMap<String, String> all = w.snapshot();
    all.keySet().removeIf(name -> !name.startsWith("pki/..2") || name.indexOf('/', 4) < 0);
    return all;
  }

  /** A second store beside the configured one, its ..data link lost, its generation kept. */
  private static void otherStore(Workspace w) throws IOException {
    Path generation = Files.createDirectories(w.dir.resolve("other/..2026_01_01_00_00_00.000000000"));
    Files.writeString(w.dir.resolve("other/.lock"), "");
    Files.copy(w.inGeneration("ca.key"), generation.resolve("ca.key"), LinkOption.NOFOLLOW_LINKS);
  }
}
