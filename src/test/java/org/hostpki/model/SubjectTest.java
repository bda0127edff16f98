package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class SubjectTest {
  private static final String LONG = "a".repeat(60) + ".example.com"; // 72 characters

  @Test
  void testWithCommonNameFrom_takesTheFirstNameThatFits() {
    assertThat(Subject.empty().withCommonNameFrom(List.of(LONG, "portal", "portal.example.com")))
        .isEqualTo(Subject.commonName("portal"));
  }

  @Test
  void testWithCommonNameFrom_leavesItOutWhenNoneFits() {
    assertThat(Subject.empty().withCommonNameFrom(List.of(LONG)).commonName()).isEmpty();
  }

  @Test
  void testWithCommonNameFrom_sixtyFourCharactersFit() {
    String exactly64 = "b".repeat(52) + ".example.com";

    assertThat(Subject.empty().withCommonNameFrom(List.of(exactly64)).commonName()).contains(exactly64);
  }

  @Test
  void testWithCommonNameFrom_keepsAGivenCommonName() {
    assertThat(Subject.commonName("Portal").withCommonNameFrom(List.of("portal.example.com")))
        .isEqualTo(Subject.commonName("Portal"));
  }

  @Test
  void testToString_isTheRfc4514TextEveryOutputShows() {
    Subject s =
        new Subject(
            Optional.of("Evil, CN=Root+OU=x"), Optional.of("Example Corp"), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.of("US"), Optional.empty());

    assertThat(s.toString()).isEqualTo("CN=Evil\\, CN=Root\\+OU=x,O=Example Corp,C=US");
  }

  @Test
  void testCaDefaultName_neverLongerThanACommonNameMayBe() {
    HostIdentity longName = new HostIdentity("h".repeat(63), Optional.empty(), List.of());

    String cn = CaSpec.defaults().effectiveSubject(longName).commonName().orElseThrow();

    assertThat(cn).hasSize(Subject.MAX_COMMON_NAME).endsWith(" hostpki CA").startsWith("hhh");
    assertThat(CaSpec.defaults().effectiveSubject(new HostIdentity("portal", Optional.empty(), List.of())))
        .isEqualTo(Subject.commonName("portal hostpki CA"));
  }
}
