package org.hostpki.it;

import java.nio.file.Path;

/**
 * The rows of the verifier matrix: each key algorithm for both the CA and the server, one mixed
 * row (an RSA CA signing an EC server key, so the signature algorithm follows the CA's key), and
 * both PKCS#12 profiles spread over the rows.
 */
enum StoreCase {
  EC_P256(KeyChoice.EC_P256, KeyChoice.EC_P256, "modern"),
  EC_P384(KeyChoice.EC_P384, KeyChoice.EC_P384, "legacy"),
  RSA_2048(KeyChoice.RSA_2048, KeyChoice.RSA_2048, "legacy"),
  RSA_3072(KeyChoice.RSA_3072, KeyChoice.RSA_3072, "modern"),
  RSA_3072_CA_EC_P256_SERVER(KeyChoice.RSA_3072, KeyChoice.EC_P256, "legacy");

  private final KeyChoice caKey;
  private final KeyChoice serverKey;
  private final String pkcs12Profile;

  StoreCase(KeyChoice caKey, KeyChoice serverKey, String pkcs12Profile) {
    this.caKey = caKey;
    this.serverKey = serverKey;
    this.pkcs12Profile = pkcs12Profile;
  }

  KeyChoice caKey() {
    return caKey;
  }

  KeyChoice serverKey() {
    return serverKey;
  }

  String pkcs12Profile() {
    return pkcs12Profile;
  }

  /** The desired state of this row: host {@code row-N.hostpki.test} on 127.0.0.1 and ::1. */
  DesiredStateFile desiredState(Path directory) {
    String hostname = "row-" + (ordinal() + 1);
    return DesiredStateFile.forHost(directory, hostname)
        .withCaCommonName("hostpki IT CA " + hostname)
        .withKeys(caKey, serverKey)
        .withPkcs12Profile(pkcs12Profile);
  }
}
