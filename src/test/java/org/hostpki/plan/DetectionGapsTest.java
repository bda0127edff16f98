package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.converged;
import static org.hostpki.plan.Fixtures.desired;
import static org.hostpki.plan.Fixtures.host;
import static org.hostpki.plan.Fixtures.input;
import static org.hostpki.plan.Fixtures.ip;
import static org.hostpki.plan.Fixtures.waiting;
import static org.hostpki.plan.Fixtures.withServer;
import static org.hostpki.testkit.PlanAssert.addresses;
import static org.hostpki.testkit.PlanAssert.change;
import static org.hostpki.testkit.PlanAssert.codes;
import static org.hostpki.testkit.PlanAssert.warningCodes;
import static org.hostpki.testkit.PlanAssert.warningMessages;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostIdentity.Note;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * What the server certificate keeps when host detection found no address or only the placeholder
 * name localhost: its own host names and addresses, with a warning, instead of a re-issue without
 * them now and one with them at the next run.
 */
@Execution(ExecutionMode.CONCURRENT)
class DetectionGapsTest {
  private static final Note NO_ADDRESS = new Note(Note.Kind.NO_ADDRESS, "no address detected on the host");
  private static final Note NO_NAME =
      new Note(Note.Kind.NO_HOSTNAME, "the host's name is 'localhost', a placeholder every host has");

  private final Planner planner = new Planner();
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10", "2001:db8::10");
  private final HostIdentity noAddress = new HostIdentity("portal", portal.domain(), List.of(), List.of(NO_ADDRESS));
  private final HostIdentity noName = new HostIdentity("localhost", portal.domain(), portal.addresses(), List.of(NO_NAME));

  private Plan plan(DesiredState d, HostIdentity host, ObservedStore observed) {
    return planner.plan(input(d, host, observed, NOW));
  }

  @Test
  void testPlan_noAddressDetectedKeepsTheCertificatesAddressesAndWarns() {
    DesiredState d = desired();

    Plan plan = plan(d, noAddress, converged(d, portal).observed());

    assertThat(plan.changes()).isEmpty();
    assertThat(warningCodes(plan)).containsExactly("host-no-address");
    assertThat(warningMessages(plan))
        .containsExactly(
            "no address detected on the host; the server certificate keeps its addresses"
                + " 192.0.2.10, 2001:db8::10 until one is (list the host's addresses in"
                + " host.addresses to give them, or host.addresses: [] for none)");
  }

  @Test
  void testPlan_oneOfTwoAddressesGoneStillReplaces() {
    DesiredState d = desired();

    Plan plan = plan(d, host("portal", "example.com", "192.0.2.10"), converged(d, portal).observed());

    assertThat(codes(change(plan, "server"))).containsExactly(ReasonCode.HOST_IDENTITY_CHANGED);
    assertThat(change(plan, "server").reasonText()).endsWith("address 2001:db8::10 removed");
    assertThat(plan.warnings()).isEmpty();
  }

  @Test
  void testPlan_noAddressesWithoutDetection_removesThem() {
    DesiredState d = desired();

    // host.addresses: [] says so: no note, the addresses go.
    Plan plan = plan(d, host("portal", "example.com"), converged(d, portal).observed());

    assertThat(change(plan, "server").reasonText())
        .isEqualTo("host identity changed: address 192.0.2.10 removed, address 2001:db8::10 removed");
    assertThat(plan.warnings()).isEmpty();
  }

  @Test
  void testPlan_noAddressDetectedInANewStore_issuesWithoutAndWarns() {
    Plan plan = plan(desired(), noAddress, ObservedStore.empty());

    Intent.IssueServer issued = (Intent.IssueServer) change(plan, "server").intent();
    assertThat(issued.dnsNames()).containsExactly("portal.example.com", "portal");
    assertThat(issued.ipAddresses()).isEmpty();
    assertThat(warningMessages(plan))
        .containsExactly(
            "no address detected on the host; the server certificate has none of them until one is"
                + " (list the host's addresses in host.addresses to give them)");
  }

  @Test
  void testPlan_renewalWhileNoAddressIsDetected_keepsTheAddresses() {
    DesiredState d = desired();
    ObservedStore store = converged(d, portal).observed();

    Plan plan = planner.plan(input(d, noAddress, store, NOW.plus(d.server().validity()).plus(Duration.ofDays(1))));

    Intent.IssueServer issued = (Intent.IssueServer) change(plan, "server").intent();
    assertThat(codes(change(plan, "server"))).containsExactly(ReasonCode.EXPIRED);
    assertThat(issued.ipAddresses()).containsExactly(ip("192.0.2.10"), ip("2001:db8::10"));
  }

  @Test
  void testKept_addressesTheDesiredStateListsAreNotTheHosts() {
    DesiredState d = withNames(desired(), List.of(), List.of(ip("192.0.2.99")), true);
    ObservedStore store = converged(d, portal).observed();

    DetectionGaps.Kept kept = DetectionGaps.kept(d.server(), noAddress, store);

    assertThat(kept.addresses()).containsExactly(ip("192.0.2.10"), ip("2001:db8::10"));
    assertThat(plan(d, noAddress, store).changes()).isEmpty();
  }

  @Test
  void testPlan_placeholderHostnameKeepsTheCertificatesNamesAndWarns() {
    DesiredState d = desired();

    Plan plan = plan(d, noName, converged(d, portal).observed());

    assertThat(plan.changes()).isEmpty();
    assertThat(warningCodes(plan)).containsExactly("host-no-name");
    assertThat(warningMessages(plan).get(0))
        .startsWith(
            "the host's name is 'localhost', a placeholder every host has; the server certificate"
                + " keeps its names portal.example.com, portal until the host has its own: set the"
                + " host's name (hostnamectl set-hostname NAME), or name the host in host.hostname"
                + " or the server in server.dnsNames");
  }

  @Test
  void testPlan_placeholderHostnameInANewStore_isLeftOut() {
    DesiredState d = withNames(desired(), List.of("www.example.com"), List.of(), true);

    Plan plan = plan(d, noName, ObservedStore.empty());

    Intent.IssueServer issued = (Intent.IssueServer) change(plan, "server").intent();
    assertThat(issued.dnsNames()).containsExactly("www.example.com");
    assertThat(issued.ipAddresses()).containsExactly(ip("192.0.2.10"), ip("2001:db8::10"));
    assertThat(warningMessages(plan).get(0)).contains("the server certificate leaves it out: set the host's name");
  }

  @Test
  void testPlan_nothingToNameTheServerBy_isRefused() {
    HostIdentity nothing = new HostIdentity("localhost", portal.domain(), List.of(), List.of(NO_NAME, NO_ADDRESS));

    Plan plan = plan(desired(), nothing, ObservedStore.empty());

    assertThat(plan.refusals()).extracting(Refusal::code).containsExactly("no-server-name");
    assertThat(plan.refusals().get(0).message())
        .contains("would name nothing", "host.hostname", "server.dnsNames");
  }

  @Test
  void testPlan_withoutTheHostIdentity_notesAreNoConcern() {
    DesiredState d = withNames(desired(), List.of("www.example.com"), List.of(), false);
    HostIdentity nothing =
        new HostIdentity(
            "localhost", portal.domain(), List.of(),
            List.of(NO_NAME, NO_ADDRESS, new Note(Note.Kind.HOST_FILE, "/etc/resolv.conf:1: ...")));

    Plan plan = plan(d, nothing, converged(d, portal).observed());

    assertThat(plan.changes()).isEmpty();
    assertThat(plan.warnings()).isEmpty();
  }

  @Test
  void testPlan_hostFileNoteIsAWarningAsItIs() {
    DesiredState d = desired();
    String message = "/etc/resolv.conf:3: search entry 'exa_mple.com' left out, so the host has no domain: ...";
    HostIdentity noted =
        new HostIdentity("portal", java.util.Optional.empty(), portal.addresses(), List.of(new Note(Note.Kind.HOST_FILE, message)));

    Plan plan = plan(d, noted, converged(d, noted).observed());

    assertThat(plan.warnings())
        .extracting(Warning::code, Warning::message)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("host-file-entry", message));
  }

  /**
   * A placeholder domain left out (Debian's web1.localdomain) is said when it changes the
   * certificate — a new store, or one an earlier hostpki made naming it — not on every run of a
   * host that has no domain of its own.
   */
  @Test
  void testPlan_placeholderDomainIsWarnedOfOnlyWhenItChangesTheCertificate() {
    DesiredState d = desired();
    String message = "the host name 'portal.localdomain' has the domain 'localdomain', a placeholder ...";
    HostIdentity noted =
        new HostIdentity(
            "portal", java.util.Optional.empty(), portal.addresses(),
            List.of(new Note(Note.Kind.PLACEHOLDER_DOMAIN, message)));
    HostIdentity earlier = host("portal", "localdomain", "192.0.2.10", "2001:db8::10");

    Plan steady = plan(d, noted, converged(d, noted).observed());
    Plan upgraded = plan(d, noted, converged(d, earlier).observed());
    Plan fresh = plan(d, noted, ObservedStore.empty());

    assertThat(steady.warnings()).isEmpty();
    assertThat(upgraded.warnings())
        .extracting(Warning::code, Warning::message)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("host-file-entry", message));
    assertThat(fresh.warnings()).extracting(Warning::code).contains("host-file-entry");
  }

  @Test
  void testPlan_externalIssuerKeepsTheRequestsAddresses() {
    DesiredState d = Fixtures.external(ExternalSpec.Fallback.NONE);
    ObservedStore store = waiting(d, portal).observed();

    Plan plan = plan(d, noAddress, store);

    assertThat(addresses(plan)).doesNotContain("server.csr", "server");
    assertThat(warningMessages(plan).get(0)).contains("keeps its addresses 192.0.2.10, 2001:db8::10");
  }

  private static DesiredState withNames(
      DesiredState d, List<String> dnsNames, List<InetAddress> ipAddresses, boolean includeHostIdentity) {
    ServerSpec s = d.server();
    return withServer(
        d,
        new ServerSpec(
            s.issuer(), s.subject(), dnsNames, ipAddresses, includeHostIdentity, s.key(), s.keyRotation(),
            s.validity(), s.renewBefore(), s.clientAuth(), s.allowLongValidity(), s.external(), s.acme()));
  }
}
