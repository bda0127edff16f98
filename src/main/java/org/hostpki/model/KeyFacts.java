package org.hostpki.model;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What is known of a key pair without its secret: its kind and its public key's fingerprint.
 *
 * @param spec the key's kind; empty when it is of a kind hostpki does not make
 * @param publicKeyFingerprint SHA-256 of the SubjectPublicKeyInfo DER
 * @param other a key of a kind hostpki does not make but can name (Ed448, RSA-PSS, an EC key on
 *     another curve …); empty when {@code spec} is present or the kind is not known at all
 */
public record KeyFacts(Optional<KeySpec> spec, Fingerprint publicKeyFingerprint, Optional<Other> other) {
  public KeyFacts {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(publicKeyFingerprint, "publicKeyFingerprint");
    Objects.requireNonNull(other, "other");
  }

  /** A key of a kind hostpki makes, or of no kind it can name. */
  public KeyFacts(Optional<KeySpec> spec, Fingerprint publicKeyFingerprint) {
    this(spec, publicKeyFingerprint, Optional.empty());
  }

  /**
   * The key's kind as OpenSSL users say it: {@code EC P-256}, {@code RSA 3072}, {@code Ed25519},
   * {@code Ed448}, {@code RSA-PSS 2048}; {@code other} for a kind hostpki cannot name.
   */
  public String description() {
    return spec.map(KeySpec::toString).orElseGet(() -> other.map(Other::description).orElse("other"));
  }

  /**
   * A key of a kind hostpki does not make, named.
   *
   * @param description as {@link KeyFacts#description()} says it
   * @param algorithm {@code EdDSA}, {@code RSASSA-PSS}, {@code EC}, {@code DSA}, {@code XDH}
   * @param bits its size, when known
   * @param curve its curve (a name, else the OID), for EC, EdDSA and XDH keys
   */
  public record Other(String description, String algorithm, OptionalInt bits, Optional<String> curve) {
    public Other {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(algorithm, "algorithm");
      Objects.requireNonNull(bits, "bits");
      Objects.requireNonNull(curve, "curve");
    }
  }
}
