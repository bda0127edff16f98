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
import java.util.Optional;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.IpAddresses;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The store's visible links on a real file system, through the commands a user runs: found by a
 * trial, {@code rm pki/server.crt} was "No changes" for plan, check, status and apply.
 */
class StoreLinksCommandTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

  @TempDir Path dir;

  private CliResult hostpki(String... args) {
    return Cli.in(dir)
        .clock(Clock.fixed(T0, ZoneOffset.UTC))
        .env(Map.of("PW", "secret"))
        .probe(spec -> new HostIdentity("portal", Optional.of("example.com"), List.of(IpAddresses.parse("192.0.2.10").orElseThrow())))
        .run(args);
  }

  @Test
  void testRemovedLink_isDriftForPlanAndCheckAndApplyMakesItAgain() throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki, password: {env: PW}}\n"
            + "outputs: [{file: app.p12, format: pkcs12}]\n");
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    Path pki = dir.resolve("pki");
    String generation = Files.readSymbolicLink(pki.resolve("..data")).toString();
    byte[] server = Files.readAllBytes(pki.resolve("server.crt"));
    Files.delete(pki.resolve("server.crt"));
    Files.delete(pki.resolve("app.p12"));

    CliResult plan = hostpki("plan", "-f", "host.yaml", "--detailed-exitcode");
    CliResult check = hostpki("check", "-f", "host.yaml");
    JsonNode json =
        org.hostpki.json.OutputSchemas.valid(
            "plan.schema.json", hostpki("plan", "-f", "host.yaml", "--output", "json").out());
    CliResult apply = hostpki("apply", "-f", "host.yaml");

    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(ExitCodes.CHANGES_PENDING);
    assertThat(plan.out())
        .contains("~ link/server.crt  update   the link server.crt -> ..data/server.crt is missing (removed by hand)")
        .contains("~ link/app.p12 ");
    assertThat(check.exitCode()).as(check.toString()).isEqualTo(ExitCodes.CHANGES_PENDING);
    assertThat(json.at("/changes/1/reasons/0/code").asText()).isEqualTo("link-missing");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("Applied: made the store's missing links again (app.p12, server.crt)");
    assertThat(Files.readSymbolicLink(pki.resolve("server.crt"))).hasToString("..data/server.crt");
    assertThat(Files.readAllBytes(pki.resolve("server.crt"))).isEqualTo(server);
    assertThat(Files.readSymbolicLink(pki.resolve("..data"))).hasToString(generation);
    assertThat(hostpki("check", "-f", "host.yaml").exitCode()).isZero();
  }
}
