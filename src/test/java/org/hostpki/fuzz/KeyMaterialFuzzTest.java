package org.hostpki.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.KeyMaterial;

/**
 * {@link KeyMaterial#fromPem(byte[])} on arbitrary bytes: the reader of {@code ca.key} and {@code
 * server.key}. Anything but a key or an {@link InvalidMaterialException} with a reason is a
 * finding; a key that was read must give its facts and read back from its own PKCS#8 PEM.
 */
class KeyMaterialFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void fromPem(byte[] data) {
    KeyMaterial key;
    try {
      key = KeyMaterial.fromPem(data);
    } catch (InvalidMaterialException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    key.facts();
    try {
      assertThat(KeyMaterial.fromPem(key.pkcs8Pem())).isEqualTo(key);
    } catch (InvalidMaterialException e) {
      throw new AssertionError("a key read once cannot be read from its PKCS#8: " + e.getMessage(), e);
    }
  }
}
