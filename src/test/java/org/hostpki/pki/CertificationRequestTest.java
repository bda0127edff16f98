package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.pki.TestPki.ip;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.TestKeys;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Execution(ExecutionMode.CONCURRENT)
class CertificationRequestTest {
  @TempDir Path dir;

  static Stream<KeySpec> specs() {
    return TestKeys.ALL_SPECS.stream();
  }

  private static byte[] request(KeySpec spec, boolean clientAuth) {
    return CertificationRequest.create(
        TestPki.subject(null, "Example Corp", "US"),
        List.of("portal.example.com", "portal"),
        List.of(ip("192.0.2.10"), ip("2001:db8::10")),
        clientAuth,
        TestKeys.key(spec, "server"));
  }

  @ParameterizedTest
  @MethodSource("specs")
  void testCreate_readsBackWithItsFacts(KeySpec spec) throws Exception {
    CsrFacts facts = CertificationRequest.read(request(spec, false));

    assertThat(facts.subject())
        .isEqualTo(TestPki.subject("portal.example.com", "Example Corp", "US"));
    assertThat(facts.subjectDn()).isEqualTo("CN=portal.example.com,O=Example Corp,C=US");
    assertThat(facts.dnsNames()).containsExactly("portal.example.com", "portal");
    assertThat(facts.ipAddresses()).containsExactly(ip("192.0.2.10"), ip("2001:db8::10"));
    assertThat(facts.publicKey()).isEqualTo(TestKeys.key(spec, "server").facts());
    assertThat(facts.signatureValid()).isTrue();
  }

  @Test
  void testParse_requestWithAUtf8ByteOrderMark() throws Exception {
    KeyMaterial key = TestKeys.key(TestKeys.P256, "bom");
    byte[] pem = CertificationRequest.create(Subject.empty(), List.of("m1.example.com"), List.of(), false, key, new java.security.SecureRandom());
    byte[] withBom = new byte[pem.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(pem, 0, withBom, 3, pem.length);

    assertThat(CertificationRequest.parse(withBom).der()).isEqualTo(CertificationRequest.parse(pem).der());
  }

  @Test
  void testCreate_isPemCertificateRequest() {
    String pem = new String(request(TestKeys.P256, false), StandardCharsets.US_ASCII);

    assertThat(pem)
        .startsWith("-----BEGIN CERTIFICATE REQUEST-----\n")
        .endsWith("-----END CERTIFICATE REQUEST-----\n");
  }

  @Test
  void testCreate_requestsServerExtensions() throws Exception {
    ParsedCsr csr = CertificationRequest.parse(request(TestKeys.RSA2048, false));
    PKCS10CertificationRequest request = new PKCS10CertificationRequest(csr.der());
    org.bouncycastle.asn1.x509.Extensions extensions = request.getRequestedExtensions();

    assertThat(KeyUsage.fromExtensions(extensions))
        .isEqualTo(new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    assertThat(extensions.getExtension(Extension.keyUsage).isCritical()).isTrue();
    assertThat(extensions.getExtension(Extension.subjectAlternativeName).isCritical()).isFalse();
    assertThat(extensions.getExtension(Extension.extendedKeyUsage)).isNotNull();
    assertThat(csr.requestsClientAuth()).isFalse();
  }

  @Test
  void testCreate_clientAuthIsRequested() throws Exception {
    assertThat(CertificationRequest.parse(request(TestKeys.P256, true)).requestsClientAuth())
        .isTrue();
  }

  @Test
  void testCreate_withoutNamesIsRefused() {
    assertThatThrownBy(
            () ->
                CertificationRequest.create(
                    Subject.commonName("x"),
                    List.of(),
                    List.of(),
                    false,
                    TestKeys.key(TestKeys.P256, "server")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void testCreate_ipOnlyHasEmptySubjectAndCriticalSan() throws Exception {
    byte[] pem =
        CertificationRequest.create(
            Subject.empty(),
            List.of(),
            List.of(ip("192.0.2.10")),
            false,
            TestKeys.key(TestKeys.P256, "server"));

    ParsedCsr csr = CertificationRequest.parse(pem);

    assertThat(csr.facts().subjectDn()).isEmpty();
    assertThat(
            new PKCS10CertificationRequest(csr.der())
                .getRequestedExtensions()
                .getExtension(Extension.subjectAlternativeName)
                .isCritical())
        .isTrue();
  }

  @Test
  void testParse_acceptsDer() throws Exception {
    ParsedCsr pem = CertificationRequest.parse(request(TestKeys.P256, false));

    ParsedCsr der = CertificationRequest.parse(pem.der());

    assertThat(der).isEqualTo(pem);
    assertThat(der.facts()).isEqualTo(pem.facts());
  }

  @Test
  void testParse_publicKeyIsTheRequestersKey() throws Exception {
    ParsedCsr csr = CertificationRequest.parse(request(TestKeys.ED25519, false));

    assertThat(csr.publicKey().sameKey(TestKeys.key(TestKeys.ED25519, "server").publicKey()))
        .isTrue();
  }

  @Test
  void testParse_tamperedRequestHasInvalidSignature() throws Exception {
    byte[] der = CertificationRequest.parse(request(TestKeys.P256, false)).der();
    String dns = "portal.example.com";
    byte[] needle = dns.getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(der, needle);
    der[at] = 'q'; // qortal.example.com: still well-formed, no longer what was signed

    CsrFacts facts = CertificationRequest.read(der);

    assertThat(facts.signatureValid()).isFalse();
  }

  @Test
  void testParse_garbageIsRefused() {
    assertThatThrownBy(
            () -> CertificationRequest.parse("hello".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("no certificate request");
    assertThatThrownBy(() -> CertificationRequest.parse(new byte[0]))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage("is empty");
  }

  @Test
  void testParse_certificateIsRefused() {
    byte[] pem = TestPki.ca(TestKeys.P256).pem().getBytes(StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> CertificationRequest.parse(pem))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("is a CERTIFICATE, not a CERTIFICATE REQUEST");
  }

  @Test
  void testParse_privateKeyIsRefused() {
    byte[] pem = TestKeys.key(TestKeys.P256, "a").pkcs8Pem();

    assertThatThrownBy(() -> CertificationRequest.parse(pem))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("contains a PRIVATE KEY, not a certificate request");
  }

  @Test
  void testParse_derCertificateIsRefused() {
    byte[] der = TestPki.ca(TestKeys.P256).der();

    assertThatThrownBy(() -> CertificationRequest.parse(der))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageContaining("not a valid certificate request");
  }

  @ParameterizedTest
  @MethodSource("specs")
  void testCreate_opensslVerifiesTheRequestAndShowsTheSans(KeySpec spec) throws Exception {
    Tool.OPENSSL.require();
    Files.write(dir.resolve("server.csr"), request(spec, true));

    ProcessResult result =
        Tool.OPENSSL.command("req", "-in", "server.csr", "-verify", "-noout", "-text").in(dir).run().assertSucceeded();

    assertThat(result.output())
        .contains("verify OK")
        .contains("Requested Extensions:")
        .contains("X509v3 Subject Alternative Name")
        .contains(
            "DNS:portal.example.com, DNS:portal, IP Address:192.0.2.10, IP"
                + " Address:2001:DB8:0:0:0:0:0:10")
        .contains("TLS Web Server Authentication, TLS Web Client Authentication")
        .contains("Subject: C = US, O = Example Corp, CN = portal.example.com");
  }

  @Test
  void testParse_readsAnOpensslMadeRequest() throws Exception {
    Tool.OPENSSL.require();
    Tool.OPENSSL.command("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", "k.pem", "-out", "r.csr", "-subj", "/O=Other/CN=other.example", "-addext", "subjectAltName=DNS:other.example,IP:198.51.100.4").in(dir).run()
        .assertSucceeded();

    ParsedCsr csr = CertificationRequest.parse(Files.readAllBytes(dir.resolve("r.csr")));

    assertThat(csr.facts().subjectDn()).isEqualTo("CN=other.example,O=Other");
    assertThat(csr.facts().dnsNames()).containsExactly("other.example");
    assertThat(csr.facts().ipAddresses()).containsExactly(ip("198.51.100.4"));
    assertThat(csr.facts().publicKey().spec()).contains(TestKeys.P384);
    assertThat(csr.facts().signatureValid()).isTrue();
    assertThat(
            csr.publicKey()
                .sameKey(KeyMaterial.fromPem(Files.readAllBytes(dir.resolve("k.pem"))).publicKey()))
        .isTrue();
  }

  private static int indexOf(byte[] data, byte[] needle) {
    outer:
    for (int i = 0; i <= data.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
