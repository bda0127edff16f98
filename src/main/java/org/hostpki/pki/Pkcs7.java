package org.hostpki.pki;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.util.CollectionStore;

/**
 * "Degenerate" PKCS#7 (CMS SignedData with certificates and no signers): the {@code .p7b} form
 * that the Windows and macOS certificate import dialogs take for a chain or a bundle, and what
 * {@code openssl crl2pkcs7 -nocrl} writes.
 */
public final class Pkcs7 {
  private Pkcs7() {}

  /** The certificates as one DER PKCS#7 bundle. */
  public static byte[] certificatesOnly(List<Certificate> certificates) {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("a PKCS#7 bundle needs a certificate");
    }
    List<X509CertificateHolder> holders = new ArrayList<>();
    certificates.forEach(c -> holders.add(c.holder()));
    try {
      CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
      generator.addCertificates(new CollectionStore<>(holders));
      CMSSignedData data = generator.generate(new CMSAbsentContent());
      return data.getEncoded("DER");
    } catch (CMSException | IOException e) {
      throw new IllegalStateException("encoding certificates as PKCS#7 cannot fail", e);
    }
  }
}
