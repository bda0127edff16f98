package org.hostpki.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.ops.Ansible;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.pki.RevocationList;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The fleet playbook's CA play on a CA host past a rotation's move (the previous CA still
 * trusted, its last CRL ca-previous.crl listing a member revoked during the overlap). Found in a
 * trial: the revoke loop failed the CA host's play on every run from the move on (hostpki revoke
 * refuses a certificate of the previous CA, whose key is gone), and the members trusted only
 * ca.crt, so the previous CA's CRL in their trust.crls was "not signed by a trusted certificate"
 * and every member's apply failed; and the first fix skipped every listed serial (status JSON has
 * revoked: null for one no CRL lists), so a member of the new CA was never revoked.
 */
class FleetPlaybookRotationIT {
  /** The CA host's desired state (the store, the CA's name), in flow style. */
  private static final String CA_YAML = "{apiVersion: hostpki/v1, store: {path: %s}, host: {detect: false,"
      + " hostname: ca1, domain: fleet.test, addresses: [192.0.2.1]}, ca: {subject: {commonName: %s},"
      + " rotation: {overlap: 3d}, policy: {allowedDomains: [\"*.fleet.test\"], maxValidity: 60d}}}\n";
  /** When the CA was made: five days ago, so that the playbook's run at the real time is after the move. */
  private final Instant start = Instant.now().minus(Duration.ofDays(5));

  @TempDir Path dir;

  /** hostpki in this JVM at {@code after} past {@link #start}; it must succeed. */
  private void hostpki(Duration after, String... args) {
    CliResult result = Cli.in(dir).env(Map.of()).clock(Clock.fixed(start.plus(after), ZoneOffset.UTC)).run(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
  }

  @Test
  void testAfterTheMove_theCaPlayPasses_andHandsTheMembersBothCas() throws Exception {
    Tool.ANSIBLE_PLAYBOOK.require();
    Cli.builtJar();
    Path ca = dir.resolve("ca1");
    Files.createDirectories(ca);
    Path yaml = ca.resolve("host.yaml");
    Files.writeString(yaml, CA_YAML.formatted(ca.resolve("pki"), "Fleet CA"));
    hostpki(Duration.ZERO, "apply", "-f", yaml.toString());
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
    Files.write(dir.resolve("m1.csr"),
        CertificationRequest.create(Subject.empty(), List.of("m1.fleet.test"), List.of(), false, key, new SecureRandom()));
    hostpki(Duration.ofMinutes(1), "sign", "-f", yaml.toString(), "--csr", "m1.csr", "-o", "m1-chain.pem");
    String serial = Files.list(ca.resolve("pki/issued")).map(p -> p.getFileName().toString())
        .filter(n -> n.endsWith(".crt")).findFirst().orElseThrow().replace(".crt", "");
    Files.writeString(yaml, CA_YAML.formatted(ca.resolve("pki"), "Fleet CA 2"));
    hostpki(Duration.ofHours(1), "apply", "-f", yaml.toString()); // ca-next made
    hostpki(Duration.ofHours(2), "revoke", "-f", yaml.toString(), "--serial", serial,
        "--reason", "keyCompromise"); // during the overlap: the old CA signs it
    hostpki(Duration.ofHours(74), "apply", "-f", yaml.toString()); // the move
    assertThat(ca.resolve("pki/ca-previous.crl")).isRegularFile();
    // A member of the new CA, lost after the move: the playbook revokes it on the new CA's ca.crl.
    // Its own key: m1's was revoked for keyCompromise, and sign refuses it whatever CA is current.
    KeyMaterial m2Key = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
    Files.write(dir.resolve("m2.csr"),
        CertificationRequest.create(Subject.empty(), List.of("m2.fleet.test"), List.of(), false, m2Key, new SecureRandom()));
    hostpki(Duration.ofHours(75), "sign", "-f", yaml.toString(), "--csr", "m2.csr",
        "-o", "m2-chain.pem");
    String newSerial = CertificateFacts.serialHex(
        Pem.readCertificates(Files.readAllBytes(dir.resolve("m2-chain.pem"))).get(0).facts().serialNumber());

    Files.writeString(dir.resolve("inventory.ini"), String.join("\n",
        "[ca]", "ca1", "[members]", "[all:vars]", "ansible_connection=local",
        "ansible_python_interpreter={{ ansible_playbook_python }}", ""));
    Files.writeString(dir.resolve("play.yml"), String.join("\n",
        "- import_playbook: " + Cli.projectDir().resolve("ansible/playbooks/fleet.yml"),
        "- hosts: ca1",
        "  gather_facts: false",
        "  tasks:",
        "    - ansible.builtin.debug: {msg: \"{{ fleet_ca_pem.count('BEGIN CERTIFICATE') }}"
            + " {{ fleet_ca_crl_pem.count('BEGIN X509 CRL') }}\"}",
        ""));
    Files.writeString(dir.resolve("extra.yml"), String.join("\n",
        "hostpki_dir: " + ca,
        "hostpki_host: {detect: false, hostname: ca1, domain: fleet.test, addresses: [192.0.2.1]}",
        "hostpki_ca_subject: {commonName: Fleet CA 2}",
        "hostpki_ca_policy: {allowedDomains: [\"*.fleet.test\"], maxValidity: 60d}",
        "hostpki_ca_extra: {ca: {rotation: {overlap: 3d}}}",
        "hostpki_fleet_names: {}",
        "hostpki_revoked: [{serial: " + serial + ", reason: keyCompromise}, {serial: " + newSerial + "}]",
        ""));
    Ansible ansible = new Ansible(dir, 1);

    JsonNode run = ansible.playbook(dir.resolve("play.yml").toString(), "-e", "@extra.yml");

    assertThat(Ansible.stats(run, "ca1").path("failures").asInt()).as(run.toString()).isZero();
    JsonNode last = null;
    for (JsonNode play : run.path("plays")) {
      for (JsonNode task : play.path("tasks")) {
        if (task.path("hosts").path("ca1").has("msg")) {
          last = task.path("hosts").path("ca1");
        }
      }
    }
    assertThat(last).isNotNull();
    assertThat(last.path("msg").asString())
        .as("the members get the new CA and the previous one, and both CRLs: %s", run)
        .isEqualTo("2 2");
    assertThat(RevocationList.parse(Files.readAllBytes(ca.resolve("pki/ca.crl"))).facts().revoked())
        .as("the new CA's member is revoked: %s", run)
        .singleElement()
        .satisfies(e -> assertThat(CertificateFacts.serialHex(e.serial())).isEqualTo(newSerial));
  }
}
