package org.hostpki.pki;

import java.io.IOException;
import java.util.Map;
import java.util.SortedMap;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DLSequence;
import org.bouncycastle.asn1.pkcs.AuthenticatedSafe;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.pkcs.PKCS12PfxPdu;

/**
 * A PKCS#12 trust store without a password: no MAC, certificates in the clear. It is the form of
 * the JDK's own {@code cacerts} since JDK 18 (JDK-8275252), which that JDK reads without a
 * trust store password and would read as empty if it were encrypted. The JDK 17 that runs hostpki
 * reads this form but cannot write it, so it is written here.
 */
public final class UnprotectedTrustStore {
  private UnprotectedTrustStore() {}

  /** Whether the bytes are a PKCS#12 file without a MAC whose contents are all unencrypted. */
  public static boolean isUnprotected(byte[] pkcs12) {
    try {
      PKCS12PfxPdu pfx = new PKCS12PfxPdu(pkcs12);
      if (pfx.hasMac()) {
        return false;
      }
      for (ContentInfo info : pfx.getContentInfos()) {
        if (!PKCSObjectIdentifiers.data.equals(info.getContentType())) {
          return false;
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The trust store: one trustedCertEntry per alias (the JDK's trust attribute on each certificate
   * bag), aliases as given.
   */
  public static byte[] write(SortedMap<String, Certificate> entries) {
    Attribute trusted =
        new Attribute(Pkcs12.JDK_TRUSTED_KEY_USAGE, new DERSet(KeyPurposeId.anyExtendedKeyUsage.toOID()));
    ASN1EncodableVector bags = new ASN1EncodableVector(entries.size());
    for (Map.Entry<String, Certificate> entry : entries.entrySet()) {
      if (entry.getKey().isEmpty()) {
        throw new IllegalArgumentException("a PKCS#12 alias must not be empty");
      }
      bags.add(Pkcs12.certificateBag(entry.getValue(), Pkcs12.friendlyName(entry.getKey()), trusted).toASN1Structure());
    }
    try {
      // One unencrypted SafeContents in one Data, and no MacData: what the JDK writes with
      // keystore.pkcs12.certProtectionAlgorithm and macAlgorithm set to NONE.
      ContentInfo safeContents =
          new ContentInfo(PKCSObjectIdentifiers.data, new DEROctetString(new DLSequence(bags).getEncoded(ASN1Encoding.DL)));
      AuthenticatedSafe authenticatedSafe = new AuthenticatedSafe(new ContentInfo[] {safeContents});
      return new Pfx(
              new ContentInfo(PKCSObjectIdentifiers.data, new DEROctetString(authenticatedSafe.getEncoded(ASN1Encoding.DL))),
              null)
          .getEncoded(ASN1Encoding.DL);
    } catch (IOException e) {
      throw new IllegalStateException("building a PKCS#12 file failed: " + e.getMessage(), e);
    }
  }
}
