package org.hostpki.sign;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.hostpki.model.Backdate;
import org.hostpki.model.DateText;
import org.hostpki.model.DurationText;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.SigningPolicy;

/**
 * How long a signed certificate lasts: the asked validity or the CA host's {@code server.validity},
 * no longer than {@code ca.policy.maxValidity} (or the browsers' 398 days without one, unless
 * {@code server.allowLongValidity}), and never past the CA certificate's own end.
 *
 * @param validity the whole span, notBefore to notAfter
 * @param note why it is shorter than asked, for the user; empty when it is not
 */
public record IssuedValidity(Duration validity, Optional<String> note) {
  /**
   * @param asked {@code --validity}, when given
   * @param caServer the CA host's server section: its validity is the default
   * @param now when the certificate is issued
   * @param caNotAfter when the signing CA certificate ends; after {@code now}
   */
  public static IssuedValidity choose(
      Optional<Duration> asked,
      ServerSpec caServer,
      Optional<SigningPolicy> policy,
      Instant now,
      Instant caNotAfter) {
    Duration validity = asked.orElse(caServer.validity());
    Optional<String> note = Optional.empty();
    Optional<Duration> max = policy.flatMap(SigningPolicy::maxValidity);
    if (max.isPresent() && validity.compareTo(max.get()) > 0) {
      // The CA host's own server.validity above maxValidity is the normal case, not news.
      note = asked.map(a -> "validity " + DurationText.of(a) + " shortened to ca.policy.maxValidity " + DurationText.of(max.get()));
      validity = max.get();
    } else if (max.isEmpty()
        && !caServer.allowLongValidity()
        && validity.compareTo(ServerSpec.MAX_BROWSER_VALIDITY) > 0) {
      note =
          Optional.of(
              "validity " + DurationText.of(validity) + " shortened to the browsers' limit of "
                  + DurationText.of(ServerSpec.MAX_BROWSER_VALIDITY)
                  + " (set ca.policy.maxValidity, and server.allowLongValidity, for more)");
      validity = ServerSpec.MAX_BROWSER_VALIDITY;
    }
    // CertificateIssuer starts the certificate Backdate.of(validity) before now, to the second.
    Duration within = Backdate.within(validity, now, caNotAfter);
    if (!within.equals(validity)) {
      validity = within;
      note =
          Optional.of(
              "validity shortened to end with the CA certificate on " + DateText.of(caNotAfter)
                  + " (a certificate cannot outlive the CA that signed it)");
    }
    return new IssuedValidity(validity, note);
  }

  /** The validity in the short form desired states use: {@code 90d}. */
  public String words() {
    return DurationText.of(validity);
  }
}
