package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.hostpki.model.CertificateFacts;
import org.hostpki.pki.Pem;
import org.hostpki.store.StoreDirectory;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key revoked for keyCompromise is refused by every later {@code sign}, whatever CA is current:
 * after {@code apply --replace ca} and a rollback to before the revocation too (found by
 * tupgrade15: the member's original request got a new certificate for the leaked key under the
 * new CA). Requests made by openssl, as members make them.
 */
class CompromisedKeySignTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  private static final String CA_YAML = RevokeCommandTest.CA_YAML;

  @TempDir Path dir;
  private String serial;

  @BeforeEach
  void signOne() throws Exception {
    Tool.OPENSSL.require();
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML);
    assertThat(hostpki(NOW, "apply", "-f", "ca.yaml").exitCode()).isZero();
    request("m1");
    CliResult sign = hostpki(NOW.plusSeconds(10), "sign", "-f", "ca.yaml", "--csr", "m1.csr", "-o", "m1-chain.pem");
    assertThat(sign.exitCode()).as(sign.toString()).isZero();
    serial = CertificateFacts.serialHex(
        Pem.readCertificates(Files.readAllBytes(dir.resolve("m1-chain.pem"))).get(0).facts().serialNumber());
  }

  private void request(String name) {
    Tool.OPENSSL.command("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name + ".fleet.test",
            "-addext", "subjectAltName=DNS:" + name + ".fleet.test")
        .in(dir).run().assertSucceeded();
  }

  private CliResult hostpki(Instant at, String... args) {
    return Cli.in(dir).clock(Clock.fixed(at, ZoneOffset.UTC)).env(Map.of()).run(args);
  }

  private String generation() {
    return new StoreDirectory(dir.resolve("pki"), Clock.systemUTC()).read().generation().orElseThrow();
  }

  private void revoke(String reason) {
    CliResult revoke = hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", reason);
    assertThat(revoke.exitCode()).as(revoke.toString()).isZero();
  }

  private void assertRefusedWithNothingWritten(Instant at) {
    String generation = generation();
    CliResult again = hostpki(at, "sign", "-f", "ca.yaml", "--csr", "m1.csr");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
    assertThat(again.err()).as(again.toString())
        .startsWith("error: refused: the request's key is the key of certificate " + serial + " (CN=m1.fleet.test),"
            + " revoked for keyCompromise on 2026-11-27 08:01 UTC")
        .contains("is refused by every later sign, whatever CA signs")
        .contains("make a new key on the host and a new request for it")
        .doesNotContain("Exception");
    assertThat(generation()).isEqualTo(generation);
  }

  @Test
  void testSign_aKeyRevokedForKeyCompromiseIsRefusedAfterTheCaIsReplaced() {
    revoke("keyCompromise");
    assertThat(hostpki(NOW.plusSeconds(120), "apply", "-f", "ca.yaml", "--replace", "ca").exitCode()).isZero();

    assertRefusedWithNothingWritten(NOW.plusSeconds(180));
    CliResult again = hostpki(NOW.plusSeconds(180), "sign", "-f", "ca.yaml", "--csr", "m1.csr");
    assertThat(again.err()).contains("by a CA this store signs with no more (key id ");

    request("m1new"); // the member's new key is signed
    assertThat(hostpki(NOW.plusSeconds(240), "sign", "-f", "ca.yaml", "--csr", "m1new.csr").exitCode()).isZero();
  }

  @Test
  void testSign_aKeyRevokedForKeyCompromiseIsRefusedAfterARollbackToBeforeTheRevocation() {
    String beforeRevoke = generation();
    revoke("keyCompromise");
    CliResult rollback = hostpki(NOW.plusSeconds(120), "rollback", "-f", "ca.yaml", "--to", beforeRevoke);
    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();

    assertRefusedWithNothingWritten(NOW.plusSeconds(180));
  }

  /**
   * A revocation made by a build before the record of compromised keys: its key is recovered from
   * {@code issued/} after the CA left, and recorded; {@code .crl/revoked} keeps its four fields,
   * which builds before this one read.
   */
  @Test
  void testSign_aRevocationRecordedBeforeTheKeyRecordIsFoundAndRecorded() throws Exception {
    revoke("keyCompromise");
    Path keys = dir.resolve("pki/.crl/compromised-keys");
    assertThat(Files.readString(keys)).matches("[0-9a-f]{64} [0-9a-f]+ " + serial.toLowerCase().replaceFirst("^0+", "")
        + " [0-9]+\n");
    Files.delete(keys); // as such a build left its store
    assertThat(hostpki(NOW.plusSeconds(120), "apply", "-f", "ca.yaml", "--replace", "ca").exitCode()).isZero();

    assertRefusedWithNothingWritten(NOW.plusSeconds(180));
    assertThat(Files.readString(keys)).contains(" " + serial.toLowerCase().replaceFirst("^0+", "") + " ");
    assertThat(Files.readAllLines(dir.resolve("pki/.crl/revoked"))).allSatisfy(l -> assertThat(l.split(" ")).hasSize(4));
  }

  /** RFC 5280 5.3.1: only keyCompromise says the key leaked; a superseded certificate's key may ask again. */
  @Test
  void testSign_aKeyRevokedAsSupersededIsSignedAgainUnderTheNewCa() {
    revoke("superseded");
    assertThat(hostpki(NOW.plusSeconds(120), "apply", "-f", "ca.yaml", "--replace", "ca").exitCode()).isZero();

    CliResult again = hostpki(NOW.plusSeconds(180), "sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(dir.resolve("pki/.crl/compromised-keys")).doesNotExist();
  }

  /**
   * A request refused by ca.policy whose key is also a compromised one says both (ffleet17: only
   * the policy was named, and an operator who widened it met the key's refusal next).
   */
  @Test
  void testSign_aRefusalByPolicyAlsoSaysTheKeyIsCompromised() {
    revoke("keyCompromise");
    Tool.OPENSSL.command("req", "-new", "-key", "m1.key", "-out", "m1other.csr", "-subj", "/CN=m1.other.test",
            "-addext", "subjectAltName=DNS:m1.other.test")
        .in(dir).run().assertSucceeded();
    String generation = generation();

    CliResult again = hostpki(NOW.plusSeconds(120), "sign", "-f", "ca.yaml", "--csr", "m1other.csr");

    assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
    assertThat(again.err()).as(again.toString())
        .startsWith("error: refused: dNSName m1.other.test is outside ca.policy.allowedDomains")
        .contains("the request's key is also refused: the key of certificate " + serial + " (CN=m1.fleet.test),"
            + " revoked for keyCompromise on 2026-11-27 08:01 UTC; a new request needs a new key too")
        .doesNotContain("Exception");
    assertThat(generation()).isEqualTo(generation);
  }

  /**
   * A keyCompromise revoke names the key's other certificates that nothing ends yet, not one of a
   * CA gone that that CA revoked before it left (ffleet17: the same-key note named it as one that
   * "clients that trust that CA accept until it expires", though .crl/revoked lists it).
   */
  @Test
  void testRevoke_theKeysCertificateThatItsGoneCaRevokedIsNotNamedAgain() throws Exception {
    revoke("superseded");
    String first = serial;
    assertThat(hostpki(NOW.plusSeconds(120), "apply", "-f", "ca.yaml", "--replace", "ca").exitCode()).isZero();
    CliResult sign = hostpki(NOW.plusSeconds(180), "sign", "-f", "ca.yaml", "--csr", "m1.csr", "-o", "m1-chain.pem");
    assertThat(sign.exitCode()).as(sign.toString()).isZero();
    serial = CertificateFacts.serialHex(
        Pem.readCertificates(Files.readAllBytes(dir.resolve("m1-chain.pem"))).get(0).facts().serialNumber());
    assertThat(serial).isNotEqualTo(first);

    CliResult revoke =
        hostpki(NOW.plusSeconds(240), "revoke", "-f", "ca.yaml", "--serial", serial, "--reason", "keyCompromise");

    assertThat(revoke.exitCode()).as(revoke.toString()).isZero();
    assertThat(revoke.toString()).doesNotContain(first).doesNotContain("has the same key");
  }
}
