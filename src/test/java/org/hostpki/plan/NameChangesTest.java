package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.ip;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** One rule for san-changed and host-identity-changed, whether names must match or be covered. */
@Execution(ExecutionMode.CONCURRENT)
class NameChangesTest {
  private static final HostIdentity HOST = Fixtures.host("portal", "example.com", "192.0.2.10");

  private static ServerSpec server(List<String> names, List<InetAddress> addresses, boolean host) {
    ServerSpec d = ServerSpec.defaults();
    return new ServerSpec(
        d.issuer(), d.subject(), names, addresses, host, d.key(), d.keyRotation(), d.validity(),
        d.renewBefore(), d.clientAuth(), d.allowLongValidity(), Optional.empty(), Optional.empty());
  }

  private static NameChanges changes(ServerSpec server) {
    return new NameChanges(server, ServerNames.of(server, HOST));
  }

  @Test
  void testExact_configuredNamesAreSansTheRestTheHostIdentity() {
    ServerSpec server = server(List.of("www.example.com"), List.of(ip("2001:db8::a")), true);

    List<Reason> reasons =
        changes(server).exact(List.of("old.example.com", "old"), List.of(ip("192.0.2.9")));

    assertThat(reasons)
        .containsExactly(
            new Reason(
                ReasonCode.HOST_IDENTITY_CHANGED,
                "host identity changed: name old.example.com removed, name old removed,"
                    + " name portal.example.com added, name portal added, address 192.0.2.9 removed,"
                    + " address 192.0.2.10 added"),
            new Reason(
                ReasonCode.SAN_CHANGED,
                "SANs changed: name www.example.com added, address 2001:db8::a added"));
  }

  @Test
  void testExact_aNameDroppedFromDnsNamesWhileTheHostKeepsItsNamesIsASanChange() {
    // Found by the desired-state transition matrix: dnsNames [localhost, www.example.com] →
    // [localhost] said "host identity changed: name www.example.com removed"; the host had not
    // changed. Nothing records what dnsNames listed before, but the host's own names stayed.
    ServerSpec server = server(List.of("localhost"), List.of(), true);

    assertThat(
            changes(server)
                .exact(List.of("localhost", "www.example.com", "portal.example.com", "portal", "db"), List.of(ip("192.0.2.10"))))
        .containsExactly(new Reason(ReasonCode.SAN_CHANGED, "SANs changed: name www.example.com removed, name db removed"));
  }

  @Test
  void testExact_theHostsFullNameGoneWithItsDomainIsTheHostIdentity() {
    // The host lost its domain (or it changed): the short name stays, the old FQDN goes with it.
    ServerSpec server = server(List.of(), List.of(), true);
    NameChanges changes = new NameChanges(server, ServerNames.of(server, Fixtures.host("portal", null, "192.0.2.10")));

    assertThat(changes.exact(List.of("portal.old.example", "portal"), List.of(ip("192.0.2.10"))))
        .containsExactly(
            new Reason(ReasonCode.HOST_IDENTITY_CHANGED, "host identity changed: name portal.old.example removed"));
  }

  @Test
  void testExact_withoutTheHostIdentityEverythingIsASan() {
    ServerSpec server = server(List.of("www.example.com"), List.of(), false);

    assertThat(changes(server).exact(List.of("portal"), List.of()))
        .extracting(Reason::code)
        .containsExactly(ReasonCode.SAN_CHANGED);
  }

  @Test
  void testUncovered_classifiesByTheSameRuleAsExact() {
    // The address is configured in another spelling: both questions call it a SAN, by address.
    ServerSpec server = server(List.of("www.example.com"), List.of(ip("2001:DB8:0:0::A")), true);
    NameChanges changes = changes(server);
    var leaf =
        Fixtures.cert(
            "leaf", org.hostpki.model.Subject.commonName("x"), "CN=CA", List.of("*.example.com"),
            List.of(), Fixtures.key(org.hostpki.model.KeySpec.defaultSpec(), "k"), false,
            Fixtures.NOW, Fixtures.NOW.plusSeconds(3600), List.of());

    NameChanges.Uncovered uncovered = changes.uncovered(leaf);

    assertThat(uncovered.words()).isEqualTo("portal, 2001:db8::a, 192.0.2.10");
    assertThat(changes.reasons(uncovered))
        .containsExactly(
            new Reason(
                ReasonCode.HOST_IDENTITY_CHANGED,
                "host identity changed: the imported certificate does not cover portal,"
                    + " 192.0.2.10"),
            new Reason(
                ReasonCode.SAN_CHANGED,
                "SANs changed: the imported certificate does not cover 2001:db8::a"));
    assertThat(changes.exact(leaf.dnsNames(), leaf.ipAddresses()))
        .filteredOn(r -> r.code() == ReasonCode.SAN_CHANGED)
        .extracting(Reason::message)
        .singleElement()
        .asString()
        .contains("address 2001:db8::a added");
  }
}
