package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1BMPString;
import org.bouncycastle.asn1.ASN1PrintableString;
import org.bouncycastle.asn1.ASN1T61String;
import org.bouncycastle.asn1.x500.RDN;
import org.hostpki.model.Subject;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

@Tag(Tags.INTEROP)
@Execution(ExecutionMode.CONCURRENT)
class SubjectHashTest {
  @TempDir Path dir;

  static Stream<Subject> subjects() {
    return Stream.of(
        Subject.commonName("Example CA"),
        Subject.commonName("EXAMPLE ca"),
        Subject.commonName("  Example    CA  "),
        Subject.commonName("Tab\tand\nnewline"),
        new Subject(
            Optional.of("Portal CA"),
            Optional.of("Example Corp"),
            Optional.of("Ops Team"),
            Optional.of("Springfield"),
            Optional.of("Oregon"),
            Optional.of("US"),
            Optional.of("PKI@Example.com")),
        new Subject(
            Optional.of("Größe Zertifizierungsstelle"),
            Optional.of("Bücher GmbH"),
            Optional.empty(),
            Optional.of("München"),
            Optional.empty(),
            Optional.of("DE"),
            Optional.empty()),
        Subject.commonName("日本語 の CA"));
  }

  @ParameterizedTest
  @MethodSource("subjects")
  void testOpensslSubjectHash_matchesOpensslForOurCertificates(Subject subject) throws Exception {
    Tool.OPENSSL.require();
    Certificate certificate =
        new CertificateIssuer(TestKeys.RANDOM)
            .selfSignedCa(
                subject, TestKeys.key(TestKeys.P256, "ca"), TestPki.NOW, Duration.ofDays(1));
    Files.writeString(dir.resolve("c.pem"), certificate.pem());

    String expected =
        Tool.OPENSSL.command("x509", "-in", "c.pem", "-noout", "-subject_hash").in(dir).run()
            .assertSucceeded()
            .output()
            .trim();

    assertThat(SubjectHash.opensslSubjectHash(certificate)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/CN=web+OU=Ops/O=Example",
        "/C=US/O=  Mixed   Case  Inc /CN=Server.EXAMPLE.com",
        "/DC=com/DC=example/CN=ldap",
        "/serialNumber=12345/CN=device"
      })
  void testOpensslSubjectHash_matchesOpensslForOpensslCertificates(String subject)
      throws Exception {
    Tool.OPENSSL.require();
    Tool.OPENSSL.command("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "k.pem", "-out", "c.pem", "-days", "1", "-multivalue-rdn", "-subj", subject).in(dir).run()
        .assertSucceeded();
    String expected =
        Tool.OPENSSL.command("x509", "-in", "c.pem", "-noout", "-subject_hash").in(dir).run()
            .assertSucceeded()
            .output()
            .trim();

    Certificate certificate = Pem.readCertificates(Files.readAllBytes(dir.resolve("c.pem"))).get(0);

    assertThat(SubjectHash.opensslSubjectHash(certificate)).isEqualTo(expected);
  }

  @Test
  void testOpensslSubjectHash_matchesOpensslForPrintableT61AndBmpStrings() throws Exception {
    Tool.OPENSSL.require();
    Files.writeString(
        dir.resolve("req.cnf"),
        "[req]\n"
            + "distinguished_name=dn\n"
            + "string_mask=default\n"
            + "prompt=no\n"
            + "[dn]\n"
            + "C=US\n"
            + "O=Printable Org\n"
            + "OU=Ünïcode  T61\n"
            + "CN=日本 BMP\n");
    Tool.OPENSSL.command("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "k.pem", "-out", "c.pem", "-days", "1", "-utf8", "-config", "req.cnf").in(dir).run()
        .assertSucceeded();
    String expected =
        Tool.OPENSSL.command("x509", "-in", "c.pem", "-noout", "-subject_hash").in(dir).run()
            .assertSucceeded()
            .output()
            .trim();

    Certificate certificate = Pem.readCertificates(Files.readAllBytes(dir.resolve("c.pem"))).get(0);
    RDN[] rdns = certificate.holder().getSubject().getRDNs();

    assertThat(rdns[1].getFirst().getValue()).isInstanceOf(ASN1PrintableString.class);
    assertThat(rdns[2].getFirst().getValue()).isInstanceOf(ASN1T61String.class);
    assertThat(rdns[3].getFirst().getValue()).isInstanceOf(ASN1BMPString.class);
    assertThat(SubjectHash.opensslSubjectHash(certificate)).isEqualTo(expected);
  }

  @Test
  void testOpensslSubjectHash_matchesOpensslForAnEmptySubject() throws Exception {
    Tool.OPENSSL.require();
    Certificate certificate =
        new CertificateIssuer(TestKeys.RANDOM)
            .server(
                new ServerProfile(
                    Subject.empty(),
                    java.util.List.of(),
                    java.util.List.of(TestPki.ip("192.0.2.1")),
                    Duration.ofDays(1),
                    false),
                TestKeys.key(TestKeys.P256, "server"),
                TestPki.ca(TestKeys.P256),
                TestKeys.key(TestKeys.P256, "ca"),
                TestPki.NOW);
    Files.writeString(dir.resolve("c.pem"), certificate.pem());

    String expected =
        Tool.OPENSSL.command("x509", "-in", "c.pem", "-noout", "-subject_hash").in(dir).run()
            .assertSucceeded()
            .output()
            .trim();

    assertThat(SubjectHash.opensslSubjectHash(certificate)).isEqualTo(expected);
  }

  @Test
  void testOpensslSubjectHash_ignoresCaseAndSpacing() {
    Certificate a = ca(Subject.commonName("Example CA"));
    Certificate b = ca(Subject.commonName("  EXAMPLE   ca "));

    assertThat(SubjectHash.opensslSubjectHash(a)).isEqualTo(SubjectHash.opensslSubjectHash(b));
  }

  @Test
  void testOpensslSubjectHash_isEightHexDigits() {
    assertThat(SubjectHash.opensslSubjectHash(ca(Subject.commonName("x")))).matches("[0-9a-f]{8}");
  }

  private static Certificate ca(Subject subject) {
    return new CertificateIssuer(TestKeys.RANDOM)
        .selfSignedCa(subject, TestKeys.key(TestKeys.P256, "ca"), TestPki.NOW, Duration.ofDays(1));
  }
}
