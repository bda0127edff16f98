package org.hostpki.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.hostpki.model.CertificateFacts;
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

  private Certificate(byte[] der, X509CertificateHolder holder) {
    this.der = der;
    this.parsed = holder;
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
          dnsNames.add(ASN1IA5String.getInstance(name.getName()).getString());
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
    return new CertificateFacts(
        fingerprint,
        Names.decode(holder.getSubject()),
        Names.rfc4514(holder.getSubject()),
        Names.rfc4514(holder.getIssuer()),
        holder.getSerialNumber(),
        holder.getNotBefore().toInstant(),
        holder.getNotAfter().toInstant(),
        dnsNames,
        ipAddresses,
        SubjectPublicKey.of(holder.getSubjectPublicKeyInfo()).facts(),
        ca,
        pathLength,
        ekus,
        ski,
        aki,
        Signatures.algorithmName(holder.getSignatureAlgorithm()));
  }

  /** The extensions hostpki reads, parsed; throws on a malformed one so parsing catches it. */
  private static ParsedExtensions readExtensions(Extensions extensions) {
    if (extensions == null) {
      return new ParsedExtensions(null, null, null, null, null);
    }
    return new ParsedExtensions(
        GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName),
        BasicConstraints.fromExtensions(extensions),
        ExtendedKeyUsage.fromExtensions(extensions),
        SubjectKeyIdentifier.fromExtensions(extensions),
        AuthorityKeyIdentifier.fromExtensions(extensions));
  }

  private record ParsedExtensions(
      GeneralNames subjectAltNames,
      BasicConstraints basicConstraints,
      ExtendedKeyUsage extendedKeyUsage,
      SubjectKeyIdentifier subjectKeyId,
      AuthorityKeyIdentifier authorityKeyId) {}

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
