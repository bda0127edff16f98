package org.hostpki.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
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
    ExtendedKeyUsage usage =
        clientAuth
            ? new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})
            : new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth);
    return new Extension(Extension.extendedKeyUsage, false, usage.getEncoded());
  }

  /** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
  static SubjectKeyIdentifier keyIdentifier(SubjectPublicKeyInfo key) {
    return new BcX509ExtensionUtils().createSubjectKeyIdentifier(key);
  }
}
