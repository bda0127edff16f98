package org.hostpki.renewal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.Backdate;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;

/** Certificate facts with just the dates, serial and fingerprint a renewal policy reads. */
final class Certificates {
  private Certificates() {}

  /** A certificate issued at {@code issued} for {@code validity}, back-dated as hostpki does. */
  static CertificateFacts issued(BigInteger serial, Instant issued, Duration validity) {
    Instant notBefore = issued.minus(Backdate.of(validity));
    return facts(serial, notBefore, notBefore.plus(validity));
  }

  /** When hostpki made a certificate it issued: its notBefore plus the back-dating. */
  static Instant madeAt(CertificateFacts c) {
    return c.notBefore().plus(Backdate.of(Duration.between(c.notBefore(), c.notAfter())));
  }

  static CertificateFacts facts(BigInteger serial, Instant notBefore, Instant notAfter) {
    return facts(Fingerprint.sha256(serial.toByteArray()), serial, notBefore, notAfter);
  }

  /** Another certificate with the same serial and dates: another CA's, say, or another key's. */
  static CertificateFacts facts(Fingerprint fp, BigInteger serial, Instant notBefore, Instant notAfter) {
    return new CertificateFacts(
        fp,
        Subject.commonName("portal"),
        "CN=portal",
        "CN=Example CA",
        serial,
        notBefore,
        notAfter,
        List.of("portal.example.com"),
        List.of(),
        new KeyFacts(Optional.of(KeySpec.defaultSpec()), Fingerprint.sha256("key".getBytes(StandardCharsets.UTF_8))),
        false,
        Optional.empty(),
        List.of(CertificateFacts.EKU_SERVER_AUTH),
        Optional.empty(),
        Optional.empty(),
        "SHA256withECDSA", Optional.empty());
  }
}
