package org.hostpki.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResolvConfTest {

  @Test
  void testDomain_domainLine() {
    assertThat(ResolvConf.domain("domain example.com\n")).contains("example.com");
  }

  @Test
  void testDomain_firstSearchEntry() {
    assertThat(ResolvConf.domain("search a.example b.example\n")).contains("a.example");
  }

  @Test
  void testDomain_searchAfterDomainWins() {
    assertThat(ResolvConf.domain("domain a.example\nsearch b.example\n")).contains("b.example");
  }

  @Test
  void testDomain_domainAfterSearchWins() {
    assertThat(ResolvConf.domain("search b.example\ndomain a.example\n")).contains("a.example");
  }

  @Test
  void testDomain_tabsAndIndentationAreWhitespace() {
    assertThat(ResolvConf.domain("  search\tb.example\n")).contains("b.example");
  }

  @Test
  void testDomain_commentLinesAreIgnored() {
    assertThat(ResolvConf.domain("#domain a.example\n;search b.example\n")).isEmpty();
  }

  @Test
  void testDomain_trailingCommentIsIgnored() {
    assertThat(ResolvConf.domain("domain a.example#office\n")).contains("a.example");
  }

  @Test
  void testDomain_searchRootMeansNoDomain() {
    // systemd-resolved's stub file says "search ." when there is no search domain
    assertThat(ResolvConf.domain("domain a.example\nsearch .\n")).isEmpty();
  }

  @Test
  void testDomain_emptySearchLineIsIgnored() {
    assertThat(ResolvConf.domain("domain a.example\nsearch\n")).contains("a.example");
  }

  @Test
  void testDomain_keywordsAreCaseSensitiveAsForTheResolver() {
    assertThat(ResolvConf.domain("Domain a.example\n")).isEmpty();
  }

  @Test
  void testDomain_nameIsNormalised() {
    assertThat(ResolvConf.domain("domain A.Example.\n")).contains("a.example");
  }

  @Test
  void testDomain_noDomainOrSearchLine() {
    assertThat(ResolvConf.domain("nameserver 192.0.2.53\noptions edns0 trust-ad\n")).isEmpty();
  }

  @Test
  void testDomain_crlfLineEnds() {
    assertThat(ResolvConf.domain("nameserver 192.0.2.53\r\nsearch a.example\r\n"))
        .contains("a.example");
  }

  @Test
  void testEntry_theDecidingLineWithItsNumber() {
    ResolvConf.Entry entry =
        ResolvConf.entry("# office\r\nsearch a.example\r\nnameserver 192.0.2.53\r\ndomain b_c.example\r\n")
            .orElseThrow();

    assertThat(entry).isEqualTo(new ResolvConf.Entry(4, "domain", "b_c.example"));
    assertThat(entry.domain()).isEmpty();
    assertThat(entry.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("has the character '_' in 'b_c'"));
  }

  @Test
  void testEntry_searchRootAndValidEntriesHaveNoProblem() {
    assertThat(ResolvConf.entry("search .\n").orElseThrow().problem()).isEmpty();
    assertThat(ResolvConf.entry("domain Example.COM.\n").orElseThrow().problem()).isEmpty();
    assertThat(ResolvConf.entry("domain a..example\n").orElseThrow().problem())
        .hasValueSatisfying(p -> assertThat(p).startsWith("has an empty label"));
  }
}
