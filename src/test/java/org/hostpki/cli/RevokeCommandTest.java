package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.hostpki.apply.CrlNumbers;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.CrlFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.Subject;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.pki.RevocationList;
import org.hostpki.sign.IssuedCertificate;
import org.hostpki.store.StoreDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;

/**
 * {@code hostpki revoke} on a CA host, and what {@code export crl}, {@code status} and {@code
 * history} then say.
 */
class RevokeCommandTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();
  /** A fleet CA host with a policy and a CRL, for the sign and revoke tests of this package. */
  static final String CA_YAML =
      "apiVersion: hostpki/v1\n"
          + "store: {path: pki}\n"
          + "host: {detect: false, hostname: ca1, domain: fleet.test, addresses: [192.0.2.1]}\n"
          + "ca:\n"
          + "  subject: {commonName: Fleet CA}\n"
          + "  policy: {allowedDomains: [\"*.fleet.test\"], maxValidity: 90d}\n"
          + "  crl: {validity: 3d, url: \"http://ca1.fleet.test/fleet.crl\"}\n";

  @TempDir Path dir;
  private String serial;
  private KeyMaterial memberKey;

  @BeforeEach
  void signOne() throws Exception {
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML);
    assertThat(hostpki(NOW, "apply", "-f", "ca.yaml").exitCode()).isZero();
    memberKey = KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);
    Files.write(dir.resolve("m1.csr"), CertificationRequest.create(Subject.empty(), List.of("m1.fleet.test"), List.of(), false, memberKey, RANDOM));
    CliResult sign = hostpki(NOW.plusSeconds(10), "sign", "-f", "ca.yaml", "--csr", "m1.csr", "-o", "m1-chain.pem");
    assertThat(sign.exitCode()).as(sign.toString()).isZero();
    serial = CertificateFacts.serialHex(Pem.readCertificates(Files.readAllBytes(dir.resolve("m1-chain.pem"))).get(0).facts().serialNumber());
  }

  private CliResult hostpki(Instant at, String... args) {
    return Cli.in(dir).clock(Clock.fixed(at, ZoneOffset.UTC)).env(Map.of()).run(args);
  }

  private String generation() {
    return new StoreDirectory(dir.resolve("pki"), Clock.systemUTC()).read().generation().orElseThrow();
  }

  private CrlFacts crl() throws Exception {
    return RevocationList.parse(Files.readAllBytes(dir.resolve("pki/ca.crl"))).facts();
  }

  private static JsonNode json(String text) {
    return JsonMapper.builder().build().readTree(text);
  }

  @Test
  void testRevoke_recordsItInTheCrlAndSaysSo() throws Exception {
    CliResult run = hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "keyCompromise");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err())
        .startsWith("Revoked serial " + serial + " (CN=m1.fleet.test) for keyCompromise: ca.crl number 1795766460000000000 lists 1"
            + " certificate(s), next update 2026-11-30 08:01 UTC (generation ..")
        .contains("publish it: hostpki export -f ca.yaml crl --der -o FILE");
    assertThat(run.out()).isEmpty();
    assertThat(crl().revoked()).singleElement().satisfies(e -> {
      assertThat(e.serial()).isEqualTo(new BigInteger(serial, 16));
      assertThat(e.reason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
    });
  }

  @Test
  void testRevoke_againForTheSameReasonChangesNothingAndExitsZero() throws Exception {
    hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "superseded");
    String generation = generation();

    CliResult again = hostpki(NOW.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", serial.toLowerCase(), "--reason", "superseded");

    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.err())
        .isEqualTo("already revoked: serial " + serial + " (CN=m1.fleet.test) on 2026-11-27 08:01 UTC for superseded;"
            + " nothing was changed\n");
    assertThat(generation()).isEqualTo(generation);
  }

  /**
   * Found in the upgrade trial (tupgrade15): a revocation made by a build before {@code
   * .crl/revoked} (c8521ea7 and earlier) lived only in its CA's CRLs. Once that CA was replaced
   * and the generations holding them were pruned, with no revoke of it in between, revoke said
   * "it was never revoked" (exit 1). The apply that issues the new CA's CRL keeps what the live
   * CRLs list in the record first.
   */
  @Test
  void testRevoke_aRevocationOfABuildBeforeTheRecordOutlivesItsReplacedCaAndThePrunedGenerations() throws Exception {
    hostpki(NOW.plusSeconds(20), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "keyCompromise");
    Files.delete(dir.resolve("pki/.crl/revoked")); // as such a build left its store
    assertThat(hostpki(NOW.plusSeconds(30), "apply", "-f", "ca.yaml", "--replace", "ca").exitCode()).isZero();
    for (int i = 2; i <= 5; i++) { // each sign a generation: those holding the old CA's CRL are pruned
      Files.write(dir.resolve("m" + i + ".csr"), CertificationRequest.create(Subject.empty(), List.of("m" + i + ".fleet.test"),
          List.of(), false, KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM), RANDOM));
      assertThat(hostpki(NOW.plusSeconds(30 + i), "sign", "-f", "ca.yaml", "--csr", "m" + i + ".csr").exitCode()).isZero();
    }

    CliResult again = hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "keyCompromise");

    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.err()).as(again.toString())
        .contains("already revoked: serial " + serial + " (CN=m1.fleet.test) by its CA, which has left this store,"
            + " on 2026-11-27 08:00 UTC for keyCompromise");
  }

  /**
   * Ansible and Terraform users repeat a revoke task as written; one without --reason failed
   * (exit 1) once the certificate had been revoked for keyCompromise, as if it asked for
   * unspecified.
   */
  @Test
  void testRevoke_againWithoutAReasonAcceptsTheReasonItWasRevokedFor() throws Exception {
    hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "keyCompromise");
    String generation = generation();

    CliResult again = hostpki(NOW.plusSeconds(120), "revoke", "-f", "ca.yaml", "--cert", "m1-chain.pem");
    CliResult check = hostpki(NOW.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", serial, "--check", "--output", "json");

    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.err())
        .isEqualTo("already revoked: serial " + serial + " (CN=m1.fleet.test) on 2026-11-27 08:01 UTC for keyCompromise;"
            + " nothing was changed\n");
    assertThat(generation()).isEqualTo(generation);
    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(json(check.out()).get("reason").asString()).isEqualTo("keyCompromise");
    assertThat(json(check.out()).get("already_revoked").asBoolean()).isTrue();
  }

  @Test
  void testRevoke_anotherReasonIsRefusedWithExitOneAndNothingChanges() throws Exception {
    hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "superseded");
    String generation = generation();
    byte[] crl = Files.readAllBytes(dir.resolve("pki/ca.crl"));

    CliResult run = hostpki(NOW.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "affiliationChanged");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: serial " + serial + " (CN=m1.fleet.test) was revoked on 2026-11-27 08:01 UTC for superseded;")
        .contains("except to keyCompromise when the key is found to have leaked");
    assertThat(generation()).isEqualTo(generation);
    assertThat(dir.resolve("pki/ca.crl")).hasBinaryContent(crl);
  }

  /**
   * A member revoked as superseded (retired) whose key is then found to have leaked: its entry's
   * reason becomes keyCompromise, its revocation date stays (Mozilla Root Store Policy 6.1.1), and
   * sign refuses the key from then on. It was refused before, so the CRL kept saying
   * "superseded" and the compromised key could be signed again. Any other change stays refused,
   * keyCompromise back to another reason too.
   */
  @Test
  void testRevoke_theReasonMayChangeToKeyCompromise_keepingTheDate_andSignThenRefusesTheKey() throws Exception {
    hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "superseded");
    String before = generation();

    CliResult check = hostpki(NOW.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "keyCompromise", "--check");
    assertThat(check.exitCode()).as(check.toString()).isEqualTo(2);
    assertThat(check.err()).isEqualTo("would change the reason serial " + serial + " (CN=m1.fleet.test) was revoked for on"
        + " 2026-11-27 08:01 UTC from superseded to keyCompromise; nothing was changed (--check)\n");
    assertThat(generation()).isEqualTo(before);

    CliResult run = hostpki(NOW.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "keyCompromise", "--output", "json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err()).startsWith("Changed the reason serial " + serial + " (CN=m1.fleet.test) was revoked for on"
        + " 2026-11-27 08:01 UTC from superseded to keyCompromise: ca.crl number ");
    assertThat(json(run.out()).get("previous_reason").asString()).isEqualTo("superseded");
    assertThat(json(run.out()).get("reason").asString()).isEqualTo("keyCompromise");
    assertThat(json(run.out()).get("already_revoked").asBoolean()).isFalse();
    assertThat(json(run.out()).get("changed").asBoolean()).isTrue();
    assertThat(generation()).isNotEqualTo(before);
    assertThat(crl().revoked()).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
      assertThat(e.revocationDate()).isEqualTo(NOW.plusSeconds(60));
    });

    CliResult again = hostpki(NOW.plusSeconds(180), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "keyCompromise", "--output", "json");
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(json(again.out()).get("changed").asBoolean()).isFalse();
    assertThat(json(again.out()).get("previous_reason").isNull()).isTrue();
    CliResult back = hostpki(NOW.plusSeconds(180), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "superseded");
    assertThat(back.exitCode()).as(back.toString()).isEqualTo(1);

    Files.write(dir.resolve("m1-again.csr"), CertificationRequest.create(Subject.empty(), List.of("m1.fleet.test"), List.of(), false, memberKey, RANDOM));
    CliResult sign = hostpki(NOW.plusSeconds(240), "sign", "-f", "ca.yaml", "--csr", "m1-again.csr", "-o", "m1-again.pem");
    assertThat(sign.exitCode()).as(sign.toString()).isEqualTo(1);
    assertThat(sign.err()).contains("revoked for keyCompromise on 2026-11-27 08:01 UTC");
  }

  @Test
  void testRevoke_anUnknownSerialIsExitOne() throws Exception {
    byte[] crl = Files.readAllBytes(dir.resolve("pki/ca.crl")); // apply's, empty (ca.crl declared)
    CliResult run = hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", "0BADC0DE");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: serial 0BADC0DE is not a certificate this CA issued");
    assertThat(dir.resolve("pki/ca.crl")).hasBinaryContent(crl);
  }

  @Test
  void testRevoke_usageErrorsAreExit64() {
    assertThat(hostpki(NOW, "revoke", "-f", "ca.yaml", "--serial", "xyz").exitCode()).isEqualTo(64);
    assertThat(hostpki(NOW, "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "certificateHold").err())
        .contains("'certificateHold' is not a reason hostpki revokes for; use one of unspecified, keyCompromise,"
            + " affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn");
    assertThat(hostpki(NOW, "revoke", "-f", "ca.yaml").exitCode()).as("neither --serial nor --cert").isEqualTo(64);
    assertThat(hostpki(NOW, "revoke", "-f", "ca.yaml", "--serial", serial, "--cert", "m1-chain.pem").exitCode())
        .as("both")
        .isEqualTo(64);
  }

  /** picocli words these two "Error: Missing …": they read "error: error: Missing …" before. */
  @Test
  void testRevoke_neitherOrBothOfSerialAndCertSayErrorOnce() {
    CliResult neither = hostpki(NOW, "revoke", "-f", "ca.yaml");
    CliResult both = hostpki(NOW, "revoke", "-f", "ca.yaml", "--serial", serial, "--cert", "m1-chain.pem");

    assertThat(neither.err())
        .startsWith("error: missing required argument (specify one of these): (--serial=SERIAL | --cert=FILE)\n");
    assertThat(both.err())
        .startsWith("error: --serial=SERIAL, --cert=FILE are mutually exclusive (specify only one)\n");
  }

  @Test
  void testRevoke_aChainFileRevokesItsFirstCertificate() throws Exception {
    CliResult run = hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--cert", "m1-chain.pem", "--reason", "cessationOfOperation");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(crl().entry(new BigInteger(serial, 16))).map(e -> e.reason()).contains(RevocationReason.CESSATION_OF_OPERATION);
  }

  @Test
  void testRevoke_jsonOutput() throws Exception {
    CliResult run =
        hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "keyCompromise", "--output", "json");

    JsonNode out = org.hostpki.json.OutputSchemas.valid("revoke.schema.json", run.out());
    assertThat(out.path("format_version").asString()).isEqualTo("1");
    assertThat(out.path("changed").asBoolean()).isTrue();
    assertThat(out.path("already_revoked").asBoolean()).isFalse();
    assertThat(out.path("serial").asString()).isEqualTo(serial);
    assertThat(out.path("subject").asString()).isEqualTo("CN=m1.fleet.test");
    assertThat(out.path("reason").asString()).isEqualTo("keyCompromise");
    assertThat(out.path("revocation_date").asString()).isEqualTo("2026-11-27T08:01:00Z");
    assertThat(out.path("crl").path("number").asString()).isEqualTo("1795766460000000000"); // thisUpdate in ns
    assertThat(out.path("crl").path("next_update").asString()).isEqualTo("2026-11-30T08:01:00Z");
    assertThat(out.path("crl_pem").asString()).isEqualTo(Files.readString(dir.resolve("pki/ca.crl")));
    assertThat(out.path("generation").asString()).isEqualTo(generation());
  }

  @Test
  void testCheck_exitTwoWhenItWouldRevokeZeroWhenDoneAndWritesNothing() {
    String generation = generation();

    CliResult would = hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial, "--check");

    assertThat(would.exitCode()).as(would.toString()).isEqualTo(2);
    assertThat(would.err()).isEqualTo("would revoke serial " + serial + " (CN=m1.fleet.test) for unspecified; nothing was changed (--check)\n");
    assertThat(generation()).isEqualTo(generation);
    hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial);
    assertThat(hostpki(NOW.plusSeconds(90), "revoke", "-f", "ca.yaml", "--serial", serial, "--check").exitCode()).isZero();
    assertThat(hostpki(NOW.plus(Duration.ofDays(2)).plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", serial, "--check").err())
        .as("a third of the 3 days left: due")
        .contains("the CRL is due and would be renewed");
  }

  @Test
  void testExportCrl_pemAndDerAndWithoutACrlAClearError() throws Exception {
    CliResult empty = hostpki(NOW, "export", "-f", "ca.yaml", "crl");
    assertThat(empty.exitCode()).as("apply wrote the first, empty (ca.crl declared)").isZero();
    assertThat(RevocationList.parse(empty.out().getBytes(java.nio.charset.StandardCharsets.US_ASCII)).facts().revoked())
        .isEmpty();
    Files.writeString(dir.resolve("bare.yaml"), CA_YAML.replace("store: {path: pki}", "store: {path: bare}")
        .replace("  crl: {validity: 3d, url: \"http://ca1.fleet.test/fleet.crl\"}\n", ""));
    assertThat(hostpki(NOW, "apply", "-f", "bare.yaml").exitCode()).isZero();
    CliResult none = hostpki(NOW, "export", "-f", "bare.yaml", "crl");
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err())
        .isEqualTo("error: " + dir.resolve("bare/ca.crl") + " does not exist: hostpki revoke writes the CRL of a fleet"
            + " CA, and nothing was revoked with this store's CA yet (with ca.crl declared, apply writes an empty"
            + " one from the start)\n");
    hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial);

    CliResult pem = hostpki(NOW, "export", "-f", "ca.yaml", "crl");
    CliResult der = hostpki(NOW, "export", "-f", "ca.yaml", "crl", "--der", "-o", "fleet.crl");

    assertThat(pem.out()).isEqualTo(Files.readString(dir.resolve("pki/ca.crl"))).startsWith("-----BEGIN X509 CRL-----\n");
    assertThat(der.exitCode()).as(der.toString()).isZero();
    assertThat(RevocationList.parse(Files.readAllBytes(dir.resolve("fleet.crl"))).der())
        .isEqualTo(Files.readAllBytes(dir.resolve("fleet.crl")))
        .isEqualTo(RevocationList.parse(Files.readAllBytes(dir.resolve("pki/ca.crl"))).der());
  }

  @Test
  void testStatus_listsTheRevokedCertificatesAndTheCrl() throws Exception {
    hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "keyCompromise");

    CliResult text = hostpki(NOW.plusSeconds(120), "status", "-f", "ca.yaml");
    CliResult json = hostpki(NOW.plusSeconds(120), "status", "-f", "ca.yaml", "--output", "json");

    assertThat(text.out())
        .contains("serial " + serial + " CN=m1.fleet.test REVOKED 2026-11-27 (keyCompromise)")
        .contains("Revoked  1 certificate(s) on ca.crl (number 1795766460000000000, next update 2026-11-30 08:01 UTC):\n"
            + "         serial " + serial + " CN=m1.fleet.test revoked 2026-11-27 08:01 UTC (keyCompromise)\n")
        .doesNotContain("warning");
    JsonNode status = json(json.out());
    assertThat(status.path("crl").path("number").asString()).isEqualTo("1795766460000000000");
    assertThat(status.path("revoked").get(0).path("serial").asString()).isEqualTo(serial);
    assertThat(status.path("revoked").get(0).path("reason").asString()).isEqualTo("keyCompromise");
    assertThat(status.path("issued").get(0).path("revoked").path("reason").asString()).isEqualTo("keyCompromise");
  }

  @Test
  void testStatus_warnsOfACrlPastItsNextUpdate() {
    hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial);

    CliResult run = hostpki(NOW.plus(Duration.ofDays(4)), "status", "-f", "ca.yaml");

    assertThat(run.out())
        .contains("warning: " + dir.resolve("pki/ca.crl") + " is past its next update (2026-11-30 08:01 UTC): clients"
            + " that check it refuse every certificate of this CA. hostpki apply (and watch) renews it");
    assertThat(run.out()).doesNotContain("revoke a listed serial again");
  }

  @Test
  void testHistory_recordsTheSignAndTheRevocation() {
    hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial);

    CliResult run = hostpki(NOW.plusSeconds(120), "history", "-f", "ca.yaml");

    assertThat(run.out())
        .contains("changed  +revoked/" + serial + " ~ca.crl\n")
        .contains("changed  +issued/" + serial + "\n");
  }

  @Test
  void testApply_keepsTheCrlAsItIs() throws Exception {
    hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial);
    byte[] crl = Files.readAllBytes(dir.resolve("pki/ca.crl"));

    CliResult apply = hostpki(NOW.plusSeconds(120), "apply", "-f", "ca.yaml");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("No changes");
    assertThat(dir.resolve("pki/ca.crl")).hasBinaryContent(crl);
    assertThat(new String(crl, StandardCharsets.US_ASCII)).startsWith("-----BEGIN X509 CRL-----");
  }

  @Test
  void testApply_renewsTheCrlOnceAThirdOfItsValidityIsLeftWithANumberAboveEveryKeptOne() throws Exception {
    hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "keyCompromise");
    String revoked = generation();
    CrlFacts first = crl();
    // 3d validity, a third of the CRL's span left (thisUpdate is set back an hour: 3d 1h)
    Instant due = NOW.plusSeconds(60).plus(Duration.ofDays(2)).minus(Duration.ofMinutes(20));

    CliResult early = hostpki(due.minusSeconds(1), "apply", "-f", "ca.yaml");
    CliResult renew = hostpki(due, "apply", "-f", "ca.yaml");
    CrlFacts second = crl();
    CliResult again = hostpki(due.plusSeconds(1), "apply", "-f", "ca.yaml");

    assertThat(early.out()).as(early.toString()).contains("No changes");
    assertThat(renew.exitCode()).as(renew.toString()).isZero();
    assertThat(renew.out())
        .contains("~ ca.crl  update   ca.crl number 1795766460000000000 expires on 2026-11-30 08:01 UTC (in 1d 20m): renewed once a"
            + " third of its validity is left");
    assertThat(second.number()).contains(CrlNumbers.ofTime(due));
    assertThat(second.thisUpdate()).isEqualTo(due.minus(Duration.ofHours(1)));
    assertThat(second.nextUpdate()).contains(due.plus(Duration.ofDays(3)));
    assertThat(second.revoked()).isEqualTo(first.revoked());
    assertThat(RevocationList.parse(Files.readAllBytes(dir.resolve("pki/ca.crl")))
            .isSignedBy(Pem.readCertificates(Files.readAllBytes(dir.resolve("pki/ca.crt"))).get(0)))
        .isTrue();
    assertThat(again.out()).as("converged").contains("No changes");

    // Back to the generation of the first CRL, then past its renewal time: never the second's
    // number again.
    hostpki(due.plusSeconds(2), "rollback", "-f", "ca.yaml", "--to", revoked);
    CliResult afterRollback = hostpki(due.plusSeconds(3), "apply", "-f", "ca.yaml");
    assertThat(afterRollback.exitCode()).as(afterRollback.toString()).isZero();
    assertThat(crl().number().orElseThrow()).isGreaterThan(second.number().orElseThrow());
  }

  @Test
  void testApply_theCaHostsServerCertificateNamesTheDistributionPointWhileCaCrlUrlIsSet() throws Exception {
    List<String> withUrl =
        Pem.readCertificates(Files.readAllBytes(dir.resolve("pki/server.crt"))).get(0).crlDistributionPoints();
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML.replace(", url: \"http://ca1.fleet.test/fleet.crl\"", ""));

    CliResult plan = hostpki(NOW.plusSeconds(60), "plan", "-f", "ca.yaml");
    CliResult apply = hostpki(NOW.plusSeconds(60), "apply", "-f", "ca.yaml");

    assertThat(withUrl).containsExactly("http://ca1.fleet.test/fleet.crl");
    assertThat(plan.out())
        .contains("~ server                       replace  CRL distribution point http://ca1.fleet.test/fleet.crl"
            + " → none (ca.crl.url is not set)");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(Pem.readCertificates(Files.readAllBytes(dir.resolve("pki/server.crt"))).get(0).crlDistributionPoints())
        .isEmpty();
    assertThat(hostpki(NOW.plusSeconds(61), "plan", "-f", "ca.yaml").out()).contains("No changes");
  }

  @Test
  void testRollback_pastARevocationWarnsThatItIsTakenBack() {
    String beforeRevocation = generation();
    hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "keyCompromise");

    CliResult rollback = hostpki(NOW.plusSeconds(120), "rollback", "-f", "ca.yaml", "--to", beforeRevocation);

    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    assertThat(rollback.err())
        .contains(
            "warning: generation " + beforeRevocation + " was written before the revocation of 1 certificate(s)"
                + " its ca.crl does not list: " + serial + "; they count as valid again");
  }
}
