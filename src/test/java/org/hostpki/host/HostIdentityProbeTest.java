package org.hostpki.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostpki.host.LiveHostIdentityProbeTest.addresses;
import static org.hostpki.host.LiveHostIdentityProbeTest.ip;
import static org.hostpki.host.LiveHostIdentityProbeTest.spec;

import java.util.List;
import java.util.Optional;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.HostpkiException;
import org.junit.jupiter.api.Test;

/** The fixed probe other packages test with: it applies the spec like the live one. */
class HostIdentityProbeTest {
  private final HostIdentity detected =
      new HostIdentity("portal", Optional.of("example.com"), List.of(ip("192.0.2.10")));
  private final HostIdentityProbe probe = HostIdentityProbe.fixed(detected);

  @Test
  void testFixed_defaultSpecGivesTheDetectedIdentity() {
    assertThat(probe.identify(HostSpec.defaults())).isEqualTo(detected);
  }

  @Test
  void testFixed_givenHostnameKeepsTheDetectedDomain() {
    HostIdentity identity = probe.identify(spec(true, "www", null, null));

    assertThat(identity.fqdn()).contains("www.example.com");
    assertThat(addresses(identity)).containsExactly("192.0.2.10");
  }

  @Test
  void testFixed_givenFullyQualifiedHostnameGivesItsOwnDomain() {
    HostIdentity identity = probe.identify(spec(true, "www.other.example", null, null));

    assertThat(identity.fqdn()).contains("www.other.example");
  }

  @Test
  void testFixed_givenDomainAndAddressesOverride() {
    HostIdentity identity =
        probe.identify(spec(true, null, "corp.example", List.of("198.51.100.1")));

    assertThat(identity.fqdn()).contains("portal.corp.example");
    assertThat(addresses(identity)).containsExactly("198.51.100.1");
  }

  @Test
  void testFixed_withoutDetectionNothingDetectedIsUsed() {
    HostIdentity identity = probe.identify(spec(false, "www", null, null));

    assertThat(identity).isEqualTo(new HostIdentity("www", Optional.empty(), List.of()));
  }

  @Test
  void testFixed_withoutDetectionAHostnameIsRequired() {
    assertThatThrownBy(() -> probe.identify(spec(false, null, null, null)))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("set host.hostname");
  }

  @Test
  void testIdentify_givenHostnameThatIsNoDnsNameIsAnError() {
    assertThatThrownBy(() -> probe.identify(spec(true, "web_01", null, null)))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("host.hostname 'web_01' is not a valid host name");
  }

  @Test
  void testIdentify_givenDomainThatIsNoDnsDomainIsAnError() {
    assertThatThrownBy(() -> probe.identify(spec(true, null, "corp..example", null)))
        .isInstanceOf(HostpkiException.class)
        .hasMessageContaining("host.domain 'corp..example' is not a valid DNS domain");
  }

  @Test
  void testIdentify_givenNamesAreNormalised() {
    HostIdentity identity = probe.identify(spec(true, "WWW", "Corp.Example.", null));

    assertThat(identity.fqdn()).contains("www.corp.example");
  }

  @Test
  void testFixed_notesWhatTheLiveProbeWouldOnlyForDetectedParts() {
    HostIdentityProbe unnamed =
        HostIdentityProbe.fixed(new HostIdentity("localhost", Optional.empty(), List.of()));

    assertThat(unnamed.identify(HostSpec.defaults()).notes())
        .extracting(HostIdentity.Note::kind)
        .containsExactly(HostIdentity.Note.Kind.NO_HOSTNAME, HostIdentity.Note.Kind.NO_ADDRESS);
    assertThat(unnamed.identify(spec(true, "www", null, List.of())).notes()).isEmpty();
  }
}
