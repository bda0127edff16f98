package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.hostpki.users.ServiceUsers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OwnedFiles} with real users and groups ({@link ServiceUsers}: a private mount namespace
 * over copies of /etc/passwd and /etc/group), in a child JVM that names them: each service user
 * reads exactly the files declared for it, through the store's visible links and {@code ..data},
 * and no other; and the system calls are made in the order that leaves no window.
 */
class OwnedFilesUsersTest {
  @TempDir static Path dir;

  private static ServiceUsers users;

  @BeforeAll
  static void users() throws IOException {
    String reason = ServiceUsers.unavailableReason();
    Assumptions.assumeTrue(reason == null, () -> "OwnedFilesUsersTest skipped: " + reason);
    users =
        ServiceUsers.copyOfThisMachine(dir.resolve("etc"))
            .group("ssl-cert")
            .user("postgres")
            .user("haproxy", "ssl-cert")
            .user("app")
            .user("stranger");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void testCreate_eachServiceReadsExactlyItsFilesThroughTheStoresLinks() throws IOException {
    Path store = Files.createDirectory(dir.resolve("store"));
    Path generation = store.resolve("..2026_01_01");
    List<String> files = List.of("server.key", "pg.key", "haproxy.pem", "app.p12", "server.der");
    createInNamespace(
        "dir", generation.toString(), "0755", "-", "-",
        "file", generation.resolve("server.key").toString(), "0600", "-", "-",
        "file", generation.resolve("pg.key").toString(), "0600", "postgres", "postgres",
        "file", generation.resolve("haproxy.pem").toString(), "0640", "-", "ssl-cert",
        "file", generation.resolve("app.p12").toString(), "0440", "app", "app",
        "file", generation.resolve("server.der").toString(), "0644", "-", "-");
    List<Path> visible = visibleLinks(store, generation, files);

    assertThat(names(users.readableBy("postgres", visible))).containsExactly("pg.key", "server.der");
    assertThat(names(users.readableBy("haproxy", visible))).containsExactly("haproxy.pem", "server.der");
    assertThat(names(users.readableBy("app", visible))).containsExactly("app.p12", "server.der");
    assertThat(names(users.readableBy("stranger", visible))).containsExactly("server.der");
    assertThat(Files.readString(store.resolve("pg.key"))).isEqualTo("content of " + generation.resolve("pg.key") + "\n");
    assertThat(users.run("stat", "-c", "%a %U:%G", generation.resolve("pg.key").toString()).assertSucceeded().output())
        .isEqualTo("600 postgres:postgres\n");
  }

  @Test
  void testCreate_aGenerationOfTheDeclaredGroupIsTraversableByItsMembersOnly() throws IOException {
    Path store = Files.createDirectory(dir.resolve("group-store"));
    Path generation = store.resolve("..2026_01_02");
    createInNamespace(
        "dir", generation.toString(), "0750", "-", "ssl-cert",
        "file", generation.resolve("haproxy.pem").toString(), "0640", "-", "ssl-cert",
        "file", generation.resolve("server.crt").toString(), "0644", "-", "-");
    List<Path> visible = visibleLinks(store, generation, List.of("haproxy.pem", "server.crt"));

    assertThat(names(users.readableBy("haproxy", visible))).containsExactly("haproxy.pem", "server.crt");
    assertThat(names(users.readableBy("postgres", visible))).isEmpty();
    assertThat(users.run("stat", "-c", "%a %U:%G", generation.toString()).assertSucceeded().output())
        .isEqualTo("750 root:ssl-cert\n");
  }

  @Test
  void testCreate_capChownIsTheOnlyCapabilityRootNeeds() throws IOException {
    Path target = Files.createDirectory(dir.resolve("chown-only")).resolve("pg.key");
    List<String> command = new ArrayList<>(List.of("setpriv", "--bounding-set=-all,+chown", "--"));
    command.addAll(childJvm("file", target.toString(), "0400", "postgres", "postgres"));

    ServiceUsers.Result result = users.run(command);

    assertThat(result.output()).isEqualTo("ok\n");
    assertThat(users.run("stat", "-c", "%a %U:%G", target.toString()).assertSucceeded().output())
        .isEqualTo("400 postgres:postgres\n");
    assertThat(names(users.readableBy("postgres", List.of(target)))).containsExactly("pg.key");
  }

  @Test
  void testCreate_withoutCapChownTheRefusalNamesTheFixAndLeavesNoFile() throws IOException {
    Path target = Files.createDirectory(dir.resolve("no-chown")).resolve("pg.key");
    List<String> command = new ArrayList<>(List.of("setpriv", "--bounding-set=-chown", "--inh-caps=-chown", "--"));
    command.addAll(childJvm("file", target.toString(), "0600", "postgres", "postgres"));

    ServiceUsers.Result result = users.run(command);

    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output())
        .contains("error " + target + ": cannot give it to postgres:postgres (Operation not permitted);"
            + " handing files to another user takes root");
    assertThat(target).doesNotExist();
  }

  @Test
  void testCreate_modeThenOwnerAreSetBeforeTheFirstByteIsWritten() throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed (Debian package strace)");
    Path target = Files.createDirectory(dir.resolve("traced")).resolve("haproxy.pem");
    Path log = dir.resolve("strace.log");
    List<String> command =
        new ArrayList<>(List.of("strace", "-f", "-qq", "-o", log.toString(), "-e", "trace=openat,chown,lchown,fchownat,fchown,chmod,fchmod,fchmodat,write"));
    command.addAll(childJvm("file", target.toString(), "0640", "haproxy", "ssl-cert"));

    users.run(command).assertSucceeded();

    List<String> calls = Files.readAllLines(log);
    String path = "\"" + target + "\"";
    int created = index(calls, l -> l.contains("openat(") && l.contains(path) && l.contains("O_CREAT|O_EXCL"));
    int chowned = index(calls, l -> (l.contains("lchown(") || l.contains("fchownat(")) && l.contains(path));
    int chmodded = index(calls, l -> l.contains("fchmod(") && l.contains("0640"));
    int written = index(calls, l -> l.contains("write(") && l.contains("\"content of "));
    String creation = whole(calls, created);
    // strace pads a call resumed after <unfinished ...> with spaces before its "= fd"
    assertThat(creation.replaceAll("\\)\\s+=", ") =")).as("created with the owner's bits only")
        .endsWith(", 0600) = " + fd(creation));
    assertThat(List.of(created, chmodded, chowned, written)).as(String.join("\n", calls)).isSorted().doesNotHaveDuplicates();
    assertThat(calls.get(written)).as("written through the descriptor made at creation")
        .contains(" write(" + fd(creation) + ", ");
  }

  private static void createInNamespace(String... entries) {
    ServiceUsers.Result result = users.run(childJvm(entries));
    assertThat(result.output()).isEqualTo("ok\n");
  }

  private static List<String> childJvm(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path")));
    command.add(OwnedFilesMain.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  /** {@code ..data -> GENERATION} and {@code NAME -> ..data/NAME}, as the store makes them. */
  private static List<Path> visibleLinks(Path store, Path generation, List<String> names) throws IOException {
    Files.createSymbolicLink(store.resolve(DataLink.NAME), generation.getFileName());
    List<Path> visible = new ArrayList<>();
    for (String name : names) {
      visible.add(Files.createSymbolicLink(store.resolve(name), store.getFileSystem().getPath(DataLink.NAME, name)));
    }
    return visible;
  }

  private static List<String> names(List<Path> paths) {
    return paths.stream().map(p -> p.getFileName().toString()).toList();
  }

  private static int index(List<String> lines, java.util.function.Predicate<String> match) {
    for (int i = 0; i < lines.size(); i++) {
      if (match.test(lines.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no such system call in:\n" + String.join("\n", lines));
  }

  /** The descriptor a call returned: {@code ... = 7}. */
  /**
   * A call as one line: strace -f splits one another thread interrupts into "... <unfinished ...>"
   * and a later "PID <... openat resumed>) = 9" (ci2, a loaded JVM's other threads).
   */
  private static String whole(List<String> calls, int i) {
    String line = calls.get(i);
    String unfinished = "<unfinished ...>";
    if (!line.endsWith(unfinished)) {
      return line;
    }
    String pid = line.substring(0, line.indexOf(' ') + 1);
    for (String next : calls.subList(i + 1, calls.size())) {
      int resumed = next.indexOf("resumed>");
      if (next.startsWith(pid) && resumed >= 0) {
        return line.substring(0, line.length() - unfinished.length()).stripTrailing()
            + next.substring(resumed + "resumed>".length());
      }
    }
    return line;
  }

  private static String fd(String call) {
    return call.substring(call.lastIndexOf("= ") + 2).strip();
  }
}
