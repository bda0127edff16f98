package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.StoreArchives;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade over stores the build a66e5e8 wrote (checked in as {@code store-a66e5e8/store.tar.gz}):
 * a pending hook in the ledger, a rollback's hold, a CA rotation in its overlap, a CRL trusted from
 * a fleet CA, and that CA's issued and revoked certificates. The current build reads every record
 * as that build wrote it: it plans what that build planned, keeps both CAs, retries the hook,
 * honours the hold, and revokes and signs on with the CRL's numbering.
 */
class StoreOfAnEarlierBuildTest {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "s3-store-password");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);
  private static final List<String> CAS = List.of("ca.crt", "ca.key", "ca-next.crt", "ca-next.key");

  @TempDir Path dir;
  private Path store;

  @BeforeEach
  void unpack() throws Exception {
    StoreArchives.unpack("/org/hostpki/apply/store-a66e5e8/store.tar.gz", dir);
    store = dir.resolve("pki");
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(CLOCK).env(ENV).run(args);
  }

  private static List<String> changeLines(CliResult run) {
    return run.out().lines().filter(l -> l.startsWith("~ ") || l.startsWith("+ ") || l.startsWith("- ")).toList();
  }

  @Test
  void testPlan_readsTheLedgerTheHoldAndTheRotationAndPlansWhatThatBuildPlanned() {
    CliResult plan = hostpki("plan", "host.yaml");

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(changeLines(plan))
        .as(plan.toString())
        .containsExactly(
            "~ server                       replace  SANs changed: name www.example.com added",
            "~ output/server-fullchain.crt  update   the server certificate is being replaced",
            "~ output/server.p12            update   the server certificate is being replaced",
            // That build wrote truststore.p12 with the store password; it has none now.
            "~ output/truststore.p12        update   is protected with a password; a trust store holds"
                + " no secret and is now written without one, readable by every user (readers that"
                + " pass a password still open it)");
    assertThat(plan.out())
        .contains(
            "! hooks pending since 2026-12-06 15:00 UTC: afterServerChange hook [/bin/sh, -c, test -e reload-ok]"
                + " exited with status 1",
            "! held by rollback at 2026-12-06 15:00 UTC (generation ..2026_12_06_15_00_25.972185679)",
            "CA rotation: the new CA CN=Portal CA 2 (ca-next.crt) was made on 2026-12-06 15:00 UTC and is trusted;"
                + " the server moves to it on 2026-12-13 15:00 UTC (overlap 7d)",
            "Plan: 0 to create, 1 to replace, 3 to update, 0 to delete, 6 unchanged.");
  }

  @Test
  void testUnattendedApply_retriesTheHookAndLeavesTheHeldStoreAsItIs() throws IOException {
    String generation = Files.readSymbolicLink(store.resolve("..data")).toString();

    CliResult apply = hostpki("apply", "host.yaml", "--unattended");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(3);
    assertThat(apply.err()).contains("afterServerChange hook [/bin/sh, -c, test -e reload-ok] exited with status 1");
    assertThat(Files.readSymbolicLink(store.resolve("..data")).toString()).isEqualTo(generation);
  }

  @Test
  void testApply_releasesTheHoldKeepsBothCasAndRunsTheHook() throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        Files.readString(dir.resolve("host.yaml")).replace("[/bin/sh, -c, \"test -e reload-ok\"]", "[/bin/true]"));
    Map<String, byte[]> cas = bytes(CAS);

    CliResult apply = hostpki("apply", "host.yaml");
    CliResult again = hostpki("plan", "host.yaml", "--detailed-exitcode");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("Released the hold", "Ran the hooks: afterServerChange");
    assertThat(bytes(CAS)).usingRecursiveComparison().isEqualTo(cas);
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("No changes");
  }

  @Test
  void testRevoke_onTheFleetCaNumbersTheNextCrlAfterThatBuildsAndKeepsItsRevocation() {
    CliResult revoke = hostpki("revoke", "ca.yaml", "--serial", "7B4043D50D2B6B07561BFCE65F557D2A");
    CliResult status = hostpki("status", "ca.yaml");

    assertThat(revoke.exitCode()).as(revoke.toString()).isZero();
    assertThat(revoke.err()).as(revoke.toString()).contains("ca.crl number 1796644800000000000 lists 2 certificate(s)"); // above that build's 1
    assertThat(status.out())
        .contains("serial 3D9E6D15866B0691AAC292EC9EA033CE CN=web2.fleet.example REVOKED 2026-12-06 (keyCompromise)");
  }

  private Map<String, byte[]> bytes(List<String> names) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    for (String name : names) {
      files.put(name, Files.readAllBytes(store.resolve(name)));
    }
    return files;
  }
}
