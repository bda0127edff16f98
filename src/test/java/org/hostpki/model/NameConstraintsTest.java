package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class NameConstraintsTest {
  private static final NameConstraints CORP =
      new NameConstraints(
          List.of("corp.example"), List.of(network("192.0.2.0/24")), List.of("lab.corp.example"), List.of());

  private static IpNetwork network(String text) {
    return IpNetwork.parse(text).orElseThrow();
  }

  private static InetAddress ip(String text) {
    return IpAddresses.parse(text).orElseThrow();
  }

  @Test
  void testDnsNameRefusal_aDomainCoversItselfAndEveryNameBelowIt() {
    assertThat(CORP.dnsNameRefusal("corp.example")).isEmpty();
    assertThat(CORP.dnsNameRefusal("web1.corp.example")).isEmpty();
    assertThat(CORP.dnsNameRefusal("a.b.Corp.Example")).isEmpty();
    assertThat(CORP.dnsNameRefusal("*.x.corp.example")).isEmpty();
  }

  @Test
  void testDnsNameRefusal_onlyWholeLabelsMatch() {
    assertThat(CORP.dnsNameRefusal("evilcorp.example"))
        .contains(new NameConstraints.Refusal(true, "permitted dnsDomains [corp.example]"));
    assertThat(CORP.dnsNameRefusal("corp.example.evil")).isPresent();
  }

  @Test
  void testDnsNameRefusal_excludedWinsOverPermitted() {
    assertThat(CORP.dnsNameRefusal("x.lab.corp.example"))
        .contains(new NameConstraints.Refusal(false, "excluded dnsDomains [lab.corp.example]"));
    assertThat(CORP.dnsNameRefusal("lab.corp.example")).isPresent();
  }

  /** Chromium refuses such a certificate (ERR_CERT_INVALID); OpenSSL, GnuTLS, NSS, Java accept it. */
  @Test
  void testDnsNameRefusal_aWildcardStandingForAnExcludedNameIsExcluded() {
    assertThat(CORP.dnsNameRefusal("*.corp.example"))
        .contains(
            new NameConstraints.Refusal(
                false,
                "excluded dnsDomains [lab.corp.example]: the wildcard stands for lab.corp.example too,"
                    + " and Chromium refuses it"));
    assertThat(CORP.dnsNameRefusal("*.Lab.corp.example")).isPresent();
    assertThat(CORP.dnsNameRefusal("*.x.corp.example")).as("lab.corp.example is no name it stands for").isEmpty();
    NameConstraints dotted = new NameConstraints(List.of(), List.of(), List.of(".lab.corp.example"), List.of());
    assertThat(dotted.dnsNameRefusal("*.corp.example")).as("only names below lab.corp.example").isEmpty();
  }

  @Test
  void testDnsNameRefusal_aLeadingDotCoversOnlyNamesBelow() {
    NameConstraints dotted = new NameConstraints(List.of(".corp.example"), List.of(), List.of(), List.of());

    assertThat(dotted.dnsNameRefusal("web1.corp.example")).isEmpty();
    assertThat(dotted.dnsNameRefusal("corp.example")).isPresent();
  }

  @Test
  void testDnsNameRefusal_withoutDnsSubtreesEveryNameIsAllowed() {
    NameConstraints ipOnly = new NameConstraints(List.of(), List.of(network("192.0.2.0/24")), List.of(), List.of());

    assertThat(ipOnly.dnsNameRefusal("anything.example")).isEmpty();
  }

  @Test
  void testAddressRefusal_permittedRangesAndTheOtherFamily() {
    assertThat(CORP.addressRefusal(ip("192.0.2.77"))).isEmpty();
    assertThat(CORP.addressRefusal(ip("10.0.0.1")))
        .contains(new NameConstraints.Refusal(true, "permitted ipRanges [192.0.2.0/24]"));
    assertThat(CORP.addressRefusal(ip("2001:db8::1")))
        .as("as OpenSSL and Chromium: IPv6 is outside when only IPv4 ranges are permitted")
        .isPresent();
  }

  @Test
  void testAddressRefusal_excludedEverything() {
    NameConstraints noAddresses =
        new NameConstraints(List.of("corp.example"), List.of(), List.of(), List.of(network("0.0.0.0/0"), network("::/0")));

    assertThat(noAddresses.addressRefusal(ip("192.0.2.1"))).map(NameConstraints.Refusal::outsidePermitted).contains(false);
    assertThat(noAddresses.addressRefusal(ip("::1"))).isPresent();
  }

  @Test
  void testRefusalReason_saysWhoseConstraintsAndWhichSubtrees() {
    assertThat(CORP.dnsNameRefusal("db.other.example").orElseThrow().reason("ca.nameConstraints"))
        .isEqualTo("is outside ca.nameConstraints (permitted dnsDomains [corp.example])");
    assertThat(CORP.dnsNameRefusal("a.lab.corp.example").orElseThrow().reason("the CA certificate's name constraints"))
        .isEqualTo("is excluded by the CA certificate's name constraints (excluded dnsDomains [lab.corp.example])");
  }

  @Test
  void testFromPolicy_fencesInThePolicy() {
    SigningPolicy policy =
        new SigningPolicy(
            List.of("*.corp.example", "portal.corp.example", "web1", "*.lab.corp.example"),
            List.of(network("192.0.2.17/24"), network("2001:db8::/32")),
            Optional.of(Duration.ofDays(90)),
            Set.of());

    NameConstraints derived = NameConstraints.fromPolicy(policy);

    assertThat(derived.permittedDnsDomains()).as("those covered by another left out").containsExactly("corp.example", "web1");
    assertThat(derived.permittedIpRanges()).as("host bits cleared").containsExactly(network("192.0.2.0/24"), network("2001:db8::/32"));
    assertThat(derived.excludedDnsDomains()).isEmpty();
    assertThat(derived.excludedIpRanges()).isEmpty();
  }

  @Test
  void testFromPolicy_withoutNetworksNoAddressAtAll() {
    NameConstraints derived =
        NameConstraints.fromPolicy(new SigningPolicy(List.of("*.corp.example"), List.of(), Optional.empty()));

    assertThat(derived.excludedIpRanges()).containsExactly(network("0.0.0.0/0"), network("::/0"));
    assertThat(derived.addressRefusal(ip("192.0.2.1"))).isPresent();
  }

  @Test
  void testPermitting_addsTheNamesAndAddressesOutsideButNothingExcluded() {
    NameConstraints widened =
        CORP.permitting(
            List.of("ca1", "ca1.corp.example", "x.lab.corp.example"),
            List.of(ip("192.0.2.1"), ip("198.51.100.7"), ip("2001:db8::1")));

    assertThat(widened.permittedDnsDomains()).containsExactly("corp.example", "ca1");
    assertThat(widened.permittedIpRanges())
        .containsExactly(network("192.0.2.0/24"), network("198.51.100.7/32"), network("2001:db8::1/128"));
    assertThat(widened.excludedDnsDomains()).containsExactly("lab.corp.example");
    assertThat(widened.dnsNameRefusal("x.lab.corp.example")).isPresent();
    assertThat(CORP.permitting(List.of("a.corp.example"), List.of(ip("192.0.2.9")))).isEqualTo(CORP);
  }

  @Test
  void testPermitting_whereEveryAddressIsExcludedOnlyTheGivenOnesArePermitted() {
    NameConstraints derived =
        NameConstraints.fromPolicy(new SigningPolicy(List.of("*.corp.example"), List.of(), Optional.empty()));

    NameConstraints widened = derived.permitting(List.of(), List.of(ip("10.1.2.3")));

    assertThat(widened.excludedIpRanges()).isEmpty();
    assertThat(widened.permittedIpRanges()).containsExactly(network("10.1.2.3/32"));
    assertThat(widened.addressRefusal(ip("10.1.2.4"))).isPresent();
    assertThat(widened.addressRefusal(ip("2001:db8::1"))).isPresent();
    assertThat(derived.permitting(List.of(), List.of())).isEqualTo(derived);
  }

  @Test
  void testFromPolicy_everyNameThePolicyAllowsTheConstraintsAllowToo() {
    SigningPolicy policy =
        new SigningPolicy(List.of("*.corp.example", "web1"), List.of(network("192.0.2.0/24")), Optional.empty());
    NameConstraints derived = NameConstraints.fromPolicy(policy);

    for (String allowed : List.of("a.corp.example", "a.b.corp.example", "*.corp.example", "web1")) {
      assertThat(derived.dnsNameRefusal(allowed)).as(allowed).isEmpty();
    }
    assertThat(derived.addressRefusal(ip("192.0.2.200"))).isEmpty();
  }

  @Test
  void testToString_asTheDesiredStateWritesThem() {
    assertThat(CORP).hasToString("permitted dnsDomains [corp.example]; permitted ipRanges [192.0.2.0/24]; excluded dnsDomains [lab.corp.example]");
    assertThat(NameConstraints.NONE).hasToString("none");
  }
}
