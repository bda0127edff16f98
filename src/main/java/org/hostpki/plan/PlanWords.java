package org.hostpki.plan;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.IpAddresses;

/**
 * How the planner words what it found for reviewers: the before and after attributes of a change,
 * and the short forms reasons quote. The checks decide; this only formats.
 */
final class PlanWords {
  private PlanWords() {}

  /** What a reviewer wants to know of a certificate: who, for what, which key, until when. */
  static Attributes certificateAttributes(CertificateFacts c) {
    return Attributes.of(c);
  }

  /** An imported chain: its leaf, and the subjects from the leaf up. */
  static Attributes chainAttributes(List<CertificateFacts> chain) {
    return Attributes.of(chain.get(0))
        .with("chain", chain.stream().map(CertificateFacts::subjectDn).toList());
  }

  /** A certificate request: its subject, names and key. */
  static Attributes requestAttributes(CsrFacts c) {
    return Attributes.of(c);
  }

  /** What a server certificate or request will name. */
  static Attributes nameAttributes(ServerNames names) {
    return Attributes.none()
        .with("subject", names.subject().toString())
        .withNames(names.dnsNames(), IpAddresses.format(names.ipAddresses()));
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
