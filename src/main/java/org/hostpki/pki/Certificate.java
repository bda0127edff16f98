package org.hostpki.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.hostpki.model.CertificateDetails;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.Fingerprint;

/**
 * An X.509 certificate: immutable, holding the DER it was read from (so fingerprints are of the
 * exact bytes). Equal when the DER is equal. Parsing checks the structure and the extensions
 * hostpki reads; the facts are worked out on first use, so reading a large bundle stays cheap.
 */
public final class Certificate {
  private final byte[] der;
  // The parsed form, kept only until the facts are worked out: BouncyCastle's ASN.1 tree is many
  // times the size of the DER, and a trust store may hold 100,000 certificates for a whole run.
  // The few places that need it later parse the DER again (it parsed once, so it parses again).
  private volatile X509CertificateHolder parsed;
  private volatile CertificateFacts facts; // a pure function of der, computed once when asked
  private volatile Fingerprint fingerprint; // likewise: a large trust store asks many times
  // Read while parsed, as the DER is parsed once only: every plan asks for each trusted
  // certificate. The shared empty list for nearly every certificate (no object of its own).
  private final List<String> criticalExtensionsOpensslRefuses;

  private Certificate(byte[] der, X509CertificateHolder holder) {
    this.der = der;
    this.parsed = holder;
    this.criticalExtensionsOpensslRefuses = criticalExtensionsOpensslRefuses(holder.getExtensions());
  }

  /** Reads one DER certificate; the bytes must be exactly one certificate. */
  public static Certificate fromDer(byte[] der) throws InvalidMaterialException {
    return fromOwnedDer(der.clone());
  }

  /**
   * Like {@link #fromDer}, for an array nobody else holds (a block just decoded): kept as is, not
   * copied, so a large trust store keeps each certificate's bytes once.
   */
  static Certificate fromOwnedDer(byte[] der) throws InvalidMaterialException {
    String problem = Der.shapeProblem(der);
    if (problem != null) {
      throw new InvalidMaterialException("is not a valid X.509 certificate: " + problem);
    }
    X509CertificateHolder holder;
    try {
      holder =
          new X509CertificateHolder(
              org.bouncycastle.asn1.x509.Certificate.getInstance(Der.parse(der)));
      readExtensions(holder.getExtensions());
      // Read by the chain checks (keyCertSign, digitalSignature), which would fail unchecked.
      KeyUsage.fromExtensions(holder.getExtensions());
      // The names' strings are decoded lazily by facts(); a bad one (say, invalid UTF-8) must be
      // refused here, as a parse error, not later as an unchecked exception.
      Names.decode(holder.getSubject());
      Names.decode(holder.getIssuer());
    } catch (IOException | RuntimeException e) {
      throw new InvalidMaterialException("is not a valid X.509 certificate: " + Der.reason(e), e);
    }
    return new Certificate(der, holder);
  }

  static Certificate of(X509CertificateHolder holder) {
    try {
      return new Certificate(holder.getEncoded(), holder);
    } catch (IOException e) {
      throw new IllegalStateException("encoding a certificate just built cannot fail", e);
    }
  }

  /** The DER encoding (a copy). */
  public byte[] der() {
    return der.clone();
  }

  /** One PEM CERTIFICATE block, 64 columns, LF line ends. */
  public String pem() {
    return PemText.encode("CERTIFICATE", der);
  }

  /** The length of {@link #pem()} in bytes. */
  int pemLength() {
    return PemText.encodedLength("CERTIFICATE", der.length);
  }

  /** Writes {@link #pem()}'s bytes into {@code target} from {@code offset}; returns the end. */
  int pemInto(byte[] target, int offset) {
    return PemText.encodeInto("CERTIFICATE", der, target, offset);
  }

  /** SHA-256 of the DER. */
  public Fingerprint fingerprint() {
    Fingerprint result = fingerprint;
    if (result == null) {
      // Racing threads compute the same value; either write is fine.
      result = Fingerprint.sha256(der);
      fingerprint = result;
    }
    return result;
  }

  /** Whether this certificate's DER is exactly {@code der}. */
  boolean hasDer(byte[] der) {
    return Arrays.equals(this.der, der);
  }

  /** The certified public key. */
  public SubjectPublicKey publicKey() {
    return SubjectPublicKey.of(holder().getSubjectPublicKeyInfo());
  }

  /** Everything the planner reads from a certificate. */
  public CertificateFacts facts() {
    CertificateFacts result = facts;
    if (result == null) {
      result = computeFacts(holder(), fingerprint());
      facts = result;
      parsed = null; // everything the planner reads is in the facts now
    }
    return result;
  }

  /**
   * Whether {@code issuer} issued this certificate: this certificate's issuer name matches the
   * issuer's subject (RFC 5280 name comparison) and the signature verifies with the issuer's key. A
   * mismatch of any kind is false, never an exception.
   */
  public boolean isSignedBy(Certificate issuer) {
    X509CertificateHolder holder = holder();
    X509CertificateHolder issuerHolder = issuer.holder();
    return holder.getIssuer().equals(issuerHolder.getSubject())
        && Signatures.verifies(holder, issuerHolder.getSubjectPublicKeyInfo());
  }

  /**
   * The name constraints of a CA certificate, for DNS names and IP addresses (see {@link
   * CertificateExtensions#nameConstraints(org.bouncycastle.asn1.x509.NameConstraints)}); empty
   * when it has none.
   *
   * @throws InvalidMaterialException when the extension is malformed
   */
  public Optional<NameConstraints> nameConstraints() throws InvalidMaterialException {
    try {
      Extensions extensions = holder().getExtensions();
      Extension extension = extensions == null ? null : extensions.getExtension(Extension.nameConstraints);
      if (extension == null) {
        return Optional.empty();
      }
      return Optional.of(
          CertificateExtensions.nameConstraints(
              org.bouncycastle.asn1.x509.NameConstraints.getInstance(extension.getParsedValue())));
    } catch (RuntimeException e) {
      throw new InvalidMaterialException("has a malformed nameConstraints extension: " + Der.reason(e), e);
    }
  }

  /**
   * The URLs of its CRL Distribution Points; empty when it names none.
   *
   * @throws InvalidMaterialException when the extension is malformed
   */
  public List<String> crlDistributionPoints() throws InvalidMaterialException {
    try {
      Extensions extensions = holder().getExtensions();
      CRLDistPoint points = extensions == null ? null : CRLDistPoint.fromExtensions(extensions);
      return points == null ? List.of() : CertificateExtensions.crlDistributionPoints(points);
    } catch (RuntimeException e) {
      throw new InvalidMaterialException("has a malformed cRLDistributionPoints extension: " + Der.reason(e), e);
    }
  }

  /**
   * The extensions OpenSSL 3.0 knows (its X509_supported_extension): one it does not know, marked
   * critical, makes it refuse every chain through the certificate (error 34, "unhandled critical
   * extension"), a trust anchor's too.
   */
  private static final Set<ASN1ObjectIdentifier> OPENSSL_KNOWS =
      Set.of(
          Extension.keyUsage,
          Extension.subjectAlternativeName,
          Extension.basicConstraints,
          Extension.certificatePolicies,
          Extension.extendedKeyUsage,
          Extension.policyConstraints,
          Extension.nameConstraints,
          Extension.policyMappings,
          Extension.inhibitAnyPolicy,
          // OpenSSL 3.0 added these two to the list; tried with openssl 3.0.19's verify.
          Extension.cRLDistributionPoints,
          new ASN1ObjectIdentifier("1.3.6.1.5.5.7.48.1.5"), // OCSP noCheck
          new ASN1ObjectIdentifier("2.16.840.1.113730.1.1"), // Netscape cert type
          new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.7"), // RFC 3779 IP blocks
          new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.8"), // RFC 3779 AS ids
          new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.14")); // proxyCertInfo

  /**
   * The dotted OIDs of the extensions marked critical that OpenSSL does not know: OpenSSL
   * (curl, nginx, HAProxy, Python) refuses every chain through such a certificate.
   */
  public List<String> criticalExtensionsOpensslRefuses() {
    return criticalExtensionsOpensslRefuses;
  }

  private static List<String> criticalExtensionsOpensslRefuses(Extensions extensions) {
    if (extensions == null) {
      return List.of();
    }
    List<String> unknown = null;
    for (ASN1ObjectIdentifier oid : extensions.getCriticalExtensionOIDs()) {
      if (!OPENSSL_KNOWS.contains(oid)) {
        if (unknown == null) {
          unknown = new ArrayList<>();
        }
        unknown.add(oid.getId());
      }
    }
    return unknown == null ? List.of() : List.copyOf(unknown);
  }

  /**
   * What {@code inspect} shows beyond the facts: the other subjectAltName entries, the critical
   * extensions OpenSSL refuses, policy mappings, name constraints of other kinds. Worked out anew
   * each time (nothing is kept).
   */
  public CertificateDetails details() {
    X509CertificateHolder holder = holder();
    Extensions extensions = holder.getExtensions();
    List<String> otherNames = new ArrayList<>();
    List<CertificateDetails.PolicyMapping> mappings = new ArrayList<>();
    CertificateDetails.OtherNameConstraints constraints = CertificateDetails.OtherNameConstraints.NONE;
    if (extensions != null) {
      GeneralNames sans = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
      if (sans != null) {
        for (GeneralName name : sans.getNames()) {
          if (name.getTagNo() != GeneralName.dNSName && !isAddress(name)) {
            otherNames.add(GeneralNameText.other(name));
          }
        }
      }
      Extension policyMappings = extensions.getExtension(Extension.policyMappings);
      if (policyMappings != null) {
        try {
          for (ASN1Encodable pair : ASN1Sequence.getInstance(policyMappings.getParsedValue())) {
            ASN1Sequence mapping = ASN1Sequence.getInstance(pair);
            mappings.add(
                new CertificateDetails.PolicyMapping(
                    ASN1ObjectIdentifier.getInstance(mapping.getObjectAt(0)).getId(),
                    ASN1ObjectIdentifier.getInstance(mapping.getObjectAt(1)).getId()));
          }
        } catch (RuntimeException e) {
          mappings.add(new CertificateDetails.PolicyMapping("malformed", "malformed"));
        }
      }
      Extension nameConstraints = extensions.getExtension(Extension.nameConstraints);
      if (nameConstraints != null) {
        org.bouncycastle.asn1.x509.NameConstraints nc =
            org.bouncycastle.asn1.x509.NameConstraints.getInstance(nameConstraints.getParsedValue());
        constraints =
            new CertificateDetails.OtherNameConstraints(
                otherSubtrees(nc.getPermittedSubtrees()), otherSubtrees(nc.getExcludedSubtrees()));
      }
    }
    return new CertificateDetails(otherNames, criticalExtensionsOpensslRefuses(), mappings, constraints);
  }

  /** An IP address (4 or 16 bytes): what the facts show of an iPAddress entry. */
  private static boolean isAddress(GeneralName name) {
    if (name.getTagNo() != GeneralName.iPAddress) {
      return false;
    }
    int length = ASN1OctetString.getInstance(name.getName()).getOctets().length;
    return length == 4 || length == 16;
  }

  /** The subtrees that are neither a DNS domain nor an IP range (8 or 32 bytes), in OpenSSL's words. */
  private static List<String> otherSubtrees(GeneralSubtree[] subtrees) {
    List<String> out = new ArrayList<>();
    if (subtrees == null) {
      return out;
    }
    for (GeneralSubtree subtree : subtrees) {
      GeneralName base = subtree.getBase();
      if (base.getTagNo() == GeneralName.dNSName) {
        continue;
      }
      if (base.getTagNo() == GeneralName.iPAddress) {
        int length = ASN1OctetString.getInstance(base.getName()).getOctets().length;
        if (length == 8 || length == 32) {
          continue;
        }
      }
      out.add(GeneralNameText.other(base));
    }
    return out;
  }

  /** The parsed certificate: kept from reading while the facts are not worked out, else parsed anew. */
  X509CertificateHolder holder() {
    X509CertificateHolder holder = parsed;
    if (holder != null) {
      return holder;
    }
    try {
      return new X509CertificateHolder(
          org.bouncycastle.asn1.x509.Certificate.getInstance(Der.parse(der)));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("a certificate that parsed once cannot fail to parse", e);
    }
  }

  /** The raw DER without copying, for hashing and encoding inside this package. */
  byte[] derUnsafe() {
    return der;
  }

  private static CertificateFacts computeFacts(X509CertificateHolder holder, Fingerprint fingerprint) {
    Extensions extensions = holder.getExtensions();
    ParsedExtensions parsed = readExtensions(extensions);
    List<String> dnsNames = new ArrayList<>();
    List<InetAddress> ipAddresses = new ArrayList<>();
    if (parsed.subjectAltNames != null) {
      for (GeneralName name : parsed.subjectAltNames.getNames()) {
        if (name.getTagNo() == GeneralName.dNSName) {
          dnsNames.add(GeneralNameText.ia5(name.getName()));
        } else if (name.getTagNo() == GeneralName.iPAddress) {
          ipAddress(ASN1OctetString.getInstance(name.getName()).getOctets())
              .ifPresent(ipAddresses::add);
        }
      }
    }
    boolean ca = parsed.basicConstraints != null && parsed.basicConstraints.isCA();
    Optional<Integer> pathLength =
        Optional.ofNullable(parsed.basicConstraints)
            .map(BasicConstraints::getPathLenConstraint)
            .map(n -> n.bitLength() < 31 ? n.intValue() : Integer.MAX_VALUE);
    List<String> ekus = new ArrayList<>();
    if (parsed.extendedKeyUsage != null) {
      for (KeyPurposeId usage : parsed.extendedKeyUsage.getUsages()) {
        ekus.add(usage.getId());
      }
    }
    Optional<String> ski =
        Optional.ofNullable(parsed.subjectKeyId).map(s -> hex(s.getKeyIdentifier()));
    Optional<String> aki =
        Optional.ofNullable(parsed.authorityKeyId)
            .map(AuthorityKeyIdentifier::getKeyIdentifierOctets)
            .map(Certificate::hex);
    String subjectDn = Names.rfc4514(holder.getSubject());
    // A self-issued certificate (most trusted ones: roots) names itself twice in the same bytes.
    String issuerDn =
        Arrays.equals(encoded(holder.getSubject()), encoded(holder.getIssuer()))
            ? subjectDn
            : Names.rfc4514(holder.getIssuer());
    return new CertificateFacts(
        fingerprint,
        Names.decode(holder.getSubject()),
        subjectDn,
        issuerDn,
        holder.getSerialNumber(),
        instant(holder.toASN1Structure().getStartDate()),
        instant(holder.toASN1Structure().getEndDate()),
        dnsNames,
        ipAddresses,
        SubjectPublicKey.of(holder.getSubjectPublicKeyInfo()).facts(),
        ca,
        pathLength,
        ekus,
        ski,
        aki,
        Signatures.algorithmName(holder.getSignatureAlgorithm()),
        Optional.ofNullable(parsed.nameConstraints).map(CertificateExtensions::nameConstraints));
  }

  private static byte[] encoded(X500Name name) {
    try {
      return name.getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      return null; // compares unequal to the other name: each is printed on its own
    }
  }

  /**
   * A validity date. The forms RFC 5280 prescribes (UTCTime {@code YYMMDDHHMMSSZ}, years 1950 to
   * 2049; GeneralizedTime {@code YYYYMMDDHHMMSSZ}) are read here: BouncyCastle reads dates with
   * a new SimpleDateFormat each time, a fifth of the cost of a certificate's facts. Any other form,
   * or a field out of range, is left to BouncyCastle as before.
   */
  static Instant instant(Time time) {
    ASN1Primitive value = time.toASN1Primitive();
    try {
      byte[] der = value.getEncoded(ASN1Encoding.DER);
      if (der.length == 15 && der[0] == BERTags.UTC_TIME && der[1] == 13 && der[14] == 'Z') {
        int yy = digits(der, 2, 2);
        if (yy >= 0) {
          return instant(yy < 50 ? 2000 + yy : 1900 + yy, der, 4, time);
        }
      } else if (der.length == 17
          && der[0] == BERTags.GENERALIZED_TIME
          && der[1] == 15
          && der[16] == 'Z') {
        int year = digits(der, 2, 4);
        if (year >= 0) {
          return instant(year, der, 6, time);
        }
      }
    } catch (IOException | DateTimeException e) {
      // not a form read here: BouncyCastle's reading below decides
    }
    return time.getDate().toInstant();
  }

  /** The date from year and the digits MMDDHHMMSS at {@code at}. */
  private static Instant instant(int year, byte[] der, int at, Time time) {
    int month = digits(der, at, 2);
    int day = digits(der, at + 2, 2);
    int hour = digits(der, at + 4, 2);
    int minute = digits(der, at + 6, 2);
    int second = digits(der, at + 8, 2);
    if (month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return time.getDate().toInstant();
    }
    return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
  }

  /** The decimal number of {@code count} ASCII digits at {@code at}; -1 if one is not a digit. */
  private static int digits(byte[] der, int at, int count) {
    int n = 0;
    for (int i = at; i < at + count; i++) {
      if (der[i] < '0' || der[i] > '9') {
        return -1;
      }
      n = n * 10 + (der[i] - '0');
    }
    return n;
  }

  /** The extensions hostpki reads, parsed; throws on a malformed one so parsing catches it. */
  private static ParsedExtensions readExtensions(Extensions extensions) {
    if (extensions == null) {
      return new ParsedExtensions(null, null, null, null, null, null);
    }
    return new ParsedExtensions(
        GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName),
        BasicConstraints.fromExtensions(extensions),
        ExtendedKeyUsage.fromExtensions(extensions),
        SubjectKeyIdentifier.fromExtensions(extensions),
        AuthorityKeyIdentifier.fromExtensions(extensions),
        Optional.ofNullable(extensions.getExtension(Extension.nameConstraints))
            .map(e -> org.bouncycastle.asn1.x509.NameConstraints.getInstance(e.getParsedValue()))
            .orElse(null));
  }

  private record ParsedExtensions(
      GeneralNames subjectAltNames,
      BasicConstraints basicConstraints,
      ExtendedKeyUsage extendedKeyUsage,
      SubjectKeyIdentifier subjectKeyId,
      AuthorityKeyIdentifier authorityKeyId,
      org.bouncycastle.asn1.x509.NameConstraints nameConstraints) {}

  private static Optional<InetAddress> ipAddress(byte[] octets) {
    if (octets.length != 4 && octets.length != 16) {
      return Optional.empty(); // a name-constraint range, not an address
    }
    try {
      return Optional.of(InetAddress.getByAddress(octets));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  static String hex(byte[] bytes) {
    return bytes == null ? null : HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Certificate other && Arrays.equals(der, other.der);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(der);
  }

  @Override
  public String toString() {
    return "Certificate[" + Names.rfc4514(holder().getSubject()) + ", " + fingerprint() + "]";
  }
}
