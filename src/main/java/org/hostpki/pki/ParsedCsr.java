package org.hostpki.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.hostpki.model.CsrFacts;
import org.hostpki.model.DistinguishedName;
import org.hostpki.model.ExtensionNames;

/**
 * A PKCS#10 request that has been read: its facts, and the public key it asks to have certified
 * (for {@link CertificateIssuer#server(ServerProfile, SubjectPublicKey, Certificate, KeyMaterial,
 * java.time.Instant)}).
 */
public final class ParsedCsr {
  static final String PEM_LABEL = "CERTIFICATE REQUEST";

  /**
   * The extensions a request may ask for that a certificate {@code sign} issues carries in
   * hostpki's own way: the names and usages checked and copied, the key usage and basic
   * constraints of a server certificate, a key identifier computed from the key.
   */
  private static final Set<ASN1ObjectIdentifier> HANDLED =
      Set.of(
          Extension.subjectAlternativeName,
          Extension.extendedKeyUsage,
          Extension.keyUsage,
          Extension.basicConstraints,
          Extension.subjectKeyIdentifier);

  private final byte[] der;
  private final PKCS10CertificationRequest request;
  private final Extensions requested; // null when there is no extensionRequest

  private ParsedCsr(byte[] der, PKCS10CertificationRequest request, Extensions requested) {
    this.der = der;
    this.request = request;
    this.requested = requested;
  }

  static ParsedCsr parse(byte[] data) throws InvalidMaterialException {
    if (data.length == 0 || PemText.isBlank(data)) {
      throw new InvalidMaterialException("is empty");
    }
    PemText.refuseUtf16(data);
    byte[] der;
    String where = "";
    if (PemText.hasBeginLine(data)) {
      PemText.Block found = null;
      for (PemText.Block block : PemText.blocks(data)) {
        if (block.label().equals(PEM_LABEL) || block.label().equals("NEW " + PEM_LABEL)) {
          if (found != null) {
            throw new InvalidMaterialException(
                "holds more than one certificate request ("
                    + found.describe()
                    + ", "
                    + block.describe()
                    + ")");
          }
          found = block;
        } else if (block.isPrivateKey()) {
          throw new InvalidMaterialException(
              "contains a PRIVATE KEY, not a certificate request (" + block.describe() + ")");
        } else {
          throw new InvalidMaterialException(
              block.describe() + " is a " + block.label() + ", not a CERTIFICATE REQUEST");
        }
      }
      if (found == null) {
        throw new InvalidMaterialException("holds no CERTIFICATE REQUEST block");
      }
      der = PemText.decode(data, found).content();
      where = found.describe() + " ";
    } else if ((data[0] & 0xff) == 0x30) {
      der = data.clone();
    } else {
      throw new InvalidMaterialException(
          "holds no certificate request: there is no -----BEGIN CERTIFICATE REQUEST----- line");
    }
    String shape = Der.shapeProblem(der);
    if (shape != null) {
      throw new InvalidMaterialException(where + "is not a valid certificate request: " + shape);
    }
    try {
      PKCS10CertificationRequest request =
          new PKCS10CertificationRequest(CertificationRequest.getInstance(Der.parse(der)));
      Extensions requested = request.getRequestedExtensions();
      if (requested != null) {
        GeneralNames.fromExtensions(requested, Extension.subjectAlternativeName);
        ExtendedKeyUsage.fromExtensions(requested);
      }
      // facts() decodes the subject's strings; a bad one (invalid UTF-8) is a parse error here,
      // and so is a malformed name of another kind.
      Names.decode(request.getSubject());
      ParsedCsr parsed = new ParsedCsr(der, request, requested);
      parsed.subjectAttributes();
      parsed.otherAlternativeNames();
      parsed.extendedKeyUsages();
      parsed.caRequests();
      parsed.requestedExtensions();
      return parsed;
    } catch (IOException | RuntimeException e) {
      throw new InvalidMaterialException(
          where + "is not a valid certificate request: " + Der.reason(e), e);
    }
  }

  /** What the request says, and whether its signature verifies with its own key. */
  public CsrFacts facts() {
    List<String> dnsNames = new ArrayList<>();
    List<InetAddress> ips = new ArrayList<>();
    GeneralNames names =
        requested == null
            ? null
            : GeneralNames.fromExtensions(requested, Extension.subjectAlternativeName);
    if (names != null) {
      for (GeneralName name : names.getNames()) {
        if (name.getTagNo() == GeneralName.dNSName) {
          dnsNames.add(GeneralNameText.ia5(name.getName()));
        } else if (name.getTagNo() == GeneralName.iPAddress) {
          byte[] octets = ASN1OctetString.getInstance(name.getName()).getOctets();
          if (octets.length == 4 || octets.length == 16) {
            try {
              ips.add(InetAddress.getByAddress(octets));
            } catch (UnknownHostException e) {
              throw new IllegalStateException("4 or 16 bytes are an address", e);
            }
          }
        }
      }
    }
    return new CsrFacts(
        Names.decode(request.getSubject()),
        Names.rfc4514(request.getSubject()),
        dnsNames,
        ips,
        otherAlternativeNames(),
        requestedExtensions(),
        publicKey().facts(),
        signatureValid());
  }

  /** Every attribute of the subject, in encoding order, typed by keyword as names show them. */
  public List<DistinguishedName.Attribute> subjectAttributes() {
    return Names.attributes(request.getSubject()).stream().flatMap(List::stream).toList();
  }

  /**
   * The subjectAltName entries that are neither a DNS name nor an IP address, in OpenSSL's words:
   * {@code email:x}, {@code URI:x}, {@code otherName:1.3.6.1.4.1.311.20.2.3}, {@code dirName:CN=x},
   * {@code RID:1.2.3}, {@code IP:<5 bytes>}; values as they are (they may hold anything).
   */
  public List<String> otherAlternativeNames() {
    GeneralNames names =
        requested == null
            ? null
            : GeneralNames.fromExtensions(requested, Extension.subjectAlternativeName);
    List<String> other = new ArrayList<>();
    if (names == null) {
      return other;
    }
    for (GeneralName name : names.getNames()) {
      switch (name.getTagNo()) {
        case GeneralName.dNSName -> {}
        case GeneralName.iPAddress -> {
          int length = ASN1OctetString.getInstance(name.getName()).getOctets().length;
          if (length != 4 && length != 16) {
            other.add("IP:<" + length + " bytes>");
          }
        }
        default -> other.add(GeneralNameText.other(name));
      }
    }
    return other;
  }

  /** The extended key usages the request asks for, as dotted OIDs; empty when it asks for none. */
  public List<String> extendedKeyUsages() {
    ExtendedKeyUsage usage = requested == null ? null : ExtendedKeyUsage.fromExtensions(requested);
    if (usage == null) {
      return List.of();
    }
    return Arrays.stream(usage.getUsages()).map(KeyPurposeId::getId).toList();
  }

  /**
   * What the request asks for that only a CA certificate has, in OpenSSL's words: {@code
   * basicConstraints CA:TRUE} (with its {@code pathlen}), {@code keyUsage keyCertSign}, {@code
   * keyUsage cRLSign}; empty when it asks for none of it.
   */
  public List<String> caRequests() {
    List<String> asked = new ArrayList<>();
    if (requested == null) {
      return asked;
    }
    BasicConstraints constraints = BasicConstraints.fromExtensions(requested);
    if (constraints != null && constraints.isCA()) {
      asked.add(
          "basicConstraints CA:TRUE"
              + (constraints.getPathLenConstraint() == null ? "" : ", pathlen:" + constraints.getPathLenConstraint()));
    }
    KeyUsage usage = KeyUsage.fromExtensions(requested);
    if (usage != null && usage.hasUsages(KeyUsage.keyCertSign)) {
      asked.add("keyUsage keyCertSign");
    }
    if (usage != null && usage.hasUsages(KeyUsage.cRLSign)) {
      asked.add("keyUsage cRLSign");
    }
    return asked;
  }

  /**
   * Every extension the request asks for, in its order: what {@code sign} would refuse (a CA's
   * basic constraints or key usage, a usage other than serverAuth and clientAuth, a critical
   * extension it does not carry) is there for a reviewer to see. The values hostpki reads are in
   * OpenSSL's words; any other (or one that does not decode) by its size.
   */
  public List<CsrFacts.RequestedExtension> requestedExtensions() {
    if (requested == null) {
      return List.of();
    }
    List<CsrFacts.RequestedExtension> all = new ArrayList<>();
    for (ASN1ObjectIdentifier oid : requested.getExtensionOIDs()) {
      Extension extension = requested.getExtension(oid);
      String value;
      try {
        value = describe(extension);
      } catch (RuntimeException e) {
        value = null;
      }
      if (value == null) {
        int size = extension.getExtnValue().getOctets().length;
        value = size + (size == 1 ? " byte" : " bytes");
      }
      all.add(
          new CsrFacts.RequestedExtension(
              oid.getId(), ExtensionNames.extension(oid.getId()), extension.isCritical(), value));
    }
    return all;
  }

  private static final String[] KEY_USAGE_BITS = {
    "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement",
    "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"
  };

  /** An extension hostpki reads in OpenSSL's words; null for any other. */
  private static String describe(Extension extension) {
    ASN1ObjectIdentifier oid = extension.getExtnId();
    if (oid.equals(Extension.basicConstraints)) {
      BasicConstraints constraints = BasicConstraints.getInstance(extension.getParsedValue());
      return constraints.isCA()
          ? "CA:TRUE" + (constraints.getPathLenConstraint() == null ? "" : ", pathlen:" + constraints.getPathLenConstraint())
          : "CA:FALSE";
    }
    if (oid.equals(Extension.keyUsage)) {
      org.bouncycastle.asn1.ASN1BitString bits = org.bouncycastle.asn1.ASN1BitString.getInstance(extension.getParsedValue());
      byte[] octets = bits.getBytes();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < octets.length * 8 - bits.getPadBits(); i++) {
        if ((octets[i / 8] & (0x80 >> (i % 8))) != 0) {
          names.add(i < KEY_USAGE_BITS.length ? KEY_USAGE_BITS[i] : "bit " + i);
        }
      }
      return names.isEmpty() ? "none" : String.join(", ", names);
    }
    if (oid.equals(Extension.extendedKeyUsage)) {
      ExtendedKeyUsage usage = ExtendedKeyUsage.getInstance(extension.getParsedValue());
      return String.join(
          ", ", Arrays.stream(usage.getUsages()).map(p -> ExtensionNames.usage(p.getId())).toList());
    }
    if (oid.equals(Extension.subjectAlternativeName)) {
      int count = GeneralNames.getInstance(extension.getParsedValue()).getNames().length;
      return count + (count == 1 ? " name" : " names");
    }
    if (oid.equals(Extension.subjectKeyIdentifier)) {
      return org.bouncycastle.util.encoders.Hex.toHexString(
          ASN1OctetString.getInstance(extension.getParsedValue()).getOctets()).toUpperCase(java.util.Locale.ROOT);
    }
    return null;
  }

  /**
   * The dotted OIDs of the extensions the request marks critical that a certificate hostpki
   * signs does not carry: a client that finds such an extension critical would refuse the
   * certificate without it, so the request insists on what it will not get.
   */
  public List<String> unhandledCriticalExtensions() {
    if (requested == null) {
      return List.of();
    }
    return Arrays.stream(requested.getCriticalExtensionOIDs())
        .filter(oid -> !HANDLED.contains(oid))
        .map(ASN1ObjectIdentifier::getId)
        .toList();
  }

  /** The public key the request asks to have certified. */
  public SubjectPublicKey publicKey() {
    return SubjectPublicKey.of(request.getSubjectPublicKeyInfo());
  }

  /** Whether the request's extended key usage includes clientAuth. */
  public boolean requestsClientAuth() {
    ExtendedKeyUsage usage = requested == null ? null : ExtendedKeyUsage.fromExtensions(requested);
    return usage != null && usage.hasKeyPurposeId(KeyPurposeId.id_kp_clientAuth);
  }

  /** Whether the request is signed by the key it carries (proof of possession). */
  public boolean signatureValid() {
    Optional<ContentVerifierProvider> verifier =
        Signatures.verifier(request.getSubjectPublicKeyInfo());
    if (verifier.isEmpty()) {
      return false;
    }
    try {
      return request.isSignatureValid(verifier.get());
    } catch (Exception e) {
      return false;
    }
  }

  /** The DER encoding (a copy). */
  public byte[] der() {
    return der.clone();
  }

  /** One PEM CERTIFICATE REQUEST block. */
  public String pem() {
    return PemText.encode(PEM_LABEL, der);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParsedCsr other && Arrays.equals(der, other.der);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(der);
  }

  @Override
  public String toString() {
    return "ParsedCsr[" + Names.rfc4514(request.getSubject()) + "]";
  }
}
