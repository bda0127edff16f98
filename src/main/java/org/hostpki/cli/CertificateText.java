package org.hostpki.cli;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hostpki.model.CertificateDetails;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;
import org.hostpki.model.ExtensionNames;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.TerminalLines;

/**
 * A certificate as text, the way {@code status} shows a store entry and {@code inspect} a file:
 * subject, names, key and issuer, fingerprint, expiry, each on a line of its own under a label.
 */
final class CertificateText {
  static final String PAD = "         ";

  private CertificateText() {}

  static void lines(TerminalLines text, String label, CertificateFacts c, Instant now) {
    lines(text, label, c, null, now);
  }

  /** The lines of {@link #lines}; with {@code details} (inspect's), the other kinds of names too. */
  private static void lines(
      TerminalLines text, String label, CertificateFacts c, CertificateDetails details, Instant now) {
    text.add(String.format("%-9s", label)).add(c.subjectDn()).end();
    List<String> otherNames = details == null ? List.of() : details.otherNames();
    if (!c.dnsNames().isEmpty() || !c.ipAddresses().isEmpty() || !otherNames.isEmpty()) {
      List<String> all = new ArrayList<>();
      if (!c.dnsNames().isEmpty() || !c.ipAddresses().isEmpty()) {
        all.add(sans(c));
      }
      all.addAll(otherNames);
      text.add(PAD).add("SANs ").add(String.join(", ", all)).end();
    }
    text.add(PAD)
        .add("key ")
        .add(c.publicKey().description())
        .add(", issuer ")
        .add(c.issuerDn())
        .end();
    CertificateDetails.OtherNameConstraints other =
        details == null ? CertificateDetails.OtherNameConstraints.NONE : details.otherNameConstraints();
    c.nameConstraints()
        .filter(nc -> !nc.isEmpty() || other.isEmpty())
        .ifPresent(nc -> text.add(PAD).add("name constraints ").add(nc.toString()).end());
    if (!other.isEmpty()) {
      List<String> parts = new ArrayList<>();
      if (!other.permitted().isEmpty()) {
        parts.add("permitted " + String.join(", ", other.permitted()));
      }
      if (!other.excluded().isEmpty()) {
        parts.add("excluded " + String.join(", ", other.excluded()));
      }
      text.add(PAD).add("name constraints (other kinds) ").add(String.join("; ", parts)).end();
    }
    if (details != null && !details.policyMappings().isEmpty()) {
      text.add(PAD).add("policy mappings ")
          .add(String.join(", ", details.policyMappings().stream().map(Object::toString).toList())).end();
    }
    if (details != null && !details.criticalExtensionsOpensslRefuses().isEmpty()) {
      List<String> oids = details.criticalExtensionsOpensslRefuses();
      text.add(PAD).add("critical ").add(oids.size() == 1 ? "extension " : "extensions ")
          .add(String.join(", ", oids))
          .add(" unknown to OpenSSL: its clients (curl, nginx, HAProxy, Python) refuse every chain through it")
          .end();
    }
    text.add(PAD).add("sha256 ").add(c.fingerprint().colonHex()).end();
    text.add(PAD)
        .add("not after ")
        .add(DateText.day(c.notAfter()))
        .add(" (")
        .add(left(c, now))
        .add(")")
        .end();
  }

  /**
   * The lines of {@link #lines}, and what {@code openssl x509 -text} users look for next: the
   * serial, the start of validity, whether it is a CA, its extended key usages; and {@code
   * details}: the other kinds of names, name constraints of other kinds, policy mappings, critical
   * extensions OpenSSL refuses. For {@code inspect}, which shows a file nobody has checked yet.
   */
  static void detailedLines(
      TerminalLines text, String label, CertificateFacts c, CertificateDetails details, Instant now) {
    lines(text, label, c, details, now);
    text.add(PAD).add("serial ").add(c.serialHex()).add(", not before ").add(DateText.day(c.notBefore()));
    if (c.ca()) {
      text.add(", a CA").add(c.pathLength().map(n -> " (path length " + n + ")").orElse(""));
    }
    if (!c.extendedKeyUsages().isEmpty()) {
      text.add(", for ").add(String.join(", ", c.extendedKeyUsages().stream().map(CertificateText::usage).toList()));
    }
    text.end();
  }

  /** An extended key usage as OpenSSL's short names say it, else its OID. */
  private static String usage(String oid) {
    return ExtensionNames.usage(oid);
  }

  /** {@code 41 days left}, {@code 23h 5m left}, {@code not yet valid} or {@code EXPIRED}. */
  static String left(CertificateFacts c, Instant now) {
    if (c.isNotYetValidAt(now)) {
      return "not yet valid: from " + DateText.day(c.notBefore());
    }
    return !c.isExpiredAt(now)
        ? DurationText.left(Duration.between(now, c.notAfter())) + " left"
        : "EXPIRED";
  }

  /** The DNS names, then the addresses. */
  static String sans(CertificateFacts c) {
    List<String> all = new ArrayList<>(c.dnsNames());
    for (InetAddress ip : c.ipAddresses()) {
      all.add(IpAddresses.format(ip));
    }
    return String.join(", ", all);
  }
}
