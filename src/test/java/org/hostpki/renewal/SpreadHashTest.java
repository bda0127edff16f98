package org.hostpki.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.RenewalSpec;
import org.hostpki.model.ServerSpec;
import org.junit.jupiter.api.Test;

class SpreadHashTest {
  private static final Instant ISSUED = Instant.parse("2026-11-27T08:00:00Z");

  /**
   * Pinned: a change of the hash would move every certificate's renewal time on upgrade (and
   * could make a fleet's certificates due at once). Change it only on purpose.
   */
  @Test
  void testNumbers_arePinned() {
    SpreadHash hash = SpreadHash.of(new Fingerprint("5a17c0de".repeat(8)));

    assertThat(hash.jitter()).isEqualTo(0.41918226023952865);
    assertThat(hash.inWindow()).isEqualTo(0.6864850081838451);
    assertThat(hash.catchUp()).isEqualTo(0.7165176861306509);
  }

  @Test
  void testNumbers_areIndependentOfEachOther() {
    SpreadHash hash = SpreadHash.of(Fingerprint.sha256(BigInteger.TEN.toByteArray()));

    assertThat(List.of(hash.jitter(), hash.inWindow(), hash.catchUp())).doesNotHaveDuplicates();
  }

  /** Renewal times for twenty certificates, one line each. */
  static List<String> renewalTimes() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      CertificateFacts c = Certificates.issued(BigInteger.valueOf(1000L + i * 7919L), ISSUED, Duration.ofDays(398));
      RenewalSchedule s =
          new RenewalPolicy(ServerSpec.DEFAULT_RENEW_BEFORE, RenewalSpec.defaults())
              .schedule(c, ISSUED);
      lines.add(s.dueAt() + " " + s.at(s.dueAt().plus(Duration.ofDays(3)), true).at());
    }
    return lines;
  }

  @Test
  void testRenewalTimes_twoJvmsAgree() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = location(RenewalPolicy.class) + System.getProperty("path.separator") + location(SpreadHashTest.class);
    Process child =
        new ProcessBuilder(java, "-cp", classpath, PrintRenewalTimes.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(child.exitValue()).isZero();
    assertThat(output.lines().toList()).isEqualTo(renewalTimes()).hasSize(20);
  }

  private static String location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  /** The other JVM's side of {@link #testRenewalTimes_twoJvmsAgree}. */
  static final class PrintRenewalTimes {
    private PrintRenewalTimes() {}

    public static void main(String[] args) throws IOException {
      renewalTimes().forEach(System.out::println);
    }
  }
}
