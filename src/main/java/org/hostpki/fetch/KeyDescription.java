package org.hostpki.fetch;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A public key's kind as an operator reads it: {@code RSA 2048}, {@code EC P-256}, {@code Ed25519}.
 *
 * @param algorithm the JCA algorithm name: RSA, EC, EdDSA, DSA, ...
 * @param bits the key size, when the algorithm has one
 * @param curve the curve's name (NIST name where there is one, else its OID), for EC and EdDSA
 */
public record KeyDescription(String algorithm, OptionalInt bits, Optional<String> curve) {

  private static final Map<String, String> CURVE_NAMES =
      Map.of(
          "1.2.840.10045.3.1.7", "P-256",
          "1.3.132.0.34", "P-384",
          "1.3.132.0.35", "P-521",
          "1.3.132.0.10", "secp256k1",
          "1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1",
          "1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1",
          "1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1");

  public KeyDescription {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(bits, "bits");
    Objects.requireNonNull(curve, "curve");
  }

  public static KeyDescription of(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return new KeyDescription("RSA", OptionalInt.of(rsa.getModulus().bitLength()), Optional.empty());
    }
    if (key instanceof ECPublicKey ec) {
      ECParameterSpec params = ec.getParams();
      return new KeyDescription(
          "EC", OptionalInt.of(params.getCurve().getField().getFieldSize()), curveName(params));
    }
    if (key instanceof EdECPublicKey ed) {
      String name = ed.getParams().getName();
      return new KeyDescription(
          "EdDSA", OptionalInt.of(name.equalsIgnoreCase("Ed448") ? 448 : 255), Optional.of(name));
    }
    if (key instanceof DSAPublicKey dsa && dsa.getParams() != null) {
      return new KeyDescription("DSA", OptionalInt.of(dsa.getParams().getP().bitLength()), Optional.empty());
    }
    return new KeyDescription(key.getAlgorithm(), OptionalInt.empty(), Optional.empty());
  }

  /** {@code RSA 2048}, {@code EC P-256}, {@code Ed25519}: how OpenSSL users say it. */
  @Override
  public String toString() {
    if (curve.isPresent()) {
      return algorithm.equals("EdDSA") ? curve.get() : algorithm + " " + curve.get();
    }
    return bits.isPresent() ? algorithm + " " + bits.getAsInt() : algorithm;
  }

  private static Optional<String> curveName(ECParameterSpec params) {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(params);
      String oid = parameters.getParameterSpec(ECGenParameterSpec.class).getName();
      return Optional.of(CURVE_NAMES.getOrDefault(oid, oid));
    } catch (GeneralSecurityException | RuntimeException unnamed) {
      // Explicit curve parameters have no name; the size still says something.
      return Optional.empty();
    }
  }
}
