package org.hostpki.model;

import java.net.URI;
import java.util.Objects;

/**
 * {@code ca.crl.url}: the CRL Distribution Point a fleet CA's certificates name. It may hold
 * {@value #KEY_ID} once, which each CA expands to its own key id (the lower-case hex of its
 * subject key identifier), so that the certificates of a rotation's new CA name a distribution
 * point of its own while the previous CA's keeps serving that CA's last CRL ({@code
 * ca-previous.crl}), as Active Directory Certificate Services names a renewed CA's CRL by its key
 * ({@code <CRLNameSuffix>}) and EJBCA by its issuer. Without it every CA names the same URL.
 *
 * @param template the URL as written, with {@value #KEY_ID} when the distribution point is per CA
 */
public record CrlUrl(String template) {
  /** The placeholder each CA expands to its key id. */
  public static final String KEY_ID = "{keyId}";

  public CrlUrl {
    Objects.requireNonNull(template, "template");
  }

  /** A URL without the placeholder: the same for every CA. */
  public static CrlUrl of(URI uri) {
    return new CrlUrl(uri.toString());
  }

  /** Whether each CA names a distribution point of its own ({@value #KEY_ID} is there). */
  public boolean perCa() {
    return template.contains(KEY_ID);
  }

  /**
   * The distribution point of one CA.
   *
   * @param keyId the lower-case hex of the CA's subject key identifier
   */
  public URI forCa(String keyId) {
    return URI.create(template.replace(KEY_ID, keyId.toLowerCase(java.util.Locale.ROOT)));
  }

  /** The distribution point of the CA of this certificate (a CA certificate): its key id. */
  public URI forCa(CertificateFacts ca) {
    return forCa(keyId(ca));
  }

  /** A CA's key id as {@value #KEY_ID} expands: its SKI, else its certificate's fingerprint. */
  public static String keyId(CertificateFacts ca) {
    return ca.subjectKeyId().orElseGet(() -> ca.fingerprint().hex());
  }

  @Override
  public String toString() {
    return template;
  }
}
