package org.hostpki.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hostpki.model.KeySpec;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.KeyMaterial;
import org.junit.jupiter.api.Test;

class TestCaTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  @Test
  void testSign_aRequestMakesALeafOfTheIntermediateForTheRequestsKeyAndNames() {
    TestCa ca = TestCa.create(NOW);
    KeyMaterial key = TestKeys.freshEc();

    Certificate leaf = ca.sign(TestRequests.pem(key, List.of("portal.example.com"), List.of()), NOW, Duration.ofDays(90));

    assertThat(leaf.isSignedBy(ca.intermediate())).isTrue();
    assertThat(ca.intermediate().isSignedBy(ca.root())).isTrue();
    assertThat(key.matches(leaf)).isTrue();
    assertThat(leaf.facts().dnsNames()).containsExactly("portal.example.com");
    assertThat(leaf.facts().notAfter()).isEqualTo(NOW.plus(Duration.ofDays(90)));
    assertThat(ca.root().facts().ca()).isTrue();
  }

  @Test
  void testBuilder_makesTheBrokenProfilesTooSuchAsSha1AndShortRsa() {
    KeyMaterial weak = TestKeys.shortRsa(1024);

    Certificate sha1 = CertificateBuilder.certificate("old device").selfSigned(weak).signatureAlgorithm("SHA1withRSA").build();

    assertThat(sha1.facts().signatureAlgorithm()).isEqualTo("SHA1withRSA");
    assertThat(weak.facts().spec()).contains(new KeySpec.Rsa(1024));
  }

  @Test
  void testKeys_areEcUnlessAskedAndTheSameForAName() {
    assertThat(TestKeys.ec().facts().spec()).contains(new KeySpec.Ec(KeySpec.Curve.P256));
    assertThat(TestKeys.key(TestKeys.ED25519, "x")).isSameAs(TestKeys.key(TestKeys.ED25519, "x"));
  }
}
