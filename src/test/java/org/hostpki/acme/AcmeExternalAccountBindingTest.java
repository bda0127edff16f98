package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.AcmeChallenge;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.ListenAddress;
import org.hostpki.model.PasswordSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External account binding against a pebble that requires it (externalAccountBindingRequired). */
class AcmeExternalAccountBindingTest {
  @TempDir static Path pebbleDir;
  private static Pebble pebble;

  @TempDir Path store;

  @BeforeAll
  static void startPebble() throws Exception {
    pebble = Pebble.start(pebbleDir, true);
  }

  @AfterAll
  static void stopPebble() {
    if (pebble != null) {
      pebble.close();
    }
  }

  @Test
  void testOrder_withTheCasKeyIdAndHmacKeyCreatesTheAccount() throws Exception {
    AcmeIssuer issuer = issuer(Optional.of(Pebble.HMAC_KEY));

    Issued issued = issuer.order(AcmeIssuerPebbleTest.request(AcmeIssuerPebbleTest.key(), List.of("eab.example.test"), List.of()));

    assertThat(issued.chain()).isNotEmpty();
    assertThat(issuer.accountState().accountUrl()).isPresent();
  }

  @Test
  void testOrder_withoutBindingIsRefusedBeforeAnyAccountRequest() {
    AcmeIssuer issuer = issuer(Optional.empty());

    assertThatThrownBy(() -> issuer.order(AcmeIssuerPebbleTest.request(AcmeIssuerPebbleTest.key(), List.of("noeab.example.test"), List.of())))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.CONFIGURATION);
          assertThat(f.getMessage()).contains("only with external account binding", "server.acme.externalAccountBinding");
        });
  }

  @Test
  void testOrder_wrongHmacKeyIsRefusedWithTheCasProblem() {
    AcmeIssuer issuer = issuer(Optional.of("b10lLJs8l1GPIzsLP0s6pMt8O0XVGnfTaCeROxQM0BIt2XrJMDHJZBM5NuQmQJQH"));

    assertThatThrownBy(() -> issuer.order(AcmeIssuerPebbleTest.request(AcmeIssuerPebbleTest.key(), List.of("bad.example.test"), List.of())))
        .isInstanceOfSatisfying(AcmeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(AcmeFailure.Kind.CONFIGURATION);
          assertThat(f.getMessage()).startsWith("creating the ACME account: the CA ");
          assertThat(f.problem()).isPresent();
        });
    assertThat(issuer.accountState().accountUrl()).isEmpty();
  }

  @Test
  void testOrder_hmacKeyThatIsNotBase64UrlIsAConfigurationError() {
    AcmeIssuer issuer = issuer(Optional.of("not base64 at all!"));

    assertThatThrownBy(() -> issuer.order(AcmeIssuerPebbleTest.request(AcmeIssuerPebbleTest.key(), List.of("b64.example.test"), List.of())))
        .isInstanceOfSatisfying(AcmeFailure.class, f ->
            assertThat(f.getMessage()).contains("hmacKey (environment variable ACME_EAB_HMAC) is not a base64url key"));
  }

  private AcmeIssuer issuer(Optional<String> hmac) {
    AcmeSpec spec =
        new AcmeSpec(
            pebble.directory(), Optional.of(pebble.caBundle()), List.of(URI.create("mailto:ops@example.test")), true,
            hmac.map(h -> new AcmeSpec.ExternalAccountBinding(Pebble.KEY_ID, new PasswordSource.Env("ACME_EAB_HMAC"))),
            Optional.empty(),
            new AcmeChallenge.Http01Listener(new ListenAddress(Optional.of(java.net.InetAddress.getLoopbackAddress()), pebble.httpPort)),
            false, AcmeSpec.IdentifierScope.ALL, Optional.empty(), Duration.ofSeconds(30), org.hostpki.model.ExternalSpec.Fallback.NONE);
    return new AcmeIssuer(new AcmeSettings(spec, hmac), store, Clock.systemUTC(), new SecureRandom(), HookRunner.NONE);
  }
}
