package org.hostpki.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.ProcessResult;

/**
 * The release tarball made by {@code mvn package}, unpacked elsewhere and run from there; what it
 * may hold (an allow-list: tracked files, jars, generated manual and completion), its checksum,
 * and the start-up archive an installation trains on first run.
 */
class DistributionIT {
  @TempDir static Path unpacked;
  private static Path top;
  private static String version;
  private static Map<String, String> env;

  @BeforeAll
  static void unpack() throws Exception {
    Path tarball;
    try (Stream<Path> files = Files.list(Cli.projectDir().resolve("target"))) {
      tarball =
          files.filter(p -> p.getFileName().toString().matches("hostpki-.*\\.tar\\.gz"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no target/hostpki-*.tar.gz: run after 'mvn package'"));
    }
    String name = tarball.getFileName().toString();
    version = name.substring("hostpki-".length(), name.length() - ".tar.gz".length());
    ProcessResult tar = Command.of("tar", "xzf", tarball.toString()).in(unpacked).timeout(Command.LONG_GUARD).run();
    assertThat(tar.exitCode()).as(tar.toString()).isZero();
    top = unpacked.resolve("hostpki-" + version);
    // The Java 17 running the tests; no Maven or checkout is needed.
    env = Map.of("JAVA_HOME", System.getProperty("java.home"));
  }

  private static ProcessResult hostpki(Path workingDirectory, String... args) throws Exception {
    return Command.of(Stream.concat(Stream.of(top.resolve("bin/hostpki").toString()), Stream.of(args)).toList()).in(workingDirectory).env(env).timeout(Command.LONG_GUARD).run();
  }

  @Test
  void testTarball_holdsLauncherJarsSchemasExamplesAndLicense() throws IOException {
    assertThat(top.resolve("bin/hostpki")).isExecutable();
    assertThat(top.resolve("lib/hostpki-" + version + ".jar")).isRegularFile();
    assertThat(top.resolve("lib").toFile().list()).anyMatch(n -> n.startsWith("bcprov-")).anyMatch(n -> n.startsWith("picocli-"));
    for (String file :
        List.of("schema/hostpki-v1.schema.json", "schema/plan.schema.json", "examples/quickstart.yaml",
            "examples/systemd/hostpki.service", "docs/guide.md", "README.md", "LICENSE",
            "ansible/ansible_collections/hostpki/pki/plugins/modules/store.py")) {
      assertThat(top.resolve(file)).as(file).isRegularFile();
    }
    assertThat(top.resolve("examples/pki")).doesNotExist();
    assertThat(top.resolve("pom.xml")).doesNotExist();
    for (String file :
        List.of("man/man1/hostpki.1.gz", "man/man5/hostpki.yaml.5.gz", "completion/hostpki.bash", "completion/_hostpki",
            "completion/hostpki.fish", "lib/cds/host.yaml", "schema/version.schema.json")) {
      assertThat(top.resolve(file)).as(file).isRegularFile();
    }
  }

  /** Keys, stores and whatever else a walkthrough leaves in a checkout: never in a release. */
  static void assertNothingPrivateOrGenerated(Path tree) throws IOException {
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path file : files.toList()) {
        String name = tree.relativize(file).toString();
        assertThat(name)
            .as("in %s", tree)
            .doesNotEndWith(".key")
            .doesNotEndWith(".p12")
            .doesNotEndWith(".csr")
            .doesNotContain("..data")
            .doesNotContain(".lock")
            .doesNotContain(".pkcs12-facts")
            .doesNotContain("pki-external")
            .doesNotContain("pki-trust")
            .doesNotContain("incoming")
            .doesNotContain("planted");
        assertThat(file).as(name).satisfiesAnyOf(f -> assertThat(f).isDirectory(), f -> assertThat(f).isRegularFile());
      }
    }
  }

  @Test
  void testTarball_holdsOnlyTrackedFilesJarsAndGeneratedFiles() throws Exception {
    assertNothingPrivateOrGenerated(top);
    ProcessResult git = Command.of("git", "-c", "core.quotePath=false", "ls-files").in(Cli.projectDir()).timeout(Command.LONG_GUARD).run();
    Assumptions.assumeTrue(git.exitCode() == 0, "not a git checkout: " + git);
    Set<String> tracked = Set.copyOf(git.stdout().lines().toList());
    try (Stream<Path> files = Files.walk(top)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String name = top.relativize(file).toString();
        boolean made = name.matches("lib/[^/]+\\.jar|man/.*|completion/.*|lib/hostpki\\.jsa");
        boolean fromSource = tracked.contains(name) || (name.startsWith("lib/cds/") && tracked.contains("src/cds/" + name.substring(8)));
        assertThat(made || fromSource).as("%s is neither tracked nor made by the build", name).isTrue();
      }
    }
  }

  @Test
  void testChecksums_verifyWithSha256sum() throws Exception {
    Path target = Cli.projectDir().resolve("target");
    for (String archive : List.of("hostpki-" + version + ".tar.gz", "hostpki_" + version + "_all.deb")) {
      assertThat(Files.readString(target.resolve(archive + ".sha256"))).matches("[0-9a-f]{64}  " + java.util.regex.Pattern.quote(archive) + "\n");
      ProcessResult check = Command.of("sha256sum", "-c", archive + ".sha256").in(target).timeout(Command.LONG_GUARD).run();
      assertThat(check.exitCode()).as(check.toString()).isZero();
      assertThat(check.stdout()).isEqualTo(archive + ": OK\n");
    }
  }

  @Test
  void testVersion_isTheReleaseVersion() throws Exception {
    ProcessResult run = hostpki(top, "--version");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).startsWith("hostpki " + version + "\n").contains("  bouncycastle  1.");
  }

  /**
   * The first run makes the start-up archive from a real plan over a scratch store, whatever the
   * command: a later plan then finds hostpki's planning and store classes in it.
   */
  @Test
  void testStartupArchive_isTrainedOnAPlanWhateverTheFirstCommand(@TempDir Path work) throws Exception {
    Path jsa = top.resolve("lib/hostpki.jsa");
    Files.deleteIfExists(jsa);
    ProcessResult first = hostpki(top, "--version");
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(jsa).isRegularFile();
    assertThat(first.stderr()).isEmpty();

    Files.writeString(
        work.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\nhost: {detect: false, hostname: portal, domain: example.test, addresses: [192.0.2.10]}\n");
    assertThat(hostpki(work, "apply", "-f", "host.yaml").exitCode()).isZero();
    Path log = work.resolve("classes.log");
    ProcessResult plan =
        Command.of(top.resolve("bin/hostpki").toString(), "plan", "-f", "host.yaml").in(work).env(Map.of("JAVA_HOME", System.getProperty("java.home"), "HOSTPKI_JAVA_OPTS", "-Xlog:class+load=info:file=" + log)).timeout(Command.LONG_GUARD).run();
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    List<String> hostpkiClasses = Files.readAllLines(log).stream().filter(l -> l.contains(" org.hostpki.")).toList();
    assertThat(hostpkiClasses).anyMatch(l -> l.contains("org.hostpki.plan.Planner "));
    long shared = hostpkiClasses.stream().filter(l -> l.contains("shared objects file")).count();
    assertThat(shared).as(String.join("\n", hostpkiClasses)).isGreaterThan(hostpkiClasses.size() * 9L / 10);
  }

  @Test
  void testValidate_quickstartIsValid() throws Exception {
    ProcessResult run = hostpki(top, "validate", "examples/quickstart.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stderr()).isEqualTo("1 file checked: valid, 0 warnings\n");
  }

  /** BouncyCastle's signed jars, PKCS#12 and the schema all load from lib/. */
  @Test
  void testApply_makesAStoreWithPkcs12Files(@TempDir Path work) throws Exception {
    Files.writeString(
        work.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki, password: {file: p12.pass}}\n"
            + "host: {detect: false, hostname: portal, domain: example.test, addresses: [192.0.2.10]}\n");
    Files.writeString(work.resolve("p12.pass"), "s3cret\n");
    Files.setPosixFilePermissions(work.resolve("p12.pass"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

    ProcessResult run = hostpki(work, "apply", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(work.resolve("pki/server.p12")).isRegularFile();
    assertThat(work.resolve("pki/truststore.p12")).isRegularFile();
  }

  /**
   * Under a low {@code ulimit -n}, whatever fails says which limit, never "internal error"
   * (rvcore15: at 27 a trust.install java target's first PKCS#12 load failed in
   * javax.crypto.JceSecurity's initialiser, which keeps no IOException among its causes). The
   * limits span where the run stops in the JVM's, hostpki's and the JDK's own opens.
   */
  @Test
  void testLowDescriptorLimit_isNeverAnInternalError(@TempDir Path work) throws Exception {
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    try (var out = Files.newOutputStream(work.resolve("cacerts"))) {
      empty.store(out, "changeit".toCharArray());
    }
    Files.writeString(work.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\n"
            + "host: {detect: false, hostname: portal, domain: example.test, addresses: [192.0.2.10]}\n"
            + "trust:\n  install:\n    certificates: [ca]\n    java: [" + work.resolve("cacerts") + "]\n");
    ProcessResult apply = hostpki(work, "apply", "-f", "host.yaml");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();

    for (String command : List.of("plan", "status", "check")) {
      for (int limit = 24; limit <= 30; limit += command.equals("plan") ? 1 : 3) {
        ProcessResult run = Command.of("/bin/sh", "-c", "ulimit -n " + limit + " && exec \"$0\" " + command
                + " -f host.yaml", top.resolve("bin/hostpki").toString())
            .in(work).env(env).timeout(Command.LONG_GUARD).run();
        assertThat(run.stdout() + run.stderr()).as("ulimit -n %d, %s: %s", limit, command, run)
            .doesNotContain("internal error", "\tat ", "Exception in thread");
      }
    }
  }

  @Test
  void testLauncher_worksThroughASymlink(@TempDir Path elsewhere) throws Exception {
    Path link = elsewhere.resolve("hostpki");
    Files.createSymbolicLink(link, top.resolve("bin/hostpki"));

    ProcessResult run;
    try {
      run = Command.of(link.toString(), "--version").in(elsewhere).env(env).timeout(Command.LONG_GUARD).run();
    } finally {
      Files.delete(link);
    }

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).startsWith("hostpki " + version + "\n");
  }

  /**
   * What the README's walkthroughs leave in a checkout (stores with keys, generations, locks and
   * PKCS#12 records; a received chain; a fetched certificate; a CA key in the top folder) stays
   * out of the release trees: with git (tracked files only) and without (a source tarball: the
   * kinds of file the project keeps). The walkthroughs run for real in a copy of the tracked tree.
   */
  @Test
  void testStaging_leavesOutWhatTheWalkthroughsLeaveInTheCheckout(@TempDir Path copy) throws Exception {
    Path project = Cli.projectDir();
    // the build file and what it may ship: staging needs no sources
    ProcessResult git =
        Command.of("git", "-c", "core.quotePath=false", "ls-files", "--", "pom.xml", "README.md", "LICENSE", "bin", "schema", "docs", "examples", "ansible", "src/cds").in(project).timeout(Command.LONG_GUARD).run();
    Assumptions.assumeTrue(git.exitCode() == 0, "not a git checkout: " + git);
    for (String name : git.stdout().lines().toList()) {
      Path source = project.resolve(name);
      if (Files.isRegularFile(source)) {
        Files.createDirectories(copy.resolve(name).getParent());
        Files.copy(source, copy.resolve(name), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    Map<String, String> gitUser = Map.of("GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@example.test",
        "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.test");
    for (List<String> step : List.of(List.of("git", "init", "-q"), List.of("git", "add", "-A"), List.of("git", "commit", "-q", "-m", "tree"))) {
      ProcessResult r = Command.of(step).in(copy).env(gitUser).timeout(Command.LONG_GUARD).run();
      assertThat(r.exitCode()).as(r.toString()).isZero();
    }
    // what staging reads from the build, and the jars the walkthroughs run with
    Path target = Files.createDirectories(copy.resolve("target"));
    copyTree(project.resolve("target/generated-dist"), target.resolve("generated-dist"));
    copyTree(project.resolve("target/lib"), target.resolve("lib"));
    Files.copy(project.resolve("target/hostpki-" + version + ".jar"), target.resolve("hostpki-" + version + ".jar"));

    Map<String, String> walk = Map.of("JAVA_HOME", System.getProperty("java.home"), "HOSTPKI_CDS", "off", "HOSTPKI_PASSWORD", "choose-one");
    // the external-CA walkthrough as examples/external-ca.yaml does it, with an EC key (RSA 3072 is slow)
    Files.writeString(
        copy.resolve("external.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: examples/pki-external, password: {env: HOSTPKI_PASSWORD}}\n"
            + "server: {issuer: external, external: {chain: examples/incoming/portal-chain.pem}}\n");
    for (String file : List.of("examples/quickstart.yaml", "examples/trust-store.yaml", "external.yaml")) {
      ProcessResult apply = Command.of("bin/hostpki", "apply", "-f", file).in(copy).env(walk).timeout(Command.LONG_GUARD).run();
      assertThat(apply.exitCode()).as(apply.toString()).isZero();
    }
    assertThat(copy.resolve("examples/pki-external/server.key")).exists();
    Files.createDirectories(copy.resolve("examples/incoming"));
    Files.copy(copy.resolve("examples/pki/ca.crt"), copy.resolve("examples/incoming/portal-chain.pem"));
    Files.copy(copy.resolve("examples/pki/ca.crt"), copy.resolve("examples/trusted.d/bmc-17.pem"));
    Files.copy(copy.resolve("examples/pki/ca.key"), copy.resolve("root.key"));
    Files.copy(copy.resolve("examples/pki/ca.key"), copy.resolve("examples/planted.key"));

    stage(copy);
    assertNothingPrivateOrGenerated(copy.resolve("target/dist-tree"));
    assertNothingPrivateOrGenerated(copy.resolve("target/deb-root"));
    assertThat(copy.resolve("target/dist-tree/examples/trusted.d/bmc-17.pem")).doesNotExist();
    assertThat(copy.resolve("target/dist-tree/examples/quickstart.yaml")).isRegularFile();
    assertThat(copy.resolve("target/dist-tree/lib/cds/host.yaml")).isRegularFile();

    deleteTree(copy.resolve(".git"));
    stage(copy);
    assertNothingPrivateOrGenerated(copy.resolve("target/dist-tree"));
    assertThat(copy.resolve("target/dist-tree/examples/quickstart.yaml")).isRegularFile();
    assertThat(copy.resolve("target/dist-tree/examples/systemd/hostpki.service")).isRegularFile();
    assertThat(copy.resolve("target/dist-tree/lib/cds/trusted.d/legacy-bmc.cer")).isRegularFile();
  }

  /** Just the build's staging step (pom.xml, staged-trees), offline. */
  private static void stage(Path project) throws Exception {
    ProcessResult mvn = Command.of("mvn", "-o", "-q", "-B", "antrun:run@staged-trees").in(project).timeout(Command.LONG_GUARD).run();
    assertThat(mvn.exitCode()).as(mvn.toString()).isZero();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void deleteTree(Path tree) throws IOException {
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
