package org.hostpki.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Material;
import org.hostpki.pki.WrongPasswordException;

/**
 * {@link Material#read} on arbitrary bytes, as {@code hostpki inspect} reads any file a user names:
 * with the seeds' PKCS#12 password and without one. Only material, {@link
 * InvalidMaterialException}, {@link WrongPasswordException} or {@link
 * Material.PasswordNeededException} may come out, each with a message.
 */
class MaterialFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void read(byte[] data) {
    for (Optional<char[]> password : java.util.List.of(Optional.of(Pkcs12FuzzTest.PASSWORD.clone()), Optional.<char[]>empty())) {
      try {
        assertThat(Material.read(data, password)).isNotNull();
      } catch (InvalidMaterialException | WrongPasswordException | Material.PasswordNeededException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
    }
  }
}
