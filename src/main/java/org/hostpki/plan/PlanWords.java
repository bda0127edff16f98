package org.hostpki.plan;

import java.net.InetAddress;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;

/**
 * How the planner words what it found for reviewers: the before and after attributes of a change,
 * and the short forms reasons quote. The checks decide; this only formats.
 */
final class PlanWords {
  private PlanWords() {}

  /** What a reviewer wants to know of a certificate: who, for what, which key, until when. */
  static SortedMap<String, String> certificateAttributes(CertificateFacts c) {
    SortedMap<String, String> m = new TreeMap<>();
    m.put("subject", c.subjectDn());
    m.put("issuer", c.issuerDn());
    if (!c.dnsNames().isEmpty()) {
      m.put("dnsNames", String.join(", ", c.dnsNames()));
    }
    if (!c.ipAddresses().isEmpty()) {
      m.put("ipAddresses", addresses(c.ipAddresses()));
    }
    m.put("key", c.publicKey().spec().map(KeySpec::toString).orElse("other"));
    m.put("notAfter", DateText.of(c.notAfter()));
    m.put("fingerprint", c.fingerprint().colonHex());
    return m;
  }

  /** An imported chain: its leaf, and the subjects from the leaf up. */
  static SortedMap<String, String> chainAttributes(List<CertificateFacts> chain) {
    SortedMap<String, String> after = certificateAttributes(chain.get(0));
    after.put(
        "chain", chain.stream().map(CertificateFacts::subjectDn).collect(Collectors.joining(" → ")));
    return after;
  }

  /** A certificate request: its subject, names and key. */
  static SortedMap<String, String> requestAttributes(CsrFacts c) {
    SortedMap<String, String> m = new TreeMap<>();
    m.put("subject", c.subjectDn());
    m.put("dnsNames", String.join(", ", c.dnsNames()));
    m.put("ipAddresses", addresses(c.ipAddresses()));
    m.put("key", c.publicKey().publicKeyFingerprint().shortForm());
    return m;
  }

  /** What a server certificate or request will name. */
  static SortedMap<String, String> nameAttributes(ServerNames names) {
    SortedMap<String, String> after = new TreeMap<>();
    after.put("subject", names.subject().toString());
    after.put("dnsNames", String.join(", ", names.dnsNames()));
    after.put("ipAddresses", addresses(names.ipAddresses()));
    return after;
  }

  /** A certificate as a reason quotes it: {@code sha256 3F:9A:0C:1D… CN=ldap}. */
  static String certificate(CertificateFacts c) {
    return "sha256 " + c.fingerprint().abbreviatedColonHex() + " " + c.subjectDn();
  }

  /** Extended key usages by name: {@code [serverAuth, clientAuth]}. */
  static String extendedKeyUsages(List<String> oids) {
    return oids.stream()
        .map(
            o ->
                o.equals(CertificateFacts.EKU_SERVER_AUTH)
                    ? "serverAuth"
                    : o.equals(CertificateFacts.EKU_CLIENT_AUTH) ? "clientAuth" : o)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** {@code 192.0.2.10, 2001:db8::10}. */
  static String addresses(List<InetAddress> addresses) {
    return addresses.stream().map(IpAddresses::format).collect(Collectors.joining(", "));
  }

  /**
   * Two keys that should be one, as messages quote them: {@code (leaf key sha256:3f9a…, server.key
   * sha256:07c1…)}.
   */
  static String keys(String first, Fingerprint a, String second, Fingerprint b) {
    return "(" + first + " " + a.shortForm() + ", " + second + " " + b.shortForm() + ")";
  }
}
