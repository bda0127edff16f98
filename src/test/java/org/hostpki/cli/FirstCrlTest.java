package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.hostpki.json.OutputSchemas;
import org.hostpki.model.CertificateFacts;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.hostpki.pki.RevocationList;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet CA with {@code ca.crl} declared has a CRL from the start, as step-ca and EJBCA publish
 * one. Found in a trial (tfleet16): every member certificate named {@code ca.crl.url} from the
 * first sign, but no {@code ca.crl} existed until the first revoke, so clients that fetch the CRL
 * from the certificate ({@code openssl verify -crl_check -crl_download}) refused every member
 * until then, and {@code export crl} said "does not exist".
 */
class FirstCrlTest {
  private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");
  private static final String CA_YAML = String.join("\n",
      "apiVersion: hostpki/v1",
      "store: {path: pki}",
      "host: {detect: false, hostname: ca1, domain: fleet.test, addresses: [192.0.2.1]}",
      "ca: {subject: {commonName: Fleet CA}, %s",
      "     policy: {allowedDomains: [\"*.fleet.test\"], maxValidity: 60d}}",
      "");
  private static final String CRL = "crl: {validity: 3d, url: \"http://pki.fleet.test/fleet.crl\"},";

  @TempDir Path dir;

  private CliResult hostpki(Instant at, String... args) {
    return Cli.in(dir).clock(Clock.fixed(at, ZoneOffset.UTC)).env(Map.of()).run(args).assertSucceeded();
  }

  private void ca(String crl) throws Exception {
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML.formatted(crl));
  }

  private RevocationList crl() throws Exception {
    return RevocationList.parse(Files.readAllBytes(dir.resolve("pki/ca.crl")));
  }

  private Certificate caCert() throws Exception {
    return Pem.readCertificates(Files.readAllBytes(dir.resolve("pki/ca.crt"))).get(0);
  }

  @Test
  void testNewStore_withCaCrlDeclared_theFirstApplyWritesAnEmptyCrl_renewedLikeAny() throws Exception {
    ca(CRL);
    CliResult plan = hostpki(NOW, "plan", "-f", "ca.yaml");
    assertThat(plan.out())
        .contains("+ ca.crl")
        .contains("the CA is new and ca.crl is declared: a CA publishes its CRL from the start, empty until"
            + " hostpki revoke adds an entry; the certificates it signs name http://pki.fleet.test/fleet.crl"
            + " (ca.crl.url): publish it there (hostpki export crl --der)");
    OutputSchemas.valid("plan.schema.json", hostpki(NOW, "plan", "-f", "ca.yaml", "--output", "json").out());

    hostpki(NOW, "apply", "-f", "ca.yaml");
    RevocationList first = crl();
    assertThat(first.isSignedBy(caCert())).isTrue();
    assertThat(first.facts().revoked()).isEmpty();
    assertThat(first.facts().number()).isPresent();
    assertThat(first.facts().nextUpdate()).contains(NOW.plus(Duration.ofDays(3)));
    assertThat(hostpki(NOW.plusSeconds(60), "plan", "-f", "ca.yaml").out()).startsWith("No changes");
    // Found in the trial: status ended the line with a colon and listed nothing under it.
    assertThat(hostpki(NOW.plusSeconds(60), "status", "-f", "ca.yaml").out())
        .contains("Revoked  0 certificate(s) on ca.crl (number " + first.facts().number().orElseThrow()
            + ", next update 2027-01-04 00:00 UTC)\n");

    CliResult renewed = hostpki(NOW.plus(Duration.ofDays(2)), "apply", "-f", "ca.yaml");
    assertThat(renewed.out()).contains("~ ca.crl");
    assertThat(crl().facts().number().orElseThrow()).isGreaterThan(first.facts().number().orElseThrow());
  }

  @Test
  void testWithoutCaCrlDeclared_noCrlUntilTheFirstRevoke() throws Exception {
    ca("");
    CliResult plan = hostpki(NOW, "plan", "-f", "ca.yaml");
    assertThat(plan.out()).doesNotContain("ca.crl");
    hostpki(NOW, "apply", "-f", "ca.yaml");
    assertThat(dir.resolve("pki/ca.crl")).doesNotExist();
  }

  /** A store an earlier build made (no ca.crl while nothing was revoked): the next apply makes it. */
  @Test
  void testExistingStoreWithoutCrl_theNextApplyMakesIt_sayingWhy() throws Exception {
    ca("");
    hostpki(NOW, "apply", "-f", "ca.yaml");
    ca(CRL);
    CliResult apply = hostpki(NOW.plusSeconds(60), "apply", "-f", "ca.yaml");
    assertThat(apply.out())
        .contains("+ ca.crl")
        .contains("the CA has no CRL yet and ca.crl is declared")
        .doesNotContain("+ ca ");
    assertThat(crl().isSignedBy(caCert())).isTrue();
    assertThat(crl().facts().revoked()).isEmpty();
  }

  /** --replace ca: the new CA gets its own CRL (as before), the one apply made is not kept. */
  @Test
  void testReplaceCa_theNewCaHasItsOwnEmptyCrl() throws Exception {
    ca(CRL);
    hostpki(NOW, "apply", "-f", "ca.yaml");
    long before = crl().facts().number().orElseThrow().longValueExact();
    hostpki(NOW.plusSeconds(60), "apply", "-f", "ca.yaml", "--replace", "ca");
    assertThat(crl().isSignedBy(caCert())).isTrue();
    assertThat(crl().facts().number().orElseThrow().longValueExact()).isGreaterThan(before);
    assertThat(dir.resolve("pki/ca-previous.crl")).doesNotExist();
  }

  /**
   * The trial's client: {@code openssl verify -crl_check} against the CRL exported before any
   * revoke accepts the member, and after its revoke refuses it.
   */
  @Test
  void testOpensslCrlCheck_againstTheCrlExportedBeforeAnyRevoke_acceptsTheMember() throws Exception {
    ca(CRL);
    hostpki(NOW, "apply", "-f", "ca.yaml");
    // The member's key and request as a member makes them by hand.
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "m1.key",
            "-subj", "/CN=m1.fleet.test", "-addext", "subjectAltName=DNS:m1.fleet.test", "-out", "m1.csr")
        .assertSucceeded();
    hostpki(NOW.plusSeconds(60), "sign", "-f", "ca.yaml", "--csr", "m1.csr", "-o", "m1.pem");
    Certificate member = Pem.readCertificates(Files.readAllBytes(dir.resolve("m1.pem"))).get(0);
    Files.writeString(dir.resolve("m1.crt"), member.pem());

    hostpki(NOW.plusSeconds(90), "export", "-f", "ca.yaml", "crl", "-o", "empty.pem");
    ProcessResult accepted = verify("empty.pem");
    assertThat(accepted.exitCode()).as(accepted.toString()).isZero();

    hostpki(NOW.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial",
        CertificateFacts.serialHex(member.facts().serialNumber()));
    hostpki(NOW.plusSeconds(150), "export", "-f", "ca.yaml", "crl", "-o", "revoked.pem");
    ProcessResult refused = verify("revoked.pem");
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.output()).contains("certificate revoked");
  }

  private ProcessResult verify(String crl) {
    // openssl checks validity against the real clock: the CRL's nextUpdate is NOW + 3 days.
    return openssl(
        "verify", "-crl_check", "-attime", Long.toString(NOW.plusSeconds(200).getEpochSecond()), "-CRLfile", crl,
        "-CAfile", "pki/ca.crt", "m1.crt");
  }

  private ProcessResult openssl(String... arguments) {
    return Command.of(Tool.OPENSSL.require().toString(), arguments).in(dir).run();
  }
}
