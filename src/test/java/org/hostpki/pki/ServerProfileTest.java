package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.pki.TestPki.ip;

import java.time.Duration;
import java.util.List;
import org.hostpki.model.Subject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class ServerProfileTest {
  private static ServerProfile profile(Subject subject, String... dnsNames) {
    return new ServerProfile(subject, List.of(dnsNames), List.of(), Duration.ofDays(1), false);
  }

  @Test
  void testDnsNames_lowerCasedInAsciiFormWithoutDuplicates() {
    ServerProfile profile =
        profile(Subject.empty(), "Portal.Example.COM", "portal.example.com", "bücher.example");

    assertThat(profile.dnsNames()).containsExactly("portal.example.com", "xn--bcher-kva.example");
  }

  @Test
  void testIpAddresses_withoutDuplicates() {
    ServerProfile profile =
        new ServerProfile(
            Subject.empty(),
            List.of(),
            List.of(ip("192.0.2.1"), ip("192.0.2.1")),
            Duration.ofDays(1),
            false);

    assertThat(profile.ipAddresses()).containsExactly(ip("192.0.2.1"));
  }

  @Test
  void testConstructor_needsAName() {
    assertThatThrownBy(() -> profile(Subject.commonName("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DNS name or an IP address");
  }

  @Test
  void testConstructor_blankDnsNameIsRefused() {
    assertThatThrownBy(() -> profile(Subject.empty(), "a.example", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a DNS name");
  }

  @Test
  void testConstructor_needsAPositiveValidity() {
    assertThatThrownBy(
            () ->
                new ServerProfile(
                    Subject.empty(), List.of("a.example"), List.of(), Duration.ZERO, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("validity");
  }

  @Test
  void testEffectiveSubject_firstDnsNameBecomesTheCommonName() {
    Subject subject = TestPki.subject(null, "Example Corp", null);

    assertThat(profile(subject, "a.example", "b.example").effectiveSubject())
        .isEqualTo(TestPki.subject("a.example", "Example Corp", null));
  }

  @Test
  void testEffectiveSubject_givenCommonNameIsKept() {
    assertThat(profile(Subject.commonName("Portal"), "a.example").effectiveSubject())
        .isEqualTo(Subject.commonName("Portal"));
  }

  @Test
  void testEffectiveSubject_nameTooLongForACommonNameIsLeftOut() {
    String longName = "a".repeat(60) + ".example";

    assertThat(profile(Subject.empty(), longName).effectiveSubject().isEmpty()).isTrue();
  }
}
