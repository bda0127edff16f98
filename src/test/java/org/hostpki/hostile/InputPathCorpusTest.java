package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hostpki.files.InputKind;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.KeyMaterial;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Every file hostpki reads, made into what it must not read: a FIFO (which would block the run,
 * and with it the store lock, for ever), a link to an endless device, a directory, a file over the
 * limit of its kind. Each is refused at once naming the file and what it is, exit 1, the store
 * unchanged. And what it must read: the same file with a UTF-8 byte order mark (as Windows editors
 * save it; OpenSSL reads it), or owned by another user where only secrets must be the user's own.
 */
@Tag(Tags.SLOW)
class InputPathCorpusTest {
  /** Far above what a refusal takes: only a blocked read fails it. */
  private static final Duration BLOCKED = Duration.ofSeconds(30);
  private static final String POLICY =
      "  policy: {allowedDomains: [\"*.example.com\"], allowedNetworks: [192.0.2.0/24], maxValidity: 90d}\n";
  private static final int FOREIGN_UID = 4242;

  @TempDir static Path templateDir;
  @TempDir Path dir;

  @BeforeAll
  static void makeGoodStore() throws IOException {
    GoodStore.build(templateDir);
  }

  /** One file hostpki reads: where it is, the command that reads it, how its refusal begins. */
  private record Input(
      String name, String path, InputKind kind, Prepare prepare, List<String> args,
      Map<String, String> environment, String refusal) {

    HostileCase refused(String hazard, HostileCase.Setup make, String reason) {
      return new HostileCase(
          name + " is " + hazard,
          w -> {
            prepare.in(w);
            Path file = w.dir.resolve(path);
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
              Damage.deleteTree(file);
            } else {
              Files.deleteIfExists(file);
            }
            make.breakIn(w);
          },
          args, environment, 1, List.of(refusal + " " + reason), false);
    }
  }

  @FunctionalInterface
  private interface Prepare {
    void in(Workspace w) throws Exception;
  }

  private static final List<Input> INPUTS =
      List.of(
          new Input("the external chain", "incoming/chain.pem", InputKind.CHAIN,
              InputPathCorpusTest::externalIssuer, List.of("apply", "-f", "host.yaml"), GoodStore.ENVIRONMENT,
              "server.external.chain: {dir}/incoming/chain.pem"),
          new Input("a saved plan", "saved.json", InputKind.SAVED_PLAN, w -> {},
              List.of("apply", "-f", "host.yaml", "--plan", "saved.json"), GoodStore.ENVIRONMENT,
              "saved plan {dir}/saved.json"),
          new Input("a certificate request", "m1.csr", InputKind.CERTIFICATE_REQUEST, w -> {},
              List.of("sign", "-f", "host.yaml", "--csr", "m1.csr"), GoodStore.ENVIRONMENT,
              "--csr {dir}/m1.csr"),
          new Input("a trusted certificate file", "trusted/ldap.pem", InputKind.TRUSTED_CERTIFICATES, w -> {},
              List.of("apply", "-f", "host.yaml"), GoodStore.ENVIRONMENT,
              "{dir}/host.yaml:10:7: {dir}/trusted/ldap.pem"),
          new Input("a trust directory's file", "trusted.d/web.pem", InputKind.TRUSTED_CERTIFICATES, w -> {},
              List.of("apply", "-f", "host.yaml"), GoodStore.ENVIRONMENT,
              "trust directory {dir}/trusted.d: {dir}/trusted.d/web.pem"),
          new Input("the password file", "p12.pass", InputKind.PASSWORD, InputPathCorpusTest::passwordFile,
              List.of("apply", "-f", "host.yaml"), Map.of(),
              "store.password.file {dir}/p12.pass"),
          new Input("the desired state", "other.yaml", InputKind.DESIRED_STATE, w -> {},
              List.of("plan", "-f", "other.yaml"), GoodStore.ENVIRONMENT,
              "{dir}/other.yaml: error:"));

  /** Every input × {FIFO, endless device, directory, over its limit}. */
  static Stream<HostileCase> unreadable() {
    List<HostileCase> cases = new ArrayList<>();
    for (Input in : INPUTS) {
      Path[] file = new Path[1];
      cases.add(in.refused("a FIFO", w -> Damage.mkfifo(w.dir.resolve(in.path())),
          "is a FIFO (named pipe), not a regular file"));
      cases.add(in.refused("a link to /dev/zero", w -> Files.createSymbolicLink(w.dir.resolve(in.path()), Path.of("/dev/zero")),
          "is a character device, not a regular file"));
      cases.add(in.refused("a directory", w -> Files.createDirectories(w.dir.resolve(in.path())),
          "is a directory, not a"));
      long over = in.kind().limit() + 1;
      cases.add(in.refused("over its limit", w -> Damage.sparse(w.dir.resolve(in.path()), over),
          "is " + over + " bytes, over the " + in.kind().limitWords() + " limit for " + in.kind().words()));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadable")
  void testUnreadableInput_isRefusedAtOnceNamingWhatItIs(HostileCase hostile) {
    assertTimeoutPreemptively(BLOCKED, () -> hostile.check(workspace()));
  }

  /** Read as though the byte order mark were not there: nothing changes, the run succeeds. */
  static Stream<HostileCase> byteOrderMarks() {
    return Stream.of(
        accepted("a trusted certificate file with a byte order mark", w -> Damage.prependBom(w.dir.resolve("trusted/ldap.pem"))),
        accepted("a trust directory's file with a byte order mark", w -> Damage.prependBom(w.dir.resolve("trusted.d/web.pem"))),
        accepted("an inline PEM with a byte order mark", w -> w.editYaml("pem: \"-----BEGIN", "pem: \"\\uFEFF-----BEGIN")),
        accepted("the desired state with a byte order mark", w -> Damage.prependBom(w.yaml)),
        accepted("a password file with a byte order mark", w -> {
              passwordFile(w);
              Damage.prependBom(w.dir.resolve("p12.pass"));
            })
            .withEnvironment(Map.of()),
        accepted("a saved plan with a byte order mark", w -> {
              savedPlan(w);
              Damage.prependBom(w.dir.resolve("saved.json"));
            })
            .withArgs("apply", "-f", "host.yaml", "--plan", "saved.json"),
        accepted("a certificate request with a byte order mark", w -> {
              request(w);
              Damage.prependBom(w.dir.resolve("m1.csr"));
            }, "would sign")
            .withArgs("sign", "-f", "host.yaml", "--csr", "m1.csr", "--check")
            .withExitCode(2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("byteOrderMarks")
  void testInputWithAByteOrderMark_isRead(HostileCase hostile) throws Exception {
    hostile.check(workspace());
  }

  /**
   * Ownership matters for secrets (another user could choose the password) — and for what runs
   * programs, which the desired state's own checks cover — not for public inputs: a chain or a
   * certificate delivered by another account is read like any other.
   */
  static Stream<HostileCase> foreignOwners() {
    return Stream.of(
        HostileCase.apply("the password file owned by another user", w -> {
              passwordFile(w);
              Damage.chown(w.dir.resolve("p12.pass"), FOREIGN_UID);
            },
            "store.password.file {dir}/p12.pass is owned by " + FOREIGN_UID + ", not by the user running"
                + " hostpki (root); its owner could change the password hostpki uses. Run: chown root {dir}/p12.pass")
            .withEnvironment(Map.of()),
        HostileCase.apply("the password file behind a link owned by another user", w -> {
              passwordFile(w);
              Files.move(w.dir.resolve("p12.pass"), w.dir.resolve("p12.real"));
              Files.createSymbolicLink(w.dir.resolve("p12.pass"), Path.of("p12.real"));
              Damage.chown(w.dir.resolve("p12.real"), FOREIGN_UID);
            },
            "store.password.file {dir}/p12.pass is owned by " + FOREIGN_UID)
            .withEnvironment(Map.of()),
        // Whoever may change a trust input could have hostpki trust their CA (a local-attacker trial).
        HostileCase.apply("a trusted certificate file owned by another user",
            w -> Damage.chown(w.dir.resolve("trusted/ldap.pem"), FOREIGN_UID),
            "trusted certificate file {dir}/trusted/ldap.pem decides what is trusted, but it is owned by "
                + FOREIGN_UID + ", not by root", "chown root {dir}/trusted/ldap.pem"),
        HostileCase.apply("a trust directory's file owned by another user",
            w -> Damage.chown(w.dir.resolve("trusted.d/web.pem"), FOREIGN_UID),
            "trust directory {dir}/trusted.d decides what is trusted, but its file {dir}/trusted.d/web.pem is"
                + " owned by " + FOREIGN_UID + ", not by root"),
        accepted("a saved plan owned by another user", w -> {
              savedPlan(w);
              Damage.chown(w.dir.resolve("saved.json"), FOREIGN_UID);
            })
            .withArgs("apply", "-f", "host.yaml", "--plan", "saved.json"),
        accepted("a certificate request owned by another user", w -> {
              request(w);
              Damage.chown(w.dir.resolve("m1.csr"), FOREIGN_UID);
            }, "would sign")
            .withArgs("sign", "-f", "host.yaml", "--csr", "m1.csr", "--check")
            .withExitCode(2),
        HostileCase.apply("an external chain owned by another user is read (and this one refused for what it holds)", w -> {
              externalIssuer(w);
              Files.writeString(w.dir.resolve("incoming/chain.pem"), "not a chain\n");
              Damage.chown(w.dir.resolve("incoming/chain.pem"), FOREIGN_UID);
            },
            "{dir}/incoming/chain.pem", "it is not a certificate chain"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("foreignOwners")
  void testForeignOwner_refusedOnlyForSecretsAndTrustInputs(HostileCase hostile) throws Exception {
    hostile.check(workspace());
  }

  /** Found: with {@code password: {file: /dev/stdin}} the fix offered was "chmod o-rwx /dev/stdin". */
  @Test
  void testPasswordFileDevStdin_isRefusedAsNoRegularFileNeverChmodded() throws Exception {
    Path stdin = Path.of("/dev/stdin");
    assumeFalse(Files.isRegularFile(stdin), "this JVM's standard input is a regular file");
    Workspace w = workspace();
    w.editYaml("password: {env: HOSTPKI_PASSWORD}", "password: {file: /dev/stdin}");

    CliResult result =
        assertTimeoutPreemptively(BLOCKED, () -> w.hostpki(Map.of(), List.of("apply", "-f", "host.yaml")));

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(result.err())
        .contains("store.password.file /dev/stdin is a ", ", not a regular file; it must be a regular file that holds the password")
        .doesNotContain("chmod");
  }

  /** Found: a FIFO as server.external.chain hung plan and apply with the store lock held. */
  @Test
  void testFifoAsTheExternalChain_neitherHangsNorKeepsTheLock() throws Exception {
    Workspace w = workspace();
    externalIssuer(w);
    Path chain = w.dir.resolve("incoming/chain.pem");
    Damage.mkfifo(chain);

    CliResult first = assertTimeoutPreemptively(BLOCKED, () -> w.hostpki("apply", "-f", "host.yaml"));
    Files.delete(chain);
    CliResult next = w.hostpki("apply", "-f", "host.yaml");

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(1);
    assertThat(first.err()).contains("is a FIFO (named pipe), not a regular file");
    assertThat(next.exitCode()).as(next.toString()).isZero();
  }

  /** Found: apply --plan /dev/zero and sign --csr /dev/zero ended in OutOfMemoryError. */
  @Test
  void testDevZeroGivenDirectly_isRefusedWithoutATrace() {
    Workspace w = workspace();
    for (List<String> args :
        List.of(
            List.of("apply", "-f", "host.yaml", "--plan", "/dev/zero"),
            List.of("sign", "-f", "host.yaml", "--csr", "/dev/zero"),
            List.of("validate", "/dev/zero"))) {
      CliResult result = assertTimeoutPreemptively(BLOCKED, () -> w.hostpki(GoodStore.ENVIRONMENT, args));

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
      assertThat(result.out() + result.err()) // validate lists problems on standard output
          .as(args.toString())
          .contains("/dev/zero", "is a character device, not a regular file");
      result.assertNoStackTrace();
    }
  }

  private Workspace workspace() {
    return Workspace.copyOf(templateDir, dir, GoodStore.CLOCK, GoodStore.PROBE);
  }

  /** apply (which changes nothing: the file says what it said before) exits 0. */
  private static HostileCase accepted(String name, HostileCase.Setup setup, String... messages) {
    return HostileCase.apply(name, setup, messages).withExitCode(0);
  }

  private static void externalIssuer(Workspace w) throws IOException {
    Files.createDirectories(w.dir.resolve("incoming"));
    Files.writeString(
        w.yaml,
        Files.readString(w.yaml) + "server:\n  issuer: external\n  external: {chain: incoming/chain.pem}\n");
  }

  private static void passwordFile(Workspace w) throws IOException {
    Path file = w.dir.resolve("p12.pass");
    Files.writeString(file, GoodStore.PASSWORD + "\n");
    Damage.chmod(file, "rw-------");
    w.editYaml("password: {env: HOSTPKI_PASSWORD}", "password: {file: p12.pass}");
  }

  private static void savedPlan(Workspace w) {
    CliResult saved = w.hostpki("plan", "-f", "host.yaml", "--out", "saved.json");
    assertThat(saved.exitCode()).as(saved.toString()).isZero();
  }

  /** A request for m1.example.com, and a policy under which the CA would sign it. */
  private static void request(Workspace w) throws IOException {
    w.editYaml("ca:\n", "ca:\n" + POLICY);
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
    Files.write(
        w.dir.resolve("m1.csr"),
        CertificationRequest.create(
            Subject.empty(), List.of("m1.example.com"), List.of(InetAddress.getByName("192.0.2.11")),
            false, key, new SecureRandom()));
  }
}
