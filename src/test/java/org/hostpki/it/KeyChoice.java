package org.hostpki.it;

/** The key algorithms a desired state can ask for, and what {@code openssl x509 -text} shows. */
enum KeyChoice {
  EC_P256("{algorithm: EC, curve: P-256}", "id-ecPublicKey", "NIST CURVE: P-256"),
  EC_P384("{algorithm: EC, curve: P-384}", "id-ecPublicKey", "NIST CURVE: P-384"),
  RSA_2048("{algorithm: RSA, size: 2048}", "rsaEncryption", "Public-Key: (2048 bit)"),
  RSA_3072("{algorithm: RSA, size: 3072}", "rsaEncryption", "Public-Key: (3072 bit)");

  private final String yaml;
  private final String opensslAlgorithm;
  private final String opensslSize;

  KeyChoice(String yaml, String opensslAlgorithm, String opensslSize) {
    this.yaml = yaml;
    this.opensslAlgorithm = opensslAlgorithm;
    this.opensslSize = opensslSize;
  }

  /** The {@code key:} value in a desired-state file. */
  String yaml() {
    return yaml;
  }

  /** The "Public Key Algorithm" line's value in {@code openssl x509 -text}. */
  String opensslAlgorithm() {
    return opensslAlgorithm;
  }

  /** The line of {@code openssl x509 -text} that gives the curve or the modulus size. */
  String opensslSize() {
    return opensslSize;
  }
}
