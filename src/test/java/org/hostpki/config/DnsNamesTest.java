package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class DnsNamesTest {

  @Test
  void testProblem_ordinaryNamesAreValid() {
    assertThat(DnsNames.problem("portal.example.com", false)).isEmpty();
    assertThat(DnsNames.problem("localhost", false)).isEmpty();
    assertThat(DnsNames.problem("xn--bcher-kva.example", false)).isEmpty();
    assertThat(DnsNames.problem("a-1.b2", false)).isEmpty();
  }

  @Test
  void testProblem_wildcardOnlyAsWholeLeftMostLabel() {
    assertThat(DnsNames.problem("*.example.com", true)).isEmpty();
    assertThat(DnsNames.problem("*.example.com", false)).contains("is a wildcard, which is not allowed here");
    assertThat(DnsNames.problem("www.*.example.com", true)).get().asString().contains("not the whole left-most label");
    assertThat(DnsNames.problem("w*.example.com", true)).get().asString().contains("not the whole left-most label");
    assertThat(DnsNames.problem("*", true)).get().asString().startsWith("is a bare '*'");
  }

  @Test
  void testProblem_labelLimitIs63Characters() {
    assertThat(DnsNames.problem("a".repeat(63) + ".com", false)).isEmpty();
    assertThat(DnsNames.problem("a".repeat(64) + ".com", false))
        .contains("has a label of 64 characters; a label has at most 63");
  }

  @Test
  void testProblem_nameLimitIs253Characters() {
    String label = "a".repeat(49);
    String name253 = String.join(".", label, label, label, label, label) + ".abc";
    assertThat(name253).hasSize(253);
    assertThat(DnsNames.problem(name253, false)).isEmpty();
    assertThat(DnsNames.problem(name253 + "e", false)).get().asString().startsWith("is 254 characters long");
  }

  @Test
  void testProblem_refusesWhatIsNoLdhLabel() {
    assertThat(DnsNames.problem("my_host.example.com", false)).get().asString().contains("'_'");
    assertThat(DnsNames.problem("-a.example.com", false)).get().asString().contains("starts or ends with '-'");
    assertThat(DnsNames.problem("a..b", false)).get().asString().contains("empty label");
    assertThat(DnsNames.problem("example.com.", false)).contains("ends with a dot; leave the dot out");
  }

  @Test
  void testProblem_nonAsciiNamesGetTheirALabel() {
    assertThat(DnsNames.problem("bücher.example", false))
        .contains("is not ASCII; write it in its xn-- form: 'xn--bcher-kva.example'");
  }

  @Test
  void testNormalize_lowerCases() {
    assertThat(DnsNames.normalize("Portal.EXAMPLE.com")).isEqualTo("portal.example.com");
  }
}
