package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.KeyFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.model.TrustFilters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class TrustFilterTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  private final SortedMap<String, CertificateFacts> certificates =
      new TreeMap<>(
          Map.of(
              "root", facts("a", true, NOW.plusSeconds(86_400)),
              "old-root", facts("b", true, NOW.minusSeconds(1)),
              "device", facts("c", false, NOW.plusSeconds(86_400)),
              "old-device", facts("d", false, NOW.minusSeconds(86_400)),
              "ends-now", facts("e", true, NOW)));

  @Test
  void testApply_noFiltersKeepsEverything() {
    TrustFilter.Result<CertificateFacts> result = TrustFilter.apply(certificates, Function.identity(), TrustFilters.NONE, NOW);

    assertThat(result.kept()).isEqualTo(certificates);
    assertThat(result.dropped()).isEmpty();
  }

  @Test
  void testApply_excludeExpiredDropsWhatEndedBeforeNow() {
    TrustFilter.Result<CertificateFacts> result =
        TrustFilter.apply(certificates, Function.identity(), new TrustFilters(true, false), NOW);

    assertThat(result.kept()).containsOnlyKeys("root", "device", "ends-now"); // valid through its notAfter
    assertThat(result.dropped()).extracting(TrustFilter.Dropped::name).containsExactly("old-device", "old-root");
    assertThat(result.dropped().get(1).describe()).isEqualTo("expired on 2026-05-31T23:59:59Z (trust.excludeExpired)");
  }

  @Test
  void testApply_caOnlyDropsWhatIsNoCa() {
    TrustFilter.Result<CertificateFacts> result =
        TrustFilter.apply(certificates, Function.identity(), new TrustFilters(false, true), NOW);

    assertThat(result.kept()).containsOnlyKeys("root", "old-root", "ends-now");
    assertThat(result.dropped().get(0).describe()).isEqualTo("not a CA (no basicConstraints cA=TRUE) (trust.caOnly)");
  }

  @Test
  void testApply_bothFiltersGiveEveryCause() {
    TrustFilter.Result<CertificateFacts> result =
        TrustFilter.apply(certificates, Function.identity(), new TrustFilters(true, true), NOW);

    assertThat(result.kept()).containsOnlyKeys("root", "ends-now");
    assertThat(result.dropped())
        .filteredOn(d -> d.name().equals("old-device"))
        .singleElement()
        .extracting(TrustFilter.Dropped::causes)
        .isEqualTo(List.of(TrustFilter.Cause.EXPIRED, TrustFilter.Cause.NOT_A_CA));
  }

  private static CertificateFacts facts(String fingerprintDigit, boolean ca, Instant notAfter) {
    return new CertificateFacts(
        new Fingerprint(fingerprintDigit.repeat(64)),
        Subject.commonName("x"),
        "CN=x",
        "CN=x",
        BigInteger.ONE,
        notAfter.minusSeconds(365L * 86_400),
        notAfter,
        List.of(),
        List.of(),
        new KeyFacts(Optional.of(new KeySpec.Ec(KeySpec.Curve.P256)), new Fingerprint("f".repeat(64))),
        ca,
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        "SHA256withECDSA", Optional.empty());
  }
}
