package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.hostile.HostileCase.apply;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.stream.Stream;
import org.hostpki.model.KeySpec;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * Declared trusted certificates that are not what they claim: a file, an inline PEM or a file in
 * a trust directory. Each stops apply with the file's name and the reason, exit 1, nothing changed.
 */
@Tag(Tags.SLOW)
class TrustInputCorpusTest {
  private static final String LDAP = "{dir}/trusted/ldap.pem: not a usable certificate: ";
  private static final String WEB = "{dir}/trusted.d/web.pem: not a usable certificate: ";

  @TempDir static Path templateDir;
  @TempDir Path dir;

  @BeforeAll
  static void makeGoodStore() throws IOException {
    GoodStore.build(templateDir);
  }

  private Workspace workspace() {
    return Workspace.copyOf(templateDir, dir, GoodStore.CLOCK, GoodStore.PROBE);
  }

  static Stream<HostileCase> badTrustInputs() {
    // a file of two certificates names the second by its fingerprint: a trust.d file takes that name
    String first = pem();
    String second = pem();
    String taken = "ldap-" + fingerprint(second).substring(0, StoreLayout.TRUSTED_NAME_DIGITS);
    return Stream.of(
        apply("truncated", w -> Damage.truncate(ldap(w), 300),
            LDAP + "block 1 (CERTIFICATE, line 1) is truncated: the -----END CERTIFICATE----- line is missing"),
        apply("base64 cut short", w -> Files.writeString(ldap(w), cutBase64(pem())),
            LDAP + "block 1 (CERTIFICATE, line 1) is truncated: its base64 text is cut short"),
        apply("bad base64", w -> Damage.replaceByte(ldap(w), 70, (byte) '*'),
            LDAP + "block 1 (CERTIFICATE, line 1) has invalid base64 at line 2: unexpected character '*'"),
        apply("a private key", w -> Files.write(ldap(w), key().pkcs8Pem()),
            LDAP + "contains a PRIVATE KEY, not a certificate (block 1 (PRIVATE KEY, line 1));"
                + " keep private keys out of certificate files"),
        apply("a certificate followed by its private key", w -> Files.writeString(ldap(w), pem() + new String(key().pkcs8Pem())),
            LDAP + "contains a PRIVATE KEY, not a certificate (block 2 (PRIVATE KEY"),
        apply("a DER private key", w -> Files.write(ldap(w), key().pkcs8Der()),
            LDAP + "contains a PRIVATE KEY, not a certificate (DER)"),
        apply("an encrypted private key", w -> Files.writeString(ldap(w),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n"),
            LDAP + "contains a PRIVATE KEY"),
        apply("binary garbage appended", w -> Damage.append(ldap(w), new byte[] {0x00, 0x7f, 0x01}),
            LDAP + "holds binary data after block 1 (CERTIFICATE, line 1)", "garbage appended"),
        apply("empty", w -> Files.write(ldap(w), new byte[0]), LDAP + "is empty"),
        apply("only blank lines", w -> Files.writeString(ldap(w), "\n \n\t\n"), LDAP + "is empty"),
        apply("a certificate request", w -> Files.writeString(ldap(w),
                "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"),
            LDAP + "block 1 (CERTIFICATE REQUEST, line 1) is a CERTIFICATE REQUEST, not a CERTIFICATE"),
        apply("a PKCS#12 file", w -> Files.copy(w.store.resolve("truststore.p12"), ldap(w), java.nio.file.StandardCopyOption.REPLACE_EXISTING),
            LDAP + "is a PKCS#12 file, not a certificate"),
        apply("text without PEM", w -> Files.writeString(ldap(w), "subject=CN=ldap\nissuer=CN=ldap\n"),
            LDAP + "holds no certificate: there is no -----BEGIN CERTIFICATE----- line"),
        apply("random bytes", w -> Files.write(ldap(w), new byte[] {0x01, 0x02, (byte) 0xff, 0x00, 0x10}),
            LDAP + "is neither PEM text nor a DER certificate"),
        apply("truncated DER", w -> Files.write(ldap(w), java.util.Arrays.copyOf(GoodStore.trustedCertificate("x").der(), 200)),
            LDAP + "is not a valid DER certificate: it is cut short"),
        apply("END line without BEGIN", w -> Files.writeString(ldap(w), "-----END CERTIFICATE-----\n"),
            LDAP + "holds no certificate: there is no -----BEGIN CERTIFICATE----- line"),
        apply("END line before the BEGIN line", w -> Files.writeString(ldap(w), "-----END CERTIFICATE-----\n" + pem()),
            LDAP + "line 1: -----END CERTIFICATE----- without a matching BEGIN line"),
        apply("END label differs from BEGIN", w -> Files.writeString(ldap(w), pem().replace("END CERTIFICATE", "END X509 CRL")),
            LDAP + "block 1 (CERTIFICATE, line 1) ends with -----END X509 CRL----- at line"),
        apply("a subject that is not UTF-8", w -> Files.write(ldap(w), resource("invalid-utf8-subject.pem")),
            LDAP + "block 1 (CERTIFICATE, line 1) is not a valid X.509 certificate"),
        apply("10,001 certificates in one file", w -> Files.writeString(ldap(w), pem().repeat(Pem.DEFAULT_MAX_CERTIFICATES + 1)),
            LDAP + "holds more than 10000 certificates, the limit for one file"),
        apply("file missing", w -> Files.delete(ldap(w)),
            "{dir}/host.yaml:10:7: trusted certificate file {dir}/trusted/ldap.pem does not exist"),
        apply("file is a directory", w -> {
              Files.delete(ldap(w));
              Files.createDirectory(ldap(w));
            },
            "{dir}/host.yaml:10:7: {dir}/trusted/ldap.pem is a directory, not a regular file; point at a certificate file"),
        apply("file is a link to itself", w -> {
              Files.delete(ldap(w));
              Files.createSymbolicLink(ldap(w), ldap(w).getFileName());
            },
            "cannot read {dir}/trusted/ldap.pem"),
        apply("inline PEM cut short", w -> w.editYaml("-----END CERTIFICATE-----", "-----END CERTIFICAT"),
            "{dir}/host.yaml:11:27: error: trust.certificates[1].pem is not a PEM certificate: it needs"
                + " the lines -----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----",
            "{dir}/host.yaml is not a valid desired state (see above); nothing was changed"),
        apply("inline PEM with bad base64", w -> w.editYaml("pem: \"-----BEGIN CERTIFICATE-----\\nMII", "pem: \"-----BEGIN CERTIFICATE-----\\n#II"),
            "{dir}/host.yaml:11:7 (inline pem): not a usable certificate: ", "has invalid base64 at line 2"),
        apply("directory missing", w -> Damage.deleteTree(w.dir.resolve("trusted.d")),
            "trust directory {dir}/trusted.d does not exist; create it or remove it from trust.directories"),
        apply("directory is a file", w -> {
              Damage.deleteTree(w.dir.resolve("trusted.d"));
              Files.writeString(w.dir.resolve("trusted.d"), "not a directory");
            },
            "trust directory {dir}/trusted.d is not a directory; trust.directories lists folders of certificate files"),
        apply("truncated file in the directory", w -> Damage.truncate(web(w), 200), WEB + "block 1 (CERTIFICATE, line 1) is truncated"),
        apply("private key in the directory", w -> Files.write(w.dir.resolve("trusted.d/server.crt"), key().pkcs8Pem()),
            "{dir}/trusted.d/server.crt: not a usable certificate: contains a PRIVATE KEY"),
        apply("file name that is no name", w -> Files.writeString(w.dir.resolve("trusted.d/web page.pem"), pem()),
            "{dir}/trusted.d/web page.pem: the name 'web page' (from the file name) may only hold letters,"
                + " digits, '.', '_' and '-'; rename the file"),
        apply("dangling link in the directory", w -> Files.createSymbolicLink(w.dir.resolve("trusted.d/gone.pem"), Path.of("/nonexistent/gone.pem")),
            "trusted certificate file {dir}/trusted.d/gone.pem does not exist"),
        apply("a name declared by a file and the directory", w -> Files.writeString(w.dir.resolve("trusted.d/ldap.pem"), pem()),
            "trusted certificate name 'ldap' is declared twice", "{dir}/trusted.d/ldap.pem", "rename one of them"),
        apply("a second certificate's name taken by the directory", w -> {
              Files.writeString(ldap(w), first + second);
              Files.writeString(w.dir.resolve("trusted.d/" + taken + ".pem"), pem());
            },
            "trusted certificate name '" + taken + "' is declared twice"));
  }

  @ParameterizedTest(name = "trusted certificate: {0}")
  @MethodSource("badTrustInputs")
  void testBadTrustedCertificate_isRefusedNamingTheFile(HostileCase hostile) throws Exception {
    hostile.check(workspace());
  }

  @Test
  void testFiveThousandCopiesOfOneCertificateInOneFile_becomeOneEntry() throws Exception {
    Workspace w = workspace();
    Files.writeString(ldap(w), pem().repeat(5_000));

    CliResult applied = w.hostpki("apply", "-f", "host.yaml");

    assertThat(applied.exitCode()).as(applied.err()).isZero();
    assertThat(w.store.resolve("trust/ldap.crt")).exists();
    try (Stream<Path> trusted = Files.list(w.store.resolve("trust"))) {
      assertThat(trusted.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("ldap-"));
    }
    // the internal CA, bmc-01, web and the one certificate of the 5,000 copies
    assertThat(Pem.readCertificates(Files.readAllBytes(w.store.resolve("trust-bundle.crt")))).hasSize(4);
    // apply itself re-reads the store and checks that nothing is left to do
  }

  @Test
  void testTrustFileThatIsAFifo_isRefused() throws Exception {
    apply("FIFO", w -> {
          Files.delete(ldap(w));
          Damage.mkfifo(ldap(w));
        },
        "{dir}/trusted/ldap.pem", "not a regular file")
        .check(workspace());
  }

  @Test
  void testFifoInTrustDirectory_isRefused() throws Exception {
    apply("FIFO in the directory", w -> Damage.mkfifo(w.dir.resolve("trusted.d/pipe.pem")),
        "{dir}/trusted.d/pipe.pem", "not a regular file")
        .check(workspace());
  }

  @Test
  void testTrustFileThatIsEndless_isRefused() throws Exception {
    apply("link to /dev/zero", w -> {
          Files.delete(ldap(w));
          Files.createSymbolicLink(ldap(w), Path.of("/dev/zero"));
        },
        "{dir}/trusted/ldap.pem", "not a regular file")
        .check(workspace());
  }

  private static Path ldap(Workspace w) {
    return w.dir.resolve("trusted/ldap.pem");
  }

  private static Path web(Workspace w) {
    return w.dir.resolve("trusted.d/web.pem");
  }

  private static String pem() {
    return GoodStore.trustedCertificate("other.example.com").pem();
  }

  /** The SHA-256 fingerprint of a PEM certificate, lower-case hex, as trust entry names take it. */
  private static String fingerprint(String pem) {
    try {
      return Pem.readCertificates(pem.getBytes(StandardCharsets.US_ASCII)).get(0).fingerprint().hex();
    } catch (InvalidMaterialException e) {
      throw new AssertionError(e);
    }
  }

  private static KeyMaterial key() {
    return KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
  }

  /** A PEM whose last base64 line lost its last three characters. */
  private static String cutBase64(String pem) {
    int end = pem.indexOf("\n-----END");
    return pem.substring(0, end - 3) + pem.substring(end);
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = TrustInputCorpusTest.class.getResourceAsStream("/fuzz/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
