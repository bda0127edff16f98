package org.hostpki.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.trust.TrustCertificates.NOW;
import static org.hostpki.trust.TrustCertificates.writePem;

import java.io.IOException;
import java.io.RandomAccessFile;
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
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hostpki.model.KeySpec;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.RevocationList;
import org.hostpki.pki.ServerProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trust.crls} on a member host: the fleet CA's CRL consumed into {@code trust-crls.pem} and
 * {@code trust-hashed/HASH.r0} (as {@code openssl rehash} names it), where {@code openssl verify
 * -crl_check -CApath} refuses the revoked member and accepts the other; a CRL that cannot be
 * trusted (another CA's, not a CRL, a FIFO, too large) refused with its file and line, the store
 * unchanged; an expired one installed as given with a warning; an older one than installed (or
 * one with its number) kept out with a warning; a trusted certificate the CRL lists is a warning.
 */
class TrustCrlsTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final KeySpec EC = new KeySpec.Ec(KeySpec.Curve.P256);
  private static final KeyMaterial FLEET_KEY = KeyMaterial.generate(EC, RANDOM);
  private static final KeyMaterial OTHER_KEY = KeyMaterial.generate(EC, RANDOM);
  private static final KeyMaterial MEMBER_KEY = KeyMaterial.generate(EC, RANDOM);
  private static final CertificateIssuer ISSUER = new CertificateIssuer(RANDOM);
  private static final Certificate FLEET =
      ISSUER.selfSignedCa(Subject.commonName("Fleet CA"), FLEET_KEY, NOW, Duration.ofDays(400));
  private static final Certificate OTHER =
      ISSUER.selfSignedCa(Subject.commonName("Fleet CA"), OTHER_KEY, NOW, Duration.ofDays(400));
  private static final Certificate WEB1 = member("web1.corp.example");
  private static final Certificate WEB2 = member("web2.corp.example");

  @TempDir Path dir;
  private TrustWorkspace ws;

  private static Certificate member(String name) {
    return ISSUER.server(
        new ServerProfile(Subject.empty(), List.of(name), List.of(), Duration.ofDays(90), false),
        MEMBER_KEY, FLEET, FLEET_KEY, NOW);
  }

  private static RevocationList crl(
      Certificate ca, KeyMaterial key, long number, Instant thisUpdate, Certificate... revoked) {
    List<RevokedCertificate> entries =
        Stream.of(revoked)
            .map(c -> new RevokedCertificate(c.facts().serialNumber(), thisUpdate, RevocationReason.KEY_COMPROMISE))
            .toList();
    return RevocationList.issue(
        ca, key, BigInteger.valueOf(number), thisUpdate, thisUpdate.plus(Duration.ofDays(7)), entries, RANDOM);
  }

  private Path write(String name, RevocationList crl) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, crl.pem(), StandardCharsets.US_ASCII);
    return file;
  }

  @BeforeEach
  void setUp() throws IOException {
    ws = new TrustWorkspace(dir.resolve("host"));
    Files.createDirectories(ws.dir);
    writePem(dir.resolve("fleet-ca.crt"), FLEET);
    write("fleet.crl", crl(FLEET, FLEET_KEY, 1, NOW.minus(Duration.ofHours(1)), WEB2));
  }

  private void desired(String crls, String... certificates) throws IOException {
    StringBuilder trusted = new StringBuilder("certificates: [{name: fleet, file: ../fleet-ca.crt}");
    for (String c : certificates) {
      trusted.append(", ").append(c);
    }
    ws.desired("hashedDirectory: true", trusted + "]", "crls: [" + crls + "]");
  }

  private TrustWorkspace.Run applied() {
    TrustWorkspace.Run run = ws.apply();
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run;
  }

  @Test
  void testApply_crlInBundleAndHashedDirectoryWhereOpensslRefusesTheRevokedMemberOnly() throws Exception {
    Commands.assumeAvailable("openssl", "version");
    desired("../fleet.crl");

    applied();

    RevocationList crl = RevocationList.parse(Files.readAllBytes(dir.resolve("fleet.crl")));
    assertThat(ws.readText("trust-crls.pem")).isEqualTo(crl.pem());
    // openssl rehash over the CA and its CRL names them as hostpki does.
    Path rehashed = Files.createDirectories(dir.resolve("rehashed"));
    writePem(rehashed.resolve("fleet-ca.pem"), FLEET);
    Files.copy(dir.resolve("fleet.crl"), rehashed.resolve("fleet.crl"));
    Commands.Result rehash = Commands.run(dir, "openssl", "rehash", rehashed.toString());
    assertThat(rehash.exitCode()).as(rehash.output()).isZero();
    Map<String, String> expected = crlFiles(rehashed);
    assertThat(expected).hasSize(1);
    assertThat(crlFiles(ws.store.resolve("trust-hashed"))).isEqualTo(expected);

    Commands.Result good = verify(WEB1);
    Commands.Result revoked = verify(WEB2);
    assertThat(good.exitCode()).as(good.output()).isZero();
    assertThat(revoked.exitCode()).as(revoked.output()).isNotZero();
    assertThat(revoked.output()).contains("certificate revoked");
    assertThat(ws.plan().out()).as("converged").contains("No changes");
  }

  /** {@code HASH.rN} file name to the CRL's bytes as text. */
  private static Map<String, String> crlFiles(Path directory) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(directory)) {
      for (Path p : list.toList()) {
        if (p.getFileName().toString().matches("[0-9a-f]{8}\\.r[0-9]+")) {
          files.put(p.getFileName().toString(), Files.readString(p).strip());
        }
      }
    }
    return files;
  }

  private Commands.Result verify(Certificate member) throws IOException {
    Path file = writePem(dir.resolve("member-" + member.facts().serialNumber() + ".pem"), member);
    long at = NOW.plus(Duration.ofHours(1)).getEpochSecond();
    return Commands.run(
        dir, "openssl", "verify", "-crl_check", "-attime", Long.toString(at), "-no-CAfile", "-no-CAstore",
        "-CApath", ws.store.resolve("trust-hashed").toString(), file.toString());
  }

  @Test
  void testApply_aNewerCrlReplacesTheOlderAndOfOneCaOnlyTheNewestIsKept() throws Exception {
    Files.createDirectories(dir.resolve("crls.d"));
    Files.copy(dir.resolve("fleet.crl"), dir.resolve("crls.d/a.crl"));
    desired("../crls.d");
    applied();
    RevocationList newer = crl(FLEET, FLEET_KEY, 2, NOW, WEB1, WEB2);
    write("crls.d/b.crl", newer);

    TrustWorkspace.Run plan = ws.plan();
    applied();

    assertThat(plan.out())
        .contains("~ output/trust-hashed ")
        .contains("~ output/trust-crls.pem ")
        .contains("does not hold the CRLs of trust.crls");
    assertThat(ws.readText("trust-crls.pem")).isEqualTo(newer.pem());
    assertThat(crlFiles(ws.store.resolve("trust-hashed")).values()).containsExactly(newer.pem().strip());
  }

  @Test
  void testApply_anOlderCrlOrOneWithTheInstalledNumberDoesNotUndoTheInstalledRevocations() throws Exception {
    RevocationList installed = crl(FLEET, FLEET_KEY, 2, NOW, WEB1, WEB2);
    write("fleet.crl", installed);
    desired("../fleet.crl");
    applied();
    // A stale copy (or a replayed one): number 1, revoking web2 only.
    write("fleet.crl", crl(FLEET, FLEET_KEY, 1, NOW.minus(Duration.ofHours(1)), WEB2));

    TrustWorkspace.Run older = applied();
    TrustWorkspace.Run json = ws.plan("--output", "json");
    write("fleet.crl", crl(FLEET, FLEET_KEY, 2, NOW, WEB2));
    TrustWorkspace.Run sameNumber = applied();
    byte[] keptTwice = ws.read("trust-crls.pem");
    RevocationList newer = crl(FLEET, FLEET_KEY, 3, NOW, WEB2);
    write("fleet.crl", newer);
    applied();

    assertThat(older.out())
        .contains(dir.resolve("fleet.crl") + ": the CRL of CN=Fleet CA (number 1, thisUpdate 2026-11-27 07:00 UTC)"
            + " is older than the one installed (number 2, thisUpdate 2026-11-27 08:00 UTC), "
            + ws.store.resolve("trust-crls.pem") + "; the installed one is kept, so the revocations it lists stay"
            + " in force. Give the CA's current CRL ('hostpki export crl' on the CA host)")
        .doesNotContain("output/trust-crls.pem ");
    assertThat(json.out()).contains("{\"code\":\"crl-older\",\"subject\":\"output/trust-crls.pem\"");
    assertThat(sameNumber.out())
        .contains("(number 2, thisUpdate 2026-11-27 08:00 UTC) is not the one installed but as new (number 2,"
            + " thisUpdate 2026-11-27 08:00 UTC), " + ws.store.resolve("trust-crls.pem") + ": a CA never issues two"
            + " CRLs with one number; the installed one is kept");
    assertThat(keptTwice).asString(StandardCharsets.US_ASCII).isEqualTo(installed.pem());
    assertThat(ws.readText("trust-crls.pem")).as("a newer one replaces it").isEqualTo(newer.pem());
  }

  @Test
  void testApply_crlsGoneRemovesTheFileAndTheHashedCrls() throws Exception {
    desired("../fleet.crl");
    applied();
    desired("");

    TrustWorkspace.Run plan = ws.plan();
    applied();

    assertThat(plan.out()).contains("- output/trust-crls.pem").contains("trust.crls names no CRL");
    assertThat(ws.store.resolve("trust-crls.pem")).doesNotExist();
    assertThat(crlFiles(ws.store.resolve("trust-hashed"))).isEmpty();
  }

  @Test
  void testPlan_crlOfAnotherCaIsRefusedWithItsLineAndNothingChanges() throws Exception {
    desired("../fleet.crl");
    applied();
    byte[] before = ws.read("trust-crls.pem");
    // Same issuer name, another key: only the signature tells them apart.
    write("fleet.crl", crl(OTHER, OTHER_KEY, 5, NOW, WEB1));

    TrustWorkspace.Run apply = ws.apply();

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.err())
        .contains("trust.crls: a CRL cannot be trusted; nothing was changed:")
        .contains("host.yaml:18:10: trust.crls: " + dir.resolve("fleet.crl") + ": the CRL of CN=Fleet CA"
            + " (number 5) is not signed by a trusted certificate");
    assertThat(apply.out()).doesNotContain("trust-crls.pem");
    assertThat(ws.read("trust-crls.pem")).isEqualTo(before);
  }

  @Test
  void testApply_anExpiredCrlIsAWarningAndTheMemberStillRenewsItsServerCertificate() throws Exception {
    desired("../fleet.crl");
    applied();
    byte[] installed = ws.read("trust-crls.pem");
    byte[] serverBefore = ws.read("server.crt");
    ws.clock = Clock.fixed(NOW.plus(Duration.ofDays(5)), ZoneOffset.UTC);
    TrustWorkspace.Run expiring = ws.plan();
    // The CA has not published a new CRL: the one installed is past its nextUpdate.
    ws.clock = Clock.fixed(NOW.plus(Duration.ofDays(7)), ZoneOffset.UTC);

    TrustWorkspace.Run renewed = ws.apply("--replace", "server");
    TrustWorkspace.Run json = ws.plan("--output", "json");
    TrustWorkspace.Run status = ws.status();

    assertThat(expiring.out()).contains("the CRL of CN=Fleet CA (number 1) expires on 2026-12-04 07:00 UTC");
    assertThat(renewed.exitCode()).as(renewed.toString()).isZero();
    String warning = "the CRL of CN=Fleet CA (number 1) expired on 2026-12-04 07:00 UTC (its nextUpdate,"
        + " 1h ago); it is installed all the same";
    assertThat(renewed.out()).contains(warning);
    assertThat(ws.read("server.crt")).as("renewed").isNotEqualTo(serverBefore);
    assertThat(ws.read("trust-crls.pem")).as("the expired CRL stays").isEqualTo(installed);
    assertThat(json.out()).contains("{\"code\":\"crl-expired\",\"subject\":\"output/trust-crls.pem\"");
    assertThat(status.out()).contains("warning: ").contains(warning);
  }

  @Test
  void testApply_anExpiredCrlIsInstalledAsGivenAndOpensslRefusesItsCasCertificates() throws Exception {
    Commands.assumeAvailable("openssl", "version");
    desired("../fleet.crl");
    Instant later = NOW.plus(Duration.ofDays(8));
    ws.clock = Clock.fixed(later, ZoneOffset.UTC);

    TrustWorkspace.Run apply = ws.apply();

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("expired on 2026-12-04 07:00 UTC");
    RevocationList crl = RevocationList.parse(Files.readAllBytes(dir.resolve("fleet.crl")));
    assertThat(ws.readText("trust-crls.pem")).isEqualTo(crl.pem());
    Path file = writePem(dir.resolve("web1.pem"), WEB1);
    Commands.Result verify = Commands.run(
        dir, "openssl", "verify", "-crl_check", "-attime", Long.toString(later.getEpochSecond()),
        "-no-CAfile", "-no-CAstore", "-CApath", ws.store.resolve("trust-hashed").toString(), file.toString());
    assertThat(verify.exitCode()).as(verify.output()).isNotZero();
    assertThat(verify.output()).contains("CRL has expired");
  }

  @Test
  void testPlan_whatIsNoCrlIsAnErrorNamingTheLineAndTheFile() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.crl"), "not a crl\n");
    Path fifo = dir.resolve("fifo.crl");
    Commands.Result mkfifo = Commands.run(dir, "mkfifo", fifo.toString());
    assertThat(mkfifo.exitCode()).as(mkfifo.output()).isZero();
    Path huge = dir.resolve("huge.crl");
    try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
      file.setLength(65L << 20); // sparse: no disk, one byte over nothing read
    }
    Map<Path, String> expected =
        Map.of(
            garbage, ": not a usable CRL: the file is neither a PEM CRL (-----BEGIN X509 CRL-----) nor DER",
            fifo, " is a FIFO (named pipe), not a regular file; point at a CRL file",
            huge, " is 68157440 bytes, over the 64 MiB limit for a CRL file; point at a CRL file",
            dir.resolve("fleet-ca.crt"), ": not a usable CRL: block 1 (CERTIFICATE, line 1) is a CERTIFICATE, not an X509 CRL");
    for (Map.Entry<Path, String> e : expected.entrySet()) {
      desired(e.getKey().toString());

      TrustWorkspace.Run plan = ws.plan();

      assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
      assertThat(plan.err()).contains("host.yaml:18:10: trust.crls: " + e.getKey() + e.getValue());
    }
    assertThat(ws.store).doesNotExist();
  }

  @Test
  void testPlan_aTrustedCertificateTheCrlRevokesIsAWarning() throws Exception {
    writePem(dir.resolve("web2.crt"), WEB2);
    writePem(dir.resolve("web1.crt"), WEB1);
    desired("../fleet.crl", "{name: web1, file: ../web1.crt}", "{name: web2, file: ../web2.crt}");

    TrustWorkspace.Run plan = ws.plan("--output", "json");

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out())
        .contains("\"trust-revoked\"")
        .contains("trusted certificate 'web2' (serial " + org.hostpki.model.CertificateFacts.serialHex(WEB2.facts().serialNumber())
            + ") is revoked (keyCompromise, on 2026-11-27 07:00 UTC) by the CRL of CN=Fleet CA (number 1)")
        .doesNotContain("trusted certificate 'web1'");
  }
}
