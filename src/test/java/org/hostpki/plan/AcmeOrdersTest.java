package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.desired;
import static org.hostpki.plan.Fixtures.host;

import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hostpki.model.AcmeChallenge;
import org.hostpki.model.AcmeSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.ExternalSpec;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.KeyRotation;
import org.hostpki.model.ObservedStore;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.Subject;
import org.hostpki.renewal.Renewal;
import org.hostpki.renewal.SuggestedWindow;
import org.junit.jupiter.api.Test;

/** The planner with {@code server.issuer: acme}: when it orders, why, and what serves meanwhile. */
class AcmeOrdersTest {
  private static final URI DIRECTORY = URI.create("https://acme.example.com/dir");
  private static final HostIdentity HOST = host("portal", "example.com", "203.0.114.10", "10.0.0.5");
  private final Planner planner = new Planner();

  // ---- when an order is needed ----------------------------------------------------------------

  @Test
  void plan_anEmptyStoreOrdersTheHostsPublicNamesAndWarnsOfWhatIsLeftOut() {
    Plan plan = plan(acme(ExternalSpec.Fallback.NONE, true), ObservedStore.empty(), AcmeObservation.NONE, NOW);

    Change server = change(plan, Address.SERVER).orElseThrow();
    Intent.OrderAcme order = (Intent.OrderAcme) server.intent();
    assertThat(order.dnsNames()).containsExactly("portal.example.com");
    assertThat(order.ipAddresses()).containsExactly(Fixtures.ip("203.0.114.10"));
    assertThat(order.newKey()).isTrue();
    assertThat(order.replaces()).isEmpty();
    assertThat(server.reasonText()).contains("no server certificate in the store yet");
    assertThat(plan.warnings()).extracting(Warning::code).contains("acme-left-out");
    assertThat(warning(plan, "acme-left-out")).contains("portal (", "10.0.0.5 (");
  }

  @Test
  void plan_nothingOrderableIsRefused() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, false);
    Plan plan =
        planner.plan(input(d, host("box", null, "10.0.0.5"), ObservedStore.empty(), AcmeObservation.NONE, NOW, Set.of()));

    assertThat(plan.refusals()).extracting(Refusal::code).containsExactly("acme-no-identifiers");
    assertThat(change(plan, Address.SERVER)).isEmpty();
  }

  @Test
  void plan_theCertificateThisAccountOrderedStaysUntilRenewalIsDue() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, true);
    Fixtures.Store s = ordered(d, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));

    Plan plan = plan(d, s.observed(), seen(s, Optional.empty(), Optional.empty(), false), NOW);

    assertThat(plan.isEmpty()).as(plan.changes().toString()).isTrue();
  }

  @Test
  void plan_aRequestLeftFromTheExternalIssuerGoesButTheOrderedChainStays() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, true);
    Fixtures.Store s = ordered(d, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));
    s.csr = Fixtures.csr(d, HOST, s.serverKey);

    Plan plan = plan(d, s.observed(), seen(s, Optional.empty(), Optional.empty(), false), NOW);

    assertThat(plan.changes()).extracting(Change::address).containsExactly("server.csr");
    Change csr = change(plan, "server.csr").orElseThrow();
    assertThat(csr.action()).isEqualTo(Action.DELETE);
    assertThat(csr.intent()).isEqualTo(new Intent.RemoveCsr(false));
    assertThat(csr.reasonText())
        .isEqualTo("server.issuer is acme: server.csr is no longer needed (each order sends its own request)");
  }

  @Test
  void plan_aCertificateNotOrderedHereIsReplacedByAnOrder() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, true);
    Fixtures.Store s = ordered(d, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));

    Plan plan = plan(d, s.observed(), AcmeObservation.NONE, NOW);

    Change server = change(plan, Address.SERVER).orElseThrow();
    assertThat(server.reasons()).extracting(Reason::code).contains(ReasonCode.ISSUER_CHANGED);
    // As after server.acme.directory moved to another CA (tacme15: it read "... account at URL
    // instead of serving the certificate issued by ...").
    assertThat(server.reasonText())
        .contains("server.crt (issued by CN=Example ACME Intermediate) was not ordered by this store's ACME"
            + " account at https://acme.example.com/dir: ordering from it")
        .doesNotContain("instead of");
    assertThat(((Intent.OrderAcme) server.intent()).replaces()).isEmpty();
  }

  @Test
  void plan_aNewAddressReordersAndRenewalOrdersSayWhatTheyReplace() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, true);
    Fixtures.Store s = ordered(d, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));
    HostIdentity moved = host("portal", "example.com", "203.0.114.11");

    Plan plan =
        planner.plan(input(d, moved, s.observed(), seen(s, Optional.empty(), Optional.empty(), false), NOW, Set.of()));

    Change server = change(plan, Address.SERVER).orElseThrow();
    assertThat(server.reasons()).extracting(Reason::code).contains(ReasonCode.HOST_IDENTITY_CHANGED);
    Intent.OrderAcme order = (Intent.OrderAcme) server.intent();
    assertThat(order.ipAddresses()).containsExactly(Fixtures.ip("203.0.114.11"));
    assertThat(order.replaces()).contains(s.serverCert.fingerprint());
    assertThat(order.newKey()).as("keyRotation never keeps the key").isFalse();
  }

  @Test
  void plan_insideTheCasRenewalWindowItOrdersAtTheHostsDeterministicPoint() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, true);
    Fixtures.Store s = ordered(d, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));
    SuggestedWindow window = new SuggestedWindow(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3)));
    AcmeObservation seen = seen(s, Optional.of(window), Optional.empty(), false);

    Instant firstDue = firstPlannedOrder(d, s, seen, Duration.ofHours(1), window.end());

    assertThat(firstDue).isAfterOrEqualTo(window.start()).isBeforeOrEqualTo(window.end());
    assertThat(plan(d, s.observed(), seen, window.start().minusSeconds(1)).isEmpty()).isTrue();
    Change renew = change(plan(d, s.observed(), seen, window.end()), Address.SERVER).orElseThrow();
    assertThat(renew.reasons()).extracting(Reason::code).containsExactly(ReasonCode.EXPIRING);
    assertThat(((Intent.OrderAcme) renew.intent()).replaces()).contains(s.serverCert.fingerprint());
  }

  @Test
  void renewals_statusCheckAndMetricsSeeTheOrderedCertificatesRenewalAsThePlanDoes() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, true);
    Fixtures.Store s = ordered(d, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));
    SuggestedWindow window = new SuggestedWindow(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3)));
    AcmeObservation seen = seen(s, Optional.of(window), Optional.empty(), false);
    Instant firstDue = firstPlannedOrder(d, s, seen, Duration.ofMinutes(10), window.end());

    Renewal renewal = Renewals.of(d, s.observed(), seen, NOW, true).get("server");
    Expiries.Standing standing =
        Expiries.standings(d, s.observed(), seen, NOW, Optional.empty()).stream()
            .filter(e -> e.certificate().equals("server"))
            .findFirst()
            .orElseThrow();

    // Recorded like an imported chain, but renewed by this host, inside the CA's window.
    assertThat(renewal.dueAt()).isBetween(firstDue.minus(Duration.ofMinutes(10)), firstDue);
    assertThat(standing.unhandled()).as("not left to another CA").isEmpty();
    assertThat(Renewals.of(d, s.observed(), AcmeObservation.NONE, NOW, true).get("server").dueAt())
        .as("without a window: server.renewBefore, as the plan")
        .isAfter(window.end());
  }

  @Test
  void plan_aRenewalWindowThatCouldNotBeFetchedIsAWarningAndTheThresholdApplies() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, true);
    Fixtures.Store s = ordered(d, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));
    AcmeObservation seen =
        new AcmeObservation(
            Optional.of("https://acme.example.com/acct/1"), Optional.of(s.serverCert.fingerprint()),
            Optional.of(NOW), Optional.empty(), Optional.empty(),
            Optional.of("the CA at https://acme.example.com/dir did not answer within 5000 ms"), false, false);

    Plan plan = plan(d, s.observed(), seen, NOW);

    assertThat(plan.isEmpty()).isTrue();
    assertThat(warning(plan, "acme-renewal-info")).contains("did not answer within 5000 ms", "server.renewBefore");
  }

  @Test
  void plan_replaceServerOrdersWithANewKeyAndKeyRotationAlwaysToo() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, true);
    Fixtures.Store s = ordered(d, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));
    AcmeObservation seen = seen(s, Optional.empty(), Optional.empty(), false);

    Plan replaced =
        planner.plan(input(d, HOST, s.observed(), seen, NOW, Set.of(PlanInput.Replace.SERVER)));

    Intent.OrderAcme order = (Intent.OrderAcme) change(replaced, Address.SERVER).orElseThrow().intent();
    assertThat(order.newKey()).isTrue();
    assertThat(order.replaces()).contains(s.serverCert.fingerprint());
  }

  // ---- after a failure ------------------------------------------------------------------------

  @Test
  void plan_unattendedRunsWaitForTheBackOffAndAPersonsApplyOrdersAtOnce() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, true);
    Fixtures.Store s = ordered(d, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));
    HostIdentity moved = host("portal", "example.com", "203.0.114.10", "203.0.114.12");
    AcmeObservation.Failure failed =
        new AcmeObservation.Failure(NOW.minusSeconds(60), "the CA could not validate ip:203.0.114.12", 2,
            Optional.empty(), false, NOW.plus(Duration.ofMinutes(9)));

    Plan unattended =
        planner.plan(input(d, moved, s.observed(), seen(s, Optional.empty(), Optional.of(failed), true), NOW, Set.of()));
    Plan person =
        planner.plan(input(d, moved, s.observed(), seen(s, Optional.empty(), Optional.of(failed), false), NOW, Set.of()));

    assertThat(unattended.isEmpty()).isTrue();
    assertThat(warning(unattended, "acme-waiting"))
        .contains("2 failures in a row", "could not validate ip:203.0.114.12", "2026-06-01 12:09 UTC",
            "server.acme.fallback: none");
    assertThat(change(person, Address.SERVER).orElseThrow().intent()).isInstanceOf(Intent.OrderAcme.class);
  }

  /**
   * check's WARNING for a certificate kept under fallback none that lacks a desired name goes by a
   * flag on the warning. It went by a phrase of the message, which also carries the ACME CA's own
   * error text: a CA whose error held that phrase made a certificate that serves, or the internal
   * fallback, look like one kept although it does not serve.
   */
  @Test
  void plan_aKeptCertificateThatDoesNotServeIsFlaggedNotFoundInTheMessage() {
    HostIdentity moved = host("portal", "example.com", "203.0.114.10", "203.0.114.12");
    String phrase = "; the current certificate is still served (server.acme.fallback: none) although ";
    for (ExternalSpec.Fallback fallback : ExternalSpec.Fallback.values()) {
      DesiredState d = acme(fallback, true);
      Fixtures.Store s = ordered(d, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));
      AcmeObservation.Failure failed =
          new AcmeObservation.Failure(NOW.minusSeconds(60), "urn:ietf:params:acme:error:x" + phrase + "x", 1,
              Optional.empty(), false, NOW.plus(Duration.ofMinutes(9)));

      Plan plan =
          planner.plan(input(d, moved, s.observed(), seen(s, Optional.empty(), Optional.of(failed), true), NOW, Set.of()));

      Warning waiting = plan.warnings().stream().filter(w -> w.code().equals("acme-waiting")).findFirst().orElseThrow();
      assertThat(waiting.keepsWhatDoesNotServe()).as(fallback.toString()).isEqualTo(fallback == ExternalSpec.Fallback.NONE);
    }
  }

  @Test
  void plan_aRateLimitOrRetryAfterMakesEvenAPersonsApplyWait() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, true);
    Fixtures.Store s = ordered(d, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));
    AcmeObservation.Failure limited =
        new AcmeObservation.Failure(NOW.minusSeconds(60), "rateLimited: too many certificates", 1,
            Optional.of(NOW.plus(Duration.ofHours(3))), true, NOW.plus(Duration.ofHours(3)));

    Plan plan =
        planner.plan(
            input(d, HOST, s.observed(), seen(s, Optional.empty(), Optional.of(limited), false), NOW,
                Set.of(PlanInput.Replace.SERVER)));

    assertThat(plan.isEmpty()).isTrue();
    assertThat(warning(plan, "acme-waiting")).contains("as the CA asked", "2026-06-01 15:00 UTC");

    Plan later =
        planner.plan(
            input(d, HOST, s.observed(), seen(s, Optional.empty(), Optional.of(limited), true),
                NOW.plus(Duration.ofHours(3)), Set.of(PlanInput.Replace.SERVER)));
    assertThat(change(later, Address.SERVER).orElseThrow().intent()).isInstanceOf(Intent.OrderAcme.class);
  }

  @Test
  void plan_fallbackInternalIssuesAnInternalCertificateWhileTheOrderWaits() {
    DesiredState d = acme(ExternalSpec.Fallback.INTERNAL, true);
    Fixtures.Store s = ordered(d, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)));
    HostIdentity moved = host("portal", "example.com", "203.0.114.12");
    AcmeObservation.Failure failed =
        new AcmeObservation.Failure(NOW, "unreachable", 1, Optional.empty(), false, NOW.plus(Duration.ofMinutes(5)));

    Plan plan =
        planner.plan(input(d, moved, s.observed(), seen(s, Optional.empty(), Optional.of(failed), true), NOW, Set.of()));

    Change server = change(plan, Address.SERVER).orElseThrow();
    Intent.IssueServer internal = (Intent.IssueServer) server.intent();
    assertThat(internal.ipAddresses()).contains(Fixtures.ip("203.0.114.12"));
    assertThat(server.reasonText()).contains("serving a certificate from the internal CA until it succeeds");
    assertThat(change(plan, "output/server-fullchain.crt")).isPresent();
  }

  /**
   * With fallback none, the certificate kept while orders fail is one the CA issued: the internal
   * stand-in made because there was none at all is re-made for the host's new identity (found by
   * a trial: it kept naming the old host name until an order succeeded).
   */
  @Test
  void plan_theInternalStandInFollowsTheHostIdentityWhileTheOrderWaitsWithFallbackNone() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, true);
    Fixtures.Store s = Fixtures.converged(d, HOST);
    HostIdentity moved = host("portal", "example.com", "203.0.114.12");
    AcmeObservation seen = neverOrderedAndWaiting();

    Plan plan = planner.plan(input(d, moved, s.observed(), seen, NOW, Set.of()));

    Change server = change(plan, Address.SERVER).orElseThrow();
    assertThat(((Intent.IssueServer) server.intent()).ipAddresses()).contains(Fixtures.ip("203.0.114.12"));
    assertThat(server.reasonText())
        .contains("serving a certificate from the internal CA until it succeeds")
        .doesNotContain("server.acme.fallback: internal");
    assertThat(warning(plan, "acme-waiting")).contains("a certificate from the internal CA serves meanwhile");
  }

  @Test
  void plan_withNoCertificateAtAllTheInternalCaServesWhileTheOrderWaits() {
    DesiredState d = acme(ExternalSpec.Fallback.NONE, true);
    AcmeObservation seen = neverOrderedAndWaiting();

    Plan plan = plan(d, ObservedStore.empty(), seen, NOW);

    assertThat(change(plan, Address.SERVER).orElseThrow().intent()).isInstanceOf(Intent.IssueServer.class);
    assertThat(change(plan, Address.CA)).isPresent();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Plan plan(DesiredState d, ObservedStore observed, AcmeObservation seen, Instant now) {
    return planner.plan(input(d, HOST, observed, seen, now, Set.of()));
  }

  private static PlanInput input(
      DesiredState d, HostIdentity host, ObservedStore observed, AcmeObservation seen, Instant now,
      Set<PlanInput.Replace> replace) {
    return new PlanInput(
        d, host, new TreeMap<>(), observed, now, replace, Fixtures.fp("basis"), Optional.empty(),
        Optional.empty(), seen.honourBackOff(), List.of(), InstallInput.NONE, seen, List.of(), List.of(),
        Optional.empty(), List.of(), Optional.empty());
  }

  private static Optional<Change> change(Plan plan, String address) {
    return plan.changes().stream().filter(c -> c.address().equals(address)).findFirst();
  }

  private static String warning(Plan plan, String code) {
    return plan.warnings().stream().filter(w -> w.code().equals(code)).map(Warning::message).findFirst().orElseThrow();
  }

  /** The first time, from NOW in steps of {@code step}, at which the plan orders; fails after {@code last}. */
  private Instant firstPlannedOrder(DesiredState d, Fixtures.Store s, AcmeObservation seen, Duration step, Instant last) {
    for (Instant t = NOW; !t.isAfter(last); t = t.plus(step)) {
      if (!plan(d, s.observed(), seen, t).isEmpty()) {
        return t;
      }
    }
    throw new AssertionError("no order planned up to " + last);
  }

  /** {@code server.issuer: acme} for the host's names, keyRotation never. */
  private static DesiredState acme(ExternalSpec.Fallback fallback, boolean includeAddresses) {
    ServerSpec d = ServerSpec.defaults();
    AcmeSpec acme =
        new AcmeSpec(
            DIRECTORY, Optional.empty(), List.of(), true, Optional.empty(), Optional.empty(),
            new AcmeChallenge.Http01Listener(AcmeChallenge.Http01Listener.DEFAULT), includeAddresses,
            AcmeSpec.IdentifierScope.PUBLIC, Optional.empty(), AcmeSpec.DEFAULT_TIMEOUT, fallback);
    return Fixtures.withServer(
        desired(),
        new ServerSpec(
            ServerSpec.Issuer.ACME, d.subject(), d.dnsNames(), d.ipAddresses(), d.includeHostIdentity(),
            d.key(), KeyRotation.NEVER, d.validity(), d.renewBefore(), d.clientAuth(), d.allowLongValidity(),
            Optional.empty(), Optional.of(acme)));
  }

  /** A store serving a certificate the ACME CA issued for the host's orderable identifiers. */
  private static Fixtures.Store ordered(DesiredState d, Instant notBefore, Instant notAfter) {
    Fixtures.Store s = Fixtures.converged(d, HOST);
    CertificateFacts leaf =
        new CertificateFacts(
            Fixtures.fp("acme-leaf"), Subject.commonName("portal.example.com"), "CN=portal.example.com",
            "CN=Example ACME Intermediate", BigInteger.valueOf(77), notBefore, notAfter,
            List.of("portal.example.com"), List.of(Fixtures.ip("203.0.114.10")), s.serverKey, false,
            Optional.empty(), List.of(CertificateFacts.EKU_SERVER_AUTH), Optional.empty(), Optional.empty(),
            "SHA256withECDSA", Optional.empty());
    List<CertificateFacts> chain =
        Fixtures.externalChain("acme", s.serverKey, leaf.dnsNames(), leaf.ipAddresses(), notAfter, false);
    s.externalChain = List.of(leaf, chain.get(1));
    s.serverCert = leaf;
    s.serverSignedByCa = false;
    return s.deriveOutputs(d);
  }

  /** No order succeeded yet; the first failed and unattended runs wait five minutes. */
  private static AcmeObservation neverOrderedAndWaiting() {
    AcmeObservation.Failure failed =
        new AcmeObservation.Failure(NOW, "unreachable", 1, Optional.empty(), false, NOW.plus(Duration.ofMinutes(5)));
    return new AcmeObservation(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(failed), Optional.empty(), Optional.empty(),
        true, false);
  }

  private static AcmeObservation seen(
      Fixtures.Store s, Optional<SuggestedWindow> window, Optional<AcmeObservation.Failure> failure,
      boolean honourBackOff) {
    Fingerprint leaf = s.serverCert.fingerprint();
    return new AcmeObservation(
        Optional.of("https://acme.example.com/acct/1"), Optional.of(leaf), Optional.of(NOW.minus(Duration.ofDays(10))),
        failure, window, Optional.empty(), honourBackOff, false);
  }
}
