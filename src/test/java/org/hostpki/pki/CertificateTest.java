package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.pki.TestPki.ip;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.Subject;
import org.hostpki.testkit.CertificateBuilder;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class CertificateTest {
  @TempDir Path dir;

  @Test
  void testFromDer_roundTripsTheExactBytes() throws Exception {
    Certificate ca = TestPki.ca(TestKeys.P256);

    Certificate read = Certificate.fromDer(ca.der());

    assertThat(read).isEqualTo(ca).hasSameHashCodeAs(ca);
    assertThat(read.der()).isEqualTo(ca.der());
    assertThat(read.facts()).isEqualTo(ca.facts());
  }

  /**
   * rvcore17 L3: the list was worked out from the DER anew on every call, after the facts had
   * dropped the parsed form: every plan parsed each trusted certificate a second time (100,000 of
   * them on a large trust store). It is read once, when the DER is parsed.
   */
  @Test
  void testCriticalExtensionsOpensslRefuses_areReadOnceWhenParsed() throws Exception {
    Instant now = Instant.now();
    Certificate odd = Certificate.fromDer(
        CertificateBuilder.certificate("Odd Root").selfSigned(TestKeys.ec()).ca(null).criticalExtension("1.2.3.4.5")
            .validity(now, now.plus(Duration.ofDays(1))).build().der());
    Certificate plain = Certificate.fromDer(TestPki.ca(TestKeys.P256).der());

    odd.facts(); // the parsed form is dropped here
    plain.facts();

    assertThat(odd.criticalExtensionsOpensslRefuses()).containsExactly("1.2.3.4.5")
        .isSameAs(odd.criticalExtensionsOpensslRefuses());
    assertThat(plain.criticalExtensionsOpensslRefuses()).isEmpty();
    assertThat(plain.criticalExtensionsOpensslRefuses()).as("the shared empty list").isSameAs(java.util.List.of());
  }

  @Test
  void testDer_returnsACopy() {
    Certificate ca = TestPki.ca(TestKeys.P256);
    byte[] der = ca.der();
    der[10] ^= 1;

    assertThat(ca.der()).isNotEqualTo(der);
  }

  @Test
  void testPem_isOneCertificateBlock() throws Exception {
    Certificate ca = TestPki.ca(TestKeys.P256);

    String pem = ca.pem();

    assertThat(pem)
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(Pem.readCertificates(pem.getBytes(StandardCharsets.US_ASCII))).containsExactly(ca);
  }

  @Test
  void testFingerprint_isSha256OfDer() {
    Certificate ca = TestPki.ca(TestKeys.P256);

    assertThat(ca.fingerprint()).isEqualTo(Fingerprint.sha256(ca.der()));
    assertThat(ca.facts().fingerprint()).isEqualTo(ca.fingerprint());
  }

  @Test
  void testFromDer_truncatedIsRefused() {
    byte[] der = TestPki.ca(TestKeys.P256).der();

    assertThatThrownBy(() -> Certificate.fromDer(Arrays.copyOf(der, der.length - 10)))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("cut short");
  }

  @Test
  void testFromDer_trailingDataIsRefused() {
    byte[] der = TestPki.ca(TestKeys.P256).der();

    assertThatThrownBy(() -> Certificate.fromDer(Arrays.copyOf(der, der.length + 3)))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("3 bytes of trailing data");
  }

  @Test
  void testFromDer_otherDerIsRefused() {
    byte[] key = TestKeys.key(TestKeys.P256, "a").pkcs8Der();

    assertThatThrownBy(() -> Certificate.fromDer(key))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageStartingWith("is not a valid X.509 certificate");
  }

  @Test
  void testFromDer_emptyIsRefused() {
    assertThatThrownBy(() -> Certificate.fromDer(new byte[0]))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void testIsSignedBy_trueForTheIssuerOnly() {
    Certificate ca = TestPki.ca(TestKeys.P256);
    Certificate server = TestPki.server(TestKeys.P256, ca, TestKeys.P256);

    assertThat(server.isSignedBy(ca)).isTrue();
    assertThat(ca.isSignedBy(server)).isFalse();
    assertThat(server.isSignedBy(server)).isFalse();
  }

  @Test
  void testIsSignedBy_falseForSameNameOtherKey() {
    Certificate ca = TestPki.ca(TestKeys.P256);
    Certificate server = TestPki.server(TestKeys.P256, ca, TestKeys.P256);
    Certificate impostor =
        new CertificateIssuer(TestKeys.RANDOM)
            .selfSignedCa(
                TestPki.subject("Test CA EC P-256", "Example Corp", "US"),
                TestKeys.key(TestKeys.P256, "impostor"),
                TestPki.NOW,
                Duration.ofDays(1));

    assertThat(impostor.facts().subjectDn()).isEqualTo(ca.facts().subjectDn());
    assertThat(server.isSignedBy(impostor)).isFalse();
  }

  @Test
  void testIsSignedBy_falseForAnotherKeyKind() {
    Certificate ca = TestPki.ca(TestKeys.P256);
    Certificate server = TestPki.server(TestKeys.P256, ca, TestKeys.P256);
    Certificate rsaCa = TestPki.ca(TestKeys.RSA2048);

    assertThat(server.isSignedBy(rsaCa)).isFalse();
  }

  @Test
  void testToString_namesSubjectAndFingerprint() {
    Certificate ca = TestPki.ca(TestKeys.P256);

    assertThat(ca.toString()).contains("CN=Test CA EC P-256").contains(ca.fingerprint().hex());
  }

  /**
   * A keyUsage that is no BIT STRING is refused when read, as the other extensions the checks
   * read are: the chain checks (keyCertSign of an issuer, digitalSignature of the leaf) read it
   * later, where BouncyCastle's exception was an internal error.
   */
  @Test
  void testFromDer_malformedKeyUsageIsRefusedWhenRead() throws Exception {
    Tool.OPENSSL.require();
    Tool.OPENSSL.command("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "k.pem", "-out", "c.pem", "-days", "30", "-subj", "/CN=bad-ku", "-addext", "2.5.29.15=critical,DER:02:01:01").in(dir).run()
        .assertSucceeded();

    assertThatThrownBy(() -> Pem.readCertificates(Files.readAllBytes(dir.resolve("c.pem"))))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("is not a valid X.509 certificate");
  }

  @Test
  void testFacts_ofAnOpensslMadeCertificate() throws Exception {
    Tool.OPENSSL.require();
    Tool.OPENSSL.command("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", "k.pem", "-out", "c.pem", "-days", "30", "-sha384", "-utf8", "-set_serial", "0x1234abcd", "-subj", "/C=DE/ST=Bayern/L=München/O=Ex"
                + " Corp/OU=Ops/CN=host.example/emailAddress=ops@example.com", "-addext", "subjectAltName=DNS:host.example,DNS:*.host.example,IP:192.0.2.1,IP:2001:db8::1", "-addext", "extendedKeyUsage=serverAuth,clientAuth", "-addext", "basicConstraints=critical,CA:TRUE,pathlen:2").in(dir).run()
        .assertSucceeded();
    String printed =
        Tool.OPENSSL.command("x509", "-in", "c.pem", "-noout", "-fingerprint", "-sha256", "-startdate", "-enddate", "-ext", "subjectKeyIdentifier").in(dir).run()
            .assertSucceeded()
            .output();
    byte[] publicDer =
        Tool.OPENSSL.command("pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "pub.der").in(dir).runAndRead(dir.resolve("pub.der"));

    CertificateFacts facts =
        Pem.readCertificates(Files.readAllBytes(dir.resolve("c.pem"))).get(0).facts();

    assertThat(facts.fingerprint().colonHex()).isEqualTo(find(printed, "Fingerprint=(\\S+)"));
    assertThat(facts.serialNumber()).isEqualTo(new BigInteger("1234abcd", 16));
    assertThat(facts.subject())
        .isEqualTo(
            new Subject(
                Optional.of("host.example"),
                Optional.of("Ex Corp"),
                Optional.of("Ops"),
                Optional.of("München"),
                Optional.of("Bayern"),
                Optional.of("DE"),
                Optional.of("ops@example.com")));
    assertThat(facts.subjectDn())
        .isEqualTo(
            "emailAddress=ops@example.com,CN=host.example,OU=Ops,O=Ex Corp,L=München,"
                + "ST=Bayern,C=DE");
    assertThat(facts.issuerDn()).isEqualTo(facts.subjectDn());
    assertThat(facts.notBefore()).isEqualTo(opensslDate(find(printed, "notBefore=(.+)")));
    assertThat(facts.notAfter()).isEqualTo(opensslDate(find(printed, "notAfter=(.+)")));
    assertThat(Duration.between(facts.notBefore(), facts.notAfter()))
        .isEqualTo(Duration.ofDays(30));
    assertThat(facts.dnsNames()).containsExactly("host.example", "*.host.example");
    assertThat(facts.ipAddresses()).containsExactly(ip("192.0.2.1"), ip("2001:db8::1"));
    assertThat(facts.publicKey().spec()).contains(TestKeys.P384);
    assertThat(facts.publicKey().publicKeyFingerprint()).isEqualTo(Fingerprint.sha256(publicDer));
    assertThat(facts.ca()).isTrue();
    assertThat(facts.pathLength()).contains(2);
    assertThat(facts.extendedKeyUsages())
        .containsExactly(CertificateFacts.EKU_SERVER_AUTH, CertificateFacts.EKU_CLIENT_AUTH);
    assertThat(facts.subjectKeyId())
        .contains(
            find(printed, "Identifier: *\\n\\s*(\\S+)").replace(":", "").toLowerCase(Locale.ROOT));
    assertThat(facts.authorityKeyId()).isEqualTo(facts.subjectKeyId());
    assertThat(facts.signatureAlgorithm()).isEqualTo("SHA384withECDSA");
    assertThat(
            KeyMaterial.fromPem(Files.readAllBytes(dir.resolve("k.pem")))
                .matches(Pem.readCertificates(Files.readAllBytes(dir.resolve("c.pem"))).get(0)))
        .isTrue();
  }

  @Test
  void testFacts_ofAnOpensslRsaCertificateWithoutExtensions() throws Exception {
    Tool.OPENSSL.require();
    Files.writeString(dir.resolve("empty.cnf"), "[req]\ndistinguished_name=dn\n[dn]\n");
    Tool.OPENSSL.command("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-out", "c.pem", "-days", "1", "-subj", "/CN=legacy", "-config", "empty.cnf").in(dir).run()
        .assertSucceeded();

    CertificateFacts facts =
        Pem.readCertificates(Files.readAllBytes(dir.resolve("c.pem"))).get(0).facts();

    assertThat(facts.publicKey().spec()).contains(TestKeys.RSA2048);
    assertThat(facts.signatureAlgorithm()).isEqualTo("SHA256withRSA");
    assertThat(facts.ca()).isFalse();
    assertThat(facts.pathLength()).isEmpty();
    assertThat(facts.extendedKeyUsages()).isEmpty();
    assertThat(facts.dnsNames()).isEmpty();
    assertThat(facts.subjectKeyId()).isEmpty();
    assertThat(facts.authorityKeyId()).isEmpty();
  }

  @Test
  void testFacts_ofAnOpensslEd25519Certificate() throws Exception {
    Tool.OPENSSL.require();
    Tool.OPENSSL.command("req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "k.pem", "-out", "c.pem", "-days", "1", "-subj", "/CN=ed").in(dir).run()
        .assertSucceeded();

    Certificate certificate = Pem.readCertificates(Files.readAllBytes(dir.resolve("c.pem"))).get(0);

    assertThat(certificate.facts().publicKey().spec()).contains(TestKeys.ED25519);
    assertThat(certificate.facts().signatureAlgorithm()).isEqualTo("Ed25519");
    assertThat(certificate.isSignedBy(certificate)).isTrue();
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("%s in%n%s", regex, text).isTrue();
    return m.group(1).trim();
  }

  private static Instant opensslDate(String text) {
    return ZonedDateTime.parse(
            text.replaceAll(" +", " "),
            DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy z", Locale.ROOT))
        .toInstant();
  }

  @Test
  void testFingerprint_isWorkedOutOnce() {
    Certificate ca = TestPki.ca(TestKeys.P256);

    assertThat(ca.fingerprint()).isSameAs(ca.fingerprint()).isEqualTo(Fingerprint.sha256(ca.der()));
  }

  @Test
  void testFacts_everythingStillWorksOnceTheParsedFormIsDropped() throws Exception {
    Certificate ca = TestPki.ca(TestKeys.P256);
    Certificate server = TestPki.server(TestKeys.P256, ca, TestKeys.P256);
    Certificate read = Certificate.fromDer(server.der());
    Certificate fresh = Certificate.fromDer(server.der());

    CertificateFacts facts = read.facts(); // drops the parsed form

    assertThat(facts).isEqualTo(fresh.facts()).isSameAs(read.facts());
    assertThat(read.isSignedBy(ca)).isTrue();
    assertThat(read.publicKey().facts()).isEqualTo(fresh.publicKey().facts());
    assertThat(read.toString()).isEqualTo(Certificate.fromDer(server.der()).toString());
  }

  @Test
  void testInstant_readsValidityDatesAsBouncyCastleDoes() {
    java.util.List<org.bouncycastle.asn1.x509.Time> times =
        java.util.List.of(
            new org.bouncycastle.asn1.x509.Time(new org.bouncycastle.asn1.ASN1UTCTime("500101000000Z")),
            new org.bouncycastle.asn1.x509.Time(new org.bouncycastle.asn1.ASN1UTCTime("491231235959Z")),
            new org.bouncycastle.asn1.x509.Time(new org.bouncycastle.asn1.ASN1UTCTime("260229120000Z")),
            new org.bouncycastle.asn1.x509.Time(new org.bouncycastle.asn1.ASN1UTCTime("240229120000Z")),
            new org.bouncycastle.asn1.x509.Time(new org.bouncycastle.asn1.ASN1UTCTime("2602281200+0130")),
            new org.bouncycastle.asn1.x509.Time(new org.bouncycastle.asn1.ASN1GeneralizedTime("20500101000000Z")),
            new org.bouncycastle.asn1.x509.Time(new org.bouncycastle.asn1.ASN1GeneralizedTime("99991231235959Z")),
            new org.bouncycastle.asn1.x509.Time(new org.bouncycastle.asn1.ASN1GeneralizedTime("20260315101112.345Z")),
            new org.bouncycastle.asn1.x509.Time(new org.bouncycastle.asn1.ASN1GeneralizedTime("20260315101112+0200")));

    for (org.bouncycastle.asn1.x509.Time time : times) {
      assertThat(Certificate.instant(time)).as(time.getTime()).isEqualTo(time.getDate().toInstant());
    }
  }

  @Test
  void testFacts_selfIssuedAndIssuedCertificatesNameTheirIssuer() throws Exception {
    Certificate ca = TestPki.ca(TestKeys.P256);
    Certificate server = TestPki.server(TestKeys.P256, ca, TestKeys.P256);

    assertThat(ca.facts().issuerDn()).isEqualTo(ca.facts().subjectDn());
    assertThat(server.facts().issuerDn()).isEqualTo(ca.facts().subjectDn());
    assertThat(server.facts().subjectDn()).isNotEqualTo(ca.facts().subjectDn());
  }

  /**
   * OpenSSL 3.0's verify takes a critical CRL distribution point and OCSP noCheck (tried with
   * openssl 3.0.19): they are not among the ones it refuses; TLS feature (must-staple) is.
   */
  @Test
  void testCriticalExtensionsOpensslRefuses_namesOnlyTheOnesOpenssl3DoesNotKnow() {
    Instant now = Instant.now();
    Certificate certificate =
        CertificateBuilder.certificate("Critical Root")
            .selfSigned(TestKeys.ec())
            .ca(null)
            .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)))
            .criticalExtension("2.5.29.31")
            .criticalExtension("1.3.6.1.5.5.7.48.1.5")
            .criticalExtension("1.3.6.1.5.5.7.1.24")
            .build();

    assertThat(certificate.criticalExtensionsOpensslRefuses()).containsExactly("1.3.6.1.5.5.7.1.24");
  }
}
