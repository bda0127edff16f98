package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnumValuesTest {
  @Test
  void testFind_theConstantWithThatWord() {
    assertThat(EnumValues.find(KeyPurpose.class, KeyPurpose::yamlName, "clientAuth")).contains(KeyPurpose.CLIENT_AUTH);
    assertThat(EnumValues.find(RevocationReason.class, RevocationReason::code, 8))
        .contains(RevocationReason.REMOVE_FROM_CRL);
  }

  @Test
  void testFind_noConstantIsEmpty() {
    assertThat(EnumValues.find(KeyEncoding.class, KeyEncoding::yamlName, "PKCS8")).isEmpty();
    assertThat(EnumValues.find(KeyEncoding.class, KeyEncoding::yamlName, null)).isEmpty();
  }
}
