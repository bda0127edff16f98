package org.hostpki.sign;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.IDN;
import org.junit.jupiter.api.Test;

class RequestedNamesTest {
  @Test
  void testProblem_hostNamesAndWildcardsAreValid() {
    assertThat(RequestedNames.problem("db-1.corp.example")).isEmpty();
    assertThat(RequestedNames.problem("m1")).isEmpty();
    assertThat(RequestedNames.problem("*.corp.example")).isEmpty();
  }

  @Test
  void testProblem_emptyLabelIsRefused() {
    assertThat(RequestedNames.problem("a..corp.example")).contains("has an empty label");
  }

  @Test
  void testProblem_starInsideALabelIsRefused() {
    assertThat(RequestedNames.problem("db*.corp.example"))
        .contains("has the character '*'; a DNS label holds letters, digits and '-'");
    assertThat(RequestedNames.problem("a.*.corp.example")).get().asString().contains("'*'");
  }

  @Test
  void testProblem_wildcardOfATopLevelDomainIsRefused() {
    assertThat(RequestedNames.problem("*.example")).contains("is a wildcard of a top-level domain");
  }

  @Test
  void testProblem_trailingDotUnderscoreAndHyphenEdgesAreRefused() {
    assertThat(RequestedNames.problem("db.corp.example.")).contains("ends with a dot");
    assertThat(RequestedNames.problem("db_1.corp.example")).get().asString().contains("'_'");
    assertThat(RequestedNames.problem("-db.corp.example")).contains("has a label that starts or ends with '-'");
  }

  @Test
  void testProblem_overlongLabelIsRefused() {
    assertThat(RequestedNames.problem("a".repeat(64) + ".corp.example"))
        .contains("has a label longer than 63 characters");
  }

  /** RFC 5893, as server.dnsNames keeps it: a right-to-left name whose labels break the Bidi rule. */
  @Test
  void testProblem_aRightToLeftNameBreakingTheBidiRuleIsRefused() {
    String arabic = IDN.toASCII("\u0645\u0648\u0642\u0639"); // xn--4gbrim
    assertThat(RequestedNames.problem(arabic + ".corp.example")).isEmpty();
    assertThat(RequestedNames.problem("*." + arabic + ".corp.example")).isEmpty();
    assertThat(RequestedNames.problem(arabic + ".1abc.example")).get().asString()
        .contains("is a right-to-left name, and its label '1abc' breaks the Bidi rule", "starts with U+0031");
  }
}
