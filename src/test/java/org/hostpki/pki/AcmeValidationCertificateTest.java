package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.hostpki.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class AcmeValidationCertificateTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] DIGEST = new byte[32];

  static {
    Arrays.fill(DIGEST, (byte) 7);
  }

  @Test
  void testForDnsName_oneSanAndTheCriticalAcmeIdentifierHoldingTheDigest() throws Exception {
    KeyMaterial key = TestKeys.key(TestKeys.P256, "alpn");

    Certificate c = AcmeValidationCertificate.forDnsName("portal.example.com", DIGEST, key, TestPki.NOW, RANDOM);

    assertThat(c.facts().dnsNames()).containsExactly("portal.example.com");
    assertThat(c.facts().ipAddresses()).isEmpty();
    Extension acme = c.holder().getExtension(AcmeValidationCertificate.ACME_IDENTIFIER);
    assertThat(acme.isCritical()).isTrue();
    assertThat(ASN1OctetString.getInstance(acme.getParsedValue()).getOctets()).isEqualTo(DIGEST);
    assertThat(c.isSignedBy(c)).isTrue();
    assertThat(c.facts().notBefore()).isBefore(TestPki.NOW);
    assertThat(c.facts().notAfter()).isAfter(TestPki.NOW);
  }

  @Test
  void testForAddress_theAddressAsAnIpSan() throws Exception {
    Certificate c = AcmeValidationCertificate.forAddress(
        InetAddress.getByName("192.0.2.10"), DIGEST, TestKeys.key(TestKeys.P256, "alpn"), Instant.now(), RANDOM);

    assertThat(c.facts().ipAddresses()).containsExactly(InetAddress.getByName("192.0.2.10"));
    assertThat(c.facts().dnsNames()).isEmpty();
  }

  @Test
  void testCreate_refusesADigestThatIsNotSha256() {
    assertThatThrownBy(() -> AcmeValidationCertificate.forDnsName("a.example", new byte[20], TestKeys.key(TestKeys.P256, "alpn"),
        TestPki.NOW, RANDOM)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void testJcaKeys_roundTripsKeysAndCertificates() throws Exception {
    KeyMaterial key = TestKeys.key(TestKeys.P256, "alpn");
    Certificate c = AcmeValidationCertificate.forDnsName("portal.example.com", DIGEST, key, TestPki.NOW, RANDOM);

    java.security.KeyPair pair = JcaKeys.keyPair(key);

    assertThat(pair.getPublic().getEncoded()).isEqualTo(key.publicKey().der());
    assertThat(JcaKeys.fromX509(JcaKeys.x509(c))).isEqualTo(c);
    assertThat(JcaKeys.keyPair(TestKeys.key(TestKeys.ED25519, "ed")).getPrivate().getAlgorithm()).isIn("Ed25519", "EdDSA");
  }
}
