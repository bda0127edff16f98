package org.hostpki.fetch;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DistinguishedName;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.TerminalText;
import org.hostpki.model.Validity;

/**
 * What an operator checks of one presented certificate before trusting it, read with the JDK's
 * own X.509 parser.
 *
 * @param position 0 for the leaf, then each certificate in the order the server sent them
 * @param subject the subject as every output shows names ({@link DistinguishedName}): {@code
 *     CN=x,O=Example Corp,C=US}
 * @param issuer the issuer, in the same form
 * @param alternativeNames the subjectAltName entries in certificate order
 * @param ca whether basicConstraints says cA
 * @param selfSigned whether the issuer is the subject and the certificate's own key verifies it
 * @param serial the serial number in upper-case hex, as {@code openssl x509 -serial} prints it
 * @param fingerprint SHA-256 of the DER, as {@code openssl x509 -fingerprint -sha256} shows it
 *     with {@link Fingerprint#colonHex()}
 * @param publicKeyFingerprint SHA-256 of the SubjectPublicKeyInfo
 */
public record PresentedCertificate(
    int position,
    String subject,
    String issuer,
    Instant notBefore,
    Instant notAfter,
    List<AlternativeName> alternativeNames,
    KeyDescription key,
    boolean ca,
    boolean selfSigned,
    String serial,
    Fingerprint fingerprint,
    Fingerprint publicKeyFingerprint) {

  public PresentedCertificate {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    alternativeNames = List.copyOf(alternativeNames);
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(publicKeyFingerprint, "publicKeyFingerprint");
  }

  public static PresentedCertificate of(int position, X509Certificate certificate) {
    return new PresentedCertificate(
        position,
        text(certificate.getSubjectX500Principal()),
        text(certificate.getIssuerX500Principal()),
        certificate.getNotBefore().toInstant(),
        certificate.getNotAfter().toInstant(),
        alternativeNames(certificate),
        KeyDescription.of(certificate.getPublicKey()),
        certificate.getBasicConstraints() >= 0,
        selfSigned(certificate),
        CertificateFacts.serialHex(certificate.getSerialNumber()),
        fingerprint(certificate),
        Fingerprint.sha256(certificate.getPublicKey().getEncoded()));
  }

  /** The subjectAltName entries of one type ({@code DNS}, {@code IP} …), in certificate order. */
  public List<String> alternativeNames(String type) {
    return alternativeNames.stream().filter(n -> n.type().equals(type)).map(AlternativeName::value).toList();
  }

  /** The subjectAltName entries other than DNS names and IP addresses, as {@code email:x}. */
  public List<String> otherAlternativeNames() {
    return alternativeNames.stream()
        .filter(n -> !n.type().equals("DNS") && !n.type().equals("IP"))
        .map(AlternativeName::toString)
        .toList();
  }

  public Validity validityAt(Instant now) {
    return Validity.at(now, notBefore, notAfter);
  }

  /** {@code leaf}, {@code CA} or {@code certificate}: what this position in a chain is. */
  public String role() {
    if (position == 0) {
      return "leaf";
    }
    return ca ? "CA" : "certificate";
  }

  /**
   * The name as text ({@link DistinguishedName}), its RDNs read with the JDK: the RFC 2253 form
   * it prints, parsed back into attributes (the JDK leaves control characters raw in it).
   */
  static String text(X500Principal name) {
    String rfc2253 = name.getName(X500Principal.RFC2253, DistinguishedName.KEYWORDS);
    try {
      List<List<DistinguishedName.Attribute>> rdns = new ArrayList<>();
      // LdapName lists RDNs from the right of the string, i.e. in DER order (C before CN).
      for (Rdn rdn : new LdapName(rfc2253).getRdns()) {
        List<DistinguishedName.Attribute> attributes = new ArrayList<>();
        NamingEnumeration<? extends Attribute> all = rdn.toAttributes().getAll();
        while (all.hasMore()) {
          Attribute attribute = all.next();
          for (int i = 0; i < attribute.size(); i++) {
            attributes.add(attribute(attribute.getID(), attribute.get(i)));
          }
        }
        rdns.add(attributes);
      }
      return DistinguishedName.format(rdns);
    } catch (NamingException e) {
      return TerminalText.escape(rfc2253);
    }
  }

  private static DistinguishedName.Attribute attribute(String type, Object value) {
    return value instanceof byte[] der
        ? DistinguishedName.Attribute.encoded(type, der)
        : new DistinguishedName.Attribute(type, String.valueOf(value), false);
  }

  private static List<AlternativeName> alternativeNames(X509Certificate certificate) {
    Collection<List<?>> entries;
    try {
      entries = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of(new AlternativeName("unreadable", String.valueOf(e.getMessage())));
    }
    if (entries == null) {
      return List.of();
    }
    List<AlternativeName> names = new ArrayList<>();
    for (List<?> entry : entries) {
      int tag = (Integer) entry.get(0);
      Object value = entry.get(1);
      names.add(new AlternativeName(type(tag), text(tag, value)));
    }
    return names;
  }

  private static String type(int tag) {
    return switch (tag) {
      case 0 -> "otherName";
      case 1 -> "email";
      case 2 -> "DNS";
      case 3 -> "x400Address";
      case 4 -> "dirName";
      case 5 -> "ediPartyName";
      case 6 -> "URI";
      case 7 -> "IP";
      case 8 -> "RID";
      default -> "tag" + tag;
    };
  }

  private static String text(int tag, Object value) {
    if (tag == 7 && value instanceof String ip) {
      // The JDK writes IPv6 uncompressed; the canonical form matches what users configure.
      return IpAddresses.parse(ip).map(IpAddresses::format).orElse(ip);
    }
    if (value instanceof byte[] der) {
      return "<" + der.length + " bytes>";
    }
    return String.valueOf(value);
  }

  private static boolean selfSigned(X509Certificate certificate) {
    if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
      return false;
    }
    try {
      certificate.verify(certificate.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException notItsOwnSignature) {
      return false;
    }
  }

  private static Fingerprint fingerprint(X509Certificate certificate) {
    try {
      return Fingerprint.sha256(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate has its encoding", e);
    }
  }
}
