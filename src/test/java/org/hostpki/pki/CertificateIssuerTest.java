package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.pki.TestPki.NOW;
import static org.hostpki.pki.TestPki.ip;
import static org.hostpki.testkit.TestKeys.RANDOM;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.KeyPurpose;
import org.hostpki.model.KeySpec;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.Subject;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Execution(ExecutionMode.CONCURRENT)
class CertificateIssuerTest {
  @TempDir Path dir;

  private final CertificateIssuer issuer = new CertificateIssuer(RANDOM);

  static Stream<KeySpec> specs() {
    return TestKeys.ALL_SPECS.stream();
  }

  private static final Subject FULL_SUBJECT =
      new Subject(
          Optional.of("Example CA"),
          Optional.of("Example Corp"),
          Optional.of("Platform"),
          Optional.of("München"),
          Optional.of("Bayern"),
          Optional.of("DE"),
          Optional.of("pki@example.com"));

  // --- CA profile ---

  @ParameterizedTest
  @MethodSource("specs")
  void testSelfSignedCa_hasTheCaProfile(KeySpec spec) {
    KeyMaterial key = TestKeys.key(spec, "ca");

    Certificate ca = issuer.selfSignedCa(FULL_SUBJECT, key, NOW, Duration.ofDays(3650));

    CertificateFacts facts = ca.facts();
    X509CertificateHolder holder = ca.holder();
    assertThat(holder.getVersionNumber()).isEqualTo(3);
    assertThat(facts.serialNumber()).isPositive();
    assertThat(facts.serialNumber().bitLength()).isLessThanOrEqualTo(127);
    assertThat(facts.ca()).isTrue();
    assertThat(facts.pathLength()).contains(0);
    assertThat(holder.getExtension(Extension.basicConstraints).isCritical()).isTrue();
    assertThat(holder.getExtension(Extension.keyUsage).isCritical()).isTrue();
    assertThat(KeyUsage.fromExtensions(holder.getExtensions()))
        .isEqualTo(new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    assertThat(holder.getExtension(Extension.extendedKeyUsage)).isNull();
    assertThat(facts.subjectKeyId()).contains(method1KeyId(key));
    assertThat(facts.authorityKeyId()).isEqualTo(facts.subjectKeyId());
    assertThat(facts.subject()).isEqualTo(FULL_SUBJECT);
    assertThat(facts.isSelfIssued()).isTrue();
    assertThat(facts.publicKey()).isEqualTo(key.facts());
    assertThat(ca.isSignedBy(ca)).isTrue();
  }

  @Test
  void testSelfSignedCa_validityFromAnHourBeforeNow() {
    Certificate ca =
        issuer.selfSignedCa(
            FULL_SUBJECT, TestKeys.key(TestKeys.P256, "ca"), NOW, Duration.ofDays(3650));

    assertThat(ca.facts().notBefore()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(ca.facts().notAfter()).isEqualTo(NOW.minus(Duration.ofHours(1)).plus(Duration.ofDays(3650)));
  }

  /** The DER tag of notBefore and notAfter: UTCTime (23) or GeneralizedTime (24). */
  private static List<Integer> timeTags(Certificate c) throws Exception {
    org.bouncycastle.asn1.ASN1Sequence tbs =
        org.bouncycastle.asn1.ASN1Sequence.getInstance(c.holder().toASN1Structure().getTBSCertificate().getEncoded());
    org.bouncycastle.asn1.ASN1Sequence validity = org.bouncycastle.asn1.ASN1Sequence.getInstance(tbs.getObjectAt(4));
    return List.of(validity.getObjectAt(0).toASN1Primitive().getEncoded()[0] & 0xff,
        validity.getObjectAt(1).toASN1Primitive().getEncoded()[0] & 0xff);
  }

  @Test
  void testSelfSignedCa_madeAtTheEndOf2049_notBeforeIsUtcTimeAndNotAfterGeneralizedTime() throws Exception {
    Certificate ca =
        issuer.selfSignedCa(
            FULL_SUBJECT, TestKeys.key(TestKeys.P256, "ca"), Instant.parse("2049-12-31T23:59:00Z"), Duration.ofDays(398));

    assertThat(timeTags(ca)).containsExactly(0x17, 0x18);
    assertThat(ca.facts().notBefore()).isEqualTo(Instant.parse("2049-12-31T22:59:00Z"));
  }

  /**
   * Found with the jar under {@code faketime '@9995-06-01 00:00:00'} on an empty store: a CA to
   * 10005 has no encoding, and apply ended in an internal error.
   */
  @Test
  void testSelfSignedCa_aValidityPastTheYear9999EndsAt99991231235959Z() throws Exception {
    Certificate ca =
        issuer.selfSignedCa(
            FULL_SUBJECT, TestKeys.key(TestKeys.P256, "ca"), Instant.parse("9995-06-01T00:00:00Z"), Duration.ofDays(3650));

    assertThat(ca.facts().notAfter()).isEqualTo(CertificateIssuer.LAST);
    assertThat(timeTags(ca)).containsExactly(0x18, 0x18);
    assertThat(Certificate.fromDer(ca.der()).facts().notAfter()).isEqualTo(CertificateIssuer.LAST);
  }

  @Test
  void testSelfSignedCa_subjectEncodingAndOrder() {
    Certificate ca =
        issuer.selfSignedCa(
            FULL_SUBJECT, TestKeys.key(TestKeys.P256, "ca"), NOW, Duration.ofDays(30));

    RDN[] rdns = ca.holder().getSubject().getRDNs();
    assertThat(Stream.of(rdns).map(r -> r.getFirst().getType()))
        .containsExactly(
            BCStyle.C,
            BCStyle.ST,
            BCStyle.L,
            BCStyle.O,
            BCStyle.OU,
            BCStyle.CN,
            BCStyle.EmailAddress);
    assertThat(rdns[0].getFirst().getValue()).isInstanceOf(DERPrintableString.class);
    assertThat(rdns[1].getFirst().getValue()).isInstanceOf(DERUTF8String.class);
    assertThat(rdns[5].getFirst().getValue()).isInstanceOf(DERUTF8String.class);
    assertThat(rdns[6].getFirst().getValue()).isInstanceOf(DERIA5String.class);
    assertThat(ca.facts().subjectDn())
        .isEqualTo(
            "emailAddress=pki@example.com,CN=Example CA,OU=Platform,O=Example Corp,"
                + "L=München,ST=Bayern,C=DE");
  }

  static Stream<Arguments> signatureAlgorithms() {
    return Stream.of(
        Arguments.of(TestKeys.P256, "SHA256withECDSA"),
        Arguments.of(TestKeys.P384, "SHA384withECDSA"),
        Arguments.of(TestKeys.P521, "SHA512withECDSA"),
        Arguments.of(TestKeys.RSA2048, "SHA256withRSA"),
        Arguments.of(TestKeys.RSA3072, "SHA256withRSA"),
        Arguments.of(TestKeys.ED25519, "Ed25519"));
  }

  @ParameterizedTest
  @MethodSource("signatureAlgorithms")
  void testSelfSignedCa_signatureAlgorithmFollowsTheKey(KeySpec spec, String algorithm) {
    assertThat(TestPki.ca(spec).facts().signatureAlgorithm()).isEqualTo(algorithm);
  }

  @Test
  void testSelfSignedCa_emptySubjectIsRefused() {
    assertThatThrownBy(
            () ->
                issuer.selfSignedCa(
                    Subject.empty(), TestKeys.key(TestKeys.P256, "ca"), NOW, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("subject");
  }

  @Test
  void testSelfSignedCa_serialsDiffer() {
    KeyMaterial key = TestKeys.key(TestKeys.P256, "ca");

    BigInteger a =
        issuer.selfSignedCa(FULL_SUBJECT, key, NOW, Duration.ofDays(1)).facts().serialNumber();
    BigInteger b =
        issuer.selfSignedCa(FULL_SUBJECT, key, NOW, Duration.ofDays(1)).facts().serialNumber();

    assertThat(a).isNotEqualTo(b);
  }

  // --- server profile ---

  @ParameterizedTest
  @MethodSource("specs")
  void testServer_hasTheServerProfile(KeySpec spec) {
    Certificate ca = TestPki.ca(TestKeys.P256);
    KeyMaterial key = TestKeys.key(spec, "server");
    ServerProfile profile =
        new ServerProfile(
            TestPki.subject(null, "Example Corp", null),
            List.of("portal.example.com", "portal"),
            List.of(ip("192.0.2.10"), ip("2001:db8::10")),
            Duration.ofDays(398),
            false);

    Certificate server = issuer.server(profile, key, ca, TestKeys.key(TestKeys.P256, "ca"), NOW);

    CertificateFacts facts = server.facts();
    X509CertificateHolder holder = server.holder();
    assertThat(holder.getVersionNumber()).isEqualTo(3);
    assertThat(facts.serialNumber()).isPositive();
    assertThat(facts.serialNumber().bitLength()).isLessThanOrEqualTo(127);
    assertThat(facts.ca()).isFalse();
    assertThat(facts.pathLength()).isEmpty();
    assertThat(holder.getExtension(Extension.basicConstraints).isCritical()).isTrue();
    assertThat(holder.getExtension(Extension.keyUsage).isCritical()).isTrue();
    int usage =
        KeyUsage.digitalSignature | (spec instanceof KeySpec.Rsa ? KeyUsage.keyEncipherment : 0);
    assertThat(KeyUsage.fromExtensions(holder.getExtensions())).isEqualTo(new KeyUsage(usage));
    assertThat(facts.extendedKeyUsages()).containsExactly(CertificateFacts.EKU_SERVER_AUTH);
    assertThat(holder.getExtension(Extension.extendedKeyUsage).isCritical()).isFalse();
    assertThat(facts.dnsNames()).containsExactly("portal.example.com", "portal");
    assertThat(facts.ipAddresses()).containsExactly(ip("192.0.2.10"), ip("2001:db8::10"));
    assertThat(holder.getExtension(Extension.subjectAlternativeName).isCritical()).isFalse();
    assertThat(facts.subject())
        .isEqualTo(TestPki.subject("portal.example.com", "Example Corp", null));
    assertThat(facts.subjectKeyId()).contains(method1KeyId(key));
    assertThat(facts.authorityKeyId()).isEqualTo(ca.facts().subjectKeyId());
    assertThat(facts.issuerDn()).isEqualTo(ca.facts().subjectDn());
    assertThat(facts.publicKey()).isEqualTo(key.facts());
    assertThat(facts.notBefore()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(facts.notAfter()).isEqualTo(NOW.minus(Duration.ofHours(1)).plus(Duration.ofDays(398)));
    assertThat(server.isSignedBy(ca)).isTrue();
  }

  @Test
  void testServer_neverOutlivesItsCa() {
    KeyMaterial caKey = TestKeys.key(TestKeys.P256, "ca");
    Certificate ca = issuer.selfSignedCa(FULL_SUBJECT, caKey, NOW, Duration.ofDays(30));

    Certificate server =
        issuer.server(TestPki.profile("a.example"), TestKeys.key(TestKeys.P256, "server"), ca, caKey, NOW);

    assertThat(server.facts().notAfter()).isEqualTo(ca.facts().notAfter());
    assertThat(server.facts().notBefore()).isEqualTo(NOW.minus(Duration.ofHours(1)));
  }

  @Test
  void testServer_clientAuthAddsTheEku() {
    ServerProfile profile =
        new ServerProfile(
            Subject.empty(), List.of("a.example"), List.of(), Duration.ofDays(1), true);

    Certificate server =
        issuer.server(
            profile,
            TestKeys.key(TestKeys.P256, "server"),
            TestPki.ca(TestKeys.P256),
            TestKeys.key(TestKeys.P256, "ca"),
            NOW);

    assertThat(server.facts().extendedKeyUsages())
        .containsExactly(CertificateFacts.EKU_SERVER_AUTH, CertificateFacts.EKU_CLIENT_AUTH);
  }

  @Test
  void testServer_theUsagesAreThoseOfTheProfileServerAuthFirst() {
    ServerProfile clientOnly =
        new ServerProfile(
            Subject.empty(), List.of("a.example"), List.of(), Duration.ofDays(1), Set.of(KeyPurpose.CLIENT_AUTH));
    ServerProfile both =
        new ServerProfile(
            Subject.empty(), List.of("a.example"), List.of(), Duration.ofDays(1),
            Set.of(KeyPurpose.CLIENT_AUTH, KeyPurpose.SERVER_AUTH));

    assertThat(serverFor(clientOnly).facts().extendedKeyUsages()).containsExactly(CertificateFacts.EKU_CLIENT_AUTH);
    assertThat(serverFor(both).facts().extendedKeyUsages())
        .containsExactly(CertificateFacts.EKU_SERVER_AUTH, CertificateFacts.EKU_CLIENT_AUTH);
  }

  @Test
  void testServer_aCrlUrlBecomesTheDistributionPoint() throws Exception {
    Certificate server =
        issuer.server(
            TestPki.profile("a.example"), TestKeys.key(TestKeys.P256, "server").publicKey(), TestPki.ca(TestKeys.P256),
            TestKeys.key(TestKeys.P256, "ca"), NOW, Optional.of(URI.create("http://pki.example/fleet.crl")));

    assertThat(server.crlDistributionPoints()).containsExactly("http://pki.example/fleet.crl");
    assertThat(server.holder().getExtension(Extension.cRLDistributionPoints).isCritical()).isFalse();
    assertThat(serverFor(TestPki.profile("a.example")).crlDistributionPoints()).as("without a URL, none").isEmpty();
  }

  @Test
  void testSelfSignedCa_nameConstraintsAreCriticalAndReadBack() throws Exception {
    NameConstraints constraints =
        new NameConstraints(
            List.of("corp.example", "web1"), List.of(IpNetwork.parse("192.0.2.0/24").orElseThrow()),
            List.of("lab.corp.example"),
            List.of(IpNetwork.parse("0.0.0.0/0").orElseThrow(), IpNetwork.parse("2001:db8::/32").orElseThrow()));

    Certificate ca =
        issuer.selfSignedCa(
            Subject.commonName("Constrained CA"), TestKeys.key(TestKeys.P256, "ca"), NOW, Duration.ofDays(10),
            Optional.of(constraints));

    assertThat(ca.nameConstraints()).contains(constraints);
    assertThat(Certificate.fromDer(ca.der()).facts().nameConstraints()).as("facts of the parsed CA").contains(constraints);
    assertThat(ca.holder().getExtension(Extension.nameConstraints).isCritical()).isTrue();
    assertThat(TestPki.ca(TestKeys.P256).nameConstraints()).as("none asked, none there").isEmpty();
    assertThat(
            issuer.selfSignedCa(
                    Subject.commonName("CA"), TestKeys.key(TestKeys.P256, "ca"), NOW, Duration.ofDays(10),
                    Optional.of(NameConstraints.NONE))
                .nameConstraints())
        .as("empty constraints are no extension")
        .isEmpty();
  }

  @Test
  void testFromDer_aMalformedNameConstraintsExtensionIsNoValidCertificate() throws Exception {
    byte[] der =
        issuer.selfSignedCa(
                Subject.commonName("CA"), TestKeys.key(TestKeys.P256, "ca"), NOW, Duration.ofDays(10),
                Optional.of(new NameConstraints(List.of("corp.example"), List.of(), List.of(), List.of())))
            .der();
    // OID 2.5.29.30, critical TRUE, OCTET STRING: its SEQUENCE becomes a SET.
    byte[] oid = {0x06, 0x03, 0x55, 0x1d, 0x1e, 0x01, 0x01, (byte) 0xff, 0x04};
    int at = java.util.Collections.indexOfSubList(
        java.util.Arrays.asList(box(der)), java.util.Arrays.asList(box(oid)));
    assertThat(der[at + oid.length + 1]).isEqualTo((byte) 0x30);
    der[at + oid.length + 1] = 0x31;

    assertThatThrownBy(() -> Certificate.fromDer(der))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageStartingWith("is not a valid X.509 certificate");
  }

  private static Byte[] box(byte[] bytes) {
    Byte[] boxed = new Byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      boxed[i] = bytes[i];
    }
    return boxed;
  }

  @Test
  void testSelfSignedCa_opensslPrintsTheNameConstraints() throws Exception {
    Tool.OPENSSL.require();
    Certificate ca =
        issuer.selfSignedCa(
            Subject.commonName("Constrained CA"), TestKeys.key(TestKeys.P256, "ca"), NOW, Duration.ofDays(10),
            Optional.of(
                new NameConstraints(
                    List.of("corp.example"), List.of(IpNetwork.parse("192.0.2.0/24").orElseThrow()), List.of(),
                    List.of(IpNetwork.parse("::/0").orElseThrow()))));
    Files.writeString(dir.resolve("ca.pem"), ca.pem());

    String text = Tool.OPENSSL.command("x509", "-in", "ca.pem", "-noout", "-ext", "nameConstraints").in(dir).run().assertSucceeded().output();

    assertThat(text)
        .contains("X509v3 Name Constraints: critical", "Permitted:", "DNS:corp.example",
            "IP:192.0.2.0/255.255.255.0", "Excluded:", "IP:0:0:0:0:0:0:0:0/0:0:0:0:0:0:0:0");
  }

  private Certificate serverFor(ServerProfile profile) {
    return issuer.server(
        profile, TestKeys.key(TestKeys.P256, "server"), TestPki.ca(TestKeys.P256), TestKeys.key(TestKeys.P256, "ca"), NOW);
  }

  @Test
  void testServer_givenCommonNameIsKept() {
    ServerProfile profile =
        new ServerProfile(
            Subject.commonName("Portal"),
            List.of("a.example"),
            List.of(),
            Duration.ofDays(1),
            false);

    Certificate server =
        issuer.server(
            profile,
            TestKeys.key(TestKeys.P256, "server"),
            TestPki.ca(TestKeys.P256),
            TestKeys.key(TestKeys.P256, "ca"),
            NOW);

    assertThat(server.facts().subjectDn()).isEqualTo("CN=Portal");
  }

  @Test
  void testServer_withoutNameOrCommonNameHasEmptySubjectAndCriticalSan() {
    ServerProfile profile =
        new ServerProfile(
            Subject.empty(), List.of(), List.of(ip("192.0.2.7")), Duration.ofDays(1), false);

    Certificate server =
        issuer.server(
            profile,
            TestKeys.key(TestKeys.P256, "server"),
            TestPki.ca(TestKeys.P256),
            TestKeys.key(TestKeys.P256, "ca"),
            NOW);

    assertThat(server.facts().subjectDn()).isEmpty();
    assertThat(server.holder().getExtension(Extension.subjectAlternativeName).isCritical())
        .isTrue();
  }

  @Test
  void testServer_signatureAlgorithmFollowsTheCaKey() {
    Certificate server = TestPki.server(TestKeys.P384, TestPki.ca(TestKeys.P384), TestKeys.P256);

    assertThat(server.facts().signatureAlgorithm()).isEqualTo("SHA384withECDSA");
    assertThat(server.facts().publicKey().spec()).contains(TestKeys.P256);
  }

  @Test
  void testServer_certifiesARequestsPublicKey() throws Exception {
    KeyMaterial otherHost = TestKeys.key(TestKeys.P256, "other-host");
    ParsedCsr csr =
        CertificationRequest.parse(
            CertificationRequest.create(
                Subject.empty(), List.of("other.example"), List.of(), false, otherHost));

    Certificate server =
        issuer.server(
            new ServerProfile(
                csr.facts().subject(),
                csr.facts().dnsNames(),
                csr.facts().ipAddresses(),
                Duration.ofDays(90),
                csr.requestsClientAuth()),
            csr.publicKey(),
            TestPki.ca(TestKeys.P256),
            TestKeys.key(TestKeys.P256, "ca"),
            NOW);

    assertThat(otherHost.matches(server)).isTrue();
    assertThat(server.facts().dnsNames()).containsExactly("other.example");
  }

  @Test
  void testServer_caKeyMustBelongToTheCaCertificate() {
    Certificate ca = TestPki.ca(TestKeys.P256);

    assertThatThrownBy(
            () ->
                issuer.server(
                    TestPki.profile("a.example"),
                    TestKeys.key(TestKeys.P256, "server"),
                    ca,
                    TestKeys.key(TestKeys.P256, "not-the-ca"),
                    NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong");
  }

  @Test
  void testServer_issuerMustBeACa() {
    Certificate ca = TestPki.ca(TestKeys.P256);
    Certificate leaf = TestPki.server(TestKeys.P256, ca, TestKeys.P256);

    assertThatThrownBy(
            () ->
                issuer.server(
                    TestPki.profile("a.example"),
                    TestKeys.key(TestKeys.P256, "x"),
                    leaf,
                    TestKeys.key(TestKeys.P256, "server"),
                    NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a CA");
  }

  // --- interop ---

  @ParameterizedTest
  @MethodSource("specs")
  void testServer_opensslVerifiesStrictlyForSslServer(KeySpec spec) throws IOException {
    Tool.OPENSSL.require();
    Certificate ca = TestPki.ca(spec);
    Certificate server = TestPki.server(spec, ca, spec);
    Files.writeString(dir.resolve("ca.pem"), ca.pem());
    Files.writeString(dir.resolve("server.pem"), server.pem());

    ProcessResult result =
        Tool.OPENSSL.command("verify", "-x509_strict", "-purpose", "sslserver", "-attime", Long.toString(NOW.getEpochSecond()), "-CAfile", "ca.pem", "server.pem").in(dir).run();

    assertThat(result.output()).contains("server.pem: OK");
    result.assertSucceeded();
  }

  @Test
  void testServer_opensslVerifiesAcrossKeyKinds() throws IOException {
    Tool.OPENSSL.require();
    Certificate ca = TestPki.ca(TestKeys.RSA2048);
    Certificate server = TestPki.server(TestKeys.RSA2048, ca, TestKeys.P256);
    Files.writeString(dir.resolve("ca.pem"), ca.pem());
    Files.writeString(dir.resolve("server.pem"), server.pem());

    Tool.OPENSSL.command("verify", "-x509_strict", "-purpose", "sslserver", "-attime", Long.toString(NOW.getEpochSecond()), "-CAfile", "ca.pem", "server.pem").in(dir).run()
        .assertSucceeded();
  }

  @Test
  void testServer_opensslRefusesItAfterExpiry() throws IOException {
    Tool.OPENSSL.require();
    Certificate ca = TestPki.ca(TestKeys.P256);
    Certificate server = TestPki.server(TestKeys.P256, ca, TestKeys.P256);
    Files.writeString(dir.resolve("ca.pem"), ca.pem());
    Files.writeString(dir.resolve("server.pem"), server.pem());
    Instant later = NOW.plus(Duration.ofDays(399));

    ProcessResult result =
        Tool.OPENSSL.command("verify", "-x509_strict", "-purpose", "sslserver", "-attime", Long.toString(later.getEpochSecond()), "-CAfile", "ca.pem", "server.pem").in(dir).run();

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("expired");
  }

  private static String method1KeyId(KeyMaterial key) {
    try {
      byte[] bits =
          org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(
                  ASN1Primitive.fromByteArray(key.publicKey().der()))
              .getPublicKeyData()
              .getBytes();
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bits));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
