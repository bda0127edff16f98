package org.hostpki.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class PrerequisitesTest {
  @Test
  void testMissing_skipsOnADevelopersMachine() {
    assertThatThrownBy(() -> Prerequisites.missing("frobnicate is not installed", Map.of()))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("frobnicate is not installed");
  }

  @Test
  void testMissing_failsUnderCi() {
    assertThatThrownBy(() -> Prerequisites.missing("frobnicate is not installed", Map.of("CI", "true")))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("frobnicate is not installed; CI=true requires it");
  }

  @Test
  void testRequire_aToolThatIsNotInstalledIsMissing() {
    Tool none = new Tool("hostpki-no-such-tool", "no-such-package");

    assertThatThrownBy(none::require)
        .hasMessageContaining("hostpki-no-such-tool is not installed (Debian package no-such-package)");
  }
}
