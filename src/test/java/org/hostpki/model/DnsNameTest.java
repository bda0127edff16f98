package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class DnsNameTest {

  @Test
  void testProblem_ordinaryNamesAreValid() {
    assertThat(DnsName.problem("portal.example.com", false)).isEmpty();
    assertThat(DnsName.problem("localhost", false)).isEmpty();
    assertThat(DnsName.problem("xn--bcher-kva.example", false)).isEmpty();
    assertThat(DnsName.problem("a-1.b2", false)).isEmpty();
  }

  @Test
  void testProblem_wildcardOnlyAsWholeLeftMostLabel() {
    assertThat(DnsName.problem("*.example.com", true)).isEmpty();
    assertThat(DnsName.problem("*.example.com", false)).contains("is a wildcard, which is not allowed here");
    assertThat(DnsName.problem("www.*.example.com", true)).get().asString().contains("not the whole left-most label");
    assertThat(DnsName.problem("w*.example.com", true)).get().asString().contains("not the whole left-most label");
    assertThat(DnsName.problem("*", true)).get().asString().startsWith("is a bare '*'");
  }

  @Test
  void testProblem_labelLimitIs63Characters() {
    assertThat(DnsName.problem("a".repeat(63) + ".com", false)).isEmpty();
    assertThat(DnsName.problem("a".repeat(64) + ".com", false))
        .contains("has a label of 64 characters; a label has at most 63");
  }

  @Test
  void testProblem_nameLimitIs253Characters() {
    String label = "a".repeat(49);
    String name253 = String.join(".", label, label, label, label, label) + ".abc";
    assertThat(name253).hasSize(253);
    assertThat(DnsName.problem(name253, false)).isEmpty();
    assertThat(DnsName.problem(name253 + "e", false)).get().asString().startsWith("is 254 characters long");
  }

  @Test
  void testProblem_refusesWhatIsNoLdhLabel() {
    assertThat(DnsName.problem("my_host.example.com", false)).get().asString().contains("'_'");
    assertThat(DnsName.problem("-a.example.com", false)).get().asString().contains("starts or ends with '-'");
    assertThat(DnsName.problem("a..b", false)).get().asString().contains("empty label");
    assertThat(DnsName.problem("example.com.", false)).contains("ends with a dot; leave the dot out");
  }

  @Test
  void testProblem_nonAsciiNamesGetTheirALabel() {
    assertThat(DnsName.problem("bücher.example", false))
        .contains("is not ASCII; write it in its xn-- form: 'xn--bcher-kva.example'");
  }

  @Test
  void testNormalize_lowerCases() {
    assertThat(DnsName.lowerCase("Portal.EXAMPLE.com")).isEqualTo("portal.example.com");
  }

  @Test
  void testParse_lowerCasesWhatAUserWrote() {
    assertThat(DnsName.parse("Portal.Example.COM", false)).contains(new DnsName("portal.example.com"));
    assertThat(DnsName.parse("*.example.com", false)).isEmpty();
    assertThat(DnsName.parse("*.example.com", true)).contains(new DnsName("*.example.com"));
  }

  @Test
  void testFromHost_trimsAndDropsTheAbsoluteDot() {
    assertThat(DnsName.fromHost(" Portal.Example.com.\n")).contains(new DnsName("portal.example.com"));
    assertThat(DnsName.fromHost(".")).isEmpty();
    assertThat(DnsName.fromHost("a..b")).isEmpty();
    assertThat(DnsName.fromHost("*.example.com")).isEmpty();
    assertThat(DnsName.fromHost("bücher.example")).isEmpty();
  }

  @Test
  void testFirstLabelAndParent_splitAHostName() {
    DnsName name = new DnsName("portal.example.com");

    assertThat(name.firstLabel()).isEqualTo("portal");
    assertThat(name.parent()).contains(new DnsName("example.com"));
    assertThat(new DnsName("localhost").parent()).isEmpty();
  }

  @Test
  void testConstructor_refusesWhatIsNoLowerCaseName() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DnsName("Portal"))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DnsName("a..b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** RFC 5893: every label of a name with a right-to-left label keeps the Bidi rule. */
  @Test
  void testProblem_appliesTheBidiRuleToRightToLeftNames() {
    String arabic = "xn--" + IdnaLabel.encode("\u0645\u0648\u0642\u0639"); // موقع
    assertThat(DnsName.problem(arabic + ".example", false)).isEmpty();
    assertThat(DnsName.problem("1abc.example", false)).isEmpty(); // no right-to-left label: no Bidi rule
    assertThat(DnsName.problem(arabic + ".1abc", false)).get().asString()
        .contains("is a right-to-left name, and its label '1abc' breaks the Bidi rule", "starts with U+0031");
    assertThat(DnsName.problem("xn--" + IdnaLabel.encode("\u0645\u0648\u0642\u0639a"), false)).get().asString()
        .contains("U+0061 (LATIN SMALL LETTER A) does not belong in a right-to-left label");
    assertThat(DnsName.problem("xn--" + IdnaLabel.encode("abc\u05d0"), false)).get().asString()
        .contains("U+05D0 (HEBREW LETTER ALEF) does not belong in a left-to-right label");
  }

  /**
   * '--' in a label's third and fourth places (not xn--) is a host name: a kernel host name db--1
   * was refused, so plan and apply stopped on such a host, and no host.hostname could give it.
   */
  @Test
  void testProblem_hyphensInThirdAndFourthPlaceAreAHostName() {
    assertThat(DnsName.problem("ab--cd.example", false)).isEmpty();
    assertThat(DnsName.fromHost("db--1")).map(DnsName::value).contains("db--1");
    assertThat(DnsName.problem("r4---sn-abc.example", false)).isEmpty();
  }
}
