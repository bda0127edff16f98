package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.host;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
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
  /** The attributes a certificate shows, as the JSON plan names them, written out. */
  private static SortedMap<String, Attribute> expected(CertificateFacts c) {
    SortedMap<String, Attribute> m = new TreeMap<>();
    m.put("subject", new Attribute.Text(c.subjectDn()));
    m.put("issuer", new Attribute.Text(c.issuerDn()));
    m.put("key", new Attribute.Text(c.publicKey().spec().orElseThrow().toString()));
    m.put("not_after", new Attribute.Time(c.notAfter()));
    m.put("sha256", new Attribute.Digest(c.fingerprint()));
    if (!c.dnsNames().isEmpty()) {
      m.put("dns_names", new Attribute.Texts(c.dnsNames()));
    }
    if (!c.ipAddresses().isEmpty()) {
      m.put("ip_addresses", new Attribute.Texts(IpAddresses.format(c.ipAddresses())));
    }
    return m;
  }

  /** Attributes held as a map, as every other change's are: the map above, one by one. */
  private static Attributes held(SortedMap<String, Attribute> values) {
    Attributes a = Attributes.none();
    for (Map.Entry<String, Attribute> e : values.entrySet()) {
      if (e.getValue() instanceof Attribute.Text t) {
        a = a.with(e.getKey(), t.value());
      } else if (e.getValue() instanceof Attribute.Texts t) {
        a = a.with(e.getKey(), t.values());
      } else if (e.getValue() instanceof Attribute.Time t) {
        a = a.with(e.getKey(), t.value());
      } else if (e.getValue() instanceof Attribute.Digest d) {
        a = a.with(e.getKey(), d.value());
      }
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
      Attributes expected = held(expected(c));

      assertThat(lazy.values()).containsExactlyEntriesOf(expected(c));
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
