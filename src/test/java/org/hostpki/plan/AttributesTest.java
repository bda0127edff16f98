package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.host;

import java.time.Duration;
import java.util.List;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.junit.jupiter.api.Test;

/**
 * A certificate's attributes are made from its facts when asked (a plan of 100,000 trusted
 * certificates no longer holds a map per change): the same values, in the same order, as the map
 * built attribute by attribute, and they compare, hash and print alike.
 */
class AttributesTest {
  private static Attributes builtByHand(CertificateFacts c) {
    Attributes a =
        Attributes.none()
            .with("subject", c.subjectDn())
            .with("issuer", c.issuerDn())
            .with("key", c.publicKey().spec().map(KeySpec::toString).orElse("other"))
            .with("not_after", c.notAfter())
            .with("sha256", c.fingerprint());
    if (!c.dnsNames().isEmpty()) {
      a = a.with("dns_names", c.dnsNames());
    }
    if (!c.ipAddresses().isEmpty()) {
      a = a.with("ip_addresses", IpAddresses.format(c.ipAddresses()));
    }
    return a;
  }

  @Test
  void testOf_aCertificatesAttributesAreThoseBuiltOneByOneAndBehaveAlike() {
    CertificateFacts ca =
        Fixtures.caCert("ca", Subject.commonName("Test CA"), Fixtures.key(new KeySpec.Ec(KeySpec.Curve.P256), "ca"),
            NOW, Duration.ofDays(3650));
    CertificateFacts server =
        Fixtures.serverCert("server", Fixtures.desired(), host("portal", "example.com", "192.0.2.10"), ca,
            Fixtures.key(new KeySpec.Ec(KeySpec.Curve.P256), "server"), NOW);

    for (CertificateFacts c : List.of(ca, server, Fixtures.trusted("root", NOW.plus(Duration.ofDays(99))))) {
      Attributes lazy = Attributes.of(c);
      Attributes expected = builtByHand(c);

      assertThat(lazy.values()).containsExactlyEntriesOf(expected.values());
      assertThat(lazy.values()).isEqualTo(Attributes.of(c).values());
      assertThat(lazy).isEqualTo(expected).hasSameHashCodeAs(expected).hasToString(expected.toString());
      assertThat(expected).isEqualTo(lazy);
      assertThat(lazy.isEmpty()).isFalse();
      assertThat(lazy.text("subject")).contains(c.subjectDn());
      assertThat(lazy.with("trusted_until", NOW).values())
          .containsAllEntriesOf(expected.values())
          .containsEntry("trusted_until", new Attribute.Time(NOW))
          .hasSize(expected.values().size() + 1);
    }
    assertThat(Attributes.of(server).values()).containsKeys("dns_names", "ip_addresses");
    assertThat(Attributes.of(ca)).isNotEqualTo(Attributes.of(server));
  }
}
