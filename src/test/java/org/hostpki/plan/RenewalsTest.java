package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.external;
import static org.hostpki.plan.Fixtures.externalChain;
import static org.hostpki.plan.Fixtures.host;
import static org.hostpki.plan.Fixtures.imported;
import static org.hostpki.plan.Fixtures.waiting;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.SortedMap;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalSpec.Fallback;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.MaintenanceWindow;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.Percentage;
import org.hostpki.model.RenewalSpec;
import org.hostpki.renewal.Renewal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class RenewalsTest {
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10");
  /** A window that is not open when the certificates below are due. */
  private final RenewalSpec laterWindow =
      new RenewalSpec(
          Percentage.ZERO,
          List.of(MaintenanceWindow.daily(LocalTime.of(0, 0), LocalTime.of(0, 30), ZoneId.of("UTC"))));

  @Test
  void testOf_anImportedCertificateNeverWaitsForAWindow() {
    DesiredState d = Fixtures.withRenewal(external(Fallback.NONE), laterWindow);
    Fixtures.Store base = waiting(d, portal);
    ServerNames names = ServerNames.of(d.server(), portal);
    List<CertificateFacts> chain =
        externalChain("soon", base.serverKey, names.dnsNames(), names.ipAddresses(),
            Instant.parse("2026-06-21T12:00:00Z"), false);
    ObservedStore store = imported(d, portal, chain).observed();

    SortedMap<String, Renewal> renewals = Renewals.of(d, store, AcmeObservation.NONE, NOW.plus(Duration.ofDays(18)), true);

    // its CA signs the next chain, whenever someone asks: the window is for hostpki's own renewals
    assertThat(renewals.get("server").state()).isEqualTo(Renewal.State.DUE);
  }

  @Test
  void testOf_anInternalCertificateWaitsForTheWindowUnattended() {
    DesiredState d = Fixtures.withRenewal(Fixtures.desired(), laterWindow);
    ObservedStore store = Fixtures.converged(d, portal).observed();
    Instant due = store.serverCertificate().orElseThrow().notAfter().minus(Duration.ofDays(100));
    Instant afternoon = due.atZone(ZoneId.of("UTC")).toLocalDate().atTime(15, 0).atZone(ZoneId.of("UTC")).toInstant();

    assertThat(Renewals.of(d, store, AcmeObservation.NONE, afternoon, true).get("server").state()).isEqualTo(Renewal.State.WAITING);
    assertThat(Renewals.of(d, store, AcmeObservation.NONE, afternoon, false).get("server").state()).isEqualTo(Renewal.State.DUE);
    assertThat(Renewals.of(d, store, AcmeObservation.NONE, afternoon, true).get("ca").state()).isEqualTo(Renewal.State.SCHEDULED);
  }
}
