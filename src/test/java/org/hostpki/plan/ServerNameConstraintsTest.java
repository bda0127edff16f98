package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.converged;
import static org.hostpki.plan.Fixtures.desired;
import static org.hostpki.plan.Fixtures.host;
import static org.hostpki.plan.Fixtures.input;
import static org.hostpki.plan.Fixtures.ip;
import static org.hostpki.testkit.PlanAssert.addresses;
import static org.hostpki.testkit.PlanAssert.change;
import static org.hostpki.testkit.PlanAssert.warningMessages;

import java.util.List;
import java.util.Optional;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.NameConstraints;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ServerSpec;
import org.junit.jupiter.api.Test;

/** The server certificate's names against the name constraints of the CA that signs it. */
class ServerNameConstraintsTest {
  private static final NameConstraints FENCE =
      new NameConstraints(
          List.of("example.com"), List.of(IpNetwork.parse("192.0.2.0/24").orElseThrow()), List.of(), List.of());

  private final Planner planner = new Planner();
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10", "198.51.100.7");

  private static DesiredState fenced(NameConstraints constraints, List<String> dnsNames) {
    CaSpec ca = desired().ca();
    ServerSpec s = desired().server();
    DesiredState d =
        Fixtures.withCa(
            desired(),
            new CaSpec(ca.subject(), ca.key(), ca.validity(), ca.renewBefore(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(constraints)));
    return Fixtures.withServer(
        d,
        new ServerSpec(
            s.issuer(), s.subject(), dnsNames, s.ipAddresses(), s.includeHostIdentity(), s.key(),
            s.keyRotation(), s.validity(), s.renewBefore(), s.clientAuth(), s.allowLongValidity(), s.external(),
            Optional.empty()));
  }

  @Test
  void testPlan_hostIdentityNamesOutsideTheConstraintsAreLeftOutWithAWarningNamingTheFix() {
    DesiredState d = fenced(FENCE, List.of());

    Plan plan = planner.plan(input(d, portal, ObservedStore.empty(), NOW));

    Intent.IssueServer server = (Intent.IssueServer) change(plan, "server").intent();
    assertThat(server.dnsNames()).containsExactly("portal.example.com");
    assertThat(server.ipAddresses()).containsExactly(ip("192.0.2.10"));
    assertThat(server.subject().commonName()).contains("portal.example.com");
    assertThat(plan.refusals()).isEmpty();
    assertThat(plan.warnings()).extracting(Warning::code).containsExactly("name-constraints", "name-constraints");
    assertThat(warningMessages(plan))
        .containsExactly(
            "the server certificate leaves out portal of the host identity: it is outside the CA's name"
                + " constraints (permitted dnsDomains [example.com]), and clients refuse a certificate with"
                + " a name outside them; to have it, add it or a domain above it to"
                + " ca.nameConstraints.permitted.dnsDomains (the CA is re-issued through its rotation)",
            "the server certificate leaves out 198.51.100.7 of the host identity: it is outside the CA's"
                + " name constraints (permitted ipRanges [192.0.2.0/24]), and clients refuse a certificate"
                + " with a name outside them; to have it, add a network holding it to"
                + " ca.nameConstraints.permitted.ipRanges (the CA is re-issued through its rotation), or"
                + " keep the address out of the host identity with host.ignoreInterfaces or host.addresses");
  }

  @Test
  void testPlan_aServerCertificateWithTheLeftOutNamesIsIssuedAgainWithoutThem() {
    DesiredState d = fenced(FENCE, List.of());

    Plan plan = planner.plan(input(d, portal, converged(d, portal).observed(), NOW));

    assertThat(change(plan, "server").reasonText()).contains("portal", "198.51.100.7");
    assertThat(((Intent.IssueServer) change(plan, "server").intent()).dnsNames()).containsExactly("portal.example.com");
  }

  @Test
  void testPlan_aDeclaredNameOutsideTheConstraintsIsRefused() {
    DesiredState d = fenced(FENCE, List.of("www.example.com", "portal.example.net"));

    Plan plan = planner.plan(input(d, portal, ObservedStore.empty(), NOW));

    assertThat(plan.refusals()).singleElement().satisfies(r -> {
      assertThat(r.code()).isEqualTo("name-constraints");
      assertThat(r.message()).contains("remove the name from the desired state, or widen ca.nameConstraints");
      assertThat(r.problems())
          .containsExactly(
              "server.dnsNames: portal.example.net is outside the CA's name constraints (permitted"
                  + " dnsDomains [example.com])");
    });
  }

  @Test
  void testPlan_aHostWithNoNameInsideTheConstraintsIsRefused() {
    DesiredState d =
        fenced(new NameConstraints(List.of("corp.example"), List.of(), List.of(), List.of(IpNetwork.parse("0.0.0.0/0").orElseThrow(), IpNetwork.parse("::/0").orElseThrow())), List.of());

    Plan plan = planner.plan(input(d, portal, ObservedStore.empty(), NOW));

    assertThat(plan.refusals()).singleElement().satisfies(r -> {
      assertThat(r.code()).isEqualTo("name-constraints");
      assertThat(r.message()).startsWith("none of the server's names lies inside the CA's name constraints");
    });
  }

  @Test
  void testPlan_withCaNameConstraintsRemovedTheAdviceIsToDeclareThemOrReplaceTheCaAndANewCaSaysItDropsThem() {
    DesiredState d = fenced(FENCE, List.of());
    ObservedStore store = converged(d, portal).observed();
    DesiredState removed = desired();
    CaSpec ca = removed.ca();
    DesiredState rsa =
        Fixtures.withCa(
            removed,
            new CaSpec(ca.subject(), new org.hostpki.model.KeySpec.Rsa(3072), ca.validity(), ca.renewBefore(),
                Optional.empty(), ca.policy()));

    Plan plan = planner.plan(input(removed, portal, store, NOW));
    Plan newKey = planner.plan(input(rsa, portal, store, NOW));

    assertThat(addresses(plan)).doesNotContain("ca");
    assertThat(warningMessages(plan))
        .hasSize(2)
        .allSatisfy(
            m ->
                assertThat(m)
                    .doesNotContain("ca.nameConstraints.permitted")
                    .contains(
                        "declare ca.nameConstraints to allow it (the CA is re-issued through its rotation);"
                            + " the CA keeps the constraints it was made with while ca.nameConstraints is"
                            + " not set, and only a new CA drops them: 'hostpki apply --replace ca'"));
    assertThat(change(newKey, "ca").reasonText())
        .isEqualTo(
            "key EC P-256 → RSA 3072; name constraints permitted dnsDomains [example.com];"
                + " permitted ipRanges [192.0.2.0/24] → none (ca.nameConstraints is not set)");
    // Only the one-step replacement's word about clients (no ca.rotation here), nothing of names.
    assertThat(warningMessages(newKey))
        .singleElement()
        .asString()
        .contains("the CA is replaced in one step (no ca.rotation)");
  }
}
