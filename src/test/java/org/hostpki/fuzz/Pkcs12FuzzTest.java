package org.hostpki.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pkcs12;
import org.hostpki.pki.WrongPasswordException;

/**
 * {@link Pkcs12#read(byte[], char[])} on arbitrary bytes with a fixed password (the one the seeds
 * were written with), as the store observer reads {@code server.p12} and {@code truststore.p12}.
 * Only facts, {@link InvalidMaterialException} or {@link WrongPasswordException} may come out.
 */
class Pkcs12FuzzTest {
  static final char[] PASSWORD = "fuzz-password".toCharArray();

  @FuzzTest(maxDuration = "2m")
  void read(byte[] data) {
    try {
      assertThat(Pkcs12.read(data, PASSWORD.clone())).isNotNull();
    } catch (InvalidMaterialException | WrongPasswordException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
