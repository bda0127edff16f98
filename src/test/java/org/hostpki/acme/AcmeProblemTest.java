package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AcmeProblemTest {
  @Test
  void testDescribe_oneLineWithEverySubproblemAndItsIdentifier() {
    AcmeProblem problem =
        new AcmeProblem(
            "urn:ietf:params:acme:error:compound", Optional.empty(), Optional.of("Cannot issue for 2 identifiers"),
            Optional.empty(),
            List.of(
                new AcmeProblem("urn:ietf:params:acme:error:caa", Optional.empty(), Optional.of("CAA forbids"),
                    Optional.of("dns:a.example.com"), List.of()),
                new AcmeProblem("urn:ietf:params:acme:error:rejectedIdentifier", Optional.of("Rejected"),
                    Optional.empty(), Optional.of("ip:192.0.2.1"), List.of())));

    assertThat(problem.describe())
        .isEqualTo("compound: Cannot issue for 2 identifiers (dns:a.example.com: caa: CAA forbids;"
            + " ip:192.0.2.1: rejectedIdentifier: Rejected)");
  }

  @Test
  void testDescribe_escapesWhatTheCaWrote() {
    AcmeProblem problem =
        new AcmeProblem("urn:ietf:params:acme:error:malformed", Optional.empty(),
            Optional.of("bad\u001b[31m red\nline"), Optional.empty(), List.of());

    assertThat(problem.describe()).doesNotContain("\u001b").doesNotContain("\n").startsWith("malformed: bad");
  }
}
