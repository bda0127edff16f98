package org.hostpki.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hostpki.acme.AcmeCa;
import org.hostpki.acme.AcmeFailure;
import org.hostpki.acme.Issued;
import org.hostpki.acme.OrderRequest;
import org.hostpki.acme.RenewalWindow;
import org.hostpki.pki.Certificate;

/**
 * A {@link TestCa} in place of an ACME CA's network side ({@link
 * org.hostpki.apply.Reconciler#orderingFrom}): it signs each order's request at its clock's time,
 * or fails as the test says; it offers no renewal information. For engine tests that must not
 * depend on a server (the crash enumeration, the watch loop); the protocol itself is tested
 * against pebble and the ARI stub.
 */
public final class TestAcmeCa implements AcmeCa {
  public static final Duration VALIDITY = Duration.ofDays(90);

  private final TestCa ca;
  private final Clock clock;
  private final List<Instant> orders = new ArrayList<>();
  private Optional<AcmeFailure> failing = Optional.empty();

  public TestAcmeCa(TestCa ca, Clock clock) {
    this.ca = ca;
    this.clock = clock;
  }

  /** From now on each order fails with this (empty: succeeds). */
  public synchronized void failWith(Optional<AcmeFailure> failure) {
    this.failing = failure;
  }

  /** When each order arrived, by the CA's clock, failed ones included. */
  public synchronized List<Instant> orders() {
    return List.copyOf(orders);
  }

  @Override
  public synchronized Issued order(OrderRequest request, Instant deadline) throws AcmeFailure {
    orders.add(clock.instant());
    if (failing.isPresent()) {
      throw failing.get();
    }
    Certificate leaf = ca.sign(request.csr(), clock.instant(), VALIDITY);
    return new Issued(
        List.of(leaf, ca.intermediate()), TestCa.ROOT_NAME, List.of(TestCa.ROOT_NAME),
        "https://acme.test/order/" + orders.size(), "https://acme.test/cert/" + leaf.fingerprint().hex(),
        request.replaces().isPresent(), List.of());
  }

  @Override
  public Optional<RenewalWindow> renewalInfo(Certificate leaf, Duration bound) {
    return Optional.empty(); // no ARI: the renewal thresholds apply
  }
}
