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
import org.hostpki.testkit.Tool;
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

  /** The CA made, a member m1 signed and revoked; its serial. */
  private String applyAndRevokeAMember() throws Exception {
    hostpki(NOW, "apply", "-f", "ca.yaml");
    String serial = sign(NOW.plusSeconds(60), "m1");
    hostpki(NOW.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", serial);
    return serial;
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
        .contains("is the previous CA's (CN=Fleet CA, key id ")
        .contains("): the CA that signs gets its own ca.crl; the previous CA signs its last CRL,"
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
    // JSON: each CRL on its own (it exited 1 after writing the file: "holds more than one CRL").
    Files.delete(dir.resolve("fleet.pem"));
    tools.jackson.databind.JsonNode exportJson =
        OutputSchemas.valid(
            "export.schema.json",
            hostpki(move.plusSeconds(60), "export", "-f", "ca.yaml", "crl", "-o", "fleet.pem", "--output", "json")
                .out());
    assertThat(exportJson.path("crl").path("entries").asInt()).as(exportJson.toString()).isZero();
    assertThat(exportJson.path("previous_crl").path("entries").asInt()).isEqualTo(1);
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
   * Found in a trial (fcrl14): after the move, {@code revoke} of the old CA's member that its last
   * CRL lists exited 1 (the fleet playbook had to read status to skip it), and so did any revoke
   * of the old CA's members once that CA left. Like {@code kubectl delete --ignore-not-found}, a
   * repeated revoke with nothing to do succeeds and changes nothing; one the clients still accept
   * (the previous CA trusted, no CRL listing it) stays refused.
   */
  @Test
  void testRevokeAfterTheMove_alreadyOnThePreviousCrl_orItsCaGone_isNoChangeExit0() throws Exception {
    String url = "crl: {validity: 3d, url: \"http://pki.fleet.test/fleet.crl\"}";
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML.formatted("Fleet CA").replace("crl: {validity: 3d}", url));
    String revoked = applyAndRevokeAMember();
    String kept = sign(NOW.plusSeconds(180), "m2");
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML.formatted("Fleet CA 2").replace("crl: {validity: 3d}", url));
    hostpki(NOW.plus(Duration.ofDays(1)), "apply", "-f", "ca.yaml");
    Instant move = NOW.plus(Duration.ofDays(4)).plusSeconds(60);
    CliResult moved = hostpki(move, "apply", "-f", "ca.yaml");
    // Both CAs' certificates name ca.crl.url, and a distribution point serves one CRL (fcrl14):
    // the move says which to publish there, and what to change.
    assertThat(moved.out()).contains("; http://pki.fleet.test/fleet.crl (ca.crl.url) is the distribution point of"
        + " the previous CA's certificates: keep it serving ca-previous.crl until that CA leaves (hostpki"
        + " export previous-crl --der), and set ca.crl.url to a new URL for the new CA's ca.crl, or put"
        + " {keyId} in it for a distribution point per CA");
    Map<String, String> before = storeFiles();

    CliResult again = hostpki(move.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", revoked, "--output", "json");
    CliResult refused = Cli.in(dir).clock(Clock.fixed(move.plusSeconds(60), ZoneOffset.UTC)).env(Map.of())
        .run("revoke", "-f", "ca.yaml", "--serial", kept);
    CliResult otherReason = Cli.in(dir).clock(Clock.fixed(move.plusSeconds(60), ZoneOffset.UTC)).env(Map.of())
        .run("revoke", "-f", "ca.yaml", "--serial", revoked, "--reason", "superseded");

    assertThat(again.err()).contains("already revoked: serial " + revoked + " (CN=m1.fleet.test) on ca-previous.crl on ")
        .contains("; nothing was changed");
    tools.jackson.databind.JsonNode json = OutputSchemas.valid("revoke.schema.json", again.out());
    assertThat(json.path("changed").asBoolean()).isFalse();
    assertThat(json.path("already_revoked").asBoolean()).isTrue();
    assertThat(json.path("no_effect").asBoolean()).isFalse();
    assertThat(json.path("crl").path("issuer").asString()).isEqualTo("CN=Fleet CA");
    assertThat(refused.exitCode()).as("the previous CA is trusted and no CRL lists it: %s", refused).isEqualTo(1);
    assertThat(refused.err()).contains("was signed by the previous CA CN=Fleet CA (ca-previous.crt)");
    assertThat(otherReason.exitCode()).as(otherReason.toString()).isEqualTo(1);
    assertThat(otherReason.err()).contains("by the previous CA's last CRL (ca-previous.crl); revoking it again for"
        + " superseded is refused");
    assertThat(storeFiles()).isEqualTo(before);

    Instant gone = NOW.plus(Duration.ofDays(7)).plusSeconds(120);
    hostpki(gone, "apply", "-f", "ca.yaml"); // the previous CA leaves, ca-previous.crl with it
    for (int i = 0; i < 5; i++) {
      sign(gone.plusSeconds(10 + i), "n" + i); // the generations that held its CRLs are pruned
    }
    before = storeFiles();
    // rvcore14: a revoke of m2 (never revoked, valid 60 days) exited 0 "no effect", though clients
    // that trust the old CA by hand keep it (README "When to import again") and accept m2.
    CliResult stillAccepted = Cli.in(dir).clock(Clock.fixed(gone.plusSeconds(60), ZoneOffset.UTC)).env(Map.of())
        .run("revoke", "-f", "ca.yaml", "--serial", kept, "--reason", "keyCompromise");
    assertThat(stillAccepted.exitCode()).as(stillAccepted.toString()).isEqualTo(1);
    assertThat(stillAccepted.err()).contains("serial " + kept + " (CN=m2.fleet.test) was signed by CN=Fleet CA, a CA"
        + " this store signs with no more").contains("and it was never revoked")
        .contains("Clients that still trust CN=Fleet CA accept this certificate until it expires on 2027-03-01 23:03 UTC")
        .contains("Remove CN=Fleet CA (key id ").contains("Nothing was changed").doesNotContain("Exception");
    // m1, revoked before its CA left: still known (.crl/revoked), so the playbook's loop stays green.
    CliResult againAfter = hostpki(gone.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", revoked, "--output", "json");
    assertThat(againAfter.err()).contains("already revoked: serial " + revoked + " (CN=m1.fleet.test) by its CA, which"
        + " has left this store, on 2027-01-01 00:02 UTC for unspecified; nothing was changed");
    tools.jackson.databind.JsonNode json2 = OutputSchemas.valid("revoke.schema.json", againAfter.out());
    assertThat(json2.path("already_revoked").asBoolean()).isTrue();
    assertThat(json2.path("no_effect").asBoolean()).isFalse();
    assertThat(json2.path("changed").asBoolean()).isFalse();
    // Once m2 expired every client refuses it: no effect, exit 0.
    CliResult noEffect = hostpki(NOW.plus(Duration.ofDays(61)), "revoke", "-f", "ca.yaml", "--serial", kept, "--output", "json");
    assertThat(noEffect.err()).contains("no effect: serial " + kept + " (CN=m2.fleet.test) expired and its CA left"
        + " this store; nothing was changed");
    tools.jackson.databind.JsonNode gone1 = OutputSchemas.valid("revoke.schema.json", noEffect.out());
    assertThat(gone1.path("no_effect").asBoolean()).as(gone1.toString()).isTrue();
    assertThat(gone1.path("changed").asBoolean()).isFalse();
    assertThat(gone1.path("crl").isNull()).isTrue();
    assertThat(storeFiles()).isEqualTo(before);
  }

  /** Every file of the store's current generation, by name. */
  private Map<String, String> storeFiles() throws Exception {
    Map<String, String> files = new java.util.TreeMap<>();
    try (var walk = Files.walk(dir.resolve("pki"))) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(dir.resolve("pki").relativize(p).toString(), java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
      }
    }
    return files;
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
        // a sixth of the CRL's span, thisUpdate (set back an hour) to nextUpdate
        .contains("'ca.crl'=172800s;43800:;0:")
        .contains("\nca.crl   OK        next update 2027-01-04 00:00 UTC (in 2 days); WARNING from 2027-01-03 11:50 UTC\n");
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

  /**
   * A store that never had a CRL, ca.crl declared at the rotation's move: the previous CA signs
   * its last CRL too (ffleet17: only the new CA got one, and the previous CA's members had no CRL
   * for {@code openssl verify -crl_check_all} or their distribution point).
   */
  @Test
  void testMove_onAStoreThatNeverHadACrl_givesThePreviousCaItsLastCrl() throws Exception {
    String noCrl = CA_YAML.replace(" crl: {validity: 3d},", "");
    Files.writeString(dir.resolve("ca.yaml"), noCrl.formatted("Fleet CA"));
    hostpki(NOW, "apply", "-f", "ca.yaml");
    sign(NOW.plusSeconds(60), "m1");
    Certificate oldCa = cert("ca.crt");
    Files.writeString(dir.resolve("ca.yaml"), noCrl.formatted("Fleet CA 2"));
    hostpki(NOW.plus(Duration.ofDays(1)), "apply", "-f", "ca.yaml"); // ca-next made
    assertThat(Files.exists(dir.resolve("pki/ca.crl"))).isFalse();
    caNamed("Fleet CA 2");

    Instant move = NOW.plus(Duration.ofDays(4)).plusSeconds(60);
    CliResult moved = hostpki(move, "apply", "-f", "ca.yaml");

    assertThat(moved.out()).contains("the previous CA signs its last CRL (empty), valid until its notAfter, as"
        + " ca-previous.crl");
    assertThat(crl("ca.crl").isSignedBy(cert("ca.crt"))).isTrue();
    RevocationList last = crl("ca-previous.crl");
    assertThat(last.isSignedBy(oldCa)).isTrue();
    assertThat(last.facts().revoked()).isEmpty();
    assertThat(last.facts().nextUpdate()).contains(oldCa.facts().notAfter());
    assertThat(hostpki(move.plusSeconds(30), "plan", "-f", "ca.yaml").out()).contains("No changes");
  }

  @Test
  void testReplaceCa_theNewCaGetsAnEmptyCrlAtOnce_theOldOneGoes() throws Exception {
    caNamed("Fleet CA");
    String revoked = applyAndRevokeAMember();

    hostpki(NOW.plusSeconds(180), "apply", "-f", "ca.yaml", "--replace", "ca");

    RevocationList own = crl("ca.crl");
    assertThat(own.isSignedBy(cert("ca.crt"))).isTrue();
    assertThat(own.facts().revoked()).isEmpty();
    assertThat(Files.exists(dir.resolve("pki/ca-previous.crl"))).isFalse();
    assertThat(hostpki(NOW.plusSeconds(240), "apply", "-f", "ca.yaml").out()).contains("No changes");
  }

  /**
   * A store an older build moved kept the old CA's CRL as ca.crl and had no ca-previous.crl: a
   * revoke before any apply wrote the new CA's ca.crl over it, and the old CA's revocations were
   * lost for good (apply finds nothing to keep as ca-previous.crl after that).
   */
  @Test
  void testRevoke_onAStoreAnOlderBuildMoved_keepsTheOldCasCrlAsCaPreviousCrl() throws Exception {
    caNamed("Fleet CA");
    String revoked = applyAndRevokeAMember();
    byte[] oldCrl = Files.readAllBytes(dir.resolve("pki/ca.crl"));
    caNamed("Fleet CA 2");
    hostpki(NOW.plus(Duration.ofDays(1)), "apply", "-f", "ca.yaml");
    Instant move = NOW.plus(Duration.ofDays(4)).plusSeconds(60);
    hostpki(move, "apply", "-f", "ca.yaml");
    // As a build before ca-previous.crl left it: ca.crl the old CA's, no ca-previous.crl.
    Path data = dir.resolve("pki/..data");
    Files.write(data.resolve("ca.crl"), oldCrl);
    Files.delete(data.resolve("ca-previous.crl"));
    Files.delete(dir.resolve("pki/ca-previous.crl"));
    String member = sign(move.plusSeconds(60), "m2");

    CliResult revoke = hostpki(move.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", member);

    assertThat(revoke.err()).contains("it is kept as it is as ca-previous.crl");
    assertThat(Files.readAllBytes(dir.resolve("pki/ca-previous.crl"))).isEqualTo(oldCrl);
    assertThat(crl("ca-previous.crl").facts().revoked()).singleElement()
        .satisfies(e -> assertThat(e.serial()).isEqualTo(new BigInteger(revoked, 16)));
    assertThat(crl("ca.crl").facts().revoked()).singleElement()
        .satisfies(e -> assertThat(e.serial()).isEqualTo(new BigInteger(member, 16)));
    assertThat(hostpki(move.plusSeconds(180), "apply", "-f", "ca.yaml").out()).contains("No changes");
  }

  /**
   * The old CA's last CRL runs out with that CA: when the CA expires inside the overlap, check
   * warned "has not been renewed; end its trust" in its last sixth, of a CRL nobody can renew
   * and that needs nothing (clients refuse that CA's certificates from then on anyway).
   */
  @Test
  void testCheck_thePreviousCasLastCrlRunsOutWithItsCa_noWarning() throws Exception {
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML.formatted("Fleet CA")
        .replace("rotation: {overlap: 3d}, crl: {validity: 3d}",
            "validity: 200d, renewBefore: 90d, rotation: {overlap: 60d}, crl: {validity: 30d}"));
    applyAndRevokeAMember();
    hostpki(NOW.plus(Duration.ofDays(111)), "apply", "-f", "ca.yaml"); // ca-next made
    hostpki(NOW.plus(Duration.ofDays(172)), "apply", "-f", "ca.yaml"); // the move
    assertThat(crl("ca-previous.crl").facts().nextUpdate()).contains(cert("ca-previous.crt").facts().notAfter());

    CliResult check =
        Cli.in(dir).clock(Clock.fixed(NOW.plus(Duration.ofDays(196)), ZoneOffset.UTC)).env(Map.of())
            .run("check", "-f", "ca.yaml", "--output", "json");

    tools.jackson.databind.JsonNode json = OutputSchemas.valid("check.schema.json", check.out());
    tools.jackson.databind.JsonNode previous = json.path("crls").get(1);
    assertThat(previous.path("file").asString()).isEqualTo("ca-previous.crl");
    assertThat(previous.path("status").asString()).as(check.out()).isEqualTo("ok");
    assertThat(check.out()).doesNotContain("has not been renewed");
  }

  /**
   * A rollback to before the move takes the new CA's revocations back, and said "revoke them again
   * with hostpki revoke", which then refused them (serial: "not a certificate this CA issued";
   * --cert: "signature does not verify … forged"): the new CA signs only after the move again.
   */
  /** A rotation that keeps the CA's name (by expiry, or here a new key spec): the new CA, "CN=Fleet CA" too. */
  private void sameNameNewKey() throws Exception {
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML.formatted("Fleet CA")
        .replace("rotation: {overlap: 3d}", "key: {algorithm: EC, curve: P-384}, rotation: {overlap: 3d}"));
  }

  /**
   * The common rotation keeps the name: the plan said "ca.crl of CN=Fleet CA is not the CRL of the
   * CA that signs" of CN=Fleet CA. Both CRLs name the same issuer; openssl picks each member's by
   * its key identifier.
   */
  @Test
  void testSameNameRotation_planNamesThePreviousCaByKeyId_opensslPicksEachMembersCrl() throws Exception {
    Tool.OPENSSL.require();
    caNamed("Fleet CA");
    Instant move = MOVE;

    CliResult moved = rotateWithMembers(this::sameNameNewKey);

    assertThat(moved.out())
        .contains("ca.crl number ")
        .contains(" is the previous CA's (CN=Fleet CA, key id "
            + crl("ca-previous.crl").facts().authorityKeyId().orElseThrow() + "): the CA that signs gets its own");
    assertThat(cert("ca.crt").facts().subjectDn()).isEqualTo(cert("ca-previous.crt").facts().subjectDn());
    Path pki = dir.resolve("pki");
    Files.write(dir.resolve("cas.pem"), concat(pki.resolve("ca.crt"), pki.resolve("ca-previous.crt")));
    Files.write(dir.resolve("crls.pem"), concat(pki.resolve("ca.crl"), pki.resolve("ca-previous.crl")));
    String at = Long.toString(move.plusSeconds(300).getEpochSecond());
    Map<String, Boolean> accepted = new java.util.TreeMap<>();
    for (String member : List.of("m0", "m1", "m2", "m3")) {
      accepted.put(member, verifies(member, at, "crls.pem"));
    }
    assertThat(accepted).containsExactlyEntriesOf(
        new java.util.TreeMap<>(Map.of("m0", true, "m1", false, "m2", true, "m3", false)));

    // A member whose clock is ten minutes behind the CA host's, checking the CRLs just made: each
    // CRL's thisUpdate is set back as a certificate's notBefore is. Found in a trial (fcrl14): it
    // refused both ("CRL is not yet valid"), and with them every member of both CAs.
    String behind = Long.toString(move.plusSeconds(120).minus(Duration.ofMinutes(10)).getEpochSecond());
    for (String member : List.of("m0", "m1", "m2", "m3")) {
      assertThat(verifies(member, behind, "crls.pem")).as(member).isEqualTo(accepted.get(member));
    }
  }

  /**
   * {@code {keyId}} in {@code ca.crl.url}: a distribution point per CA. Found in a trial
   * (fcrl14, fcrlurl14): with one URL, the new CA's members named the URL that must keep serving
   * the previous CA's last CRL, so a client fetching "the" CRL of a new member got the old CA's
   * and refused it. Here each member names its own CA's URL, the publisher writes each CA's DER
   * there ({@code export crl} and {@code export previous-crl}), and a client that fetches the CRL
   * from the member's URL alone ({@code openssl verify -crl_check_all}) decides right for members
   * of both CAs.
   */
  @Test
  void testKeyIdInCrlUrl_eachCaNamesItsOwnDistributionPoint_aClientFetchingFromItDecidesRight() throws Exception {
    Tool.OPENSSL.require();
    String url = "crl: {validity: 3d, url: \"http://pki.fleet.test/fleet-{keyId}.crl\"}";
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML.formatted("Fleet CA").replace("crl: {validity: 3d}", url));
    Instant move = MOVE;
    CliResult moved = rotateWithMembers(
        () -> Files.writeString(dir.resolve("ca.yaml"), CA_YAML.formatted("Fleet CA 2").replace("crl: {validity: 3d}", url)));

    String oldUrl = "http://pki.fleet.test/fleet-" + cert("ca-previous.crt").facts().subjectKeyId().orElseThrow() + ".crl";
    String newUrl = "http://pki.fleet.test/fleet-" + cert("ca.crt").facts().subjectKeyId().orElseThrow() + ".crl";
    assertThat(moved.out()).contains("; the new CA's certificates name " + newUrl + " (ca.crl.url): publish its ca.crl"
        + " there (hostpki export crl --der), and keep " + oldUrl + " serving ca-previous.crl until the previous"
        + " CA leaves (hostpki export previous-crl --der)");
    // The CA host's own server certificate names its CA's URL, and stays: no re-issue each plan.
    assertThat(cert("server.crt").crlDistributionPoints()).containsExactly(newUrl);
    assertThat(hostpki(move.plusSeconds(180), "plan", "-f", "ca.yaml").out()).contains("No changes");

    // The publisher: each CA's CRL, DER, at its URL (a web root under www/), {keyId} in -o
    // expanded as in the URL.
    Files.createDirectories(dir.resolve("www"));
    String oldFile = "www/" + oldUrl.substring(oldUrl.lastIndexOf('/') + 1);
    CliResult current = hostpki(move.plusSeconds(180), "export", "-f", "ca.yaml", "crl", "--der", "-o", "www/fleet-{keyId}.crl");
    CliResult previous = hostpki(move.plusSeconds(180), "export", "-f", "ca.yaml", "previous-crl", "--der",
        "-o", "www/fleet-{keyId}.crl", "--output", "json");
    assertThat(current.err()).contains("Wrote crl to " + dir.resolve("www/" + newUrl.substring(newUrl.lastIndexOf('/') + 1)));
    assertThat(OutputSchemas.valid("export.schema.json", previous.out()).path("crl").path("issuer").asString())
        .isEqualTo("CN=Fleet CA");
    assertThat(Files.readAllBytes(dir.resolve(oldFile))).isEqualTo(crl("ca-previous.crl").der());

    Path pki = dir.resolve("pki");
    Files.write(dir.resolve("cas.pem"), concat(pki.resolve("ca.crt"), pki.resolve("ca-previous.crt")));
    String at = Long.toString(move.plusSeconds(300).getEpochSecond());
    Map<String, Boolean> accepted = new java.util.TreeMap<>();
    for (String member : List.of("m0", "m1", "m2", "m3")) {
      Certificate leaf = Pem.readCertificates(Files.readAllBytes(dir.resolve(member + "-chain.pem"))).get(0);
      String dp = leaf.crlDistributionPoints().get(0);
      assertThat(dp).as(member).isEqualTo(member.compareTo("m2") < 0 ? oldUrl : newUrl);
      Path fetched = dir.resolve("www").resolve(dp.substring(dp.lastIndexOf('/') + 1)); // "GET" the URL
      accepted.put(member, verifies(member, at, fetched.toString()));
    }
    assertThat(accepted).containsExactlyEntriesOf(
        new java.util.TreeMap<>(Map.of("m0", true, "m1", false, "m2", true, "m3", false)));
  }

  /** When {@link #rotateWithMembers} moves to the new CA. */
  private static final Instant MOVE = NOW.plus(Duration.ofDays(4)).plusSeconds(60);

  private interface DesiredChange {
    void make() throws Exception;
  }

  /**
   * The CA made; members m0 and m1 signed, m1 revoked; {@code next} makes the desired state of a
   * new CA, which the rotation makes a day later and moves to at {@link #MOVE}; then members m2
   * and m3 of the new CA signed, m3 revoked. The move's apply.
   */
  private CliResult rotateWithMembers(DesiredChange next) throws Exception {
    hostpki(NOW, "apply", "-f", "ca.yaml");
    String oldRevoked = sign(NOW.plusSeconds(60), "m1");
    sign(NOW.plusSeconds(60), "m0");
    hostpki(NOW.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", oldRevoked);
    next.make();
    hostpki(NOW.plus(Duration.ofDays(1)), "apply", "-f", "ca.yaml");
    CliResult moved = hostpki(MOVE, "apply", "-f", "ca.yaml");
    sign(MOVE.plusSeconds(60), "m2");
    String newRevoked = sign(MOVE.plusSeconds(60), "m3");
    hostpki(MOVE.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", newRevoked);
    return moved;
  }

  /**
   * Whether {@code openssl verify -crl_check_all} at {@code at} (epoch seconds) accepts a member's
   * chain with the CAs of cas.pem and the CRLs of {@code crls}; a refusal must be for revocation.
   */
  private boolean verifies(String member, String at, String crls) {
    org.hostpki.testkit.ProcessResult verify =
        Tool.OPENSSL.command("verify", "-attime", at, "-crl_check_all", "-CAfile", "cas.pem",
                "-CRLfile", crls, member + "-chain.pem")
            .in(dir).run();
    if (verify.exitCode() != 0) {
      assertThat(verify.output()).as(member).contains("certificate revoked");
    }
    return verify.exitCode() == 0;
  }

  private static byte[] concat(Path first, Path second) throws Exception {
    return (Files.readString(first) + Files.readString(second)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Test
  void testRollbackAcrossTheMove_saysToApplyFirst_revokeRecognisesTheNewCasCertificate() throws Exception {
    caNamed("Fleet CA");
    hostpki(NOW, "apply", "-f", "ca.yaml");
    sign(NOW.plusSeconds(60), "m1");
    sameNameNewKey();
    hostpki(NOW.plus(Duration.ofDays(1)), "apply", "-f", "ca.yaml"); // ca-next made (same name)
    String beforeMove =
        new org.hostpki.store.StoreDirectory(dir.resolve("pki"), Clock.systemUTC()).read().generation().orElseThrow();
    Instant move = NOW.plus(Duration.ofDays(4)).plusSeconds(60);
    hostpki(move, "apply", "-f", "ca.yaml");
    String member = sign(move.plusSeconds(60), "m2");
    hostpki(move.plusSeconds(120), "revoke", "-f", "ca.yaml", "--serial", member);

    CliResult rollback = hostpki(move.plusSeconds(180), "rollback", "-f", "ca.yaml", "--to", beforeMove);
    CliResult revoke =
        Cli.in(dir).clock(Clock.fixed(move.plusSeconds(240), ZoneOffset.UTC)).env(Map.of())
            .run("revoke", "-f", "ca.yaml", "--cert", "m2-chain.pem");

    assertThat(rollback.err())
        .contains(member + "; they count as valid again: they are certificates of the new CA (ca-next.crt in"
            + " that generation), which signs again only after the move: run hostpki apply first (it moves"
            + " to the new CA again), then revoke them again");
    assertThat(revoke.exitCode()).as(revoke.toString()).isNotZero();
    assertThat(revoke.err())
        .contains("was signed by the new CA of the rotation CN=Fleet CA (ca-next.crt), which this store"
            + " does not sign with yet")
        .contains("Run hostpki apply -f " + dir.resolve("ca.yaml") + " first (it moves to the new CA again), then revoke it")
        .doesNotContain("forged");
    hostpki(move.plusSeconds(300), "apply", "-f", "ca.yaml");
    hostpki(move.plusSeconds(360), "revoke", "-f", "ca.yaml", "--cert", "m2-chain.pem");
    assertThat(crl("ca.crl").facts().entry(new BigInteger(member, 16))).isPresent();
  }
}
