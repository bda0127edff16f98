package org.hostpki.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.KeyPurpose;
import org.hostpki.model.NameConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;

/** Extensions of the certificates and requests hostpki makes, built one way for all of them. */
final class CertificateExtensions {
  private CertificateExtensions() {}

  /** dNSName entries, then iPAddress entries; critical when the subject is empty (RFC 5280). */
  static Extension subjectAltName(List<String> dnsNames, List<InetAddress> ips, boolean critical)
      throws IOException {
    List<GeneralName> names = new ArrayList<>();
    for (String dns : dnsNames) {
      names.add(new GeneralName(GeneralName.dNSName, new DERIA5String(dns, true)));
    }
    for (InetAddress ip : ips) {
      names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress())));
    }
    return new Extension(
        Extension.subjectAlternativeName,
        critical,
        new GeneralNames(names.toArray(GeneralName[]::new)).getEncoded());
  }

  /** digitalSignature, and keyEncipherment for RSA keys (RSA key transport in TLS 1.2). */
  static Extension serverKeyUsage(SubjectPublicKey key) throws IOException {
    boolean rsa = key.spec().filter(s -> s instanceof org.hostpki.model.KeySpec.Rsa).isPresent();
    int usage = KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : 0);
    return new Extension(Extension.keyUsage, true, new KeyUsage(usage).getEncoded());
  }

  static Extension serverExtendedKeyUsage(boolean clientAuth) throws IOException {
    return extendedKeyUsage(
        clientAuth ? EnumSet.allOf(KeyPurpose.class) : EnumSet.of(KeyPurpose.SERVER_AUTH));
  }

  /** The usages in a fixed order (serverAuth first), non-critical as browsers expect. */
  static Extension extendedKeyUsage(Set<KeyPurpose> usages) throws IOException {
    KeyPurposeId[] ids =
        EnumSet.copyOf(usages).stream()
            .map(u -> KeyPurposeId.getInstance(new ASN1ObjectIdentifier(u.oid())))
            .toArray(KeyPurposeId[]::new);
    return new Extension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ids).getEncoded());
  }

  /**
   * Name constraints, critical as RFC 5280 says a CA marks them: DNS domains as dNSName subtrees,
   * IP ranges as address-and-mask iPAddress subtrees, each with minimum 0 and no maximum.
   */
  static Extension nameConstraints(NameConstraints constraints) throws IOException {
    GeneralSubtree[] permitted = subtrees(constraints.permittedDnsDomains(), constraints.permittedIpRanges());
    GeneralSubtree[] excluded = subtrees(constraints.excludedDnsDomains(), constraints.excludedIpRanges());
    return new Extension(
        Extension.nameConstraints,
        true,
        new org.bouncycastle.asn1.x509.NameConstraints(
                permitted.length == 0 ? null : permitted, excluded.length == 0 ? null : excluded)
            .getEncoded());
  }

  private static GeneralSubtree[] subtrees(List<String> domains, List<IpNetwork> ranges) {
    List<GeneralSubtree> out = new ArrayList<>();
    for (String domain : domains) {
      out.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, new DERIA5String(domain, true))));
    }
    for (IpNetwork range : ranges) {
      byte[] address = range.address().getAddress();
      byte[] octets = new byte[address.length * 2];
      for (int bit = 0; bit < range.prefixLength(); bit++) {
        octets[address.length + bit / 8] |= (byte) (0x80 >>> (bit % 8));
      }
      for (int i = 0; i < address.length; i++) {
        octets[i] = (byte) (address[i] & octets[address.length + i]);
      }
      out.add(new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new DEROctetString(octets))));
    }
    return out.toArray(GeneralSubtree[]::new);
  }

  /**
   * The name constraints of an extension, for the DNS and IP subtrees hostpki writes; subtrees of
   * other kinds (email, URI, directory names), which hostpki never writes, are left out.
   */
  static NameConstraints nameConstraints(org.bouncycastle.asn1.x509.NameConstraints extension) {
    List<String> permittedDomains = new ArrayList<>();
    List<IpNetwork> permittedRanges = new ArrayList<>();
    List<String> excludedDomains = new ArrayList<>();
    List<IpNetwork> excludedRanges = new ArrayList<>();
    read(extension.getPermittedSubtrees(), permittedDomains, permittedRanges);
    read(extension.getExcludedSubtrees(), excludedDomains, excludedRanges);
    return new NameConstraints(permittedDomains, permittedRanges, excludedDomains, excludedRanges);
  }

  private static void read(GeneralSubtree[] subtrees, List<String> domains, List<IpNetwork> ranges) {
    if (subtrees == null) {
      return;
    }
    for (GeneralSubtree subtree : subtrees) {
      GeneralName base = subtree.getBase();
      if (base.getTagNo() == GeneralName.dNSName) {
        domains.add(GeneralNameText.ia5(base.getName()));
      } else if (base.getTagNo() == GeneralName.iPAddress) {
        range(ASN1OctetString.getInstance(base.getName()).getOctets()).ifPresent(ranges::add);
      }
    }
  }

  /** Address and mask (8 or 32 octets) as a network; empty for another length. */
  private static Optional<IpNetwork> range(byte[] octets) {
    if (octets.length != 8 && octets.length != 32) {
      return Optional.empty();
    }
    int half = octets.length / 2;
    int prefix = 0;
    for (int i = half; i < octets.length; i++) {
      prefix += Integer.bitCount(octets[i] & 0xff);
    }
    try {
      return Optional.of(new IpNetwork(InetAddress.getByAddress(Arrays.copyOf(octets, half)), prefix));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** A CRL Distribution Point with the URL as its full name (RFC 5280 4.2.1.13), non-critical. */
  static Extension crlDistributionPoints(URI url) throws IOException {
    DistributionPoint point =
        new DistributionPoint(
            new DistributionPointName(
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, new DERIA5String(url.toASCIIString(), true)))),
            null,
            null);
    return new Extension(
        Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {point}).getEncoded());
  }

  /** The URLs of a CRL Distribution Points extension's full names. */
  static List<String> crlDistributionPoints(CRLDistPoint extension) {
    List<String> urls = new ArrayList<>();
    for (DistributionPoint point : extension.getDistributionPoints()) {
      DistributionPointName name = point.getDistributionPoint();
      if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
        for (GeneralName general : GeneralNames.getInstance(name.getName()).getNames()) {
          if (general.getTagNo() == GeneralName.uniformResourceIdentifier) {
            urls.add(ASN1IA5String.getInstance(general.getName()).getString());
          }
        }
      }
    }
    return urls;
  }

  /** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
  static SubjectKeyIdentifier keyIdentifier(SubjectPublicKeyInfo key) {
    return new BcX509ExtensionUtils().createSubjectKeyIdentifier(key);
  }
}
