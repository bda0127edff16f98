package org.hostpki.acme;

import java.util.Objects;
import java.util.Optional;
import org.hostpki.model.AcmeSpec;

/**
 * The desired state's ACME settings with the secret they name resolved (the caller reads it, as it
 * reads the store password).
 *
 * @param eabHmacKey the external account binding's HMAC key as the CA gave it out (base64url);
 *     present exactly when {@code spec.externalAccountBinding()} is
 */
public record AcmeSettings(AcmeSpec spec, Optional<String> eabHmacKey) {
  public AcmeSettings {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(eabHmacKey, "eabHmacKey");
    if (spec.externalAccountBinding().isPresent() != eabHmacKey.isPresent()) {
      throw new IllegalArgumentException("the EAB HMAC key is given exactly when EAB is configured");
    }
  }

  /** Never the HMAC key: a record's own toString would print it into any message or log that shows this. */
  @Override
  public String toString() {
    return "AcmeSettings[spec=" + spec + ", eabHmacKey=" + eabHmacKey.map(k -> "(hidden)").orElse("none") + "]";
  }

  /** Settings without external account binding. */
  public static AcmeSettings of(AcmeSpec spec) {
    return new AcmeSettings(spec, Optional.empty());
  }
}
