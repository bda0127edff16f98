package org.hostpki.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class KeyDescriptionTest {

  @Test
  void testOf_rsaHasItsModulusSize() throws GeneralSecurityException {
    KeyDescription key = KeyDescription.of(generate("RSA", 2048));

    assertThat(key).isEqualTo(new KeyDescription("RSA", OptionalInt.of(2048), Optional.empty()));
    assertThat(key).hasToString("RSA 2048");
  }

  @Test
  void testOf_ecHasItsNistCurveName() throws GeneralSecurityException {
    KeyDescription key = KeyDescription.of(ec("secp384r1"));

    assertThat(key).isEqualTo(new KeyDescription("EC", OptionalInt.of(384), Optional.of("P-384")));
    assertThat(key).hasToString("EC P-384");
  }

  @Test
  void testOf_ecP256() throws GeneralSecurityException {
    assertThat(KeyDescription.of(ec("secp256r1"))).hasToString("EC P-256");
  }

  @Test
  void testOf_ed25519() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");

    assertThat(KeyDescription.of(generator.generateKeyPair().getPublic())).hasToString("Ed25519");
  }

  @Test
  void testOf_dsaHasItsPrimeSize() throws GeneralSecurityException {
    assertThat(KeyDescription.of(generate("DSA", 2048))).hasToString("DSA 2048");
  }

  private static PublicKey generate(String algorithm, int size) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    generator.initialize(size);
    return generator.generateKeyPair().getPublic();
  }

  private static PublicKey ec(String curve) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair().getPublic();
  }
}
