package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.StoreArchives;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade from the first build, 6353c059, over the fleet CA store it wrote (checked in as
 * {@code store-6353c059/store.tar.gz}): no hook ledger, no revocation, no index of the issued
 * records, and a {@code .pkcs12-facts} with a hash of the password. The current build plans only
 * what it writes differently, with its reasons (nothing issued again, no new CA), and {@code sign}
 * finds a member's certificate in that build's records instead of signing another.
 */
class StoreOfTheFirstBuildTest {
  @TempDir Path dir;

  /** Runs the current build over the unpacked store at 2026-12-07 12:00 UTC, with its password. */
  private CliResult hostpki(String... args) {
    return Cli.in(dir)
        .clock(Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC))
        .env(Map.of("HOSTPKI_PASSWORD", "s3cret-store"))
        .run(args);
  }

  @BeforeEach
  void unpackTheStoreThatBuildWrote() throws Exception {
    StoreArchives.unpack("/org/hostpki/cli/store-6353c059/store.tar.gz", dir);
  }

  @Test
  void testPlan_changesOnlyWhatThisBuildWritesDifferently() {
    CliResult plan = hostpki("plan", "ca.yaml");

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out().lines().filter(l -> l.matches("[~+-] .*")).toList())
        .as(plan.toString())
        .containsExactly(
            "~ output/truststore.p12  update   is protected with a password; a trust store holds no secret and is now"
                + " written without one, readable by every user (readers that pass a password still open it)",
            "~ output/.pkcs12-facts   update   the record of what the PKCS#12 files hold (written by hostpki 0.1.0)"
                + " keeps a salted SHA-256 of the store password, which tests a guess far faster than the files do:"
                + " rewritten without it");
    assertThat(plan.out()).contains("Plan: 0 to create, 0 to replace, 2 to update, 0 to delete, 5 unchanged.");
  }

  @Test
  void testSign_handsTheMemberTheCertificateThatBuildRecorded() throws Exception {
    CliResult sign = hostpki("sign", "ca.yaml", "--csr", "m1.csr", "-o", "m1-chain.pem");

    assertThat(sign.exitCode()).as(sign.toString()).isZero();
    assertThat(sign.err())
        .contains("already issued: serial 044A9E09AACC5C002FE01D3025C2773E for CN=m1.example.test", "nothing was signed");
    assertThat(Files.readString(dir.resolve("m1-chain.pem")))
        .startsWith(Files.readString(dir.resolve("pki/issued/044A9E09AACC5C002FE01D3025C2773E.crt")).strip());
  }
}
