package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InstallEntryNamesTest {

  @Test
  void testTag_isTheFolderNameAndAHashOfTheWholePath() {
    String web = InstallEntryNames.tag("/var/lib/hostpki/web");

    assertThat(web).matches("web-[0-9a-f]{8}");
    assertThat(InstallEntryNames.tag("/var/lib/hostpki/web")).isEqualTo(web);
    assertThat(InstallEntryNames.tag("/srv/other/web")).startsWith("web-").isNotEqualTo(web);
    assertThat(InstallEntryNames.tagged(web, InstallEntryNames.CA)).isEqualTo(web + "-ca");
  }

  @Test
  void testTag_labelIsLowerCaseLettersDigitsAndUnderscoresOnly_boundedAndNeverEmpty() {
    assertThat(InstallEntryNames.tag("/srv/Mail-Relay.v2")).matches("mail_relay_v2-[0-9a-f]{8}");
    assertThat(InstallEntryNames.tag("/srv/--x--")).matches("x-[0-9a-f]{8}");
    assertThat(InstallEntryNames.tag("/srv/\u00e9t\u00e9 store\n")).matches("t_store-[0-9a-f]{8}");
    assertThat(InstallEntryNames.tag("/")).matches("store-[0-9a-f]{8}");
    assertThat(InstallEntryNames.tag("/srv/.hidden")).matches("hidden-[0-9a-f]{8}");
    assertThat(InstallEntryNames.tag("/srv/" + "a".repeat(100))).matches("a{20}-[0-9a-f]{8}");
  }

  @Test
  void testTag_noStoresEntryNamesStartWithAnotherStoresTag() {
    // A folder named like another store's whole tag still has a tag of its own: its label has no '-'.
    String first = InstallEntryNames.tag("/srv/web");
    String second = InstallEntryNames.tag("/srv/" + first + "-x");

    assertThat(InstallEntryNames.tagged(second, InstallEntryNames.CA)).doesNotStartWith(first + "-");
    assertThat(InstallEntryNames.isValid(InstallEntryNames.tagged(second, InstallEntryNames.trusted("LDAP")))).isTrue();
  }
}
