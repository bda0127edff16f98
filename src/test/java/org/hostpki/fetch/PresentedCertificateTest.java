package org.hostpki.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.hostpki.model.TerminalText;
import org.hostpki.model.Validity;
import org.hostpki.model.Validity.State;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.ToolCertificates;
import org.hostpki.testkit.Tool;

class PresentedCertificateTest {
  @TempDir static Path dir;
  private static ToolCertificates.Issued ca;
  private static ToolCertificates.Issued leaf;
  private static ToolCertificates.Issued selfIssued;

  @BeforeAll
  static void makeCertificates() {
    Tool.OPENSSL.require();
    ca = ToolCertificates.opensslCa(dir, "ca", "/C=US/O=Example Corp/CN=Test Device CA");
    leaf =
        ToolCertificates.opensslLeaf(
            dir, "leaf", "/C=US/O=Example, Inc./CN=device.test/emailAddress=ops@example.com", "rsa",
            "DNS:device.test,IP:192.0.2.20,IP:2001:db8:0:0::20,email:ops@example.com,URI:https://device.test/",
            ca);
    // Issuer and subject are the same name, but another key signed it: self-issued, not self-signed.
    ToolCertificates.Issued namesake = ToolCertificates.opensslCa(dir, "namesake", "/CN=same name");
    selfIssued = ToolCertificates.opensslLeaf(dir, "self-issued", "/CN=same name", "ec", "DNS:same.test", namesake);
  }

  @Test
  void testOf_subjectAndIssuerAsRfc4514WithEscapedCommas() {
    PresentedCertificate c = PresentedCertificate.of(0, leaf.load());

    assertThat(c.subject()).isEqualTo("emailAddress=ops@example.com,CN=device.test,O=Example\\, Inc.,C=US");
    assertThat(c.issuer()).isEqualTo("CN=Test Device CA,O=Example Corp,C=US");
    // as OpenSSL prints it in its RFC 2253 form
    assertThat(Commands.run(null, "openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in",
            leaf.certificate().toString()).strip())
        .isEqualTo("subject=" + c.subject());
  }

  @Test
  void testOf_aHostileSubjectReadsAsTheStoreReadsIt_oneLineWithoutControls() throws Exception {
    // One text for a name, whoever reads it: fetch-cert (the JDK) and the store (BouncyCastle).
    Commands.run(
        dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "hostile.key", "-out", "hostile.pem", "-days", "30", "-utf8", "-multivalue-rdn",
        "-subj", "/C=US/O=Evil, CN=Root+OU=x/title=Boss/CN=dev\n    SHA-256      00:11\u001b[1A\u001b[2K\u202e");
    PresentedCertificate c = PresentedCertificate.of(0, ToolCertificates.read(dir.resolve("hostile.pem")).get(0));

    Certificate stored = Pem.readCertificates(Files.readAllBytes(dir.resolve("hostile.pem"))).get(0);
    assertThat(c.subject())
        .isEqualTo(stored.facts().subjectDn())
        .isEqualTo(
            "CN=dev\\0A    SHA-256      00:11\\1B[1A\\1B[2K\\E2\\80\\AE,2.5.4.12=#0c04426f7373,"
                + "O=Evil\\, CN=Root+OU=x,C=US");
    assertThat(TerminalText.hasUnsafe(c.subject())).isFalse();
  }

  @Test
  void testOf_alternativeNamesInCertificateOrderWithCanonicalIpv6() {
    PresentedCertificate c = PresentedCertificate.of(0, leaf.load());

    assertThat(c.alternativeNames())
        .extracting(AlternativeName::toString)
        .containsExactly(
            "DNS:device.test", "IP:192.0.2.20", "IP:2001:db8::20", "email:ops@example.com", "URI:https://device.test/");
  }

  @Test
  void testOf_noAlternativeNames() {
    assertThat(PresentedCertificate.of(1, ca.load()).alternativeNames()).isEmpty();
  }

  @Test
  void testOf_fingerprintIsTheOneOpensslShows() {
    assertThat(PresentedCertificate.of(0, leaf.load()).fingerprint().colonHex())
        .isEqualTo(ToolCertificates.opensslFingerprint(leaf.certificate()));
  }

  @Test
  void testOf_keyAndValidityPeriod() {
    PresentedCertificate c = PresentedCertificate.of(0, leaf.load());

    assertThat(c.key()).hasToString("RSA 2048");
    assertThat(c.notBefore()).isEqualTo(leaf.load().getNotBefore().toInstant());
    assertThat(c.notAfter()).isEqualTo(leaf.load().getNotAfter().toInstant());
  }

  @Test
  void testOf_caIsSelfSignedCa() {
    PresentedCertificate c = PresentedCertificate.of(1, ca.load());

    assertThat(c.ca()).isTrue();
    assertThat(c.selfSigned()).isTrue();
    assertThat(c.role()).isEqualTo("CA");
  }

  @Test
  void testOf_leafIsNeitherCaNorSelfSigned() {
    PresentedCertificate c = PresentedCertificate.of(0, leaf.load());

    assertThat(c.ca()).isFalse();
    assertThat(c.selfSigned()).isFalse();
    assertThat(c.role()).isEqualTo("leaf");
  }

  @Test
  void testOf_selfIssuedButSignedByAnotherKeyIsNotSelfSigned() {
    PresentedCertificate c = PresentedCertificate.of(0, selfIssued.load());

    assertThat(c.subject()).isEqualTo(c.issuer());
    assertThat(c.selfSigned()).isFalse();
  }

  @Test
  void testRole_nonCaAfterTheLeafIsACertificate() {
    assertThat(PresentedCertificate.of(1, leaf.load()).role()).isEqualTo("certificate");
  }

  @Test
  void testValidityAt_judgesAgainstTheGivenMoment() {
    PresentedCertificate c = PresentedCertificate.of(0, leaf.load());
    Instant afterExpiry = c.notAfter().plusSeconds(3 * 86_400 + 60);

    assertThat(c.validityAt(afterExpiry)).isEqualTo(new Validity(State.EXPIRED, -3));
  }
}
