package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChainChoiceTest {
  @Test
  void testCommonName_readsTheCnOfAnRfc4514Name() {
    assertThat(ChainChoice.commonName("CN=ISRG Root X1,O=Internet Security Research Group,C=US")).contains("ISRG Root X1");
    assertThat(ChainChoice.commonName("O=Example\\, Inc.,CN=Example\\, Root")).contains("Example, Root");
    assertThat(ChainChoice.commonName("O=No Name")).isEmpty();
  }

  @Test
  void testChoose_withoutAPreferenceTakesTheDefault() throws Exception {
    java.util.List<org.hostpki.pki.Certificate> defaultChain =
        java.util.List.of(org.hostpki.testkit.TestCa.selfSignedRoot("Default Root"));
    ChainChoice.Download unread = () -> {
      throw new AssertionError("an alternate was downloaded");
    };

    assertThat(ChainChoice.choose(() -> defaultChain, java.util.List.of(unread), Optional.empty()).chosen()).isZero();
  }
}
