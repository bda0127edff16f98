package org.hostpki.sign;

import java.util.Objects;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.StoreLayout;
import org.hostpki.pki.Certificate;

/**
 * A certificate the CA host signed for another host, as recorded in its store.
 *
 * @param serial the serial number in upper-case hex, an even number of digits, as {@code openssl
 *     x509 -serial} prints it
 */
public record IssuedCertificate(String serial, Certificate certificate) {
  public IssuedCertificate {
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(certificate, "certificate");
  }

  public static IssuedCertificate of(Certificate certificate) {
    return new IssuedCertificate(certificate.facts().serialHex(), certificate);
  }

  /** {@code issued/SERIAL.crt}: its name in the store. */
  public String fileName() {
    return StoreLayout.ISSUED_DIRECTORY + "/" + serial + ".crt";
  }

  public CertificateFacts facts() {
    return certificate.facts();
  }
}
