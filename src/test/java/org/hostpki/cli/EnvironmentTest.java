package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * bin/hostpki starts Java with LANGUAGE=C, so that the system's reasons for file errors are the
 * English words hostpki matches ("No space left on device", not "Auf dem Gerät ist kein
 * Speicherplatz mehr verfügbar"), and keeps the caller's LANGUAGE in HOSTPKI_LANGUAGE: hooks and
 * secrets see the variables as hostpki was started with them.
 */
class EnvironmentTest {
  @Test
  void testLauncherLanguage_isTheCallersAgain() {
    assertThat(Environment.asStarted(Map.of("LANGUAGE", "C", "HOSTPKI_LANGUAGE", "=de:en", "PATH", "/bin")))
        .isEqualTo(Map.of("LANGUAGE", "de:en", "PATH", "/bin"));
    assertThat(Environment.asStarted(Map.of("LANGUAGE", "C", "HOSTPKI_LANGUAGE", "=")))
        .isEqualTo(Map.of("LANGUAGE", ""));
    assertThat(Environment.asStarted(Map.of("LANGUAGE", "C", "HOSTPKI_LANGUAGE", "", "PATH", "/bin")))
        .as("unset before the launcher").isEqualTo(Map.of("PATH", "/bin"));
    assertThat(Environment.asStarted(Map.of("LANGUAGE", "fr")))
        .as("java -jar, without the launcher").isEqualTo(Map.of("LANGUAGE", "fr"));
  }
}
