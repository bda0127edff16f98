package org.hostpki.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.trust.TrustCertificates.root;
import static org.hostpki.trust.TrustCertificates.writePem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Adding, replacing, deleting and pruning trusted certificates through the real CLI. */
class TrustLifecycleTest {
  @TempDir Path dir;
  private TrustWorkspace ws;
  private final Certificate ldap = root("Example LDAP CA");
  private final Certificate partner = root("Example Partner Root");

  @BeforeEach
  void setUp() throws IOException {
    ws = new TrustWorkspace(dir);
    writePem(dir.resolve("trusted/ldap.pem"), ldap);
    writePem(dir.resolve("trusted.d/partner.pem"), partner);
  }

  private void declareBoth(boolean prune) throws IOException {
    ws.desired(
        "prune: " + prune,
        "certificates:",
        "  - {name: ldap, file: trusted/ldap.pem}",
        "directories: [trusted.d]");
  }

  private void declarePartnerOnly(boolean prune) throws IOException {
    ws.desired("prune: " + prune, "directories: [trusted.d]");
  }

  private TrustWorkspace.Run applied() {
    TrustWorkspace.Run run = ws.apply();
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run;
  }

  private static String pem(Certificate... certificates) {
    return Pem.certificates(List.of(certificates));
  }

  @Test
  void testApply_declaredCertificatesAreCreatedAsTrustFiles() throws IOException {
    declareBoth(true);

    TrustWorkspace.Run run = applied();

    assertThat(run.out()).contains("+ trust/ldap", "+ trust/partner", "Example LDAP CA");
    assertThat(ws.readText("trust/ldap.crt")).isEqualTo(ldap.pem());
    assertThat(ws.readText("trust/partner.crt")).isEqualTo(partner.pem());
  }

  @Test
  void testApply_secondApplyChangesNothing() throws IOException {
    declareBoth(true);
    applied();

    TrustWorkspace.Run second = applied();

    assertThat(second.out()).contains("No changes");
    assertThat(ws.plan("--detailed-exitcode").exitCode()).isZero();
  }

  @Test
  void testApply_changedCertificateFileReplacesThatEntryOnly() throws IOException {
    declareBoth(true);
    applied();
    Certificate renewed = root("Example LDAP CA");
    writePem(dir.resolve("trusted/ldap.pem"), renewed);

    TrustWorkspace.Run run = applied();

    assertThat(run.out()).contains("~ trust/ldap", "replace", "certificate changed");
    assertThat(run.out()).doesNotContain("trust/partner ");
    assertThat(run.out()).contains("Plan: 0 to create, 1 to replace");
    assertThat(ws.readText("trust/ldap.crt")).isEqualTo(renewed.pem());
    assertThat(ws.readText("trust-bundle.crt")).contains(renewed.pem()).doesNotContain(ldap.pem());
  }

  @Test
  void testApply_undeclaredCertificateIsDeletedWithPrune() throws IOException {
    declareBoth(true);
    applied();
    declarePartnerOnly(true);

    TrustWorkspace.Run run = applied();

    assertThat(run.out()).contains("- trust/ldap", "no longer declared");
    assertThat(ws.store.resolve("trust/ldap.crt")).doesNotExist();
    assertThat(ws.readText("trust-bundle.crt")).doesNotContain(ldap.pem()).contains(partner.pem());
  }

  @Test
  void testApply_undeclaredCertificateStaysTrustedWithPruneOff() throws IOException {
    declareBoth(false);
    applied();
    declarePartnerOnly(false);

    TrustWorkspace.Run run = applied();

    assertThat(run.out()).contains("No changes");
    assertThat(ws.readText("trust/ldap.crt")).isEqualTo(ldap.pem());
    assertThat(ws.readText("trust-bundle.crt")).contains(ldap.pem(), partner.pem());
  }

  @Test
  void testStatus_textListsUnmanagedEntriesWithPruneOff() throws IOException {
    declareBoth(false);
    applied();
    declarePartnerOnly(false);

    TrustWorkspace.Run status = ws.status();

    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("Trust    2 trusted certificate(s), unmanaged (kept, prune is off): ldap\n")
        .contains("Drift    none");
  }

  @Test
  void testStatus_jsonMarksUnmanagedEntries() throws IOException {
    declareBoth(false);
    applied();
    declarePartnerOnly(false);

    TrustWorkspace.Run status = ws.status("--output", "json");

    assertThat(status.exitCode()).as(status.toString()).isZero();
    JsonNode trusted = JsonMapper.shared().readTree(status.out()).get("trusted");
    assertThat(trusted.values()).extracting(t -> t.get("name").asString()).containsExactly("ldap", "partner");
    assertThat(trusted.get(0).get("managed").asBoolean()).isFalse();
    assertThat(trusted.get(1).get("managed").asBoolean()).isTrue();
    assertThat(trusted.get(0).get("sha256").asString()).isEqualTo(ldap.fingerprint().hex());
  }

  @Test
  void testStatus_withPruneTheUndeclaredEntryIsPendingDeletion() throws IOException {
    declareBoth(true);
    applied();
    declarePartnerOnly(true);

    TrustWorkspace.Run status = ws.status();

    assertThat(status.out()).contains("trust/ldap: no longer declared");
  }

  @Test
  void testApply_bundleIsTheCaThenTheCertificatesByName() throws IOException {
    Certificate alpha = root("Alpha Root");
    Certificate zulu = root("Zulu Root");
    writePem(dir.resolve("trusted.d/zulu.pem"), zulu);
    writePem(dir.resolve("trusted/alpha.pem"), alpha);
    // Declared out of name order on purpose.
    ws.desired(
        "certificates:",
        "  - {name: ldap, file: trusted/ldap.pem}",
        "  - {name: alpha, file: trusted/alpha.pem}",
        "directories: [trusted.d]");

    applied();

    assertThat(ws.readText("trust-bundle.crt"))
        .isEqualTo(ws.readText("ca.crt") + pem(alpha, ldap, partner, zulu));
  }

  @Test
  void testApply_bundleIsByteIdenticalAfterAnEntryComesAndGoes() throws IOException {
    declareBoth(true);
    applied();
    byte[] before = ws.read("trust-bundle.crt");
    writePem(dir.resolve("trusted.d/interim.pem"), root("Interim Root"));
    applied();
    assertThat(ws.read("trust-bundle.crt")).isNotEqualTo(before);
    Files.delete(dir.resolve("trusted.d/interim.pem"));

    applied();

    assertThat(ws.read("trust-bundle.crt")).isEqualTo(before);
  }

  @Test
  void testApply_trustStoreExampleConvergesAndAppliesOnceOnly() throws IOException {
    Path examples = Path.of(System.getProperty("hostpki.projectDir", ".")).resolve("examples");
    TrustWorkspace example = new TrustWorkspace(dir.resolve("example"));
    copyTree(examples.resolve("trusted"), example.dir.resolve("trusted"));
    copyTree(examples.resolve("trusted.d"), example.dir.resolve("trusted.d"));
    Files.copy(examples.resolve("trust-store.yaml"), example.dir.resolve("host.yaml"));

    TrustWorkspace.Run first = example.apply();
    TrustWorkspace.Run second = example.apply();

    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out())
        .contains("+ trust/ldap", "+ trust/switch-mgmt", "+ trust/partner-root", "+ output/trust-hashed");
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.out()).contains("No changes");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
