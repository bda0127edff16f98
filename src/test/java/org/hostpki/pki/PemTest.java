package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class PemTest {
  @TempDir Path dir;

  static Certificate ca;
  static Certificate server;
  static Certificate other;

  @BeforeAll
  static void certificates() {
    ca = TestPki.ca(TestKeys.P256);
    server = TestPki.server(TestKeys.P256, ca, TestKeys.P256);
    other = TestPki.ca(TestKeys.P384);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void testReadCertificates_onePemBlock() throws Exception {
    assertThat(Pem.readCertificates(bytes(ca.pem()))).containsExactly(ca);
  }

  @Test
  void testReadCertificates_manyBlocksInFileOrder() throws Exception {
    assertThat(Pem.readCertificates(bytes(server.pem() + ca.pem() + other.pem())))
        .containsExactly(server, ca, other);
  }

  @Test
  void testReadCertificates_textOutsideBlocksIsIgnored() throws Exception {
    String text =
        "subject=CN = portal\nissuer=CN = Test CA\n"
            + server.pem()
            + "\n# the CA, München\r\n"
            + ca.pem().replace("\n", "\r\n")
            + "trailing words\n";

    assertThat(Pem.readCertificates(bytes(text))).containsExactly(server, ca);
  }

  /** Found: a PEM saved by a Windows editor was "END CERTIFICATE without a matching BEGIN line". */
  @Test
  void testReadCertificates_utf8ByteOrderMarkIsSkippedAsOpenSslDoes() throws Exception {
    Tool.OPENSSL.require();
    byte[] withBom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes(server.pem() + ca.pem()));
    Files.write(dir.resolve("bom.pem"), withBom);
    Tool.OPENSSL.command("x509", "-in", "bom.pem", "-noout").in(dir).run().assertSucceeded();

    assertThat(Pem.readCertificates(withBom)).containsExactly(server, ca);
  }

  @Test
  void testReadCertificates_byteOrderMarkAloneIsEmpty() {
    assertThatThrownBy(() -> Pem.readCertificates(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '\n'}))
        .hasMessage("is empty");
  }

  @Test
  void testReadCertificates_utf16TextIsNamed() {
    for (java.nio.charset.Charset utf16 : List.of(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE)) {
      assertThatThrownBy(() -> Pem.readCertificates(ca.pem().getBytes(utf16)))
          .hasMessage("is UTF-16 text; PEM is ASCII text: save the file as UTF-8 or ASCII");
    }
  }

  @Test
  void testReadCertificates_singleDerCertificate() throws Exception {
    assertThat(Pem.readCertificates(ca.der())).containsExactly(ca);
  }

  /**
   * Found in the external CA trial: two DER certificates written one after the other were refused
   * with "439 bytes of trailing data after its 507-byte DER structure", no word of what to do.
   */
  @Test
  void testReadCertificates_derCertificatesOneAfterAnotherAreNamedWithTheFix() {
    byte[] both = Arrays.copyOf(server.der(), server.der().length + ca.der().length);
    System.arraycopy(ca.der(), 0, both, server.der().length, ca.der().length);

    assertThatThrownBy(() -> Pem.readCertificates(both))
        .hasMessage(
            "is not a valid DER certificate: it holds 2 DER structures one after another, and a DER"
                + " file holds one; save a chain as PEM (openssl x509 -inform DER -in EACH.der,"
                + " appended to one file) or as PKCS#7 (.p7b)");
  }

  @Test
  void testReadCertificates_pkcs7InPemAndDer() throws Exception {
    Tool.OPENSSL.require();
    Files.writeString(dir.resolve("chain.pem"), Pem.certificates(List.of(server, ca)));
    byte[] p7Pem =
        Tool.OPENSSL.command("crl2pkcs7", "-nocrl", "-certfile", "chain.pem", "-out", "chain.p7b").in(dir).runAndRead(dir.resolve("chain.p7b"));
    byte[] p7Der =
        Tool.OPENSSL.command("crl2pkcs7", "-nocrl", "-certfile", "chain.pem", "-outform", "DER", "-out", "chain.p7b.der").in(dir).runAndRead(dir.resolve("chain.p7b.der"));

    assertThat(Pem.readCertificates(p7Pem)).containsExactlyInAnyOrder(server, ca);
    assertThat(Pem.readCertificates(p7Der)).containsExactlyInAnyOrder(server, ca);
  }

  /**
   * Found: Windows AD CS's "Base 64 encoded" certificate chain ({@code certnew.p7b}) is PKCS#7
   * under a CERTIFICATE label; OpenSSL reads it, hostpki said "not a valid X.509 certificate".
   */
  @Test
  void testReadCertificates_pkcs7UnderACertificateLabelAsAdCsWritesIt() throws Exception {
    Tool.OPENSSL.require();
    Files.writeString(dir.resolve("chain.pem"), Pem.certificates(List.of(server, ca)));
    String p7 =
        new String(
            Tool.OPENSSL.command("crl2pkcs7", "-nocrl", "-certfile", "chain.pem", "-out", "chain.p7b").in(dir).runAndRead(dir.resolve("chain.p7b")),
            StandardCharsets.US_ASCII);
    String certnew = p7.replace("-----BEGIN PKCS7-----", "-----BEGIN CERTIFICATE-----").replace("-----END PKCS7-----", "-----END CERTIFICATE-----").replace("\n", "\r\n");
    Files.writeString(dir.resolve("certnew.p7b"), certnew);
    Tool.OPENSSL.command("pkcs7", "-in", "certnew.p7b", "-print_certs", "-noout").in(dir).run().assertSucceeded();

    assertThat(Pem.readCertificates(bytes(certnew))).containsExactlyInAnyOrder(server, ca);
    assertThat(Pem.readCertificates(bytes(other.pem() + certnew))).containsExactlyInAnyOrder(other, server, ca);
  }

  @Test
  void testReadCertificates_emptyPkcs7HasNoCertificate() throws Exception {
    Tool.OPENSSL.require();
    byte[] p7 =
        Tool.OPENSSL.command("crl2pkcs7", "-nocrl", "-out", "none.p7b").in(dir).runAndRead(dir.resolve("none.p7b"));

    assertThatThrownBy(() -> Pem.readCertificates(p7))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage("holds no certificate (the PKCS#7 bundle is empty)");
    // Under a CERTIFICATE label (AD CS): the file has that block, so it is not "no CERTIFICATE block".
    byte[] relabelled = new String(p7, StandardCharsets.US_ASCII).replace("PKCS7", "CERTIFICATE").getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Pem.readCertificates(relabelled))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage("holds no certificate (the PKCS#7 bundle is empty)");
  }

  @Test
  void testReadCertificates_trustedCertificateFormKeepsTheCertificate() throws Exception {
    Tool.OPENSSL.require();
    Files.writeString(dir.resolve("ca.pem"), ca.pem());
    byte[] trusted =
        Tool.OPENSSL.command("x509", "-in", "ca.pem", "-trustout", "-addtrust", "serverAuth", "-out", "trusted.pem").in(dir).runAndRead(dir.resolve("trusted.pem"));
    assertThat(new String(trusted, StandardCharsets.US_ASCII))
        .contains("BEGIN TRUSTED CERTIFICATE");

    assertThat(Pem.readCertificates(trusted)).containsExactly(ca);
  }

  @Test
  void testReadCertificates_emptyIsRefused() {
    assertThatThrownBy(() -> Pem.readCertificates(new byte[0]))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage("is empty");
    assertThatThrownBy(() -> Pem.readCertificates(bytes("\n  \n")))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage("is empty");
  }

  @Test
  void testReadCertificates_textWithoutBlocksIsRefused() {
    assertThatThrownBy(() -> Pem.readCertificates(bytes("not a certificate\n")))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("holds no certificate")
        .hasMessageContaining("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void testReadCertificates_privateKeyIsRefused() {
    byte[] key = TestKeys.key(TestKeys.P256, "a").pkcs8Pem();

    assertThatThrownBy(() -> Pem.readCertificates(key))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("contains a PRIVATE KEY, not a certificate")
        .hasMessageContaining("block 1 (PRIVATE KEY, line 1)");
  }

  @Test
  void testReadCertificates_privateKeyNextToCertificatesIsRefused() {
    byte[] data = concat(bytes(ca.pem()), TestKeys.key(TestKeys.P256, "a").pkcs8Pem());

    assertThatThrownBy(() -> Pem.readCertificates(data))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("contains a PRIVATE KEY, not a certificate")
        .hasMessageContaining("block 2");
  }

  @Test
  void testReadCertificates_derPrivateKeyIsRefused() {
    byte[] der = TestKeys.key(TestKeys.P256, "a").pkcs8Der();

    assertThatThrownBy(() -> Pem.readCertificates(der))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("contains a PRIVATE KEY, not a certificate");
  }

  @Test
  void testReadCertificates_otherBlockIsRefused() {
    byte[] csr =
        CertificationRequest.create(
            TestPki.subject("x", null, null),
            List.of("x.example"),
            List.of(),
            false,
            TestKeys.key(TestKeys.P256, "a"));

    assertThatThrownBy(() -> Pem.readCertificates(csr))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("is a CERTIFICATE REQUEST, not a CERTIFICATE");
  }

  @Test
  void testReadCertificates_badBase64NamesBlockAndLine() {
    String second = ca.pem();
    int thirdLine = second.indexOf('\n', second.indexOf('\n') + 1) + 1;
    String broken = second.substring(0, thirdLine + 5) + "!" + second.substring(thirdLine + 6);
    String text = server.pem() + broken;
    int serverLines = (int) server.pem().lines().count();

    assertThatThrownBy(() -> Pem.readCertificates(bytes(text)))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage(
            "block 2 (CERTIFICATE, line "
                + (serverLines + 1)
                + ") has invalid base64 at line "
                + (serverLines + 3)
                + ": unexpected character '!'");
  }

  @Test
  void testReadCertificates_missingEndLineIsTruncated() {
    String pem = ca.pem();
    String cut = pem.substring(0, pem.length() / 2);

    assertThatThrownBy(() -> Pem.readCertificates(bytes(server.pem() + cut)))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("block 2 (CERTIFICATE")
        .hasMessageContaining("is truncated")
        .hasMessageContaining("-----END CERTIFICATE----- line is missing");
  }

  @Test
  void testReadCertificates_shortenedBodyIsTruncated() {
    List<String> lines = new ArrayList<>(ca.pem().lines().toList());
    lines.remove(lines.size() - 3); // drop one 64-character line: base64 stays well-formed

    assertThatThrownBy(() -> Pem.readCertificates(bytes(String.join("\n", lines) + "\n")))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("block 1 (CERTIFICATE, line 1) is truncated")
        .hasMessageContaining("cut short");
  }

  @Test
  void testReadCertificates_oddBase64LengthIsTruncated() {
    List<String> lines = new ArrayList<>(ca.pem().lines().toList());
    String last = lines.get(lines.size() - 2);
    lines.set(lines.size() - 2, last.substring(0, last.length() - 1));

    assertThatThrownBy(() -> Pem.readCertificates(bytes(String.join("\n", lines) + "\n")))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("is truncated");
  }

  @Test
  void testReadCertificates_mismatchedEndLineIsRefused() {
    String pem = ca.pem().replace("-----END CERTIFICATE-----", "-----END X509 CRL-----");

    assertThatThrownBy(() -> Pem.readCertificates(bytes(pem)))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("ends with -----END X509 CRL-----");
  }

  @Test
  void testReadCertificates_binaryGarbageAfterTheLastBlockIsRefused() {
    byte[] data =
        concat(bytes(server.pem() + ca.pem()), new byte[] {0x00, 0x13, (byte) 0xff, 0x02});

    assertThatThrownBy(() -> Pem.readCertificates(data))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("binary data after block 2")
        .hasMessageContaining("garbage");
  }

  @Test
  void testReadCertificates_binaryFileIsRefused() {
    assertThatThrownBy(() -> Pem.readCertificates(new byte[] {0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01}))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("neither PEM text nor a DER certificate");
  }

  @Test
  void testReadCertificates_truncatedDerIsRefused() {
    byte[] der = ca.der();

    assertThatThrownBy(() -> Pem.readCertificates(Arrays.copyOf(der, der.length - 1)))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("cut short");
  }

  @Test
  void testReadCertificates_pkcs12IsRefused() {
    byte[] p12 =
        Pkcs12.trustStore(
            new java.util.TreeMap<>(java.util.Map.of("ca", ca)),
            "pw".toCharArray(),
            org.hostpki.model.Pkcs12Profile.MODERN,
            TestKeys.RANDOM);

    assertThatThrownBy(() -> Pem.readCertificates(p12))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("PKCS#12");
  }

  @Test
  void testReadCertificates_moreThanTheLimitIsRefused() {
    byte[] three = bytes(server.pem() + ca.pem() + other.pem());

    assertThatThrownBy(() -> Pem.readCertificates(three, 2))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("more than 2 certificates");
  }

  @Test
  void testReadCertificates_exactlyTheLimitIsRead() throws Exception {
    assertThat(Pem.readCertificates(bytes(server.pem() + ca.pem()), 2)).hasSize(2);
  }

  @Test
  void testReadCertificates_defaultLimitIsTenThousand() {
    String pem = ca.pem();
    byte[] many = bytes(pem.repeat(Pem.DEFAULT_MAX_CERTIFICATES + 1));

    assertThatThrownBy(() -> Pem.readCertificates(many))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("more than 10000 certificates");
  }

  @Test
  void testReadCertificates_tenThousandBlocksAreRead() throws Exception {
    byte[] many = bytes(ca.pem().repeat(Pem.DEFAULT_MAX_CERTIFICATES));

    assertThat(Pem.readCertificates(many)).hasSize(Pem.DEFAULT_MAX_CERTIFICATES);
  }

  @Test
  void testCertificates_concatenatesPemBlocks() throws Exception {
    String pem = Pem.certificates(List.of(server, ca));

    assertThat(pem).isEqualTo(server.pem() + ca.pem());
    assertThat(pem.lines().filter(l -> !l.startsWith("-----"))).allMatch(l -> l.length() <= 64);
    assertThat(pem).doesNotContain("\r");
    assertThat(Pem.readCertificates(bytes(pem))).containsExactly(server, ca);
  }

  @Test
  void testCertificates_opensslReadsTheBundle() throws Exception {
    Tool.OPENSSL.require();
    Files.writeString(dir.resolve("chain.pem"), Pem.certificates(List.of(server, ca)));

    String out =
        Tool.OPENSSL.command("crl2pkcs7", "-nocrl", "-certfile", "chain.pem").in(dir).run().assertSucceeded().output();
    Files.writeString(dir.resolve("out.p7b"), out);

    assertThat(
            Tool.OPENSSL.command("pkcs7", "-in", "out.p7b", "-print_certs", "-noout").in(dir).run()
                .assertSucceeded()
                .output())
        .contains(
            "subject=CN = portal.example.com",
            "subject=C = US, O = Example Corp, CN = Test CA EC P-256");
  }

  /** A bundle of {@code count} distinct certificates, as a store's trust-bundle.crt is. */
  private static List<Certificate> distinct(int count) {
    List<Certificate> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(
          new CertificateIssuer(TestKeys.RANDOM)
              .selfSignedCa(
                  TestPki.subject("Bundle CA " + i, "Example Corp", "US"),
                  TestKeys.key(TestKeys.P256, "bundle"),
                  TestPki.NOW,
                  java.time.Duration.ofDays(365)));
    }
    return out;
  }

  @Test
  void testCertificateBytes_areTheBundlesTextByteForByte() {
    List<Certificate> bundle = distinct(3);

    assertThat(Pem.certificateBytes(bundle)).isEqualTo(bytes(Pem.certificates(bundle)));
    assertThat(Pem.certificateBytes(List.of())).isEmpty();
  }

  @Test
  void testEncodeInto_writesEncodesBlockAtEveryLengthModuloLineAndGroup() {
    // Lengths 0..200 cover every remainder of a 3-byte group and of a 48-byte (64-column) line.
    for (int n = 0; n <= 200; n++) {
      byte[] content = new byte[n];
      Arrays.fill(content, (byte) (n * 31));
      byte[] expected = bytes(PemText.encode("X509 CRL", content));
      byte[] into = new byte[PemText.encodedLength("X509 CRL", n) + 3];

      int end = PemText.encodeInto("X509 CRL", content, into, 3);

      assertThat(end).as("n=%d", n).isEqualTo(into.length);
      assertThat(Arrays.copyOfRange(into, 3, end)).as("n=%d", n).isEqualTo(expected);
    }
  }

  @Test
  void testReadCertificates_withAPoolGivesWhatParsingGives() throws Exception {
    List<Certificate> bundle = distinct(100);
    byte[] pem = bytes(Pem.certificates(bundle));
    CertificatePool pool = new CertificatePool(bundle.subList(0, 50));

    List<Certificate> pooled = Pem.readCertificates(pem, Integer.MAX_VALUE, pool);
    List<Certificate> parsed = Pem.readCertificates(pem, Integer.MAX_VALUE);

    assertThat(pooled).isEqualTo(parsed).isEqualTo(bundle);
    assertThat(pooled.stream().map(Certificate::facts).toList())
        .isEqualTo(parsed.stream().map(Certificate::facts).toList());
    assertThat(pooled.get(10)).isSameAs(bundle.get(10));
    assertThat(pool.size()).isEqualTo(100);
  }

  @Test
  void testReadCertificates_largeBundleReportsTheFirstDamagedBlockInFileOrder() {
    List<Certificate> bundle = distinct(100);
    String[] blocks = Pem.certificates(bundle).split("(?<=-----END CERTIFICATE-----\n)");
    blocks[69] = blocks[69].replace("-----BEGIN CERTIFICATE-----\nMI", "-----BEGIN CERTIFICATE-----\nM!");
    blocks[89] = blocks[89].substring(0, 40) + "\n-----END CERTIFICATE-----\n";
    byte[] pem = bytes(String.join("", blocks));
    int line = 1 + (int) String.join("", Arrays.copyOf(blocks, 69)).chars().filter(c -> c == '\n').count();

    assertThatThrownBy(() -> Pem.readCertificates(pem, Integer.MAX_VALUE, new CertificatePool()))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage(
            "block 70 (CERTIFICATE, line " + line + ") has invalid base64 at line " + (line + 1)
                + ": unexpected character '!'");
  }

  @Test
  void testReadCertificates_largeBundleOverTheLimitIsRefused() {
    byte[] pem = bytes(Pem.certificates(distinct(100)));

    assertThatThrownBy(() -> Pem.readCertificates(pem, 80))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage("holds more than 80 certificates, the limit for one file");
  }
}
