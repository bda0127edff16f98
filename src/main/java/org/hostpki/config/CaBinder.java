package org.hostpki.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.DnsName;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CrlSpec;
import org.hostpki.model.CrlUrl;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.KeyPurpose;
import org.hostpki.model.KeySpec;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.SigningPolicy;
import org.hostpki.model.SubjectAttribute;
import org.hostpki.model.TerminalText;

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
    Optional<SigningPolicy> policy = ca.mapping("policy").map(this::policy);
    Optional<NameConstraints> constraints = nameConstraints(ca);
    if (policy.isPresent() && constraints.isPresent()) {
      warnWhereThePolicyReachesBeyond(ca, policy.get(), constraints.get());
    }
    KeySpec key = parts.key(ca);
    parts.warnOnEd25519(
        ca,
        key,
        "browsers do not accept certificates signed by an Ed25519 CA: Chrome and Firefox refuse"
            + " every certificate this CA signs (OpenSSL, GnuTLS and Java accept them); use EC or RSA"
            + " if browsers connect");
    return new CaSpec(
        parts.subject(ca),
        key,
        lifetime.validity(),
        lifetime.renewBefore(),
        overlap(ca, lifetime),
        policy,
        ca.mapping("crl").map(this::crl),
        constraints);
  }

  private CrlSpec crl(YamlNode.Mapping crl) {
    Optional<Fields.Given<Duration>> validity = fields.duration(crl, "validity");
    validity.filter(v -> v.value().compareTo(CrlSpec.SHORTEST_VALIDITY) < 0).ifPresent(v -> fields.error(
        v.node(),
        "ca.crl.validity (" + CertificateParts.describe(validity, v.value()) + ") is shorter than an hour: apply renews a CRL once a"
            + " third of its validity is left, so nearly every apply would write a new one, and clients could"
            + " meet it expired between two timer runs (15 to 20 minutes apart); give at least 1h (the default"
            + " is 7d)"));
    return new CrlSpec(
        validity.map(Fields.Given::value).orElse(CrlSpec.DEFAULT_VALIDITY),
        fields.string(crl, "url").flatMap(this::distributionPoint));
  }

  /** The longest {@code ca.crl.url}: far above any real one (CAs publish URLs of some 40 to 100). */
  static final int MAX_URL_LENGTH = 1024;

  /**
   * An absolute http or https URL with a host, in ASCII: it goes into certificates as an
   * IA5String, and clients fetch CRLs over plain http (a CRL is signed, and fetching it over TLS
   * would need revocation checking of its own).
   */
  private Optional<CrlUrl> distributionPoint(Fields.Given<String> text) {
    String written = text.value();
    String example = "; write the URL the CRL is published at, e.g. http://pki.corp.example/fleet.crl";
    // {keyId} expands to a CA's key id (hex): checked as the URL a CA with such an id gets.
    String value = written.replace(CrlUrl.KEY_ID, SAMPLE_KEY_ID);
    if (value.indexOf('{') >= 0 || value.indexOf('}') >= 0) {
      fields.error(
          text.node(),
          "ca.crl.url '" + TerminalText.escape(written) + "' has a { or } that is not " + CrlUrl.KEY_ID
              + " (the one placeholder, which each CA expands to its key id); write " + CrlUrl.KEY_ID
              + " exactly, e.g. http://pki.corp.example/fleet-" + CrlUrl.KEY_ID + ".crl, or no braces");
      return Optional.empty();
    }
    if (value.length() > MAX_URL_LENGTH) {
      // Every certificate sign issues carries it, and every client that checks revocation fetches it.
      fields.error(
          text.node(),
          "ca.crl.url is " + value.length() + " characters long, more than the " + MAX_URL_LENGTH
              + " a CRL distribution point may have here: every certificate hostpki signs carries it"
              + example);
      return Optional.empty();
    }
    String shown = TerminalText.escape(written);
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      fields.error(text.node(), "ca.crl.url '" + shown + "' is not a URL (" + TerminalText.escape(e.getReason()) + ")" + example);
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      fields.error(
          text.node(),
          "ca.crl.url '" + shown + "' must be an http:// (or https://) URL: clients fetch CRLs"
              + " over HTTP" + example);
      return Optional.empty();
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null
        || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      fields.error(
          text.node(),
          "ca.crl.url '" + shown + "' must be http://HOST[:PORT]/PATH in ASCII, without a user name or a"
              + " #fragment (write a non-ASCII host name in its xn-- form)" + example);
      return Optional.empty();
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      fields.error(
          text.node(),
          "ca.crl.url '" + shown + "' has the port " + uri.getPort() + "; a port is from 1 to 65535 (leave"
              + " it out for the scheme's own)");
      return Optional.empty();
    }
    if (uri.getHost().contains(SAMPLE_KEY_ID)) {
      fields.error(
          text.node(),
          "ca.crl.url '" + shown + "' has " + CrlUrl.KEY_ID + " in its host name; put it in the path,"
              + " e.g. http://pki.corp.example/fleet-" + CrlUrl.KEY_ID + ".crl");
      return Optional.empty();
    }
    return Optional.of(new CrlUrl(written));
  }

  /** A key id as {@code {keyId}} expands (40 hex digits, a SHA-1's), to check the URL with. */
  private static final String SAMPLE_KEY_ID = "0123456789abcdef0123456789abcdef01234567";

  /**
   * {@code false}: none; a mapping: the declared ones; absent: empty (the default applies).
   * Declared ones that differ from the CA certificate's re-issue the CA (through the rotation).
   */
  private Optional<NameConstraints> nameConstraints(YamlNode.Mapping ca) {
    Optional<YamlNode> value = ca.get("nameConstraints");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.get() instanceof YamlNode.Scalar s && s.bool().isPresent()) {
      if (s.bool().get()) {
        fields.error(
            s,
            "ca.nameConstraints: true says nothing about which names: write false for none, or the"
                + " constraints, e.g. {permitted: {dnsDomains: [corp.example], ipRanges: [192.0.2.0/24]}};"
                + " leave the key out to derive them from ca.policy");
        return Optional.empty();
      }
      return Optional.of(NameConstraints.NONE);
    }
    if (!(value.get() instanceof YamlNode.Mapping m)) {
      return Optional.empty(); // reported by the schema check
    }
    YamlNode.Mapping none = new YamlNode.Mapping("", Position.NONE, java.util.Map.of());
    YamlNode.Mapping permitted = m.mapping("permitted").orElse(none);
    YamlNode.Mapping excluded = m.mapping("excluded").orElse(none);
    NameConstraints constraints =
        new NameConstraints(domains(permitted), ranges(permitted), domains(excluded), ranges(excluded));
    refuseExcludedPermits(permitted, excluded, "dnsDomains", "DNS name", (p, x) ->
        DnsName.parse(p, false).isPresent()
            && DnsName.parse(x, false).isPresent()
            && NameConstraints.dnsNameWithin(DnsName.lowerCase(p), DnsName.lowerCase(x)));
    refuseExcludedPermits(permitted, excluded, "ipRanges", "IP address", (p, x) -> {
      Optional<IpNetwork> inner = IpNetwork.parse(p);
      Optional<IpNetwork> outer = IpNetwork.parse(x);
      return inner.isPresent() && outer.isPresent()
          && outer.get().prefixLength() <= inner.get().prefixLength()
          && outer.get().contains(inner.get().address());
    });
    return Optional.of(constraints);
  }

  /**
   * Refuses a permitted subtree that an excluded one covers (the same domain, a parent domain, a
   * wider network): excluded subtrees win (RFC 5280), so the CA could certify no name in it, and
   * with every permitted subtree of a kind covered, no name of that kind at all. An excluded
   * subtree inside a permitted one (a carve-out) is what exclusions are for.
   *
   * @param within whether the permitted entry's text lies within the excluded entry's text
   */
  private void refuseExcludedPermits(
      YamlNode.Mapping permitted, YamlNode.Mapping excluded, String key, String kind,
      java.util.function.BiPredicate<String, String> within) {
    List<Fields.Given<String>> permits = fields.strings(permitted, key);
    List<Fields.Given<String>> exclusions = fields.strings(excluded, key);
    java.util.Map<Fields.Given<String>, Fields.Given<String>> covered = new java.util.LinkedHashMap<>();
    for (Fields.Given<String> permit : permits) {
      exclusions.stream()
          .filter(x -> within.test(permit.value(), x.value()))
          .findFirst()
          .ifPresent(x -> covered.put(permit, x));
    }
    String every =
        covered.size() == permits.size()
            ? "; with every permitted subtree excluded, it could certify no " + kind + " at all"
            : "";
    covered.forEach((permit, x) -> fields.error(
        permit.node(),
        permit.node().displayName() + " '" + TerminalText.escape(permit.value()) + "' is excluded too, by "
            + x.node().displayName() + " '" + TerminalText.escape(x.value()) + "' (excluded subtrees"
            + " win over permitted ones), so the CA could certify no " + kind + " in it" + every
            + ": remove one of the two, or exclude only a part below it"));
  }

  private List<String> domains(YamlNode.Mapping subtrees) {
    List<String> out = new ArrayList<>();
    Map<String, YamlNode> seen = new HashMap<>();
    for (Fields.Given<String> text : fields.strings(subtrees, "dnsDomains")) {
      String value = text.value();
      String name = text.node().displayName() + " '" + TerminalText.escape(value) + "'";
      if (value.startsWith("*.") || value.startsWith(".")) {
        String bare = value.substring(value.indexOf('.') + 1);
        fields.error(
            text.node(),
            name + " is a domain pattern; a name constraint is a domain, which covers the name and"
                + " every name below it: write " + TerminalText.escape(bare));
        continue;
      }
      if (IpAddresses.parse(value).isPresent()) {
        fields.error(text.node(), name + " is an IP address, not a DNS domain; list it under ipRanges");
        continue;
      }
      Optional<String> problem = DnsName.problem(value, false);
      if (problem.isPresent()) {
        fields.error(text.node(), name + " " + problem.get());
        continue;
      }
      if (sans.repeated(seen, DnsName.lowerCase(value), text.node(), subtrees.childPath("dnsDomains"))) {
        continue;
      }
      out.add(DnsName.lowerCase(value));
    }
    return out;
  }

  private List<IpNetwork> ranges(YamlNode.Mapping subtrees) {
    return networks(subtrees, "ipRanges");
  }

  /**
   * Declared constraints narrower than the policy are allowed (sign refuses what either refuses),
   * but probably not meant.
   */
  private void warnWhereThePolicyReachesBeyond(
      YamlNode.Mapping ca, SigningPolicy policy, NameConstraints constraints) {
    YamlNode.Mapping policyNode = ca.mapping("policy").orElseThrow();
    List<String> beyond = new ArrayList<>();
    for (String pattern : policy.allowedDomains()) {
      String base = pattern.startsWith("*.") ? "x" + pattern.substring(1) : pattern;
      if (constraints.dnsNameRefusal(base).isPresent()) {
        beyond.add(pattern);
      }
    }
    for (IpNetwork network : policy.allowedNetworks()) {
      if (constraints.addressRefusal(network.address()).isPresent()) {
        beyond.add(network.toString());
      }
    }
    if (!beyond.isEmpty()) {
      fields.warning(
          policyNode,
          "ca.policy allows " + beyond + ", which ca.nameConstraints (" + constraints + ") do not:"
              + " hostpki sign refuses such requests; narrow the policy or widen the constraints");
    }
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
    List<IpNetwork> networks = networks(policy, "allowedNetworks");
    Set<SubjectAttribute> attributes = EnumSet.noneOf(SubjectAttribute.class);
    for (Fields.Given<String> name : fields.strings(policy, "allowedSubjectAttributes")) {
      SubjectAttribute.byYamlName(name.value()).ifPresent(attributes::add); // others: the schema
    }
    Set<KeyPurpose> usages = EnumSet.allOf(KeyPurpose.class);
    if (Fields.has(policy, "allowedExtendedKeyUsages")) {
      usages.clear();
      for (Fields.Given<String> name : fields.strings(policy, "allowedExtendedKeyUsages")) {
        KeyPurpose.byYamlName(name.value()).ifPresent(usages::add); // others: the schema
      }
      policy.sequence("allowedExtendedKeyUsages")
          .filter(list -> list.items().isEmpty())
          .ifPresent(
              list ->
                  fields.warning(
                      list,
                      "ca.policy.allowedExtendedKeyUsages is empty: hostpki sign refuses every request"
                          + " (a certificate needs serverAuth or clientAuth)"));
    }
    return new SigningPolicy(
        domains,
        networks,
        fields.duration(policy, "maxValidity").map(Fields.Given::value),
        attributes,
        usages,
        fields.integer(policy, "maxSubjectAltNames")
            .map(Fields.Given::value)
            .filter(v -> v.signum() > 0 && v.bitLength() < 31) // others: the schema
            .map(BigInteger::intValue)
            .orElse(SigningPolicy.DEFAULT_MAX_SUBJECT_ALT_NAMES));
  }

  private List<IpNetwork> networks(YamlNode.Mapping m, String key) {
    List<IpNetwork> networks = new ArrayList<>();
    Map<String, YamlNode> seen = new HashMap<>();
    for (Fields.Given<String> text : fields.strings(m, key)) {
      Optional<IpNetwork> network = IpNetwork.parse(text.value());
      if (network.isEmpty()) {
        fields.error(
            text.node(),
            text.node().displayName() + " '" + TerminalText.escape(text.value())
                + "' is not a network; write an address and a prefix length, e.g. 192.0.2.0/24");
        continue;
      }
      if (sans.repeated(seen, network.get().toString(), text.node(), m.childPath(key))) {
        continue;
      }
      warnOnHostBits(text, network.get());
      networks.add(network.get());
    }
    return networks;
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
