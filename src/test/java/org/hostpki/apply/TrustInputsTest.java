package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.KeySpec;
import org.hostpki.model.SourcePosition;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustSpec;
import org.hostpki.model.TrustedCertificateSource;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reading the declared trusted certificates from files, inline PEM and directories, on Jimfs. */
class TrustInputsTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final KeyMaterial KEY = KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);

  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final Path etc = fs.getPath("/etc/hostpki");
  private final Path yaml = etc.resolve("host.yaml");
  private final TrustInputs inputs = new TrustInputs();

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private static Certificate root(String cn) {
    return new CertificateIssuer(RANDOM).selfSignedCa(Subject.commonName(cn), KEY, NOW, Duration.ofDays(400));
  }

  private Path write(String name, byte[] content) throws IOException {
    Path file = etc.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    return file;
  }

  private Path writePem(String name, Certificate... certificates) throws IOException {
    return write(name, Pem.certificates(List.of(certificates)).getBytes(StandardCharsets.US_ASCII));
  }

  private TrustedCertificateSource fromFile(String name, Path file, int line) {
    return new TrustedCertificateSource(
        name, new TrustedCertificateSource.Content.FromFile(file), new SourcePosition(yaml, line, 7));
  }

  private TrustedCertificateSource inline(String name, String pem, int line) {
    return new TrustedCertificateSource(
        name, new TrustedCertificateSource.Content.Inline(pem), new SourcePosition(yaml, line, 7));
  }

  private static TrustSpec spec(List<TrustedCertificateSource> certificates, Path... directories) {
    return new TrustSpec(true, false, certificates, List.of(directories));
  }

  private SortedMap<String, Certificate> read(List<TrustedCertificateSource> certificates, Path... directories) {
    return inputs.read(spec(certificates, directories));
  }

  @Test
  void testRead_inlinePemIsTrustedUnderItsName() {
    Certificate switchCa = root("Switch CA");

    SortedMap<String, Certificate> read = read(List.of(inline("switch", switchCa.pem(), 4)));

    assertThat(read).containsExactly(Map.entry("switch", switchCa));
  }

  @Test
  void testRead_fileWithSeveralCertificatesNamesEachByItsFingerprintAndOneCopyOfARepeat() throws IOException {
    Certificate a = root("A");
    Certificate b = root("B");
    Certificate c = root("C");
    Path file = writePem("trusted/chain.pem", a, b, a, c);
    Path reordered = writePem("trusted/reordered.pem", c, a);

    SortedMap<String, Certificate> read = read(List.of(fromFile("partner", file, 4)));

    assertThat(read)
        .containsOnly(
            Map.entry("partner-" + hex12(a), a), Map.entry("partner-" + hex12(b), b), Map.entry("partner-" + hex12(c), c));
    assertThat(read(List.of(fromFile("partner", reordered, 4))))
        .as("a name means a certificate, whatever the file order")
        .containsOnly(Map.entry("partner-" + hex12(a), a), Map.entry("partner-" + hex12(c), c));
  }

  @Test
  void testRead_fileHoldingOneCertificateTwiceKeepsTheBareName() throws IOException {
    Certificate a = root("A");

    assertThat(read(List.of(fromFile("partner", writePem("trusted/twice.pem", a, a), 4))))
        .containsExactly(Map.entry("partner", a));
  }

  @Test
  void testEntryNames_collidingPrefixesTakeFourDigitsMoreUntilTheyDifferAndTheRestKeep12() {
    String x = "0123456789ab" + "cdef" + "0".repeat(48);
    String y = "0123456789ab" + "cdef" + "1".repeat(48);
    String z = "0123456789ab" + "9999" + "2".repeat(48);
    String w = "fedcba987654" + "3".repeat(52);

    assertThat(TrustInputs.entryNames("n", List.of(w, x, y, z)))
        .containsExactly(
            "n-fedcba987654",
            "n-0123456789abcdef0000",
            "n-0123456789abcdef1111",
            "n-0123456789ab9999");
    assertThat(TrustInputs.entryNames("n", List.of(z, y, x)))
        .as("deterministic whatever the order")
        .containsExactly("n-0123456789ab9999", "n-0123456789abcdef1111", "n-0123456789abcdef0000");
  }

  @Test
  void testRead_installedNameTooLongWithItsFingerprintIsAnErrorNamingIt() throws IOException {
    Path two = writePem("trusted/two.pem", root("One"), root("Two"));
    String name = "n".repeat(TrustInputs.MAX_INSTALLED_NAME - 12);
    TrustSpec installed =
        new TrustSpec(
            true, false, List.of(fromFile(name, two, 3)), List.of(), false, org.hostpki.model.TrustFilters.NONE,
            java.util.Optional.of(
                new org.hostpki.model.InstallSpec(
                    List.of(org.hostpki.model.InstallSpec.Content.TRUSTED), true, false, List.of(),
                    java.util.Optional.empty(), List.of(), new SourcePosition(yaml, 5, 3))),
            List.of(), Map.of());

    assertThatThrownBy(() -> inputs.read(installed))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(yaml + ":3:7")
        .hasMessageContaining("is " + (TrustInputs.MAX_INSTALLED_NAME + 1) + " characters long")
        .hasMessageContaining("choose a shorter name");
    assertThat(read(List.of(fromFile(name, two, 3)))).as("nothing installed: no limit").hasSize(2);
  }

  private static String hex12(Certificate c) {
    return c.fingerprint().hex().substring(0, 12);
  }

  @Test
  void testRead_derFileIsReadByContent() throws IOException {
    Certificate bmc = root("BMC");
    Path file = write("trusted/bmc.pem", bmc.der());

    assertThat(read(List.of(fromFile("bmc", file, 4)))).containsEntry("bmc", bmc);
  }

  @Test
  void testRead_directoryTakesPemCrtAndCerFilesInAnyCaseAndSkipsTheRest() throws IOException {
    Certificate a = root("A");
    Certificate b = root("B");
    Certificate c = root("C");
    Certificate d = root("D");
    writePem("trusted.d/a.pem", a);
    write("trusted.d/b.crt", b.der());
    writePem("trusted.d/c.cer", c);
    writePem("trusted.d/d.PEM", d);
    writePem("trusted.d/.hidden.pem", root("Hidden"));
    writePem("trusted.d/notes.txt", root("Text"));
    writePem("trusted.d/old.pem.bak", root("Backup"));

    SortedMap<String, Certificate> read = read(List.of(), etc.resolve("trusted.d"));

    assertThat(read.keySet()).containsExactly("a", "b", "c", "d");
    assertThat(read.values()).containsExactly(a, b, c, d);
  }

  @Test
  void testRead_directoryEntryNameDropsOnlyTheLastExtension() throws IOException {
    writePem("trusted.d/ldap.example.com.pem", root("LDAP"));

    assertThat(read(List.of(), etc.resolve("trusted.d")).keySet()).containsExactly("ldap.example.com");
  }

  @Test
  void testRead_directoryFileWithSeveralCertificatesGivesFingerprintNames() throws IOException {
    Certificate one = root("One");
    Certificate two = root("Two");
    writePem("trusted.d/bundle.crt", one, two);

    assertThat(read(List.of(), etc.resolve("trusted.d")).keySet())
        .containsExactlyInAnyOrder("bundle-" + hex12(one), "bundle-" + hex12(two));
  }

  @Test
  void testRead_fileNameThatIsNoValidEntryNameIsAnErrorNamingTheFile() throws IOException {
    Path file = writePem("trusted.d/my ca.pem", root("Spaced"));

    assertThatThrownBy(() -> read(List.of(), etc.resolve("trusted.d")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("rename the file");
  }

  @Test
  void testRead_privateKeyInADirectoryIsAnErrorNamingTheFile() throws IOException {
    writePem("trusted.d/good.pem", root("Good"));
    Path key = write("trusted.d/server.pem", KEY.pkcs8Pem());

    assertThatThrownBy(() -> read(List.of(), etc.resolve("trusted.d")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(key.toString())
        .hasMessageContaining("PRIVATE KEY");
  }

  @Test
  void testRead_emptyFileIsAnErrorNamingTheFile() throws IOException {
    Path empty = write("trusted.d/empty.crt", new byte[0]);

    assertThatThrownBy(() -> read(List.of(), etc.resolve("trusted.d")))
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("empty");
  }

  @Test
  void testRead_garbageIsAnErrorNamingTheFile() throws IOException {
    Path garbage = write("trusted.d/garbage.cer", new byte[] {0x01, 0x02, (byte) 0xfe, 0x00});

    assertThatThrownBy(() -> read(List.of(), etc.resolve("trusted.d")))
        .hasMessageContaining(garbage.toString())
        .hasMessageContaining("neither PEM text nor a DER certificate");
  }

  @Test
  void testRead_certificateRequestIsAnErrorNamingTheFile() throws IOException {
    byte[] csr =
        CertificationRequest.create(Subject.commonName("x.example.com"), List.of("x.example.com"), List.of(), false, KEY);
    Path file = write("trusted/request.pem", csr);

    assertThatThrownBy(() -> read(List.of(fromFile("request", file, 9))))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("CERTIFICATE REQUEST, not a CERTIFICATE");
  }

  @Test
  void testRead_inlinePemWithAKeyIsAnErrorNamingTheDeclaration() {
    String pem = root("Inline").pem() + new String(KEY.pkcs8Pem(), StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> read(List.of(inline("switch", pem, 12))))
        .hasMessageContaining(yaml + ":12:7 (inline pem)")
        .hasMessageContaining("PRIVATE KEY");
  }

  @Test
  void testRead_missingFileNamesTheDeclarationAndTheFile() {
    Path missing = etc.resolve("trusted/missing.pem");

    assertThatThrownBy(() -> read(List.of(fromFile("ldap", missing, 5))))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(yaml + ":5:7")
        .hasMessageContaining(missing + " does not exist");
  }

  @Test
  void testRead_missingDirectoryIsAnErrorWithTheFix() {
    assertThatThrownBy(() -> read(List.of(), etc.resolve("nowhere.d")))
        .hasMessageContaining(etc.resolve("nowhere.d") + " does not exist")
        .hasMessageContaining("trust.directories");
  }

  @Test
  void testRead_nameClashBetweenADeclaredFileAndADirectoryNamesBothPlaces() throws IOException {
    Path declared = writePem("trusted/partner.pem", root("One"));
    Path inDirectory = writePem("trusted.d/partner.crt", root("Two"));

    assertThatThrownBy(() -> read(List.of(fromFile("partner", declared, 6)), etc.resolve("trusted.d")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("'partner' is declared twice")
        .hasMessageContaining(yaml + ":6:7 (" + declared + ")")
        .hasMessageContaining(inDirectory.toString());
  }

  @Test
  void testRead_sameNameUnderTwoExtensionsInOneDirectoryNamesBothFiles() throws IOException {
    Path pem = writePem("trusted.d/ldap.pem", root("One"));
    Path crt = writePem("trusted.d/ldap.crt", root("Two"));

    assertThatThrownBy(() -> read(List.of(), etc.resolve("trusted.d")))
        .hasMessageContaining(pem.toString())
        .hasMessageContaining(crt.toString());
  }

  @Test
  void testRead_fingerprintNameOfACertificateClashingWithADeclaredNameNamesBoth() throws IOException {
    Certificate one = root("One");
    Path two = writePem("trusted/two.pem", one, root("Two"));
    Path other = writePem("trusted/other.pem", root("Other"));

    assertThatThrownBy(() -> read(List.of(fromFile("a", two, 3), fromFile("a-" + hex12(one), other, 4))))
        .hasMessageContaining("'a-" + hex12(one) + "' is declared twice")
        .hasMessageContaining(yaml + ":3:7")
        .hasMessageContaining(yaml + ":4:7");
  }

  @Test
  void testRead_namesAreSortedWhateverTheDeclarationOrder() throws IOException {
    Path zulu = writePem("trusted/zulu.pem", root("Zulu"));
    writePem("trusted.d/mike.pem", root("Mike"));

    SortedMap<String, Certificate> read =
        read(List.of(fromFile("zulu", zulu, 3), inline("alpha", root("Alpha").pem(), 4)), etc.resolve("trusted.d"));

    assertThat(read.keySet()).containsExactly("alpha", "mike", "zulu");
  }

  @Test
  void testRead_namesDifferingOnlyInCaseAreAClashNamingBothFiles() throws IOException {
    Path upper = writePem("trusted.d/LDAP.pem", root("Upper"));
    Path lower = writePem("trusted.d/ldap.pem", root("Lower"));

    assertThatThrownBy(() -> read(List.of(), etc.resolve("trusted.d")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(upper.toString())
        .hasMessageContaining(lower.toString());
  }

  @Test
  void testRead_theInternalCaAliasIsAReservedName() throws IOException {
    Path file = writePem("trusted.d/HOSTPKI-CA.pem", root("Foreign"));

    assertThatThrownBy(() -> read(List.of(), etc.resolve("trusted.d")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("reserved");
  }

  private List<Certificate> manyFiles(int count) throws IOException {
    List<Certificate> out = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      Certificate c = root("Many " + i);
      writePem(String.format("many.d/c%03d.pem", i), c);
      out.add(c);
    }
    return out;
  }

  @Test
  void testRead_withKnownCertificatesGivesTheSameResultAndReusesThem() throws IOException {
    List<Certificate> many = manyFiles(80);
    TrustSpec spec = spec(List.of(), etc.resolve("many.d"));

    SortedMap<String, Certificate> plain = inputs.read(spec);
    SortedMap<String, Certificate> reusing = inputs.read(spec, many.subList(0, 40));

    assertThat(reusing).isEqualTo(plain).hasSize(80);
    assertThat(reusing.get("c007")).isSameAs(many.get(7));
    assertThat(reusing.values().stream().map(Certificate::facts).toList())
        .isEqualTo(plain.values().stream().map(Certificate::facts).toList());
  }

  @Test
  void testRead_manyFilesFirstUnusableFileInNameOrderIsTheError() throws IOException {
    manyFiles(80);
    write("many.d/c030.pem", "not a certificate".getBytes(StandardCharsets.US_ASCII));
    write("many.d/c060.pem", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00});

    assertThatThrownBy(() -> read(List.of(), etc.resolve("many.d")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith(etc.resolve("many.d/c030.pem") + ": not a usable certificate: ");
  }

  @Test
  void testRead_manyFilesBadNameBeforeAnUnusableFileIsTheError() throws IOException {
    manyFiles(80);
    writePem("many.d/c020 copy.pem", root("Copy"));
    write("many.d/c060.pem", "not a certificate".getBytes(StandardCharsets.US_ASCII));

    assertThatThrownBy(() -> read(List.of(), etc.resolve("many.d")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("c020 copy")
        .hasMessageContaining("rename the file");
  }
}
