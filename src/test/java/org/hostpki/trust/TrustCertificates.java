package org.hostpki.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.model.Backdate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;

/**
 * Certificates to trust, made quickly: one EC key per JVM signs them all (a trust store does not
 * care whose key a root has), each with its own subject and random serial.
 */
final class TrustCertificates {
  private TrustCertificates() {}

  /** The tests' "now"; the CLI runs with a clock fixed here. */
  static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final KeyMaterial KEY = KeyMaterial.generate(new KeySpec.Ec(KeySpec.Curve.P256), RANDOM);

  /** A root CA valid from an hour before {@link #NOW} for 400 days. */
  static Certificate root(String commonName) {
    return root(Subject.commonName(commonName));
  }

  static Certificate root(Subject subject) {
    return new CertificateIssuer(RANDOM).selfSignedCa(subject, KEY, NOW, Duration.ofDays(400));
  }

  /** A root CA whose notAfter is exactly {@code notAfter} (valid for a year before that). */
  static Certificate expiringAt(String commonName, Instant notAfter) {
    Duration validity = Duration.ofDays(365);
    return new CertificateIssuer(RANDOM)
        .selfSignedCa(
            Subject.commonName(commonName),
            KEY,
            notAfter.minus(validity).plus(Backdate.of(validity)),
            validity);
  }

  static Subject subject(String commonName, String organization) {
    return new Subject(
        Optional.of(commonName),
        Optional.of(organization),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** The shared key as PKCS#8 PEM: what must never pass for a certificate. */
  static byte[] privateKeyPem() {
    return KEY.pkcs8Pem();
  }

  static byte[] privateKeyDer() {
    return KEY.pkcs8Der();
  }

  /** A PKCS#10 request (PEM) for the shared key. */
  static byte[] requestPem() {
    return CertificationRequest.create(
        Subject.commonName("request.example.com"), List.of("request.example.com"), List.of(), false, KEY);
  }

  static Path writePem(Path file, Certificate... certificates) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, Pem.certificates(List.of(certificates)), StandardCharsets.US_ASCII);
    return file;
  }

  static Path writeDer(Path file, Certificate certificate) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, certificate.der());
    return file;
  }
}
