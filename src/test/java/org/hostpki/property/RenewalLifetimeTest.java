package org.hostpki.property;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.hostpki.apply.Hooks;
import org.hostpki.apply.Reconciler;
import org.hostpki.apply.Secrets;
import org.hostpki.model.CaSpec;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HooksSpec;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.HostSpec;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.MaintenanceWindow;
import org.hostpki.model.MetricsSpec;
import org.hostpki.model.Percentage;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.RenewalSpec;
import org.hostpki.model.ServerSpec;
import org.hostpki.model.StoreSpec;
import org.hostpki.model.TrustSpec;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.hostpki.testkit.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Short- and long-lived server certificates over their whole lives through the real engine on
 * Jimfs, with a clock stepped like a timer: every apply converges, each certificate is renewed
 * once, before it expires, at two thirds of its life (less the jitter), and the number of
 * re-issues is what those rules give, worked out here from the lifetimes alone.
 */
class RenewalLifetimeTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final HostIdentity HOST =
      new HostIdentity("portal", Optional.of("example.com"), List.of(IpAddresses.parse("192.0.2.10").orElseThrow()));

  private final FileSystem fs =
      Jimfs.newFileSystem(
          Configuration.unix().toBuilder()
              .setAttributeViews("basic", "owner", "posix", "unix")
              .setDefaultAttributeValue("owner:owner", System.getProperty("user.name"))
              .build());
  private final Path store = fs.getPath("/var/lib/hostpki");
  private final SecureRandom random = TestKeys.seeded(0x5eedL);
  private Instant now = T0;

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private Reconciler reconciler() {
    return new Reconciler(
        spec -> HOST, Clock.fixed(now, ZoneOffset.UTC), random, new Secrets(Map.of()),
        new Hooks(new PrintWriter(new StringWriter(), true)));
  }

  private DesiredState desired(Duration validity, RenewBefore renewBefore, RenewalSpec renewal) {
    ServerSpec d = ServerSpec.defaults();
    return new DesiredState(
        fs.getPath("/etc/hostpki/host.yaml"),
        new StoreSpec(store, Optional.empty(), Pkcs12Profile.MODERN),
        HostSpec.defaults(),
        CaSpec.defaults(),
        new ServerSpec(
            d.issuer(), d.subject(), d.dnsNames(), d.ipAddresses(), d.includeHostIdentity(), d.key(),
            d.keyRotation(), validity, renewBefore, d.clientAuth(), d.allowLongValidity(), d.external(), Optional.empty()),
        TrustSpec.defaults(),
        HooksSpec.none(),
        renewal,
        MetricsSpec.none(), List.of(), List.of());
  }

  /** One re-issue: when it happened, and the certificate it replaced. */
  record Reissue(Instant at, CertificateFacts replaced) {}

  /**
   * Runs an apply every {@code step} from T0 for {@code span}, as a timer would, and collects the
   * server certificate's re-issues.
   */
  private List<Reissue> live(DesiredState desired, Duration step, Duration span, boolean unattended) throws Exception {
    List<Reissue> reissues = new ArrayList<>();
    reconciler().apply(desired, Set.of(), Optional.empty(), Duration.ZERO, unattended);
    byte[] caCertificate = Files.readAllBytes(store.resolve("ca.crt"));
    CertificateFacts server = serverCertificate();
    for (Instant end = T0.plus(span); now.isBefore(end); ) {
      now = now.plus(step);
      if (now.isBefore(quietUntil(server))) {
        continue;
      }
      // an apply that writes checks that it converged (a second plan finds nothing), or throws
      Reconciler.Result result = reconciler().apply(desired, Set.of(), Optional.empty(), Duration.ZERO, unattended);
      CertificateFacts after = serverCertificate();
      if (!after.fingerprint().equals(server.fingerprint())) {
        assertThat(result.plan().changes().get(0).reasonText()).contains("renewal due since");
        reissues.add(new Reissue(now, server));
        server = after;
      }
      assertThat(now).as("the server certificate is valid at every run").isBefore(server.notAfter());
    }
    assertThat(Files.readAllBytes(store.resolve("ca.crt"))).as("the CA stays").isEqualTo(caCertificate);
    return reissues;
  }

  /**
   * Until 60% of its life has passed no rule can make a certificate due (two thirds, less at most
   * a tenth of a third, is 63%): the runs before are skipped, to keep the test quick.
   */
  private static Instant quietUntil(CertificateFacts c) {
    return c.notBefore().plus(Duration.between(c.notBefore(), c.notAfter()).multipliedBy(6).dividedBy(10));
  }

  private CertificateFacts serverCertificate() throws Exception {
    List<Certificate> certificates = Pem.readCertificates(Files.readAllBytes(store.resolve("server.crt")));
    return certificates.get(0).facts();
  }

  /**
   * Re-issues over {@code span} when each certificate is renewed between two thirds of its
   * lifetime less 10% of a third (the jitter) and two thirds, seen by the first run after: the
   * fewest and most the rules allow, measured from the issue (an hour after notBefore).
   */
  private static void assertCount(List<Reissue> reissues, Duration validity, Duration step, Duration span) {
    double life = validity.getSeconds();
    double third = life * 0.33;
    double longest = life - third - 3600 + step.getSeconds();
    double shortest = life - third * 1.1 - 3600;
    int fewest = (int) Math.floor(span.getSeconds() / longest);
    int most = (int) Math.floor(span.getSeconds() / shortest);
    assertThat(reissues.size()).as("re-issues over %s of %s certificates", span, validity).isBetween(fewest, most);
    for (Reissue r : reissues) {
      Duration age = Duration.between(r.replaced().notBefore(), r.at());
      assertThat(age.getSeconds()).as("age at renewal").isBetween((long) (life - third * 1.1), (long) (life - third) + step.getSeconds());
    }
  }

  /**
   * Lifetimes with the timer steps they are run at: a 398-day certificate daily, as a cron job
   * would (a renewal is then never a day overdue, and never waits for a catch-up hour).
   */
  static Stream<Arguments> lifetimes() {
    return Stream.of(
        Arguments.of(Duration.ofDays(6), Duration.ofHours(2)),
        Arguments.of(Duration.ofDays(45), Duration.ofHours(12)),
        Arguments.of(Duration.ofDays(398), Duration.ofHours(23)));
  }

  @ParameterizedTest(name = "{0} certificates, a run every {1}")
  @MethodSource("lifetimes")
  void testCertificates_renewedAtTwoThirdsOfTheirLifeOverThreeLives(Duration validity, Duration step) throws Exception {
    Duration span = validity.multipliedBy(3);

    List<Reissue> reissues = live(desired(validity, ServerSpec.DEFAULT_RENEW_BEFORE, RenewalSpec.defaults()), step, span, true);

    assertCount(reissues, validity, step, span);
    assertThat(reissues).hasSize(4);
  }

  @Test
  void testWindows_sixDayCertificatesAreRenewedOnlyInTheNightlyWindow() throws Exception {
    MaintenanceWindow nights = MaintenanceWindow.daily(LocalTime.of(2, 0), LocalTime.of(5, 0), ZoneId.of("UTC"));
    Duration validity = Duration.ofDays(6);

    List<Reissue> reissues =
        live(desired(validity, ServerSpec.DEFAULT_RENEW_BEFORE, new RenewalSpec(Percentage.of(10), List.of(nights))),
            Duration.ofHours(1), Duration.ofDays(12), true);

    // each waits at most a day for the window: every 3.8 to 5 days
    assertThat(reissues).hasSizeBetween(2, 3);
    assertThat(reissues)
        .allSatisfy(r -> assertThat(r.at().atZone(ZoneOffset.UTC).getHour()).as("hour of %s", r.at()).isBetween(2, 4));
  }

  @Test
  void testUpgrade_a398DayCertificateIssuedUnderTheOld30DaysIsNotRenewedAtOnceByTheTimer() throws Exception {
    Duration validity = Duration.ofDays(398);
    DesiredState before = desired(validity, RenewBefore.of(Duration.ofDays(30)), RenewalSpec.defaults());
    DesiredState after = desired(validity, ServerSpec.DEFAULT_RENEW_BEFORE, RenewalSpec.defaults());
    reconciler().apply(before, Set.of(), Optional.empty(), Duration.ZERO, true);
    byte[] issued = Files.readAllBytes(store.resolve("server.crt"));
    // 300 days old: two thirds of 398 days (265) have passed, 30 days before expiry (368) not yet
    now = T0.plus(Duration.ofDays(300));
    assertThat(reconciler().apply(before, Set.of(), Optional.empty(), Duration.ZERO, true).plan().isEmpty()).isTrue();

    // the upgrade: the timer runs (hourly here, every 15 minutes in the shipped unit) under the new default
    List<Instant> renewed = new ArrayList<>();
    for (int run = 0; run < 25; run++) {
      Reconciler.Result r = reconciler().apply(after, Set.of(), Optional.empty(), Duration.ZERO, true);
      if (r.generation().isPresent()) {
        renewed.add(now);
        assertThat(r.plan().changes().get(0).reasonText()).contains("catch-up hour");
      } else if (renewed.isEmpty()) {
        assertThat(r.plan().warnings()).anySatisfy(w -> assertThat(w.code()).isEqualTo("renewal-waiting"));
      }
      now = now.plus(Duration.ofHours(1));
    }

    assertThat(renewed).as("renewed once, within a day, in this host's hour").hasSize(1);
    assertThat(Files.readAllBytes(store.resolve("server.crt"))).isNotEqualTo(issued);
  }

  @Test
  void testUpgrade_aPersonsApplyRenewsTheOverdueCertificateAtOnce() throws Exception {
    Duration validity = Duration.ofDays(398);
    reconciler().apply(desired(validity, RenewBefore.of(Duration.ofDays(30)), RenewalSpec.defaults()),
        Set.of(), Optional.empty(), Duration.ZERO);
    byte[] issued = Files.readAllBytes(store.resolve("server.crt"));
    now = T0.plus(Duration.ofDays(300));

    Reconciler.Result r =
        reconciler().apply(desired(validity, ServerSpec.DEFAULT_RENEW_BEFORE, RenewalSpec.defaults()),
            Set.of(), Optional.empty(), Duration.ZERO);

    assertThat(r.generation()).isPresent();
    assertThat(Files.readAllBytes(store.resolve("server.crt"))).isNotEqualTo(issued);
  }
}
