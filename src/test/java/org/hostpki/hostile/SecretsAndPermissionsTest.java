package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.hostile.HostileCase.apply;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Private keys stay private: their modes, the store's ownership and modes, links planted where
 * the next write goes, where the password may come from, and that no command ever prints a key
 * or the password.
 *
 * <p>The tests run as root, for whom {@code chmod 000} does not stop a read: an unreadable store
 * or password file cannot be tested here, only files that others could read.
 */
@Tag(Tags.SLOW)
class SecretsAndPermissionsTest {
  @TempDir static Path templateDir;
  @TempDir Path dir;

  /** A folder outside the workspace (a victim of a link), removed after each test. */
  @TempDir Path outside;
  private Workspace workspace;

  @BeforeAll
  static void makeGoodStore() throws IOException {
    GoodStore.build(templateDir);
  }

  @BeforeEach
  void copy() {
    workspace = Workspace.copyOf(templateDir, dir, GoodStore.CLOCK, GoodStore.PROBE);
  }

  @Test
  void testStoreFiles_privateKeysAreForTheOwnerAloneOthersReadable() throws IOException {
    List<String> seen = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(workspace.generation())) {
      for (Path p : walk.toList()) {
        String name = workspace.generation().relativize(p).toString();
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          assertThat(mode).as(name).isEqualTo("rwxr-xr-x");
        } else if (name.endsWith(".key") || name.equals("server.p12") || name.equals(".pkcs12-facts")) {
          // .pkcs12-facts says what the PKCS#12 files hold: for their owner alone, like them.
          assertThat(mode).as(name).isEqualTo("rw-------");
          seen.add(name);
        } else {
          assertThat(mode).as(name).isEqualTo("rw-r--r--");
        }
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(
        "ca.key", "server.key", "server.p12", ".pkcs12-facts");
  }

  @Test
  void testLinkPlantedAtTheNextGenerationName_isNeverWrittenThrough() throws Exception {
    Path victim = victimDirectory();
    Clock later = Clock.offset(GoodStore.CLOCK, Duration.ofMinutes(1));
    String next = DateTimeFormatter.ofPattern("'..'uuuu_MM_dd_HH_mm_ss.SSSSSSSSS")
        .format(ZonedDateTime.ofInstant(later.instant(), ZoneOffset.UTC));
    Files.createSymbolicLink(workspace.store.resolve(next), victim);
    Workspace w = new Workspace(dir, later, GoodStore.PROBE);
    SortedMap<String, String> before = w.snapshot();

    CliResult result = w.hostpki("apply", "-f", "host.yaml", "--replace", "server");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(result.err()).contains("cannot write store " + w.store, "The store is unchanged");
    result.assertNoStackTrace();
    assertThat(w.snapshot()).isEqualTo(before);
    assertThat(victim).isEmptyDirectory();
  }

  @Test
  void testLinkPlantedAsAPartialGeneration_isRemovedNotFollowed() throws Exception {
    Path victim = victimDirectory();
    Files.writeString(victim.resolve("keep"), "keep");
    Files.createSymbolicLink(workspace.store.resolve("..2026_11_27_09_00_00.000000000.partial"), victim);
    Files.createSymbolicLink(workspace.store.resolve("..data_tmp"), victim);

    CliResult result = workspace.hostpki("apply", "-f", "host.yaml", "--replace", "server");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(workspace.store.resolve("..2026_11_27_09_00_00.000000000.partial")).doesNotExist();
    assertThat(Files.exists(workspace.store.resolve("..data_tmp"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.readString(victim.resolve("keep"))).isEqualTo("keep");
    try (Stream<Path> list = Files.list(victim)) {
      assertThat(list.count()).isEqualTo(1);
    }
  }

  @Test
  void testLinkPlantedWhereANewVisibleNameGoes_isRefused() throws Exception {
    Path victim = victimDirectory();
    workspace.editYaml("trust:\n", "trust:\n  hashedDirectory: true\n");
    Files.createSymbolicLink(workspace.store.resolve("trust-hashed"), victim);

    apply("trust-hashed planted", w -> {}, "{store}/trust-hashed").check(workspace);

    assertThat(victim).isEmptyDirectory();
  }

  @Test
  void testPasswordFileReadableByOthers_isRefusedWithTheFix() throws Exception {
    apply("password file readable by others", w -> passwordFile(w, "rw-r--r--"),
            "store.password.file {dir}/p12.pass is readable or writable by other users;"
                + " run: chmod o-rwx {dir}/p12.pass")
        .withEnvironment(Map.of())
        .check(workspace);
  }

  @Test
  void testPasswordFileWritableByOthers_isRefused() throws Exception {
    apply("password file writable by others", w -> passwordFile(w, "rw-----w-"),
            "store.password.file {dir}/p12.pass is readable or writable by other users")
        .withEnvironment(Map.of())
        .check(workspace);
  }

  @Test
  void testPasswordFileWritableByItsGroup_isRefused() throws Exception {
    apply("password file writable by its group", w -> {
              passwordFile(w, "rw-rw----");
              // not root's own group (root:root 0660 is: GroupMembersTest)
              Files.setAttribute(w.dir.resolve("p12.pass"), "unix:gid", 1234);
            },
            "store.password.file {dir}/p12.pass is writable by its group ",
            "), whose members could change the password hostpki uses; run: chmod g-w {dir}/p12.pass")
        .withEnvironment(Map.of())
        .check(workspace);
  }

  @Test
  void testPasswordFileForTheOwner_opensTheStore() throws Exception {
    passwordFile(workspace, "rw-------");

    CliResult result = workspace.hostpki(Map.of(), List.of("apply", "-f", "host.yaml"));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("No changes");
  }

  @Test
  void testPasswordFileMissing_isAnErrorNamingIt() throws Exception {
    apply("password file missing", w -> {
              passwordFile(w, "rw-------");
              Files.delete(w.dir.resolve("p12.pass"));
            },
            "store.password.file {dir}/p12.pass does not exist")
        .withEnvironment(Map.of())
        .check(workspace);
  }

  @Test
  void testPasswordFileEmpty_isAnErrorNamingIt() throws Exception {
    apply("password file empty", w -> {
              passwordFile(w, "rw-------");
              Files.writeString(w.dir.resolve("p12.pass"), "\n");
            },
            "store.password.file {dir}/p12.pass is empty")
        .withEnvironment(Map.of())
        .check(workspace);
  }

  @Test
  void testPasswordFileThatIsALinkToAPrivateFile_opensTheStore() throws Exception {
    passwordFile(workspace, "rw-------");
    Files.move(workspace.dir.resolve("p12.pass"), workspace.dir.resolve("p12.pass.real"));
    Files.createSymbolicLink(workspace.dir.resolve("p12.pass"), Path.of("p12.pass.real"));

    CliResult result = workspace.hostpki(Map.of(), List.of("apply", "-f", "host.yaml"));

    assertThat(result.exitCode()).as(result.toString()).isZero();
  }

  @Test
  void testPasswordFileThatIsAFifo_isRefused() throws Exception {
    apply("password file is a FIFO", w -> {
              passwordFile(w, "rw-------");
              Files.delete(w.dir.resolve("p12.pass"));
              Damage.mkfifo(w.dir.resolve("p12.pass"));
              Damage.chmod(w.dir.resolve("p12.pass"), "rw-------");
            },
            "{dir}/p12.pass", "not a regular file")
        .withEnvironment(Map.of())
        .check(workspace);
  }

  /** Every command, text and JSON, on a full store: no private key, no password in what it says. */
  @Test
  void testEveryCommand_neverPrintsAPrivateKeyOrThePassword() throws Exception {
    List<List<String>> commands = new ArrayList<>();
    for (String output : List.of("text", "json")) {
      commands.add(List.of("validate", "host.yaml", "--output", output));
      commands.add(List.of("plan", "-f", "host.yaml", "--output", output));
      commands.add(List.of("plan", "-f", "host.yaml", "--output", output, "--out", "plan-" + output + ".json"));
      commands.add(List.of("apply", "-f", "host.yaml", "--output", output));
      commands.add(List.of("apply", "-f", "host.yaml", "--check", "--output", output));
      commands.add(List.of("apply", "-f", "host.yaml", "--plan", "plan-" + output + ".json", "--output", output));
      commands.add(List.of("status", "-f", "host.yaml", "--output", output));
      for (String what : List.of("ca-cert", "server-cert", "server-chain", "csr", "trust-bundle")) {
        commands.add(List.of("export", "-f", "host.yaml", what, "--output", output));
        commands.add(List.of("export", "-f", "host.yaml", what, "--output", output, "-o", what + ".out"));
      }
      commands.add(List.of("export", "-f", "host.yaml", "server-cert", "--der", "-o", "server.der"));
      commands.add(List.of("apply", "-f", "host.yaml", "--replace", "server", "--output", output));
      commands.add(List.of("--debug", "apply", "-f", "host.yaml", "--replace", "ca", "--output", output));
    }
    for (List<String> args : commands) {
      CliResult result = workspace.hostpki(GoodStore.ENVIRONMENT, args);
      assertThat(result.exitCode()).as(args + "\n" + result).isIn(0, 1);
      assertNoSecret(args + "", result.out() + result.err());
    }
    try (Stream<Path> written = Files.list(workspace.dir)) {
      for (Path p : written.filter(p -> p.getFileName().toString().endsWith(".out") || p.getFileName().toString().endsWith(".json")).toList()) {
        assertNoSecret(p.toString(), Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
  }

  @Test
  void testErrors_neverPrintThePasswordEvenWithDebug() throws Exception {
    String wrong = "wrong-pw-4417";
    for (List<String> args :
        List.of(
            List.of("apply", "-f", "host.yaml"),
            List.of("--debug", "apply", "-f", "host.yaml"),
            List.of("status", "-f", "host.yaml", "--output", "json"),
            List.of("plan", "--debug", "-f", "host.yaml"))) {
      CliResult result = workspace.hostpki(Map.of("HOSTPKI_PASSWORD", wrong), args);

      assertThat(result.exitCode()).as(args + "\n" + result).isEqualTo(1);
      assertThat(result.err()).contains("cannot be opened with the store password");
      assertThat(result.out() + result.err()).as(args.toString()).doesNotContain(wrong, GoodStore.PASSWORD, "PRIVATE KEY");
    }
  }

  private static void assertNoSecret(String what, String text) {
    assertThat(text).as(what).doesNotContain("PRIVATE KEY", GoodStore.PASSWORD);
  }

  private Path victimDirectory() throws IOException {
    Path victim = outside.resolve("victim");
    Files.createDirectories(victim);
    return victim;
  }

  private static void passwordFile(Workspace w, String mode) throws IOException {
    Path file = w.dir.resolve("p12.pass");
    Files.writeString(file, GoodStore.PASSWORD + "\n");
    Damage.chmod(file, mode);
    w.editYaml("password: {env: HOSTPKI_PASSWORD}", "password: {file: p12.pass}");
  }
}
