package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.AcmeChallenge;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.ListenAddress;
import org.hostpki.model.PasswordSource;
import org.junit.jupiter.api.Test;

class AcmeSettingsTest {
  /** A record's own toString printed the EAB HMAC key into whatever message or log showed it. */
  @Test
  void testToString_namesWhereTheHmacKeyComesFromButNeverTheKey() {
    String key = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG4";
    AcmeSpec spec =
        new AcmeSpec(
            URI.create("https://acme.example.com/directory"), Optional.empty(), List.of(), true,
            Optional.of(new AcmeSpec.ExternalAccountBinding("kid-1", new PasswordSource.Env("ACME_EAB_HMAC"))),
            Optional.empty(), new AcmeChallenge.Http01Listener(ListenAddress.anyAddress(80)), false,
            AcmeSpec.IdentifierScope.PUBLIC, Optional.empty(), Duration.ofMinutes(5), ExternalSpec.Fallback.NONE);

    String text = new AcmeSettings(spec, Optional.of(key)).toString();

    assertThat(text).doesNotContain(key).doesNotContain(key.substring(0, 8)).contains("ACME_EAB_HMAC", "(hidden)");
  }
}
