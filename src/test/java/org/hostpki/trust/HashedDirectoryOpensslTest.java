package org.hostpki.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.trust.TrustCertificates.root;
import static org.hostpki.trust.TrustCertificates.writePem;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.fetch.OpensslServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * {@code trust.hashedDirectory: true}: the store's {@code trust-hashed/} against what {@code
 * openssl rehash} makes of the same certificates, and used by real clients ({@code openssl
 * s_client -CApath}, {@code curl --capath}) against a loopback {@code openssl s_server}.
 */
@Tag(Tags.INTEROP)
class HashedDirectoryOpensslTest {
  @TempDir Path dir;
  private TrustWorkspace ws;
  private final Certificate sameA = root("Shared Subject CA");
  private final Certificate sameB = root("Shared Subject CA");
  // OpenSSL's canonical form ignores case and runs of spaces: the same hash again.
  private final Certificate sameC = root("  SHARED   subject ca ");
  private final Certificate other = root("Other CA");

  @BeforeEach
  void setUp() throws IOException {
    Commands.assumeAvailable("openssl", "version");
    ws = new TrustWorkspace(dir.resolve("host"));
    Files.createDirectories(ws.dir);
    writePem(ws.dir.resolve("trusted.d/same-a.pem"), sameA);
    writePem(ws.dir.resolve("trusted.d/same-b.pem"), sameB);
    writePem(ws.dir.resolve("trusted.d/same-c.pem"), sameC);
    writePem(ws.dir.resolve("trusted.d/other.pem"), other);
    writePem(ws.dir.resolve("trusted.d/other-again.pem"), other); // rehash skips duplicates
    ws.desired("hashedDirectory: true", "directories: [trusted.d]");
    TrustWorkspace.Run run = ws.apply();
    assertThat(run.exitCode()).as(run.toString()).isZero();
  }

  /** File name to SHA-256 of the certificate it holds (following links, as -CApath does). */
  private static Map<String, String> hashedFiles(Path directory) throws IOException, InvalidMaterialException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(directory)) {
      for (Path p : list.toList()) {
        String name = p.getFileName().toString();
        if (name.matches("[0-9a-f]{8}\\.[0-9]+")) {
          List<Certificate> certs = Pem.readCertificates(Files.readAllBytes(p));
          assertThat(certs).as(name).hasSize(1);
          files.put(name, certs.get(0).fingerprint().hex());
        }
      }
    }
    return files;
  }

  /**
   * The bundle's certificates as separate files named in bundle order, rehashed by OpenSSL; rehash
   * numbers a hash's certificates in file-name order, so its numbering is comparable.
   */
  private Map<String, String> opensslRehash() throws IOException, InvalidMaterialException {
    Path rehashed = dir.resolve("rehashed");
    Files.createDirectories(rehashed);
    List<Certificate> bundle = Pem.readCertificates(ws.read("trust-bundle.crt"));
    for (int i = 0; i < bundle.size(); i++) {
      writePem(rehashed.resolve(String.format("%04d.pem", i)), bundle.get(i));
    }
    Commands.Result rehash = Commands.run(dir, "openssl", "rehash", rehashed.toString());
    assertThat(rehash.exitCode()).as(rehash.output()).isZero();
    return hashedFiles(rehashed);
  }

  @Test
  void testApply_hashedDirectoryHasTheNamesAndContentsOpensslRehashMakes() throws Exception {
    Map<String, String> hostpki = hashedFiles(ws.store.resolve("trust-hashed"));

    assertThat(hostpki).isEqualTo(opensslRehash());
    try (Stream<Path> all = Files.list(ws.store.resolve("trust-hashed"))) {
      assertThat(all.count()).as("nothing but <hash>.N files").isEqualTo(hostpki.size());
    }
  }

  @Test
  void testApply_sameSubjectGetsSuccessiveIndexesAndADuplicateIsWrittenOnce() throws Exception {
    Map<String, String> hostpki = hashedFiles(ws.store.resolve("trust-hashed"));
    String sharedHash =
        hostpki.entrySet().stream()
            .filter(e -> e.getValue().equals(sameA.fingerprint().hex()))
            .map(e -> e.getKey().substring(0, 8))
            .findFirst()
            .orElseThrow();

    // Bundle order is by name: same-a, same-b, same-c.
    assertThat(hostpki)
        .containsEntry(sharedHash + ".0", sameA.fingerprint().hex())
        .containsEntry(sharedHash + ".1", sameB.fingerprint().hex())
        .containsEntry(sharedHash + ".2", sameC.fingerprint().hex());
    assertThat(hostpki.values()).containsOnlyOnce(other.fingerprint().hex());
    assertThat(hostpki).hasSize(5); // the internal CA, other, and the three sharing a hash
  }

  @Test
  void testApply_opensslClientVerifiesTheServerWithTheHashedDirectory() throws Exception {
    Path emptyCaPath = Files.createDirectories(dir.resolve("empty"));
    try (OpensslServer server =
        OpensslServer.start(
            InetAddress.getLoopbackAddress(), ws.store.resolve("server.crt"), ws.store.resolve("server.key"))) {
      Commands.Result verified = sClient(server, ws.store.resolve("trust-hashed"));
      Commands.Result unverified = sClient(server, emptyCaPath);

      assertThat(verified.exitCode()).as(verified.output()).isZero();
      assertThat(verified.output()).contains("Verification: OK");
      assertThat(unverified.exitCode()).as("control: no CA, no trust").isNotZero();
    }
  }

  private Commands.Result sClient(OpensslServer server, Path caPath) throws IOException {
    return Commands.run(
        dir,
        "openssl", "s_client", "-connect", "127.0.0.1:" + server.port(), "-CApath", caPath.toString(),
        "-no-CAfile", "-verify_return_error", "-verify_hostname", "localhost", "-brief");
  }

  @Test
  void testApply_curlVerifiesTheServerWithTheHashedDirectory() throws Exception {
    Commands.assumeAvailable("curl", "--version");
    Path emptyCaPath = Files.createDirectories(dir.resolve("empty"));
    try (OpensslServer server =
        OpensslServer.start(
            InetAddress.getLoopbackAddress(), ws.store.resolve("server.crt"), ws.store.resolve("server.key"))) {
      Commands.Result verified = curl(server, ws.store.resolve("trust-hashed"));
      Commands.Result unverified = curl(server, emptyCaPath);

      assertThat(verified.exitCode()).as(verified.output()).isZero();
      assertThat(unverified.exitCode()).as("control: curl's 60 means the peer was not verified").isEqualTo(60);
    }
  }

  private Commands.Result curl(OpensslServer server, Path caPath) throws IOException {
    return Commands.run(
        dir,
        "curl", "--silent", "--show-error", "--output", "/dev/null", "--max-time", "20",
        "--capath", caPath.toString(), "https://127.0.0.1:" + server.port() + "/");
  }
}
