package org.hostpki.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.CaSpec;

import org.hostpki.model.IpAddresses;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.SigningPolicy;
import org.hostpki.model.SubjectAttribute;

/** The {@code ca} section: the internal root CA and what it may sign for other hosts. */
final class CaBinder {
  private final Fields fields;
  private final CertificateParts parts;
  private final SanChecks sans;

  CaBinder(Fields fields) {
    this.fields = fields;
    this.parts = new CertificateParts(fields);
    this.sans = new SanChecks(fields);
  }

  CaSpec bind(YamlNode.Mapping ca) {
    CertificateParts.Lifetime lifetime =
        parts.lifetime(ca, CaSpec.DEFAULT_VALIDITY, CaSpec.DEFAULT_RENEW_BEFORE);
    return new CaSpec(
        parts.subject(ca),
        parts.key(ca),
        lifetime.validity(),
        lifetime.renewBefore(),
        overlap(ca, lifetime),
        ca.mapping("policy").map(this::policy));
  }

  /**
   * The phased-rotation overlap. The server moves to the new CA only after the overlap, so the
   * overlap must end before the old CA expires, i.e. be shorter than renewBefore.
   */
  private Optional<Duration> overlap(YamlNode.Mapping ca, CertificateParts.Lifetime lifetime) {
    Optional<YamlNode.Mapping> rotation = ca.mapping("rotation");
    if (rotation.isEmpty()) {
      return Optional.empty();
    }
    Optional<Fields.Given<Duration>> overlap = fields.duration(rotation.get(), "overlap");
    overlap
        .filter(o -> o.value().compareTo(lifetime.renewalPeriod()) >= 0)
        .ifPresent(
            o ->
                fields.error(
                    o.node(),
                    "ca.rotation.overlap (" + ((YamlNode.Scalar) o.node()).text()
                        + ") must be shorter than ca.renewBefore ("
                        + CertificateParts.describe(
                            ca.scalar("renewBefore").map(node -> new Fields.Given<>(node.text(), node)), lifetime)
                        + "): the server moves to the new CA only after the overlap, and the old CA"
                        + " must still be valid then"));
    return overlap.map(Fields.Given::value);
  }

  private SigningPolicy policy(YamlNode.Mapping policy) {
    List<String> domains = sans.dnsNames(policy, "allowedDomains", true);
    List<IpNetwork> networks = new ArrayList<>();
    for (Fields.Given<String> text : fields.strings(policy, "allowedNetworks")) {
      Optional<IpNetwork> network = IpNetwork.parse(text.value());
      if (network.isEmpty()) {
        fields.error(
            text.node(),
            text.node().displayName() + " '" + text.value()
                + "' is not a network; write an address and a prefix length, e.g. 192.0.2.0/24");
        continue;
      }
      warnOnHostBits(text, network.get());
      networks.add(network.get());
    }
    Set<SubjectAttribute> attributes = EnumSet.noneOf(SubjectAttribute.class);
    for (Fields.Given<String> name : fields.strings(policy, "allowedSubjectAttributes")) {
      SubjectAttribute.byYamlName(name.value()).ifPresent(attributes::add); // others: the schema
    }
    return new SigningPolicy(
        domains, networks, fields.duration(policy, "maxValidity").map(Fields.Given::value), attributes);
  }

  /** {@code 192.0.2.1/24} works but is usually a typo for the network {@code 192.0.2.0/24}. */
  private void warnOnHostBits(Fields.Given<String> text, IpNetwork network) {
    byte[] bytes = network.address().getAddress();
    for (int bit = network.prefixLength(); bit < bytes.length * 8; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      InetAddress base = InetAddress.getByAddress(bytes);
      if (!base.equals(network.address())) {
        fields.warning(
            text.node(),
            text.node().displayName() + " '" + text.value() + "' has host bits set; the network is "
                + IpAddresses.format(base) + "/" + network.prefixLength());
      }
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes are always an address", e);
    }
  }
}
