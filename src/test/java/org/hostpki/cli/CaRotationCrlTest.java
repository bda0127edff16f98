package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.hostpki.json.OutputSchemas;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.pki.RevocationList;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet CA's CRLs across a phased CA rotation: each CA clients trust keeps a CRL that is not
 * past its nextUpdate, so that {@code openssl verify -crl_check_all} accepts the members of both.
 * Found in a trial: after the move {@code ca.crl} stayed the old CA's and was never renewed, and
 * the new CA had none until the next revoke, which then dropped the old CA's revocations.
 */
class CaRotationCrlTest {
  private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();
  /** A fleet CA rotating with a 3-day overlap, its CRL valid 3 days; %s is the CA's name. */
  private static final String CA_YAML = String.join("\n",
      "apiVersion: hostpki/v1",
      "store: {path: pki}",
      "host: {detect: false, hostname: ca1, domain: fleet.test, addresses: [192.0.2.1]}",
      "ca: {subject: {commonName: %s}, rotation: {overlap: 3d}, crl: {validity: 3d},",
      "     policy: {allowedDomains: [\"*.fleet.test\"], maxValidity: 60d}}",
      "");

  @TempDir Path dir;

  private CliResult hostpki(Instant at, String... args) {
    CliResult run = Cli.in(dir).clock(Clock.fixed(at, ZoneOffset.UTC)).env(Map.of()).run(args);
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run;
  }

  private void caNamed(String name) throws Exception {
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML.formatted(name));
  }

  private String sign(Instant at, String host) throws Exception {
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);
    Files.write(
        dir.resolve(host + ".csr"),
        CertificationRequest.create(Subject.empty(), List.of(host + ".fleet.test"), List.of(), false, key, RANDOM));
    hostpki(at, "sign", "-f", "ca.yaml", "--csr", host + ".csr", "-o", host + "-chain.pem");
    return CertificateFacts.serialHex(
        Pem.readCertificates(Files.readAllBytes(dir.resolve(host + "-chain.pem"))).get(0).facts().serialNumber());
  }

  private RevocationList crl(String file) throws Exception {
    return RevocationList.parse(Files.readAllBytes(dir.resolve("pki").resolve(file)));
  }

  private Certificate cert(String file) throws Exception {
    return Pem.readCertificates(Files.readAllBytes(dir.resolve("pki").resolve(file))).get(0);
  }

  @Test
  void testRotation_eachTrustedCaKeepsACurrentCrl_theOldOnesLastCoversItsMembers() throws Exception {
    caNamed("Fleet CA");
    hostpki(NOW, "apply", "-f", "ca.yaml");
    String revoked = sign(NOW.plusSeconds(60), "m1");
    sign(NOW.plusSeconds(60), "m2");
    hostpki(NOW.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", revoked);
    Certificate oldCa = cert("ca.crt");
    caNamed("Fleet CA 2");
    hostpki(NOW.plus(Duration.ofDays(1)), "apply", "-f", "ca.yaml"); // ca-next made

    Instant move = NOW.plus(Duration.ofDays(4)).plusSeconds(60);
    CliResult moved = hostpki(move, "apply", "-f", "ca.yaml");

    assertThat(moved.out())
        .contains("~ ca.crl")
        .contains("is not the CRL of the CA that signs: that CA gets its own; that CA signs its last CRL,"
            + " valid until its notAfter, as ca-previous.crl");
    Certificate newCa = cert("ca.crt");
    assertThat(newCa.fingerprint()).isNotEqualTo(oldCa.fingerprint());
    RevocationList own = crl("ca.crl");
    assertThat(own.isSignedBy(newCa)).isTrue();
    assertThat(own.facts().revoked()).isEmpty();
    assertThat(own.facts().nextUpdate()).contains(move.plus(Duration.ofDays(3)));
    RevocationList last = crl("ca-previous.crl");
    assertThat(last.isSignedBy(oldCa)).isTrue();
    assertThat(last.facts().revoked()).singleElement()
        .satisfies(e -> assertThat(e.serial()).isEqualTo(new BigInteger(revoked, 16)));
    assertThat(last.facts().nextUpdate()).contains(oldCa.facts().notAfter());
    assertThat(last.facts().number().orElseThrow()).isLessThan(own.facts().number().orElseThrow());
    assertThat(Files.exists(dir.resolve("pki/ca.key"))).isTrue();
    assertThat(Files.list(dir.resolve("pki")).map(p -> p.getFileName().toString()))
        .as("no key of the old CA stays")
        .doesNotContain("ca-previous.key");

    // status still marks the old CA's revoked member, from the CRL of the CA that issued it.
    tools.jackson.databind.JsonNode status =
        tools.jackson.databind.json.JsonMapper.builder().build()
            .readTree(hostpki(move.plusSeconds(30), "status", "-f", "ca.yaml", "--output", "json").out());
    assertThat(status.path("previous_crl").path("entries").asInt()).isEqualTo(1);
    assertThat(status.path("crl").path("entries").asInt()).isZero();
    tools.jackson.databind.JsonNode entry = null;
    for (tools.jackson.databind.JsonNode i : status.path("issued")) {
      if (i.path("serial").asString().equals(revoked)) {
        entry = i;
      }
    }
    assertThat(entry).isNotNull();
    assertThat(entry.path("revoked").isObject()).as(entry.toString()).isTrue();
    assertThat(hostpki(move.plusSeconds(30), "status", "-f", "ca.yaml").out())
        .contains("and 1 certificate(s) of the previous CA on its last CRL, ca-previous.crl (number ");

    OutputSchemas.valid("status.schema.json", hostpki(move.plusSeconds(30), "status", "-f", "ca.yaml", "--output", "json").out());
    tools.jackson.databind.JsonNode check =
        OutputSchemas.valid("check.schema.json", hostpki(move.plusSeconds(30), "check", "-f", "ca.yaml", "--output", "json").out());
    assertThat(check.path("crls").get(1).path("file").asString()).isEqualTo("ca-previous.crl");
    // Found by a trial: "ca-previous.crl" overflowed the 8-character name column, its status out
    // of line with the others'. The column fits the longest name.
    List<String> lines = hostpki(move.plusSeconds(30), "check", "-f", "ca.yaml").out().lines().skip(1).toList();
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("ca-previous.crl OK "));
    assertThat(lines).allSatisfy(l -> assertThat(l.charAt("ca-previous.crl".length())).as(l).isEqualTo(' '))
        .allSatisfy(l -> assertThat(l.substring("ca-previous.crl ".length())).as(l).matches("(OK|WARNING|CRITICAL) .*"));

    // Exported for clients, PEM: both CRLs, the signing CA's first.
    CliResult exported = hostpki(move.plusSeconds(60), "export", "-f", "ca.yaml", "crl", "-o", "fleet.pem");
    assertThat(exported.err()).contains("note: with the previous CA's last CRL (ca-previous.crl)");
    assertThat(RevocationList.parseAll(Files.readAllBytes(dir.resolve("fleet.pem")), 10))
        .containsExactly(own, last);

    // The new CA's CRL is renewed like any: no client meets an expired one during the overlap.
    CliResult renewed = hostpki(move.plus(Duration.ofDays(2)), "apply", "-f", "ca.yaml");
    assertThat(renewed.out()).contains("~ ca.crl  update");
    assertThat(crl("ca.crl").facts().nextUpdate()).contains(move.plus(Duration.ofDays(5)));
    assertThat(crl("ca-previous.crl")).isEqualTo(last);

    // The old CA leaves the trusted certificates, and its CRL with it.
    hostpki(NOW.plus(Duration.ofDays(7)).plusSeconds(120), "apply", "-f", "ca.yaml");
    assertThat(Files.exists(dir.resolve("pki/ca-previous.crt"))).isFalse();
    assertThat(Files.exists(dir.resolve("pki/ca-previous.crl"))).isFalse();
    assertThat(crl("ca.crl").isSignedBy(newCa)).isTrue();
  }

  /**
   * check showed nothing of the CRL: one that apply had not renewed ran out unseen, and clients
   * checking CRLs refused every member.
   */
  @Test
  void testCheck_showsTheCrlsNextUpdate_warnsWhenApplyHasNotRenewedIt_criticalOncePast() throws Exception {
    caNamed("Fleet CA");
    hostpki(NOW, "apply", "-f", "ca.yaml");
    String serial = sign(NOW.plusSeconds(60), "m1");
    hostpki(NOW, "revoke", "-f", "ca.yaml", "--serial", serial); // 3d: renewed after 2d, WARNING after 2.5d

    CliResult ok = hostpki(NOW.plus(Duration.ofDays(1)), "check", "-f", "ca.yaml", "--nagios");
    CliResult warning = Cli.in(dir).clock(Clock.fixed(NOW.plus(Duration.ofHours(61)), ZoneOffset.UTC))
        .env(Map.of()).run("check", "-f", "ca.yaml", "--nagios");
    CliResult critical = Cli.in(dir).clock(Clock.fixed(NOW.plus(Duration.ofDays(3)), ZoneOffset.UTC))
        .env(Map.of()).run("check", "-f", "ca.yaml", "--output", "json");

    assertThat(ok.out())
        .contains("'ca.crl'=172800s;43200:;0:")
        .contains("\nca.crl   OK        next update 2027-01-04 00:00 UTC (in 2 days); WARNING from 2027-01-03 12:00 UTC\n");
    assertThat(warning.exitCode()).as(warning.toString()).isEqualTo(1);
    assertThat(warning.out())
        .startsWith("WARNING: ca.crl expires 2027-01-04 00:00 UTC (in ")
        .contains(") and has not been renewed (a sixth of its validity is left); hostpki apply (and watch) renews it");
    assertThat(critical.exitCode()).as(critical.toString()).isEqualTo(1);
    tools.jackson.databind.JsonNode json = OutputSchemas.valid("check.schema.json", critical.out());
    assertThat(json.path("status").asString()).isEqualTo("critical");
    assertThat(json.path("crls").get(0).path("problem").asString())
        .startsWith("ca.crl is past its next update (2027-01-04 00:00 UTC): clients that check it refuse every"
            + " certificate of CN=Fleet CA");
  }

  @Test
  void testReplaceCa_theNewCaGetsAnEmptyCrlAtOnce_theOldOneGoes() throws Exception {
    caNamed("Fleet CA");
    hostpki(NOW, "apply", "-f", "ca.yaml");
    String revoked = sign(NOW.plusSeconds(60), "m1");
    hostpki(NOW.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", revoked);

    hostpki(NOW.plusSeconds(180), "apply", "-f", "ca.yaml", "--replace", "ca");

    RevocationList own = crl("ca.crl");
    assertThat(own.isSignedBy(cert("ca.crt"))).isTrue();
    assertThat(own.facts().revoked()).isEmpty();
    assertThat(Files.exists(dir.resolve("pki/ca-previous.crl"))).isFalse();
    assertThat(hostpki(NOW.plusSeconds(240), "apply", "-f", "ca.yaml").out()).contains("No changes");
  }
}
