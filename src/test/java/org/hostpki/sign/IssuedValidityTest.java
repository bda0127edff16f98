package org.hostpki.sign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.Backdate;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.SigningPolicy;
import org.junit.jupiter.api.Test;

class IssuedValidityTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  private static final Instant CA_END = NOW.plus(Duration.ofDays(3000));
  private static final ServerSpec SERVER = ServerSpec.defaults(); // validity 398d

  private static Optional<SigningPolicy> maxValidity(Duration max) {
    return Optional.of(new SigningPolicy(List.of("*.corp.example"), List.of(), Optional.of(max)));
  }

  private static Optional<SigningPolicy> noMaxValidity() {
    return Optional.of(new SigningPolicy(List.of("*.corp.example"), List.of(), Optional.empty()));
  }

  @Test
  void testChoose_theCaHostsServerValidityByDefault() {
    IssuedValidity v = IssuedValidity.choose(Optional.empty(), SERVER, maxValidity(Duration.ofDays(500)), NOW, CA_END);

    assertThat(v.validity()).isEqualTo(Duration.ofDays(398));
    assertThat(v.note()).isEmpty();
  }

  @Test
  void testChoose_theAskedValidityWins() {
    IssuedValidity v = IssuedValidity.choose(Optional.of(Duration.ofDays(30)), SERVER, maxValidity(Duration.ofDays(90)), NOW, CA_END);

    assertThat(v.validity()).isEqualTo(Duration.ofDays(30));
    assertThat(v.words()).isEqualTo("30d");
  }

  @Test
  void testChoose_theDefaultIsQuietlyShortenedToMaxValidity() {
    IssuedValidity v = IssuedValidity.choose(Optional.empty(), SERVER, maxValidity(Duration.ofDays(90)), NOW, CA_END);

    assertThat(v.validity()).isEqualTo(Duration.ofDays(90));
    assertThat(v.note()).isEmpty();
  }

  @Test
  void testChoose_anAskedValidityOverMaxValidityIsShortenedWithANote() {
    IssuedValidity v = IssuedValidity.choose(Optional.of(Duration.ofDays(200)), SERVER, maxValidity(Duration.ofDays(90)), NOW, CA_END);

    assertThat(v.validity()).isEqualTo(Duration.ofDays(90));
    assertThat(v.note()).contains("validity 200d shortened to ca.policy.maxValidity 90d");
  }

  @Test
  void testChoose_withoutMaxValidityTheBrowsersLimitHolds() {
    IssuedValidity v = IssuedValidity.choose(Optional.of(Duration.ofDays(800)), SERVER, noMaxValidity(), NOW, CA_END);

    assertThat(v.validity()).isEqualTo(Duration.ofDays(398));
    assertThat(v.note().orElseThrow()).startsWith("validity 800d shortened to the browsers' limit of 398d");
  }

  @Test
  void testChoose_neverOutlivesTheCa() {
    Instant caEnd = NOW.plus(Duration.ofDays(10));

    IssuedValidity v = IssuedValidity.choose(Optional.empty(), SERVER, maxValidity(Duration.ofDays(90)), NOW, caEnd);

    assertThat(NOW.minus(Backdate.of(v.validity())).plus(v.validity())).isEqualTo(caEnd);
    assertThat(v.note().orElseThrow())
        .isEqualTo("validity shortened to end with the CA certificate on 2026-12-07 08:00 UTC (a certificate cannot outlive the CA that signed it)");
  }
}
