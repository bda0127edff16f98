package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "/etc/passwd", "trust/../ca.key", "..", "trust//x.crt", "trust/", "./ca.crt",
        "..data", ".lock", ".generation.json", "trust\\x.crt"
      })
  void testRequireValid_refuses(String name) {
    assertThatThrownBy(() -> StoreNames.requireValid(name))
        .isInstanceOf(HostpkiException.class)
        .hasMessageStartingWith("cannot write store file '" + name + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ca.crt", "trust/ldap.crt", "trust-hashed/1a2b3c4d.0", "trust/.x.crt"})
  void testRequireValid_accepts(String name) {
    assertThatCode(() -> StoreNames.requireValid(name)).doesNotThrowAnyException();
  }

  @Test
  void testRequireValid_refusesOverlongSegment() {
    assertThatThrownBy(() -> StoreNames.requireValid("trust/" + "a".repeat(256)))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("longer than 255");
  }

  @Test
  void testRequireValidSet_refusesAFileThatIsAlsoADirectory() {
    assertThatThrownBy(() -> StoreNames.requireValidSet(List.of("trust", "trust/ldap.crt")))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("'trust': it is a file and also the directory of trust/ldap.crt");
  }

  @Test
  void testTopLevelNames_areTheFirstSegments() {
    assertThat(StoreNames.topLevelNames(List.of("ca.crt", "trust/a.crt", "trust/b.crt")))
        .containsExactly("ca.crt", "trust");
  }
}
