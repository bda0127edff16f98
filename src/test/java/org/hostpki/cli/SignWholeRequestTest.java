package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.fetch.Commands;
import org.hostpki.testkit.ToolCertificates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;

/**
 * {@code hostpki sign} checks the whole request, not only its names: what a certificate would carry
 * that hostpki never issues, or that {@code ca.policy} does not allow, is refused — all of it in one
 * message, nothing signed, nothing dropped silently.
 */
class SignWholeRequestTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeEach
  void caHost() {
    writeCaYaml("");
    CliResult apply = hostpki("apply", "-f", "ca.yaml");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
  }

  private void writeCaYaml(String morePolicy) {
    try {
      Files.writeString(
          dir.resolve("ca.yaml"),
          "apiVersion: hostpki/v1\n"
              + "store: {path: pki}\n"
              + "host: {detect: false, hostname: ca1, domain: fleet.test, addresses: [192.0.2.1]}\n"
              + "ca:\n"
              + "  subject: {commonName: Fleet CA}\n"
              + "  policy: {allowedDomains: [\"*.fleet.test\"]" + morePolicy + "}\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(clock).run(args);
  }

  /** A request made by openssl, as another tool on a member would make it. */
  private Path opensslRequest(String subject, String... extensions) {
    Tool.OPENSSL.require();
    List<String> command =
        new ArrayList<>(
            List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", "m1.key", "-out", "m1.csr", "-utf8", "-subj", subject));
    for (String extension : extensions) {
      command.addAll(List.of("-addext", extension));
    }
    Commands.run(dir, command.toArray(String[]::new));
    return dir.resolve("m1.csr");
  }

  private Path hostpkiRequest(Subject subject, List<String> dnsNames) throws IOException {
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);
    Path file = dir.resolve("m1.csr");
    Files.write(file, CertificationRequest.create(subject, dnsNames, List.of(), false, key, RANDOM));
    return file;
  }

  private static Subject subject(String cn, String organization) {
    return new Subject(
        Optional.ofNullable(cn), Optional.ofNullable(organization), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  private List<Path> issued() throws IOException {
    Path issued = dir.resolve("pki/issued");
    if (!Files.isDirectory(issued)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(issued)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".crt")).toList(); // not issued/index
    }
  }

  private static void assertNoRawControl(CliResult run) {
    for (String stream : List.of(run.out(), run.err())) {
      assertThat(stream.replace("\n", "")).as(run.toString()).matches(s -> !TerminalText.hasUnsafe(s), "no raw control");
    }
  }

  @Test
  void testSign_anOrganizationWithALineBreakAndAnEscapeSequence_isRefusedAndShownEscaped() throws Exception {
    // How it was found: this O was signed as it was, and the log line printed the raw bytes.
    opensslRequest("/CN=m1.fleet.test/O=Fleet CA\n\u001b[31mred", "subjectAltName=DNS:m1.fleet.test");

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "error: refused: subject organization 'Fleet CA\\n\\x1b[31mred' holds U+000A, a control or"
                + " formatting character; a name is one line of plain text\n"
                + "  refused: subject organization 'Fleet CA\\n\\x1b[31mred' is outside"
                + " ca.policy.allowedSubjectAttributes []: besides a commonName, a request may carry only"
                + " the attributes listed there\n"
                + "  nothing was signed for " + dir.resolve("m1.csr")
                + " (O=Fleet CA\\0A\\1B[31mred,CN=m1.fleet.test); make a new request on the host without"
                + " what hostpki never issues, and extend ca.policy in " + dir.resolve("ca.yaml")
                + " to allow the rest\n");
    assertNoRawControl(run);
    assertThat(issued()).isEmpty();
  }

  @Test
  void testSign_everythingRefusedIsListedInOneMessage() throws Exception {
    opensslRequest(
        "/CN=m1.fleet.test/O=Example Corp/serialNumber=42",
        "subjectAltName=DNS:m1.fleet.test,DNS:db.other.test,email:ops@fleet.test,URI:https://m1.fleet.test/",
        "extendedKeyUsage=serverAuth,codeSigning");

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr", "--check");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err().lines().toList())
        .containsExactly(
            "error: refused: subject attribute serialNumber is not one hostpki certifies: it copies only"
                + " the text of commonName, organization, organizationalUnit, locality, state, country,"
                + " emailAddress",
            "  refused: subjectAltName email:ops@fleet.test is a kind of name hostpki does not certify:"
                + " only DNS names and IP addresses",
            "  refused: subjectAltName URI:https://m1.fleet.test/ is a kind of name hostpki does not"
                + " certify: only DNS names and IP addresses",
            "  refused: extendedKeyUsage codeSigning is not a usage hostpki issues: its certificates are"
                + " for serverAuth and clientAuth",
            "  refused: dNSName db.other.test is outside ca.policy.allowedDomains [*.fleet.test]",
            "  refused: subject organization 'Example Corp' is outside ca.policy.allowedSubjectAttributes"
                + " []: besides a commonName, a request may carry only the attributes listed there",
            "  nothing was signed for " + dir.resolve("m1.csr")
                + " (serialNumber=42,O=Example Corp,CN=m1.fleet.test); make a new request on the host"
                + " without what hostpki never issues, and extend ca.policy in " + dir.resolve("ca.yaml")
                + " to allow the rest");
    assertThat(issued()).isEmpty();
  }

  @Test
  void testSign_aRequestForACaCertificateOrACriticalExtension_isRefusedNotDowngraded() throws Exception {
    // How it was found: this request was signed, quietly as a CA:FALSE certificate without 1.2.3.4.
    opensslRequest(
        "/CN=m1.fleet.test", "subjectAltName=DNS:m1.fleet.test", "basicConstraints=critical,CA:TRUE,pathlen:0",
        "keyUsage=critical,keyCertSign,cRLSign,digitalSignature", "1.2.3.4=critical,ASN1:UTF8String:x",
        "2.5.29.30=critical,DER:3000");

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err())
        .startsWith(
            "error: refused: basicConstraints CA:TRUE, pathlen:0 asks for a CA certificate: hostpki sign"
                + " issues certificates for hosts, never for a CA\n"
                + "  refused: keyUsage keyCertSign asks for a CA certificate: hostpki sign issues certificates"
                + " for hosts, never for a CA\n"
                + "  refused: keyUsage cRLSign asks for a CA certificate: hostpki sign issues certificates"
                + " for hosts, never for a CA\n"
                + "  refused: extension 1.2.3.4 (critical) is not one hostpki puts in a certificate, and the"
                + " request insists on it\n"
                + "  refused: extension nameConstraints (critical) is not one hostpki puts in a certificate,"
                + " and the request insists on it\n"
                + "  nothing was signed for ");
    assertThat(issued()).isEmpty();

    // What certtool, keytool and Windows' certreq ask for is signed: a critical CA:FALSE and key
    // usage, a key identifier, a critical extended key usage, a non-critical extension of their own.
    opensslRequest(
        "/CN=m1.fleet.test", "subjectAltName=DNS:m1.fleet.test", "basicConstraints=critical,CA:FALSE",
        "keyUsage=critical,digitalSignature,keyEncipherment", "extendedKeyUsage=critical,serverAuth",
        "subjectKeyIdentifier=hash", "1.3.6.1.4.1.311.21.7=DER:3000");

    CliResult signed = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(signed.exitCode()).as(signed.toString()).isZero();
    assertThat(issued()).hasSize(1);
  }

  @Test
  void testSign_anOrganizationThePolicyAllows_isCopiedIntoTheCertificate() throws Exception {
    writeCaYaml(", allowedSubjectAttributes: [organization]");
    opensslRequest("/CN=m1.fleet.test/O=Example Corp", "subjectAltName=DNS:m1.fleet.test");

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    Certificate leaf = Pem.readCertificates(run.out().getBytes(StandardCharsets.US_ASCII)).get(0);
    assertThat(leaf.facts().subjectDn()).isEqualTo("CN=m1.fleet.test,O=Example Corp");
  }

  @Test
  void testSign_anOrganizationOutsideThePolicy_isRefusedNotDropped() throws Exception {
    hostpkiRequest(subject(null, "Example Corp"), List.of("m1.fleet.test"));

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err())
        .startsWith(
            "error: refused: subject organization 'Example Corp' is outside"
                + " ca.policy.allowedSubjectAttributes []")
        .contains("; to allow it, extend ca.policy in " + dir.resolve("ca.yaml") + "\n");
    assertThat(issued()).isEmpty();
  }

  @Test
  void testSign_anOrganizationLongerThanRfc5280Allows_isRefused() throws Exception {
    // Found by the hostile-input trial: a 100,000-character organization was signed.
    writeCaYaml(", allowedSubjectAttributes: [organization]");
    hostpkiRequest(subject("m1.fleet.test", "O".repeat(300)), List.of("m1.fleet.test"));

    assertThat(refusedSigning())
        .startsWith(
            "error: refused: subject organization is 300 characters long; RFC 5280 allows at most 64"
                + " for organization\n")
        .contains("(CN=m1.fleet.test,O=" + "O".repeat(181) + "… (319 characters))")
        .doesNotContain("O".repeat(182));
  }

  @Test
  void testSign_moreThanAThousandNames_isRefusedWithoutListingThem() throws Exception {
    // Found by the hostile-input trial: 10,000 SANs were signed into a certificate TLS clients refuse.
    List<String> names = IntStream.range(0, 1001).mapToObj(i -> "m" + i + ".fleet.test").toList();
    hostpkiRequest(Subject.empty(), names);

    assertThat(refusedSigning())
        .isEqualTo(
            "error: " + dir.resolve("m1.csr") + ": the request lists 1001 subject alternative names;"
                + " hostpki certifies at most 1000 in one certificate (TLS clients refuse larger ones:"
                + " OpenSSL stops at 100 KiB for the certificates a server sends); nothing was signed:"
                + " spread the names over several requests\n");
  }

  /** Signs m1.csr, which must be refused with nothing issued: what sign said. */
  private String refusedSigning() throws IOException {
    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(issued()).isEmpty();
    return run.err();
  }

  @Test
  void testSign_aNulInTheCommonName_isRefused() throws Exception {
    // How C2 was found, on the signing side: "x\0.evil.com" must never reach a certificate.
    hostpkiRequest(subject("x\u0000.evil.com", null), List.of("m1.fleet.test"));

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err())
        .startsWith("error: refused: subject commonName 'x\\x00.evil.com' holds U+0000")
        .contains("(CN=x\\00.evil.com)");
    assertNoRawControl(run);
    assertThat(issued()).isEmpty();
  }

  @Test
  void testSign_anEscapeSequenceInADnsName_isRefused() throws Exception {
    opensslRequest("/CN=m1.fleet.test", "subjectAltName=DNS:m1\u001b[2K.fleet.test");

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err())
        .startsWith("error: refused: dNSName 'm1\\x1b[2K.fleet.test' has the character '\\x1b'; a DNS label");
    assertNoRawControl(run);
    assertThat(issued()).isEmpty();
  }

  @Test
  void testSign_aCommonNameLongerThan64_isRefused() throws Exception {
    String cn = "a".repeat(60) + ".fleet.test"; // openssl req itself refuses to write it
    hostpkiRequest(Subject.commonName(cn), List.of(cn));

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err())
        .startsWith(
            "error: refused: subject commonName '" + cn + "' is 71 characters long; a commonName has at"
                + " most 64 (RFC 5280): leave it out, the SANs carry the names\n");
  }

  @Test
  void testSign_withoutACommonName_theFirstNameThatFitsBecomesIt() throws Exception {
    String longName = "a".repeat(60) + ".fleet.test";
    hostpkiRequest(Subject.empty(), List.of(longName, "m1.fleet.test"));

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    Certificate leaf = Pem.readCertificates(run.out().getBytes(StandardCharsets.US_ASCII)).get(0);
    assertThat(leaf.facts().subjectDn()).isEqualTo("CN=m1.fleet.test");
    assertThat(leaf.facts().dnsNames()).containsExactly(longName, "m1.fleet.test");
  }
}
