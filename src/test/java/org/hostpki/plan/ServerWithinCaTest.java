package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.converged;
import static org.hostpki.plan.Fixtures.desired;
import static org.hostpki.plan.Fixtures.host;
import static org.hostpki.plan.Fixtures.input;
import static org.hostpki.testkit.PlanAssert.change;
import static org.hostpki.testkit.PlanAssert.codes;

import java.time.Duration;
import java.time.Instant;
import org.hostpki.model.Backdate;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.RenewBefore;
import org.hostpki.renewal.Renewal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A server certificate of the internal CA never outlives that CA (as cert-manager's CA issuer caps
 * a leaf): found in the time trial, a server certificate valid to 2028-02-28 under a CA ending
 * 2028-02-04. Shortened, it is renewed by the CA's rotation, not issued again by the same CA for
 * the same end at every apply.
 */
@Execution(ExecutionMode.CONCURRENT)
class ServerWithinCaTest {
  private final Planner planner = new Planner();
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10");

  /** The default CA (3650 days, renewed 90 days before its end) and a server renewed 120 days before its end. */
  private static DesiredState desiredState() {
    DesiredState d = desired();
    return Fixtures.withServer(d, Fixtures.withRenewBefore(d.server(), RenewBefore.of(Duration.ofDays(120))));
  }

  @Test
  void testPlan_aServerCertificateIssuedNearTheCasEndEndsWithItAndThePlanSaysWhy() {
    DesiredState d = desiredState();
    Fixtures.Store s = converged(d, portal);
    Instant caEnd = s.caCert.notAfter();
    Instant at = caEnd.minus(Duration.ofDays(200));
    s.serverCert = Fixtures.serverCert("old", d, portal, s.caCert, s.serverKey, at.minus(Duration.ofDays(400)));

    Plan plan = planner.plan(input(d, portal, s.deriveOutputs(d).observed(), at));

    Change server = change(plan, "server");
    assertThat(codes(server)).containsExactly(ReasonCode.EXPIRED);
    Duration validity = ((Intent.IssueServer) server.intent()).validity();
    assertThat(at.plus(Backdate.usable(validity))).isBeforeOrEqualTo(caEnd).isAfter(caEnd.minusSeconds(2));
    assertThat(server.reasonText())
        .endsWith("; it lasts 200 days, not server.validity 398d: it ends with the CA on 2036-05-29 11:00 UTC"
            + " (a certificate cannot outlive the CA that signed it), and the CA's rotation renews it");
    assertThat(server.after().values())
        .containsEntry("validity", new Attribute.Span(validity))
        .containsEntry("not_after", new Attribute.Time(caEnd));
  }

  @Test
  void testPlan_aServerCertificateEndingWithItsCaIsRenewedByTheCaNotIssuedAgainForTheSameEnd() {
    DesiredState d = desiredState();
    Fixtures.Store s = converged(d, portal);
    Instant caEnd = s.caCert.notAfter();
    s.serverCert =
        Fixtures.serverCert("capped", d, portal, s.caCert, s.serverKey, caEnd.minus(Duration.ofDays(200)))
            .withNotAfter(caEnd);
    // Within the server's renewBefore (120 days), not yet within the CA's (90 days).
    Instant at = caEnd.minus(Duration.ofDays(110));

    Plan plan = planner.plan(input(d, portal, s.deriveOutputs(d).observed(), at));
    java.util.SortedMap<String, Renewal> renewals = Renewals.of(d, s.observed(), AcmeObservation.NONE, at, false);
    Renewal renewal = renewals.get("server");

    assertThat(plan.changes()).isEmpty();
    assertThat(renewal.due()).isFalse();
    assertThat(renewal.dueAt()).isEqualTo(renewals.get("ca").dueAt()).isAfter(caEnd.minus(Duration.ofDays(100)));
  }
}
