package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class DistinguishedNameTest {
  private static List<DistinguishedName.Attribute> rdn(String type, String value) {
    return List.of(new DistinguishedName.Attribute(type, value, false));
  }

  @Test
  void testFormat_lastRdnFirstJoinedByCommas() {
    assertThat(DistinguishedName.format(List.of(rdn("C", "US"), rdn("O", "Example Corp"), rdn("CN", "x"))))
        .isEqualTo("CN=x,O=Example Corp,C=US");
  }

  @Test
  void testFormat_aValueThatLooksLikeMoreAttributesStaysOneValue() {
    String text = DistinguishedName.format(List.of(rdn("CN", "Evil, CN=Root+OU=x")));

    assertThat(text).isEqualTo("CN=Evil\\, CN=Root\\+OU=x");
  }

  @Test
  void testEscapeValue_specialsAndLeadingAndTrailingSpacesAsRfc4514Asks() {
    assertThat(DistinguishedName.escapeValue("\"a\";<b>\\c")).isEqualTo("\\\"a\\\"\\;\\<b\\>\\\\c");
    assertThat(DistinguishedName.escapeValue(" #x ")).isEqualTo("\\ #x\\ ");
    assertThat(DistinguishedName.escapeValue("#x")).isEqualTo("\\#x");
  }

  @Test
  void testEscapeValue_controlsAndBidiOverridesAsUtf8HexPairs() {
    assertThat(DistinguishedName.escapeValue("Good CA\nPlan: 0\u001b[1A\u0000\u007f\u0085\u202e\u2028x"))
        .isEqualTo("Good CA\\0APlan: 0\\1B[1A\\00\\7F\\C2\\85\\E2\\80\\AE\\E2\\80\\A8x");
  }

  @Test
  void testEscapeValue_keepsLettersOfEveryScript() {
    assertThat(DistinguishedName.escapeValue("Grüße 東京 =")).isEqualTo("Grüße 東京 =");
  }

  @Test
  void testFormat_parsesBackToTheSameValues() throws Exception {
    String hostile = "Good CA\nPlan: 0 to create\r\u001b[2K\u0000\u202egnp.exe, CN=Root+OU=x #";
    String text =
        DistinguishedName.format(List.of(rdn("O", "Example Corp"), rdn("CN", hostile)));

    assertThat(TerminalText.hasUnsafe(text)).isFalse();
    List<Rdn> rdns = new LdapName(text).getRdns(); // DER order: O first
    assertThat(rdns.get(0).getValue()).isEqualTo("Example Corp");
    assertThat(rdns.get(1).getValue()).isEqualTo(hostile);
  }

  @Test
  void testFormat_multiValuedRdnInOneOrderAndHexValuesAsGiven() {
    List<DistinguishedName.Attribute> multi =
        List.of(
            new DistinguishedName.Attribute("OU", "b", false),
            new DistinguishedName.Attribute("CN", "a", false));

    assertThat(DistinguishedName.format(List.of(multi, List.of(DistinguishedName.Attribute.encoded("2.5.4.12", new byte[] {0x0c, 0x01, 0x41})))))
        .isEqualTo("2.5.4.12=#0c0141,CN=a+OU=b");
  }

  @Test
  void testAttributeOf_knownTypesByKeywordOthersAsHex() {
    assertThat(DistinguishedName.Attribute.of("2.5.4.10", "Example", new byte[] {0x0c}).text()).isEqualTo("O=Example");
    assertThat(DistinguishedName.Attribute.of("1.2.840.113549.1.9.1", "a@b", new byte[] {0x16}).text())
        .isEqualTo("emailAddress=a@b");
    assertThat(DistinguishedName.Attribute.of("2.5.4.12", "Boss", new byte[] {0x0c, 0x01, 0x42}).text())
        .isEqualTo("2.5.4.12=#0c0142");
    assertThat(DistinguishedName.Attribute.of("2.5.4.3", null, new byte[] {0x03, 0x01, 0x00}).text())
        .isEqualTo("CN=#030100");
  }
}
