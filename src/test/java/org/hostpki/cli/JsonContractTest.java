package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.hostpki.json.OutputSchemas;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificationRequest;

import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.TestCa;

/**
 * The machine-readable contract: what every command prints with {@code --output json}, run for
 * real on a temporary folder, checked against its schema in {@code schema/} — the forms (one
 * compact line, snake_case names, lower-case hex fingerprints, RFC 3339 UTC timestamps, arrays
 * for lists, typed plan attributes) and the error document of a failed command.
 */
class JsonContractTest {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "pw");
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final TestCa EXTERNAL = TestCa.create(T0);

  @TempDir Path dir;
  private Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(dir.resolve("trusted"));
    Files.writeString(dir.resolve("trusted/ldap.pem"), EXTERNAL.root().pem());
    desired("192.0.2.10");
  }

  private void desired(String address) throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        String.join(
            "\n",
            "apiVersion: hostpki/v1",
            "store: {path: pki, password: {env: HOSTPKI_PASSWORD}}",
            "host: {detect: false, hostname: portal, domain: example.com, addresses: [" + address + "]}",
            "ca:",
            "  subject: {commonName: Example Portal CA}",
            "  policy: {allowedDomains: [\"*.fleet.test\"], allowedNetworks: [192.0.2.0/24]}",
            "server: {dnsNames: [portal.example.com]}",
            "trust: {certificates: [{name: ldap, file: trusted/ldap.pem}]}",
            ""));
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(clock).env(ENV).run(args);
  }

  /** Runs a command with {@code --output json}, checks its exit code and its document. */
  private JsonNode json(int exitCode, String schema, String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.add("--output");
    line.add("json");
    CliResult run = hostpki(line.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
    JsonNode document = OutputSchemas.valid(schema, run.out());
    assertSnakeCase(document, "");
    return document;
  }

  private static void assertSnakeCase(JsonNode node, String path) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        assertThat(e.getKey()).as(path).matches("[a-z][a-z0-9_]*");
        assertSnakeCase(e.getValue(), path + "." + e.getKey());
      }
    } else if (node.isArray()) {
      for (Iterator<JsonNode> i = node.iterator(); i.hasNext(); ) {
        assertSnakeCase(i.next(), path + "[]");
      }
    }
  }

  private void later(Duration by) {
    clock = Clock.fixed(clock.instant().plus(by), ZoneOffset.UTC);
  }

  private static String fingerprintOf(Path pem) throws Exception {
    return Pem.readCertificates(Files.readAllBytes(pem)).get(0).fingerprint().hex();
  }

  @Test
  void testPlan_attributesHaveTypesAndTheSavedPlanIsTheSameDocument() throws Exception {
    JsonNode plan = json(0, "plan.schema.json", "plan", "-f", "host.yaml");

    JsonNode server = change(plan, "server");
    assertThat(server.get("after").get("dns_names").isArray()).isTrue();
    assertThat(server.get("after").get("dns_names").toString()).isEqualTo("[\"portal.example.com\",\"portal\"]");
    assertThat(server.get("after").get("ip_addresses").toString()).isEqualTo("[\"192.0.2.10\"]");
    assertThat(server.get("after").get("validity").asString()).isEqualTo("P398D");
    assertThat(server.get("after").get("new_key").asBoolean()).isTrue();
    assertThat(change(plan, "trust/ldap").get("after").get("not_after").asString())
        .isEqualTo(EXTERNAL.root().facts().notAfter().toString());
    assertThat(change(plan, "trust/ldap").get("after").get("sha256").asString())
        .isEqualTo(EXTERNAL.root().fingerprint().hex());

    CliResult saved = hostpki("plan", "-f", "host.yaml", "--out", "plan.json");
    assertThat(saved.exitCode()).as(saved.toString()).isZero();
    JsonNode file = OutputSchemas.valid("plan.schema.json", Files.readString(dir.resolve("plan.json")));
    assertThat(file.get("format_version").asString()).isEqualTo("2");
    assertThat(file.get("written_by").asString()).startsWith("hostpki ").contains(", commit ");
    assertThat(plan.has("written_by")).isFalse();
    assertThat(file.get("changes")).isEqualTo(plan.get("changes"));
  }

  private static JsonNode change(JsonNode plan, String address) {
    for (JsonNode c : plan.get("changes")) {
      if (c.get("address").asString().equals(address)) {
        return c;
      }
    }
    throw new AssertionError("no change of " + address + " in " + plan);
  }

  @Test
  void testApply_checkThenApplyThenStatusAndHistory() throws Exception {
    JsonNode check = json(2, "apply.schema.json", "apply", "-f", "host.yaml", "--check");
    assertThat(check.get("check").asBoolean()).isTrue();
    assertThat(check.get("changed").asBoolean()).as("an apply would change the store").isTrue();
    assertThat(check.get("generation").isNull()).isTrue();
    assertThat(check.get("status").get("server").isNull()).as("check mode: the store as it is, empty").isTrue();

    JsonNode apply = json(0, "apply.schema.json", "apply", "-f", "host.yaml");
    assertThat(apply.get("changed").asBoolean()).isTrue();
    assertThat(apply.get("generation").asString()).isEqualTo("..2026_11_27_08_00_00.000000000");

    JsonNode status = json(0, "status.schema.json", "status", "-f", "host.yaml");
    JsonNode server = status.get("server");
    assertThat(server.get("file").asString()).isEqualTo(dir.resolve("pki/server.crt").toString());
    assertThat(server.get("sha256").asString()).isEqualTo(fingerprintOf(dir.resolve("pki/server.crt")));
    assertThat(server.get("dns_names").toString()).isEqualTo("[\"portal.example.com\",\"portal\"]");
    assertThat(Instant.parse(server.get("not_after").asString())).isAfter(T0.plus(Duration.ofDays(397)));
    assertThat(server.get("key").get("description").asString()).isEqualTo("EC P-256");
    assertThat(status.get("host").get("fqdn").asString()).isEqualTo("portal.example.com");
    assertThat(status.get("host").get("addresses").toString()).isEqualTo("[\"192.0.2.10\"]");
    assertThat(status.get("files").findValuesAsString("name")).contains("ca.crt", "server.key", "server.p12", "truststore.p12");
    assertThat(status.get("trusted").get(0).get("name").asString()).isEqualTo("ldap");
    assertThat(status.get("trusted").get(0).get("sha256").asString()).isEqualTo(EXTERNAL.root().fingerprint().hex());
    // The Ansible module returned these from a second Java (hostpki status) after every apply: the
    // apply prints them of the store it leaves.
    for (String member : List.of("store", "files", "ca", "server", "trusted")) {
      assertThat(apply.get("status").get(member)).as(member).isEqualTo(status.get(member));
    }

    JsonNode history = json(0, "history.schema.json", "history", "-f", "host.yaml");
    JsonNode first = history.get("generations").get(0);
    assertThat(first.get("current").asBoolean()).isTrue();
    assertThat(first.get("time").asString()).isEqualTo("2026-11-27T08:00:00Z");
    assertThat(first.get("server_sha256").asString()).isEqualTo(server.get("sha256").asString());
    assertThat(first.get("changes").findValuesAsString("address")).contains("ca", "server", "trust/ldap");
  }

  /**
   * A trusted certificate with a negative serial (a hostile or old CA's -12345) is listed by
   * status as openssl x509 -serial prints it, -3039, and the document matches status.schema.json:
   * the serial's pattern allowed upper-case hex only.
   */
  @Test
  void testStatus_ofATrustedCertificateWithANegativeSerialMatchesTheSchema() throws Exception {
    Certificate negative = org.hostpki.testkit.CertificateBuilder.certificate("Negative Serial CA")
        .selfSigned(org.hostpki.testkit.TestKeys.ec())
        .ca(null)
        .serial(-12345)
        .validity(T0.minus(Duration.ofDays(1)), T0.plus(Duration.ofDays(300)))
        .build();
    Files.writeString(dir.resolve("trusted/ldap.pem"), negative.pem());
    json(0, "apply.schema.json", "apply", "-f", "host.yaml");

    JsonNode status = json(0, "status.schema.json", "status", "-f", "host.yaml");

    assertThat(status.get("trusted").get(0).get("serial").asString()).isEqualTo("-3039");
  }

  /**
   * rvcore13 7: apply --output json planned the store a second time for its status (the host
   * observed again, every input and the whole store read again). Its status is built from the
   * apply's own result now: the host is observed as often as by a text apply, and the status is
   * status's, also for a trusted certificate the desired state no longer names (prune off).
   */
  @Test
  void testApply_jsonStatusComesFromTheApplyNotASecondPlan() throws Exception {
    Files.writeString(dir.resolve("other.yaml"), Files.readString(dir.resolve("host.yaml")).replace("path: pki", "path: other"));
    java.util.concurrent.atomic.AtomicInteger looked = new java.util.concurrent.atomic.AtomicInteger();
    org.hostpki.host.HostIdentityProbe live = org.hostpki.host.LiveHostIdentityProbe.system();
    Cli cli = Cli.in(dir).clock(clock).env(ENV).probe(spec -> {
      looked.incrementAndGet();
      return live.identify(spec);
    });
    for (String run : List.of("a new store", "a store at the desired state")) {
      looked.set(0);
      cli.run("apply", "-f", "other.yaml").assertExitCode(0);
      int text = looked.getAndSet(0);
      CliResult json = cli.run("apply", "-f", "host.yaml", "--output", "json").assertExitCode(0);
      assertThat(looked.get()).as(run + ": host observations of apply --output json, of apply " + text).isEqualTo(text);
      OutputSchemas.valid("apply.schema.json", json.out());
    }

    Files.writeString(dir.resolve("host.yaml"), Files.readString(dir.resolve("host.yaml"))
        .replace("trust: {certificates: [{name: ldap, file: trusted/ldap.pem}]}", "trust: {prune: false}"));
    JsonNode apply = json(0, "apply.schema.json", "apply", "-f", "host.yaml");
    JsonNode status = json(0, "status.schema.json", "status", "-f", "host.yaml");
    assertThat(status.get("trusted").get(0).get("managed").asBoolean()).isFalse();
    for (String member : List.of("store", "files", "ca", "server", "trusted")) {
      assertThat(apply.get("status").get(member)).as(member).isEqualTo(status.get(member));
    }
  }

  @Test
  void testRollback_andTheHoldThatStatusPlanAndApplyShow() throws Exception {
    json(0, "apply.schema.json", "apply", "-f", "host.yaml");
    later(Duration.ofHours(1));
    desired("192.0.2.11");
    JsonNode replace = json(0, "plan.schema.json", "plan", "-f", "host.yaml");
    JsonNode server = change(replace, "server");
    assertThat(server.get("action").asString()).isEqualTo("replace");
    assertThat(server.get("before").get("ip_addresses").toString()).isEqualTo("[\"192.0.2.10\"]");
    assertThat(server.get("before").get("not_after").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(server.get("before").get("sha256").asString()).matches("[0-9a-f]{64}");
    json(0, "apply.schema.json", "apply", "-f", "host.yaml");
    later(Duration.ofHours(1));

    JsonNode rollback = json(0, "rollback.schema.json", "rollback", "-f", "host.yaml");
    assertThat(rollback.get("rolled_back").asBoolean()).isTrue();
    assertThat(rollback.get("server_changed").asBoolean()).isTrue();
    assertThat(rollback.get("to").asString()).isEqualTo("..2026_11_27_08_00_00.000000000");
    assertThat(rollback.get("hold").get("at").asString()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(change(rollback.get("next_apply"), "server").get("reasons").get(0).get("code").asString())
        .isEqualTo("host-identity-changed");

    JsonNode again = json(0, "rollback.schema.json", "rollback", "-f", "host.yaml", "--to", "..2026_11_27_08_00_00.000000000");
    assertThat(again.get("rolled_back").asBoolean()).isFalse();

    JsonNode status = json(0, "status.schema.json", "status", "-f", "host.yaml");
    assertThat(status.get("hold").get("to").asString()).isEqualTo("..2026_11_27_08_00_00.000000000");
    assertThat(status.get("drift").get(0).get("reasons").get(0).get("code").asString()).isEqualTo("host-identity-changed");

    JsonNode held = json(0, "apply.schema.json", "apply", "-f", "host.yaml", "--unattended");
    assertThat(held.get("held_by_rollback").asString()).isEqualTo("2026-11-27T10:00:00Z");
    JsonNode released = json(0, "apply.schema.json", "apply", "-f", "host.yaml");
    assertThat(released.get("released_hold").asString()).isEqualTo("2026-11-27T10:00:00Z");
  }

  @Test
  void testStatus_ofAnExternalIssuerShowsTheRequestAndTheImportedChain() throws Exception {
    ExternalSetup.write(dir, "192.0.2.10", "none");
    json(0, "apply.schema.json", "apply", "-f", "host.yaml");

    JsonNode waiting = json(0, "status.schema.json", "status", "-f", "host.yaml").get("external");
    assertThat(waiting.get("chain_file_state").asString()).isEqualTo("absent");
    assertThat(waiting.get("serving").asString()).isEqualTo("internal");
    assertThat(waiting.get("csr").get("dns_names").toString()).contains("www.portal.example.com");
    assertThat(waiting.get("csr").get("signature_valid").asBoolean()).isTrue();

    Certificate leaf = EXTERNAL.sign(Files.readAllBytes(dir.resolve("pki/server.csr")), T0.minusSeconds(60), Duration.ofDays(90));
    Path chain = dir.resolve(ExternalSetup.CHAIN);
    Files.createDirectories(chain.getParent());
    Files.writeString(chain, Pem.certificates(List.of(leaf, EXTERNAL.intermediate(), EXTERNAL.root())));
    JsonNode imported = json(0, "apply.schema.json", "apply", "-f", "host.yaml");
    assertThat(change(imported.get("plan"), "server").get("after").get("chain").toString())
        .isEqualTo("[\"CN=portal.example.com\",\"CN=Example Issuing CA 2\",\"CN=Example Root CA\"]");

    JsonNode external = json(0, "status.schema.json", "status", "-f", "host.yaml").get("external");
    assertThat(external.get("serving").asString()).isEqualTo("external");
    assertThat(external.get("imported").get(0).get("sha256").asString()).isEqualTo(leaf.fingerprint().hex());
  }

  @Test
  void testSign_checkSignAgainAndTheIssuedListOfStatus() throws Exception {
    json(0, "apply.schema.json", "apply", "-f", "host.yaml");
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
    Files.write(
        dir.resolve("m1.csr"),
        CertificationRequest.create(
            Subject.empty(), List.of("m1.fleet.test"), List.of(InetAddress.getByName("192.0.2.11")), false, key,
            new SecureRandom()));

    JsonNode check = json(2, "sign.schema.json", "sign", "-f", "host.yaml", "--csr", "m1.csr", "--check");
    assertThat(check.get("certificate").isNull()).isTrue();
    assertThat(check.get("validity").asString()).isEqualTo("P398D");
    assertThat(check.get("request").get("ip_addresses").toString()).isEqualTo("[\"192.0.2.11\"]");

    JsonNode signed = json(0, "sign.schema.json", "sign", "-f", "host.yaml", "--csr", "m1.csr");
    assertThat(signed.get("changed").asBoolean()).isTrue();
    JsonNode certificate = signed.get("certificate");
    assertThat(certificate.get("file").asString())
        .isEqualTo(dir.resolve("pki/issued/" + certificate.get("serial").asString() + ".crt").toString());
    assertThat(Pem.readCertificates(signed.get("chain").asString().getBytes(StandardCharsets.US_ASCII)).get(0)
            .fingerprint().hex())
        .isEqualTo(certificate.get("sha256").asString());

    JsonNode again = json(0, "sign.schema.json", "sign", "-f", "host.yaml", "--csr", "m1.csr");
    assertThat(again.get("changed").asBoolean()).isFalse();
    assertThat(again.get("generation").isNull()).isTrue();
    assertThat(again.get("certificate").get("sha256")).isEqualTo(certificate.get("sha256"));

    JsonNode issued = json(0, "status.schema.json", "status", "-f", "host.yaml").get("issued");
    assertThat(issued.get(0).get("serial")).isEqualTo(certificate.get("serial"));
    assertThat(issued.get(0).get("revoked").isNull()).isTrue();

    String serial = certificate.get("serial").asString();
    JsonNode wouldRevoke = json(2, "revoke.schema.json", "revoke", "-f", "host.yaml", "--serial", serial, "--check");
    assertThat(wouldRevoke.get("crl").isNull()).isTrue();
    assertThat(wouldRevoke.get("generation").isNull()).isTrue();
    JsonNode revoked = json(0, "revoke.schema.json", "revoke", "-f", "host.yaml", "--serial", serial, "--reason", "superseded");
    assertThat(revoked.get("crl").get("entries").asInt()).isEqualTo(1);
    assertThat(revoked.get("crl").get("next_update").asString()).isEqualTo("2026-12-04T08:00:00Z");

    JsonNode status = json(0, "status.schema.json", "status", "-f", "host.yaml");
    assertThat(status.get("issued").get(0).get("revoked").get("reason").asString()).isEqualTo("superseded");
    assertThat(status.get("crl")).isEqualTo(revoked.get("crl"));
    assertThat(status.get("revoked").get(0).get("serial").asString()).isEqualTo(serial);
    JsonNode crl = json(0, "export.schema.json", "export", "-f", "host.yaml", "crl");
    assertThat(crl.get("crl")).isEqualTo(revoked.get("crl"));
    assertThat(crl.get("pem").asString()).isEqualTo(revoked.get("crl_pem").asString());

    later(Duration.ofDays(8));
    JsonNode expired = json(0, "status.schema.json", "status", "-f", "host.yaml");
    assertThat(expired.get("warnings").findValuesAsString("code")).contains("crl-expired");
  }

  @Test
  void testExport_describesWhatItWroteAndCarriesThePemWithoutAFile() throws Exception {
    json(0, "apply.schema.json", "apply", "-f", "host.yaml");

    JsonNode chain = json(0, "export.schema.json", "export", "-f", "host.yaml", "server-chain");
    assertThat(chain.get("file").isNull()).isTrue();
    assertThat(chain.get("certificates")).hasSize(2);
    assertThat(chain.get("certificates").get(0).get("sha256").asString()).isEqualTo(fingerprintOf(dir.resolve("pki/server.crt")));
    assertThat(chain.get("pem").asString()).isEqualTo(Files.readString(dir.resolve("pki/server-fullchain.crt")));

    JsonNode bundle = json(0, "export.schema.json", "export", "-f", "host.yaml", "trust-bundle", "--der", "-o", "bundle.p7b");
    assertThat(bundle.get("encoding").asString()).isEqualTo("pkcs7");
    assertThat(bundle.get("file").asString()).isEqualTo(dir.resolve("bundle.p7b").toString());
    assertThat(bundle.get("pem").isNull()).isTrue();
    assertThat(Pem.readCertificates(Files.readAllBytes(dir.resolve("bundle.p7b")))).hasSize(2);

    CliResult binary = hostpki("export", "-f", "host.yaml", "ca-cert", "--der", "--output", "json");
    assertThat(binary.exitCode()).isEqualTo(64);
    assertThat(binary.err()).contains("--der with --output json needs -o FILE");
  }

  @Test
  void testEveryCommandThatPrintsJson_hasASchemaAndEverySchemaACommand() throws IOException {
    Path schemas = org.hostpki.testkit.Cli.projectDir().resolve("schema");
    List<String> commands = new ArrayList<>();
    HostpkiCommand.commandLine(
            new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(new java.io.StringWriter()),
            new Environment(dir.getFileSystem(), dir, Map.of(), clock))
        .getSubcommands()
        .forEach((name, sub) -> {
          if (sub.getCommandSpec().findOption("--output") != null) {
            commands.add(name);
            assertThat(schemas.resolve(name + ".schema.json")).as(name).isRegularFile();
          }
        });
    List<String> documents;
    try (var files = Files.list(schemas)) {
      documents = files.map(f -> f.getFileName().toString())
          .filter(n -> !List.of("common.schema.json", "error.schema.json", "hostpki-v1.schema.json").contains(n))
          .map(n -> n.substring(0, n.length() - ".schema.json".length()))
          .toList();
    }
    assertThat(commands).containsExactlyInAnyOrderElementsOf(documents).contains("inspect", "export");
  }

  @Test
  void testValidate_isOneDocumentWithEveryDiagnostic() throws Exception {
    Files.writeString(dir.resolve("bad.yaml"), "apiVersion: hostpki/v1\nstore: {path: pki}\nca: {key: {algorithm: EC, curve: P-257}}\n");

    JsonNode good = json(0, "validate.schema.json", "validate", "host.yaml");
    JsonNode bad = json(1, "validate.schema.json", "validate", "host.yaml", "bad.yaml");

    assertThat(good.get("valid").asBoolean()).isTrue();
    assertThat(bad.get("valid").asBoolean()).isFalse();
    assertThat(bad.get("files").toString())
        .isEqualTo("[{\"file\":\"host.yaml\",\"valid\":true},{\"file\":\"bad.yaml\",\"valid\":false}]");
    JsonNode d = bad.get("diagnostics").get(0);
    assertThat(d.get("file").asString()).isEqualTo("bad.yaml");
    assertThat(d.get("line").asInt()).isEqualTo(3);
    assertThat(d.get("column").asInt()).isPositive();
    assertThat(d.get("message").asString()).contains("'P-257' is not one of");
  }

  @Test
  void testVersion_matchesItsSchema() {
    assertThat(json(0, "version.schema.json", "version").get("format_version").asString()).isEqualTo("1");
  }

  @Test
  void testErrors_areOneJsonDocumentOnStandardOutputWithExit1() throws Exception {
    for (String command : List.of("plan", "apply", "status", "history", "rollback", "export")) {
      List<String> line = new ArrayList<>(List.of(command, "-f", "missing.yaml"));
      if (command.equals("export")) {
        line.add("ca-cert");
      }
      JsonNode error = json(1, "error.schema.json", line.toArray(String[]::new));

      assertThat(error.get("command").asString()).isEqualTo(command);
      JsonNode first = error.get("diagnostics").get(0);
      assertThat(first.get("file").asString()).isEqualTo(dir.resolve("missing.yaml").toString());
      assertThat(first.get("message").asString()).isEqualTo("no such file");
      assertThat(error.get("diagnostics").get(1).get("message").asString()).contains("is not a valid desired state");
    }
  }

  @Test
  void testErrors_ofTheStoreOrTheRequestAreDiagnosticsWithTheirDetails() throws Exception {
    JsonNode noGenerations = json(1, "error.schema.json", "rollback", "-f", "host.yaml");
    assertThat(noGenerations.get("diagnostics").get(0).get("message").asString())
        .contains("has no generations to roll back to");

    json(0, "apply.schema.json", "apply", "-f", "host.yaml");
    Files.writeString(dir.resolve("bad.csr"), "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
    JsonNode refused = json(1, "error.schema.json", "sign", "-f", "host.yaml", "--csr", "bad.csr");
    assertThat(refused.get("command").asString()).isEqualTo("sign");
    assertThat(refused.get("diagnostics").get(0).get("file").isNull()).isTrue();
  }

  /** A usage error is the error document too (it was text on standard error only), exit 64. */
  @Test
  void testUsageErrors_areTheErrorDocumentWithExit64() {
    CliResult run = hostpki("status", "-f", "host.yaml", "--output", "json", "--no-such-option");

    assertThat(run.exitCode()).isEqualTo(64);
    JsonNode error = OutputSchemas.valid("error.schema.json", run.out());
    assertThat(error.get("command").asString()).isEqualTo("status");
    assertThat(error.get("diagnostics").get(0).get("message").asString()).startsWith("unknown option: '--no-such-option'");
    assertThat(run.err()).contains("--no-such-option");
  }
}
