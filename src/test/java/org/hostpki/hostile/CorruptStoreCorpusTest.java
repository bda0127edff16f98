package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.hostile.HostileCase.apply;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * A store broken by hand, by a crash or by an attacker: every command that reads it stops with a
 * message naming the file and the way out, exit 1, and changes nothing.
 */
@Tag(Tags.SLOW)
class CorruptStoreCorpusTest {
  @TempDir static Path templateDir;
  @TempDir Path dir;

  @BeforeAll
  static void makeGoodStore() throws IOException {
    GoodStore.build(templateDir);
  }

  private Workspace workspace() {
    return Workspace.copyOf(templateDir, dir, GoodStore.CLOCK, GoodStore.PROBE);
  }

  static Stream<HostileCase> corruptStores() {
    return Stream.of(
        apply("truncated server.key", w -> Damage.truncate(w.inGeneration("server.key"), 100),
            "{store}/server.key: ", "is truncated", "the store is damaged", "hostpki rollback"),
        apply("truncated ca.key", w -> Damage.truncate(w.inGeneration("ca.key"), 60),
            "{store}/ca.key: ", "is truncated"),
        apply("empty server.key", w -> Files.write(w.inGeneration("server.key"), new byte[0]),
            "{store}/server.key: is empty"),
        apply("ca.key holds a certificate", w -> copy(w, "ca.crt", "ca.key"),
            "{store}/ca.key: contains no private key", "(a certificate, not a private key)"),
        apply("server.key is binary", w -> Files.write(w.inGeneration("server.key"), new byte[] {0x30, (byte) 0x82, 0, 1, 2}),
            "{store}/server.key: is not PEM (binary data"),
        apply("garbage ca.crt", w -> Files.writeString(w.inGeneration("ca.crt"), "garbage\n"),
            "{store}/ca.crt: holds no certificate"),
        apply("ca.crt holds a private key", w -> copy(w, "ca.key", "ca.crt"),
            "{store}/ca.crt: contains a PRIVATE KEY, not a certificate"),
        apply("server.crt with bad base64", w -> Damage.replaceByte(w.inGeneration("server.crt"), 40, (byte) '!'),
            "{store}/server.crt: ", "has invalid base64 at line 2: unexpected character '!'"),
        apply("server.crt holds two certificates", w -> copy(w, "server-fullchain.crt", "server.crt"),
            "{store}/server.crt: holds 2 certificates; exactly one is expected"),
        apply("fullchain with binary garbage appended", w -> Damage.append(w.inGeneration("server-fullchain.crt"), new byte[] {0, 1, 2, 3}),
            "{store}/server-fullchain.crt: ", "garbage appended"),
        apply("empty trust bundle", w -> Files.write(w.inGeneration("trust-bundle.crt"), new byte[0]),
            "{store}/trust-bundle.crt: is empty"),
        apply("trusted certificate replaced by a private key", w -> copy(w, "server.key", "trust/ldap.crt"),
            "{store}/trust/ldap.crt: contains a PRIVATE KEY"),
        apply("truncated server.p12", w -> Damage.truncate(w.inGeneration("server.p12"), 200),
            "{store}/server.p12: is not a PKCS#12 file"),
        apply("garbage truststore.p12", w -> Files.writeString(w.inGeneration("truststore.p12"), "not pkcs12"),
            "{store}/truststore.p12: is not a PKCS#12 file"),
        apply("wrong PKCS#12 password", w -> {},
                "{store}/server.p12: cannot be opened with the store password (from environment variable HOSTPKI_PASSWORD)")
            .withEnvironment(Map.of("HOSTPKI_PASSWORD", "not-the-password")),
        apply("password variable not set", w -> {},
                "environment variable HOSTPKI_PASSWORD is not set or empty", "store.password.file")
            .withEnvironment(Map.of()),
        apply("password variable empty", w -> {},
                "environment variable HOSTPKI_PASSWORD is not set or empty")
            .withEnvironment(Map.of("HOSTPKI_PASSWORD", "")),
        apply("..data points to a generation that is gone", w -> relink(w, "..data", "..2026_01_01_00_00_00.000000000"),
            "store {store} is broken: {store}/..data points to ..2026_01_01_00_00_00.000000000, which does not exist"),
        apply("..data dangles", w -> relink(w, "..data", "nowhere"),
            "{store}/..data points to nowhere, not to a generation in the store"),
        apply("..data points outside the store", w -> relink(w, "..data", "/etc"),
            "{store}/..data points to /etc, not to a generation in the store"),
        apply("generation directory deleted by hand", w -> Damage.deleteTree(w.generation()),
            "which does not exist (deleted by hand?)", "No generation is kept to restore"),
        apply("..data is a directory", w -> {
              Files.delete(w.store.resolve("..data"));
              Files.createDirectory(w.store.resolve("..data"));
            },
            "store entry {store}/..data is a directory, not the link to the current generation",
            "cp -rL", "hostpki rollback -f {dir}/host.yaml --to .."),
        apply("server.key replaced by a link to /etc/shadow", w -> relink(w, "server.key", "/etc/shadow"),
            "store entry {store}/server.key is a symbolic link to /etc/shadow", "rm {store}/server.key"),
        apply("ca.crt replaced by a regular file", w -> {
              Files.delete(w.store.resolve("ca.crt"));
              Files.writeString(w.store.resolve("ca.crt"), "a file, not the link\n");
            },
            "{store}/ca.crt"),
        apply("link to /etc/shadow inside the generation", w -> {
              Files.delete(w.inGeneration("server.key"));
              Files.createSymbolicLink(w.inGeneration("server.key"), Path.of("/etc/shadow"));
            },
            "store file {store}/{generation}/server.key is a symbolic link to /etc/shadow",
            "was altered by hand"),
        apply("FIFO inside the generation", w -> Damage.mkfifo(w.inGeneration("trust/pipe.crt")),
            "store file {store}/{generation}/trust/pipe.crt is a FIFO (named pipe), but hostpki writes only regular files there"),
        apply("plan: store path is a regular file", w -> {
              Damage.deleteTree(w.store);
              Files.writeString(w.store, "not a directory\n");
            },
            "store {store} is not a directory; store.path must name a directory")
            .withArgs("plan", "-f", "host.yaml"),
        apply("store directory writable by everyone", w -> Damage.chmod(w.store, "rwxrwxrwx"),
            "store directory {store} has mode 0777", "chmod go-w {store}"),
        apply("store directory writable by its group", w -> Damage.chmod(w.store, "rwxrwxr-x"),
            "store directory {store} has mode 0775", "chmod go-w {store}"),
        apply("generation directory writable by everyone", w -> Damage.chmod(w.generation(), "rwxrwxrwx"),
            "store directory {store}/{generation} has mode 0777"),
        apply("private key readable by others", w -> Damage.chmod(w.inGeneration("server.key"), "rw-r--r--"),
            "private key file {store}/server.key has mode 0644", "chmod 600 {store}/server.key",
            "consider the key exposed"),
        apply("PKCS#12 file readable by its group", w -> Damage.chmod(w.inGeneration("server.p12"), "rw-r-----"),
            "private key file {store}/server.p12 has mode 0640"),
        apply(".lock is a link to a file elsewhere", w -> {
              Files.writeString(w.dir.resolve("victim"), "must stay as it is\n");
              relink(w, ".lock", w.dir.resolve("victim").toString());
            },
            "cannot lock store {store}"),
        apply("..data_tmp is a regular file", w -> Files.writeString(w.store.resolve("..data_tmp"), "x"),
                "store entry {store}/..data_tmp is not a symbolic link")
            .withArgs("apply", "-f", "host.yaml", "--replace", "server"),
        apply("plan on a truncated key", w -> Damage.truncate(w.inGeneration("ca.key"), 60), "{store}/ca.key: ")
            .withArgs("plan", "-f", "host.yaml"),
        apply("status on a dangling ..data", w -> relink(w, "..data", "nowhere"), "{store}/..data points to nowhere")
            .withArgs("status", "-f", "host.yaml"),
        apply("export from a store with a link to /etc/shadow", w -> relink(w, "ca.crt", "/etc/shadow"),
                "{store}/ca.crt is a symbolic link to /etc/shadow")
            .withArgs("export", "-f", "host.yaml", "ca-cert"),
        apply("apply --check on a FIFO in the generation", w -> Damage.mkfifo(w.inGeneration("pipe.crt")),
                "{store}/{generation}/pipe.crt is a FIFO (named pipe)")
            .withArgs("apply", "-f", "host.yaml", "--check"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptStores")
  void testCorruptStore_isRefusedWithAMessageAndChangesNothing(HostileCase hostile) throws Exception {
    hostile.check(workspace());
  }

  @Test
  void testOwnedByAnotherUser_isRefusedNamingTheOwnerAndTheFix() throws Exception {
    Workspace w = workspace();
    UserPrincipal nobody = w.dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    try {
      Files.setOwner(w.store, nobody);
    } catch (FileSystemException e) {
      Assumptions.abort("giving a directory to another user needs root: " + e.getMessage());
    }

    CliResult result =
        apply("store owned by another user", x -> {}, "store {store} is owned by nobody", "chown -R").check(w);

    assertThat(result.err()).contains("hostpki runs as " + System.getProperty("user.name"));
  }

  @Test
  void testSwappedPkcs12Files_areRewrittenFromTheKeysAndCertificates() throws Exception {
    Workspace w = workspace();
    swap(w, "server.p12", "truststore.p12");
    byte[] serverKey = Files.readAllBytes(w.store.resolve("server.key"));

    CliResult applied = w.hostpki("apply", "-f", "host.yaml");

    assertThat(applied.exitCode()).as(applied.toString()).isZero();
    assertThat(applied.out())
        .contains("~ output/server.p12", "has no key entry 'server'", "~ output/truststore.p12")
        .contains("0 to replace");
    assertThat(Files.readAllBytes(w.store.resolve("server.key"))).isEqualTo(serverKey);
    assertThat(w.hostpki("plan", "-f", "host.yaml", "--detailed-exitcode").exitCode()).isZero();
  }

  @Test
  void testApplyOnAStorePathThatIsAFile_saysItIsNotADirectory() throws Exception {
    apply("store path is a regular file", w -> {
          Damage.deleteTree(w.store);
          Files.writeString(w.store, "not a directory\n");
        },
        "store {store} is not a directory")
        .check(workspace());
  }

  @Test
  void testSwappedCaAndServerCertificates_isRefusedNotRepairedWithANewCa() throws Exception {
    apply("ca.crt and server.crt swapped", w -> swap(w, "ca.crt", "server.crt"),
            "{store}/ca.crt", "does not match ca.key")
        .check(workspace());
  }

  private static void copy(Workspace w, String from, String to) throws IOException {
    Files.write(w.inGeneration(to), Files.readAllBytes(w.inGeneration(from)));
  }

  private static void swap(Workspace w, String a, String b) throws IOException {
    byte[] first = Files.readAllBytes(w.inGeneration(a));
    Files.write(w.inGeneration(a), Files.readAllBytes(w.inGeneration(b)));
    Files.write(w.inGeneration(b), first);
  }

  private static void relink(Workspace w, String name, String target) throws IOException {
    Path link = w.store.resolve(name);
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, link.getFileSystem().getPath(target));
  }
}
