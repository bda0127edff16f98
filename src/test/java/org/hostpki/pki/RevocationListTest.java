package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.RevokedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.TestKeys;

@Execution(ExecutionMode.CONCURRENT)
class RevocationListTest {
  private static final Instant THIS_UPDATE = TestPki.NOW;
  private static final Instant NEXT_UPDATE = THIS_UPDATE.plus(Duration.ofDays(7));
  private static final RevokedCertificate KEY_COMPROMISE =
      new RevokedCertificate(BigInteger.valueOf(0x1234), THIS_UPDATE.minusSeconds(60), RevocationReason.KEY_COMPROMISE);
  private static final RevokedCertificate UNSPECIFIED =
      new RevokedCertificate(new BigInteger("7fffffffffffffffffffffffffffffff", 16), THIS_UPDATE, RevocationReason.UNSPECIFIED);

  @TempDir Path dir;

  private static RevocationList issue(KeySpec spec, long number, List<RevokedCertificate> revoked) {
    return RevocationList.issue(
        TestPki.ca(spec), TestKeys.key(spec, "ca"), BigInteger.valueOf(number), THIS_UPDATE, NEXT_UPDATE,
        revoked, TestKeys.RANDOM);
  }

  @Test
  void testIssue_factsReadBackAsIssued() throws Exception {
    RevocationList crl = issue(TestKeys.P256, 7, List.of(KEY_COMPROMISE, UNSPECIFIED));

    CrlFacts facts = RevocationList.parse(crl.pem().getBytes(StandardCharsets.US_ASCII)).facts();

    assertThat(facts.issuerDn()).isEqualTo(TestPki.ca(TestKeys.P256).facts().subjectDn());
    assertThat(facts.number()).contains(BigInteger.valueOf(7));
    assertThat(facts.thisUpdate()).isEqualTo(THIS_UPDATE);
    assertThat(facts.nextUpdate()).contains(NEXT_UPDATE);
    assertThat(facts.revoked()).containsExactly(KEY_COMPROMISE, UNSPECIFIED);
    assertThat(facts.authorityKeyId()).isEqualTo(TestPki.ca(TestKeys.P256).facts().subjectKeyId());
    assertThat(facts.signatureAlgorithm()).isEqualTo("SHA256withECDSA");
    assertThat(facts.fingerprint()).isEqualTo(org.hostpki.model.Fingerprint.sha256(crl.der()));
  }

  @Test
  void testIssue_anEmptyCrlHasNoEntries() throws Exception {
    RevocationList crl = issue(TestKeys.P256, 1, List.of());

    assertThat(RevocationList.parse(crl.der()).facts().revoked()).isEmpty();
  }

  static List<KeySpec> caKeys() {
    return List.of(TestKeys.P256, TestKeys.P384, TestKeys.RSA2048, TestKeys.ED25519);
  }

  @ParameterizedTest
  @MethodSource("caKeys")
  void testIssue_signedWithTheCaCertificatesOwnAlgorithm(KeySpec spec) {
    RevocationList crl = issue(spec, 1, List.of(KEY_COMPROMISE));

    assertThat(crl.facts().signatureAlgorithm()).isEqualTo(TestPki.ca(spec).facts().signatureAlgorithm());
    assertThat(crl.isSignedBy(TestPki.ca(spec))).isTrue();
  }

  @Test
  void testIsSignedBy_anotherCaIsNotTheIssuer() {
    RevocationList crl = issue(TestKeys.P256, 1, List.of());

    assertThat(crl.isSignedBy(TestPki.ca(TestKeys.P384))).isFalse();
  }

  @Test
  void testIsSignedBy_aCrlWithAnAlteredEntryDoesNotVerify() throws Exception {
    byte[] der = issue(TestKeys.P256, 1, List.of(KEY_COMPROMISE)).der();
    byte[] serial = BigInteger.valueOf(0x1234).toByteArray();
    for (int i = 0; i + 1 < der.length; i++) {
      if (der[i] == serial[0] && der[i + 1] == serial[1]) {
        der[i + 1] ^= 0x01; // another serial: the signature no longer covers it
        break;
      }
    }

    assertThat(RevocationList.parse(der).isSignedBy(TestPki.ca(TestKeys.P256))).isFalse();
  }

  @Test
  void testIssue_refusesAKeyThatIsNotTheCas() {
    assertThatThrownBy(
            () ->
                RevocationList.issue(
                    TestPki.ca(TestKeys.P256), TestKeys.key(TestKeys.P256, "other"), BigInteger.ONE, THIS_UPDATE,
                    NEXT_UPDATE, List.of(), TestKeys.RANDOM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong");
  }

  @Test
  void testIssue_refusesANextUpdateNotAfterThisUpdate() {
    assertThatThrownBy(
            () ->
                RevocationList.issue(
                    TestPki.ca(TestKeys.P256), TestKeys.key(TestKeys.P256, "ca"), BigInteger.ONE, THIS_UPDATE,
                    THIS_UPDATE, List.of(), TestKeys.RANDOM))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void testRenewalTime_isWhenAThirdOfTheValidityIsLeft() {
    CrlFacts facts = issue(TestKeys.P256, 1, List.of()).facts();

    assertThat(facts.renewalTime()).contains(NEXT_UPDATE.minus(Duration.ofDays(7).dividedBy(3)));
  }

  @Test
  void testParse_refusesWhatIsNoCrl() {
    assertThatThrownBy(() -> RevocationList.parse(new byte[0])).hasMessage("is empty");
    assertThatThrownBy(() -> RevocationList.parse(TestPki.ca(TestKeys.P256).pem().getBytes(StandardCharsets.US_ASCII)))
        .hasMessage("block 1 (CERTIFICATE, line 1) is a CERTIFICATE, not an X509 CRL");
    assertThatThrownBy(() -> RevocationList.parse(TestPki.ca(TestKeys.P256).der()))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessageStartingWith("is not a valid CRL");
    assertThatThrownBy(() -> RevocationList.parse("hello".getBytes(StandardCharsets.US_ASCII)))
        .hasMessage("is neither a PEM CRL (-----BEGIN X509 CRL-----) nor DER");
    String two = issue(TestKeys.P256, 1, List.of()).pem() + issue(TestKeys.P256, 2, List.of()).pem();
    assertThatThrownBy(() -> RevocationList.parse(two.getBytes(StandardCharsets.US_ASCII)))
        .hasMessageStartingWith("holds more than one CRL");
    assertThatThrownBy(() -> RevocationList.parse(TestKeys.key(TestKeys.P256, "ca").pkcs8Pem()))
        .hasMessageContaining("(a private key!)");
  }

  @Test
  void testParse_readsWhatOpensslWrites() throws Exception {
    Tool.OPENSSL.require();
    Files.writeString(dir.resolve("ca.crt"), TestPki.ca(TestKeys.P256).pem());
    Files.write(dir.resolve("ca.key"), TestKeys.key(TestKeys.P256, "ca").pkcs8Pem());
    Files.writeString(dir.resolve("index.txt"), "R\t300101000000Z\t260110000000Z,superseded\t1234\tunknown\t/CN=x\n");
    Files.writeString(dir.resolve("crlnumber"), "05\n");
    Files.writeString(
        dir.resolve("ca.cnf"),
        "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\n"
            + "default_crl_days = 30\n");

    Tool.OPENSSL.command("ca", "-config", "ca.cnf", "-gencrl", "-cert", "ca.crt", "-keyfile", "ca.key", "-out", "o.crl").in(dir).run()
        .assertSucceeded();
    CrlFacts facts = RevocationList.parse(Files.readAllBytes(dir.resolve("o.crl"))).facts();

    assertThat(facts.number()).contains(BigInteger.valueOf(5));
    assertThat(facts.revoked())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.serial()).isEqualTo(BigInteger.valueOf(0x1234));
              assertThat(e.reason()).isEqualTo(RevocationReason.SUPERSEDED);
              assertThat(e.revocationDate()).isEqualTo(Instant.parse("2026-01-10T00:00:00Z"));
            });
    assertThat(RevocationList.parse(Files.readAllBytes(dir.resolve("o.crl"))).isSignedBy(TestPki.ca(TestKeys.P256)))
        .isTrue();
  }

  @Test
  void testIssue_opensslVerifiesItAndReadsTheSameEntries() throws Exception {
    Tool.OPENSSL.require();
    Files.writeString(dir.resolve("ca.crt"), TestPki.ca(TestKeys.P384).pem());
    Files.writeString(dir.resolve("ca.crl"), issue(TestKeys.P384, 42, List.of(KEY_COMPROMISE, UNSPECIFIED)).pem());

    String text =
        Tool.OPENSSL.command("crl", "-in", "ca.crl", "-CAfile", "ca.crt", "-verify", "-noout", "-text").in(dir).run().assertSucceeded().output();

    assertThat(text).contains("verify OK", "X509v3 CRL Number: \n                42", "Serial Number: 1234", "Key Compromise");
    assertThat(text.split("X509v3 CRL Reason Code").length - 1).as("no reasonCode for unspecified").isEqualTo(1);
  }

  @Test
  void testOpensslIssuerHash_isWhatOpensslCrlHashPrintsAndTheCasSubjectHash() throws Exception {
    Tool.OPENSSL.require();
    RevocationList crl = issue(TestKeys.RSA2048, 1, List.of());
    Files.writeString(dir.resolve("ca.crl"), crl.pem());

    String expected = Tool.OPENSSL.command("crl", "-in", "ca.crl", "-noout", "-hash").in(dir).run().assertSucceeded().output().strip();

    assertThat(SubjectHash.opensslIssuerHash(crl))
        .isEqualTo(expected)
        .isEqualTo(SubjectHash.opensslSubjectHash(TestPki.ca(TestKeys.RSA2048)));
  }

  @Test
  void testIssue_revocationDatesBeyond2049AreGeneralizedTime() throws Exception {
    Instant late = Instant.parse("2051-03-01T12:00:00Z");
    RevocationList crl =
        RevocationList.issue(
            TestPki.ca(TestKeys.P256), TestKeys.key(TestKeys.P256, "ca"), BigInteger.TEN, late, late.plusSeconds(3600),
            List.of(new RevokedCertificate(BigInteger.TWO, late, RevocationReason.SUPERSEDED)), TestKeys.RANDOM);

    CrlFacts facts = RevocationList.parse(crl.der()).facts();

    assertThat(facts.thisUpdate()).isEqualTo(late);
    assertThat(facts.revoked().get(0).revocationDate()).isEqualTo(late);
    assertThat(facts.nextUpdate()).isEqualTo(Optional.of(late.plusSeconds(3600)));
  }
}
