package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.hostpki.store.StoreDirectory;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The revocation record ({@code .crl/revoked}) follows a rollback: a revocation the generation made
 * current does not list is valid again, so a later {@code revoke} of it after its CA left must not
 * answer "already revoked" (exit 0) from the record or the CRL of the generation rolled back from
 * (found in session 15); the key of one revoked for keyCompromise stays refused by {@code sign}.
 */
class RollbackRevocationRecordTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");

  @TempDir Path dir;
  private String beforeRevoke;

  @BeforeEach
  void signAndRevoke() throws Exception {
    Tool.OPENSSL.require();
    Files.writeString(dir.resolve("ca.yaml"), RevokeCommandTest.CA_YAML);
    assertThat(hostpki(NOW, "apply", "-f", "ca.yaml").exitCode()).isZero();
    Tool.OPENSSL.command("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "m1.key", "-out", "m1.csr", "-subj", "/CN=m1.fleet.test", "-addext", "subjectAltName=DNS:m1.fleet.test")
        .in(dir).run().assertSucceeded();
    CliResult sign = hostpki(NOW.plusSeconds(10), "sign", "-f", "ca.yaml", "--csr", "m1.csr", "-o", "m1.pem");
    assertThat(sign.exitCode()).as(sign.toString()).isZero();
    beforeRevoke = generation();
    CliResult revoke = hostpki(NOW.plusSeconds(60), "revoke", "-f", "ca.yaml", "--cert", "m1.pem", "--reason", "keyCompromise");
    assertThat(revoke.exitCode()).as(revoke.toString()).isZero();
  }

  private CliResult hostpki(Instant at, String... args) {
    return Cli.in(dir).clock(Clock.fixed(at, ZoneOffset.UTC)).env(Map.of()).run(args);
  }

  private String generation() {
    return new StoreDirectory(dir.resolve("pki"), Clock.systemUTC()).read().generation().orElseThrow();
  }

  private CliResult rollback(Instant at, String to) {
    CliResult rollback = hostpki(at, "rollback", "-f", "ca.yaml", "--to", to);
    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    return rollback;
  }

  @Test
  void testRollback_aRevocationItUndoesIsNotAlreadyRevokedOnceItsCaLeft() throws Exception {
    Files.delete(dir.resolve("pki/.crl/compromised-keys")); // as a crash or a build before it left it

    CliResult rollback = rollback(NOW.plusSeconds(120), beforeRevoke);

    assertThat(rollback.err()).contains(
        "stays refused by sign (" + dir.resolve("pki/.crl/compromised-keys") + "): the rollback made the"
            + " certificate valid again, not its key safe");
    assertThat(Files.readString(dir.resolve("pki/.crl/revoked"))).endsWith(" undone\n");
    assertThat(hostpki(NOW.plusSeconds(180), "apply", "-f", "ca.yaml", "--replace", "ca").exitCode()).isZero();
    CliResult again = hostpki(NOW.plusSeconds(240), "revoke", "-f", "ca.yaml", "--cert", "m1.pem");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
    assertThat(again.err()).as(again.toString()).contains("and it was never revoked").doesNotContain("already");
    CliResult sign = hostpki(NOW.plusSeconds(300), "sign", "-f", "ca.yaml", "--csr", "m1.csr");
    assertThat(sign.exitCode()).as(sign.toString()).isEqualTo(1);
    assertThat(sign.err()).startsWith("error: refused: the request's key is the key of certificate ");
  }

  /**
   * thostile16: a revocation record that cannot be read (a FIFO, by hand) when the rollback looks
   * at it: the rollback went ahead and said nothing, and the record, readable again, still said
   * "revoked" for what the rollback made valid again. It says so now, with what to do.
   */
  @Test
  void testRollback_aRecordItCannotReadIsSaid() throws Exception {
    Path record = dir.resolve("pki/.crl/revoked");
    Files.delete(record);
    assertThat(new ProcessBuilder("mkfifo", record.toString()).inheritIO().start().waitFor()).isZero();

    CliResult rollback = rollback(NOW.plusSeconds(120), beforeRevoke);

    assertThat(rollback.err()).contains("cannot read the revocation record " + record)
        .contains("so the record was not changed: a revocation this rollback made valid again may still be"
            + " recorded as revoked there");
  }

  @Test
  void testRollback_forwardAgainRestoresTheRevocation() {
    String revoked = generation();
    rollback(NOW.plusSeconds(120), beforeRevoke);

    rollback(NOW.plusSeconds(150), revoked);

    assertThat(hostpki(NOW.plusSeconds(180), "apply", "-f", "ca.yaml", "--replace", "ca").exitCode()).isZero();
    CliResult again = hostpki(NOW.plusSeconds(240), "revoke", "-f", "ca.yaml", "--cert", "m1.pem");
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out() + again.err()).contains("which had revoked it");
  }
}
