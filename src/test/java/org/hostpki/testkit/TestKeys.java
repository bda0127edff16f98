package org.hostpki.testkit;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hostpki.model.KeySpec;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;

/**
 * Keys for tests: EC P-256 unless RSA (or another kind) is the point, and made once per JVM for a
 * name, since RSA key generation is slow enough to matter.
 */
public final class TestKeys {
  public static final SecureRandom RANDOM = new SecureRandom();

  public static final KeySpec P256 = new KeySpec.Ec(KeySpec.Curve.P256);
  public static final KeySpec P384 = new KeySpec.Ec(KeySpec.Curve.P384);
  public static final KeySpec P521 = new KeySpec.Ec(KeySpec.Curve.P521);
  public static final KeySpec RSA2048 = new KeySpec.Rsa(2048);
  public static final KeySpec RSA3072 = new KeySpec.Rsa(3072);
  public static final KeySpec ED25519 = new KeySpec.Ed25519();

  /** Every kind of key hostpki makes. */
  public static final List<KeySpec> ALL_SPECS = List.of(P256, P384, P521, RSA2048, RSA3072, ED25519);

  private static final Map<String, KeyMaterial> KEYS = new HashMap<>();

  private TestKeys() {}

  /** The JVM's shared EC P-256 key: for certificates whose key does not matter. */
  public static KeyMaterial ec() {
    return key(P256, "shared");
  }

  /** A key of the spec, the same one for the same name within a test run. */
  public static synchronized KeyMaterial key(KeySpec spec, String name) {
    return KEYS.computeIfAbsent(spec + "/" + name, k -> fresh(spec));
  }

  /** A new key of the spec. */
  public static KeyMaterial fresh(KeySpec spec) {
    return KeyMaterial.generate(spec, RANDOM);
  }

  /** A new EC P-256 key. */
  public static KeyMaterial freshEc() {
    return fresh(P256);
  }

  /** An RSA key shorter than hostpki ever makes ({@link KeyMaterial#generate} refuses them). */
  public static KeyMaterial shortRsa(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits, RANDOM);
      byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
      return KeyMaterial.fromPem(pem("PRIVATE KEY", der).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException | InvalidMaterialException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A random generator that gives the same numbers in every run: for tests whose outcome depends
   * on what hostpki draws (serial numbers, and through them the renewal jitter).
   */
  public static SecureRandom seeded(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed); // before the first draw: the sequence is the seed's alone
      return random;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM text: the label, then the DER in base64 lines of 64 characters. */
  public static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }
}
