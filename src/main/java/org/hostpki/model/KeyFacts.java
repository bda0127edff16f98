package org.hostpki.model;

import java.util.Objects;
import java.util.Optional;

/**
 * What is known of a key pair without its secret: its kind and its public key's fingerprint.
 *
 * @param spec the key's kind; empty when it is of a kind hostpki does not make
 * @param publicKeyFingerprint SHA-256 of the SubjectPublicKeyInfo DER
 */
public record KeyFacts(Optional<KeySpec> spec, Fingerprint publicKeyFingerprint) {
  public KeyFacts {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(publicKeyFingerprint, "publicKeyFingerprint");
  }
}
