package org.hostpki.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostsFileTest {

  @Test
  void testEntry_firstLineNamingTheHostDecidesAsForTheCLibrary() {
    String text =
        String.join(
            "\n",
            "# 192.0.2.1 web1.commented.example web1",
            "web1.no-address.example web1",
            "fe80::1%eth0 web1-ll",
            "192.0.2.10 WEB1.Corp.Example web1 # first",
            "192.0.2.11 web1.second.example web1");

    Optional<HostsFile.Entry> entry = HostsFile.entry(text, "web1");

    assertThat(entry).contains(new HostsFile.Entry(4, "WEB1.Corp.Example"));
    assertThat(entry.orElseThrow().domain("web1")).contains("corp.example");
    assertThat(HostsFile.entry(text, "web1-ll")).contains(new HostsFile.Entry(3, "web1-ll"));
  }

  /** A comment right after a name, as the C library reads it, and Windows line ends. */
  @Test
  void testEntry_commentWithoutABlankAndCarriageReturns() {
    String text = "127.0.0.1 localhost\r\n192.0.2.10 web1.example.com web1#me\r\n";

    assertThat(HostsFile.entry(text, "WEB1")).contains(new HostsFile.Entry(2, "web1.example.com"));
    assertThat(HostsFile.entry(text, "me")).isEmpty();
  }

  @Test
  void testDomain_onlyACanonicalNameUnderTheShortName() {
    assertThat(new HostsFile.Entry(1, "web1").domain("web1")).isEmpty();
    assertThat(new HostsFile.Entry(1, "web1.").domain("web1")).isEmpty();
    assertThat(new HostsFile.Entry(1, "web10.example.com").domain("web1")).isEmpty();
    assertThat(new HostsFile.Entry(1, "web1.exa_mple.com").domain("web1")).isEmpty();
    assertThat(HostsFile.entry("192.0.2.10 web1.example.com\n", "web1")).isEmpty();
  }
}
