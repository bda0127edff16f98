package org.hostpki.fetch;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** Certificates as PEM for a trust directory: 64-column base64, LF line ends, one block each. */
public final class PemCertificates {
  private static final Base64.Encoder BASE64 =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private PemCertificates() {}

  public static String encode(List<X509Certificate> certificates) {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      pem.append(encode(certificate));
    }
    return pem.toString();
  }

  public static String encode(X509Certificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + BASE64.encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate has its encoding", e);
    }
  }
}
