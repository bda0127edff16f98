package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class SpellingTest {
  private final List<String> keys = List.of("subject", "key", "validity", "renewBefore", "rotation", "policy");

  @Test
  void testClosest_findsATypo() {
    assertThat(Spelling.closest("subjet", keys)).contains("subject");
    assertThat(Spelling.closest("valdity", keys)).contains("validity");
  }

  @Test
  void testClosest_ignoresCaseAndSeparators() {
    assertThat(Spelling.closest("renew_before", keys)).contains("renewBefore");
    assertThat(Spelling.closest("RENEW-BEFORE", keys)).contains("renewBefore");
  }

  @Test
  void testClosest_noSuggestionForAnUnrelatedWord() {
    assertThat(Spelling.closest("port", keys)).isEmpty();
    assertThat(Spelling.closest("certificates", keys)).isEmpty();
  }

  @Test
  void testDistance_isLevenshtein() {
    assertThat(Spelling.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Spelling.distance("", "abc")).isEqualTo(3);
    assertThat(Spelling.distance("same", "same")).isZero();
  }
}
