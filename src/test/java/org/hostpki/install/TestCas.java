package org.hostpki.install;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.hostpki.model.KeySpec;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.testkit.CertificateBuilder;

/** CA certificates for install tests: EC P-256, valid around the real time (tools check it). */
final class TestCas {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final KeyMaterial KEY = KeyMaterial.generate(new KeySpec.Ec(KeySpec.Curve.P256), RANDOM);

  private TestCas() {}

  /** A self-signed CA with this commonName (each call a new certificate). */
  static Certificate ca(String commonName) {
    Instant now = Instant.now();
    return CertificateBuilder.certificate(commonName)
        .selfSigned(KEY)
        .ca(null)
        .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)))
        .build();
  }

  /** A self-signed certificate that is no CA (a device's, say). */
  static Certificate leaf(String commonName) {
    Instant now = Instant.now();
    return CertificateBuilder.certificate(commonName)
        .selfSigned(KEY)
        .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)))
        .build();
  }
}
