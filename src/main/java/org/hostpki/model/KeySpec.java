package org.hostpki.model;

import java.util.Objects;

/** The kind of key pair to make: a closed set of algorithms and sizes that TLS clients accept. */
public sealed interface KeySpec {

  /** An elliptic-curve key on a NIST curve. */
  record Ec(Curve curve) implements KeySpec {
    public Ec {
      Objects.requireNonNull(curve, "curve");
    }

    @Override
    public String toString() {
      return "EC " + curve.yamlName();
    }
  }

  /**
   * An RSA key. Validation allows only sizes hostpki can make: at least 2048 bits, in whole bytes.
   * (An odd size cannot be made at all: the key generator looks for two primes of half the size
   * whose product has the full size, and gives up after minutes; keys seen in certificates and
   * requests may have any size.)
   */
  record Rsa(int size) implements KeySpec {
    public static final int MINIMUM_SIZE = 2048;
    public static final int SIZE_STEP = 8;

    /** Whether a key of this size can be made: what validation lets through. */
    public boolean canBeMade() {
      return size >= MINIMUM_SIZE && size % SIZE_STEP == 0;
    }

    @Override
    public String toString() {
      return "RSA " + size;
    }
  }

  /** An Ed25519 key. */
  record Ed25519() implements KeySpec {
    @Override
    public String toString() {
      return "Ed25519";
    }
  }

  enum Curve {
    P256("P-256", "secp256r1"),
    P384("P-384", "secp384r1"),
    P521("P-521", "secp521r1");

    private final String yamlName;
    private final String standardName;

    Curve(String yamlName, String standardName) {
      this.yamlName = yamlName;
      this.standardName = standardName;
    }

    /** The name in desired-state files: {@code P-256}. */
    public String yamlName() {
      return yamlName;
    }

    /** The SEC 2 name: {@code secp256r1}. */
    public String standardName() {
      return standardName;
    }

    public static java.util.Optional<Curve> fromYamlName(String name) {
      return EnumValues.find(Curve.class, Curve::yamlName, name);
    }
  }

  /** The default for both CA and server keys: EC P-256. */
  static KeySpec defaultSpec() {
    return new Ec(Curve.P256);
  }
}
