package org.hostpki.sign;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DomainPatternTest {
  private final DomainPattern below = new DomainPattern("*.corp.example");
  private final DomainPattern exact = new DomainPattern("portal.corp.example");

  @Test
  void testAllows_wildcardAllowsNamesOneLabelBelow() {
    assertThat(below.allows("db.corp.example")).isTrue();
  }

  @Test
  void testAllows_wildcardAllowsNamesAtAnyDepthBelow() {
    assertThat(below.allows("a.b.corp.example")).isTrue();
  }

  @Test
  void testAllows_wildcardAllowsWildcardNamesBelow() {
    assertThat(below.allows("*.corp.example")).isTrue();
    assertThat(below.allows("*.lab.corp.example")).isTrue();
  }

  @Test
  void testAllows_wildcardDoesNotAllowTheBaseDomainItself() {
    assertThat(below.allows("corp.example")).isFalse();
  }

  @Test
  void testAllows_wildcardDoesNotAllowANameThatOnlyEndsLikeIt() {
    assertThat(below.allows("evilcorp.example")).isFalse();
    assertThat(below.allows("db.corp.example.evil")).isFalse();
  }

  @Test
  void testAllows_exactNameAllowsOnlyItself() {
    assertThat(exact.allows("portal.corp.example")).isTrue();
    assertThat(exact.allows("db.portal.corp.example")).isFalse();
    assertThat(exact.allows("*.portal.corp.example")).isFalse();
  }

  @Test
  void testAllows_comparesCaseInsensitively() {
    assertThat(new DomainPattern("*.Corp.Example").allows("DB.corp.EXAMPLE")).isTrue();
    assertThat(exact.allows("Portal.Corp.Example")).isTrue();
  }
}
