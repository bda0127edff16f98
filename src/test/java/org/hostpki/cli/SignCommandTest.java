package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificationRequest;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code hostpki sign} on a CA host, and the record {@code hostpki status} lists. */
class SignCommandTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String CA_YAML =
      "apiVersion: hostpki/v1\n"
          + "store: {path: pki}\n"
          + "host: {detect: false, hostname: ca1, domain: fleet.test, addresses: [192.0.2.1]}\n"
          + "ca:\n"
          + "  subject: {commonName: Fleet CA}\n"
          + "  policy: {allowedDomains: [\"*.fleet.test\", m1], allowedNetworks: [192.0.2.0/24], maxValidity: 90d}\n";

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final KeyMaterial memberKey = KeyMaterial.generate(KeySpec.defaultSpec(), RANDOM);

  @BeforeEach
  void setUp() throws IOException {
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML);
    request("m1.csr", List.of("m1.fleet.test", "m1"), "192.0.2.11");
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(clock).run(args);
  }

  private void applied() {
    CliResult apply = hostpki("apply", "-f", "ca.yaml");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
  }

  private void request(String file, List<String> names, String... addresses) throws IOException {
    List<InetAddress> ips = Stream.of(addresses).map(SignCommandTest::ip).toList();
    Files.write(dir.resolve(file), CertificationRequest.create(Subject.empty(), names, ips, false, memberKey, RANDOM));
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  private List<Path> issuedFiles() throws IOException {
    Path issued = dir.resolve("pki/issued");
    if (!Files.isDirectory(issued)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(issued)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".crt")).toList(); // not issued/index
    }
  }

  private static JsonNode json(String text) {
    return JsonMapper.builder().build().readTree(text);
  }

  @Test
  void testSign_aDashForTheRequestIsNotTakenForAFileNamedDash() {
    // How it was found: "--csr -" (as -o - is standard output) said "DIR/- does not exist".
    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "-");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).startsWith("error: --csr -: hostpki sign reads the request from a file, not from standard input");
  }

  @Test
  void testSign_aRequestForAnAddressAloneIsSignedForAnEmptySubjectAndSaysSo() throws Exception {
    // How it was found: the line read "Signed serial … for  (SANs 192.0.2.12)".
    applied();
    request("ip.csr", List.of(), "192.0.2.12");

    CliResult check = hostpki("sign", "-f", "ca.yaml", "--csr", "ip.csr", "--check");
    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "ip.csr", "-o", "ip-chain.pem");

    assertThat(check.err()).as(check.toString()).startsWith("would sign an empty subject (SANs 192.0.2.12) for 90d");
    assertThat(run.err()).as(run.toString()).containsPattern("^Signed serial [0-9A-F]+ for an empty subject \\(SANs 192.0.2.12\\)");
  }

  @Test
  void testSign_printsTheChainAndRecordsTheCertificate() throws Exception {
    applied();

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<Certificate> chain = Pem.readCertificates(run.out().getBytes(StandardCharsets.US_ASCII));
    assertThat(chain).hasSize(2);
    assertThat(chain.get(1).der()).isEqualTo(Pem.readCertificates(Files.readAllBytes(dir.resolve("pki/ca.crt"))).get(0).der());
    assertThat(chain.get(0).facts().dnsNames()).containsExactly("m1.fleet.test", "m1");
    String serial = chain.get(0).facts().serialNumber().toString(16).toUpperCase();
    assertThat(issuedFiles()).singleElement().satisfies(f -> assertThat(f.getFileName().toString()).endsWith(serial + ".crt"));
    assertThat(run.err())
        .startsWith("Signed serial ")
        .contains(" for CN=m1.fleet.test (SANs m1.fleet.test, m1, 192.0.2.11), not after 2027-02-25 07:00 UTC; recorded as issued/");
  }

  /**
   * Found by a trial (tconc11): on a CA host, a plan saved with plan --out was refused as stale by
   * apply --plan after any sign, though a sign adds only a record to issued/, which nothing a plan
   * decides reads. It is applied now, and the sign's record is kept.
   */
  @Test
  void testSavedPlan_aSignInBetweenLeavesItCurrent_andItsRecordIsKept() throws Exception {
    applied();
    CliResult plan = hostpki("plan", "-f", "ca.yaml", "--replace", "server", "--out", "plan.json");
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr").exitCode()).isZero();

    CliResult apply = hostpki("apply", "-f", "ca.yaml", "--plan", "plan.json");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("server", "replace", "Applied: store ");
    assertThat(issuedFiles()).hasSize(1);
  }

  @Test
  void testSign_theSameRequestAgainIsAlreadyIssued() throws Exception {
    applied();
    CliResult first = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    CliResult again = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).isEqualTo(first.out());
    assertThat(again.err()).startsWith("already issued: serial ").contains("(89 days left); nothing was signed");
    assertThat(issuedFiles()).hasSize(1);
  }

  @Test
  void testSign_jsonSaysWhetherItChangedAndCarriesTheChain() {
    applied();

    JsonNode first = json(hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr", "--output", "json").out());
    JsonNode again = json(hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr", "--output", "json").out());

    assertThat(first.path("changed").asBoolean()).isTrue();
    JsonNode certificate = first.path("certificate");
    assertThat(certificate.path("not_after").asString()).isEqualTo("2027-02-25T07:00:00Z");
    assertThat(first.path("chain").asString()).startsWith("-----BEGIN CERTIFICATE-----").contains("-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----");
    assertThat(certificate.path("file").asString())
        .isEqualTo(dir.resolve("pki/issued/" + certificate.path("serial").asString() + ".crt").toString());
    assertThat(first.path("generation").asString()).startsWith("..");
    assertThat(again.path("changed").asBoolean()).isFalse();
    assertThat(again.path("certificate").path("serial").asString()).isEqualTo(certificate.path("serial").asString());
    assertThat(again.path("generation").isNull()).isTrue();
  }

  @Test
  void testSign_outWritesTheChainFile() throws Exception {
    applied();

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr", "-o", "m1-chain.pem");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("Wrote the chain to " + dir.resolve("m1-chain.pem"));
    assertThat(Pem.readCertificates(Files.readAllBytes(dir.resolve("m1-chain.pem")))).hasSize(2);
  }

  @Test
  void testSign_aDerRequestIsSignedToo() throws Exception {
    applied();
    Files.write(dir.resolve("m1.der"), CertificationRequest.parse(Files.readAllBytes(dir.resolve("m1.csr"))).der());

    assertThat(hostpki("sign", "-f", "ca.yaml", "--csr", "m1.der").exitCode()).isZero();
  }

  @Test
  void testCheck_exitsTwoWhenItWouldSignAndZeroOnceSigned() throws Exception {
    applied();

    CliResult would = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr", "--check", "--output", "json");
    assertThat(would.exitCode()).as(would.toString()).isEqualTo(ExitCodes.CHANGES_PENDING);
    assertThat(issuedFiles()).isEmpty();
    assertThat(json(would.out()).path("changed").asBoolean()).isTrue();
    assertThat(json(would.out()).path("validity").asString()).isEqualTo("P90D");
    assertThat(json(would.out()).path("certificate").isNull()).isTrue();
    assertThat(would.err()).startsWith("would sign CN=m1.fleet.test (SANs m1.fleet.test, m1, 192.0.2.11) for 90d; nothing was signed (--check)");

    hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");
    CliResult done = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr", "--check");
    assertThat(done.exitCode()).as(done.toString()).isZero();
    assertThat(done.err()).startsWith("already issued: serial ");
    assertThat(done.out()).as("--check prints the chain only in JSON").isEmpty();
  }

  @Test
  void testSign_aRequestOutsideThePolicyIsRefused() throws Exception {
    applied();
    request("db.csr", List.of("db.other.example"), "10.0.0.5");

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "db.csr");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "error: refused: dNSName db.other.example is outside ca.policy.allowedDomains [*.fleet.test, m1]\n"
                + "  refused: iPAddress 10.0.0.5 is outside ca.policy.allowedNetworks [192.0.2.0/24]\n"
                + "  nothing was signed for " + dir.resolve("db.csr") + " (CN=db.other.example); to allow it,"
                + " extend ca.policy in " + dir.resolve("ca.yaml") + "\n");
    assertThat(issuedFiles()).isEmpty();
  }

  /**
   * A request for 900 names outside the policy printed 900 refusal lines (and a JSON diagnostic
   * of 900 details): the first 20 are listed, then one line counts the rest, the full count kept
   * (60 names here: as many lines as 900 would be, at less cost).
   */
  @Test
  void testSign_manyRefusedNamesAreCappedInTextAndJson() throws Exception {
    applied();
    request("many.csr", IntStream.range(0, 60).mapToObj(i -> "h" + i + ".other.example").toList());

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "many.csr");
    CliResult asJson = hostpki("sign", "-f", "ca.yaml", "--csr", "many.csr", "--output", "json");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    List<String> lines = run.err().lines().toList();
    assertThat(lines).as(run.toString()).hasSize(22);
    assertThat(lines.get(0)).isEqualTo("error: refused: dNSName h0.other.example is outside ca.policy.allowedDomains [*.fleet.test, m1]");
    assertThat(lines.get(19)).isEqualTo("  refused: dNSName h19.other.example is outside ca.policy.allowedDomains [*.fleet.test, m1]");
    assertThat(lines.get(20)).isEqualTo("  and 40 more names outside ca.policy are not listed (60 refusals in all; only the first 20 are)");
    assertThat(lines.get(21)).startsWith("  nothing was signed for " + dir.resolve("many.csr"));
    JsonNode details = json(asJson.out()).get("diagnostics").get(0).get("details");
    assertThat(details).hasSize(21);
    assertThat(details.get(19).asString()).isEqualTo(lines.get(20).substring(2));
    assertThat(issuedFiles()).isEmpty();
  }

  @Test
  void testSign_aRequestWithABadSignatureIsRefused() throws Exception {
    applied();
    byte[] der = CertificationRequest.parse(Files.readAllBytes(dir.resolve("m1.csr"))).der();
    der[der.length - 1] ^= 0x01;
    Files.write(dir.resolve("forged.der"), der);

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "forged.der");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).startsWith("error: " + dir.resolve("forged.der") + ": the request's signature does not verify");
    assertThat(issuedFiles()).isEmpty();
  }

  @Test
  void testSign_beforeTheCaExistsTellsToApplyFirst() {
    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err())
        .isEqualTo(
            "error: store " + dir.resolve("pki") + " holds no CA yet (no ca.crt); run hostpki apply -f "
                + dir.resolve("ca.yaml") + " first, then sign\n");
  }

  @Test
  void testSign_aMissingRequestFileIsNamed() {
    applied();

    CliResult run = hostpki("sign", "-f", "ca.yaml", "--csr", "nothing.csr");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).isEqualTo("error: " + dir.resolve("nothing.csr") + " does not exist; --csr names the host's certificate request (its server.csr)\n");
  }

  @Test
  void testSign_namesLimitTheRequestToTheHostItCameFrom() throws Exception {
    // How it was found (fleet trial): m2, taken over, asked for m1's names with its own key and
    // got them, inside ca.policy; every client of the fleet then took m2 for m1.
    applied();

    CliResult asM2 = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr", "--names", "m2.fleet.test,m2", "--names", "192.0.2.12");
    CliResult asM1 = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr", "--names", "m1.fleet.test,m1,192.0.2.11", "-o", "m1.pem");
    CliResult bad = hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr", "--names", "m1 .fleet.test");

    assertThat(asM2.exitCode()).as(asM2.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(asM2.err())
        .startsWith(
            "error: refused: dNSName m1.fleet.test is outside --names [m2.fleet.test, m2, 192.0.2.12/32], the"
                + " names this host may have\n");
    assertThat(asM1.exitCode()).as(asM1.toString()).isZero();
    assertThat(issuedFiles()).hasSize(1);
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).startsWith("error: --names: 'm1 .fleet.test' is no DNS name, address or network: it has the character ' '");
  }

  @Test
  void testSign_withoutCsrIsAUsageError() {
    assertThat(hostpki("sign", "-f", "ca.yaml").exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void testApply_keepsTheIssuedRecords() throws Exception {
    applied();
    hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr");
    List<Path> issued = issuedFiles();
    byte[] record = Files.readAllBytes(issued.get(0));
    Files.writeString(dir.resolve("ca.yaml"), CA_YAML.replace("addresses: [192.0.2.1]", "addresses: [192.0.2.2]"));

    CliResult apply = hostpki("apply", "-f", "ca.yaml");

    assertThat(apply.out()).contains("~ server");
    assertThat(issuedFiles()).isEqualTo(issued);
    assertThat(Files.readAllBytes(issued.get(0))).isEqualTo(record);
  }

  @Test
  void testStatus_listsTheIssuedCertificates() throws Exception {
    applied();
    JsonNode signed = json(hostpki("sign", "-f", "ca.yaml", "--csr", "m1.csr", "--output", "json").out());

    CliResult text = hostpki("status", "-f", "ca.yaml");
    JsonNode json = json(hostpki("status", "-f", "ca.yaml", "--output", "json").out()).path("issued");

    assertThat(text.out())
        .contains(
            "Issued   1 certificate(s) signed for other hosts (hostpki sign):\n"
                + "         serial " + signed.path("certificate").path("serial").asString() + " CN=m1.fleet.test\n"
                + "           SANs m1.fleet.test, m1, 192.0.2.11; not after 2027-02-25 (89 days left)\n");
    assertThat(json.size()).isEqualTo(1);
    assertThat(json.path(0).path("revoked").isNull()).isTrue();
    assertThat(((tools.jackson.databind.node.ObjectNode) json.path(0).deepCopy()).without("revoked"))
        .isEqualTo(signed.path("certificate"));
    assertThat(json.path(0).path("subject").asString()).isEqualTo("CN=m1.fleet.test");
    assertThat(json.path(0).path("ip_addresses").path(0).asString()).isEqualTo("192.0.2.11");
    assertThat(json.path(0).path("not_after").asString()).isEqualTo("2027-02-25T07:00:00Z");
    assertThat(json.path(0).path("days_left").asInt()).isEqualTo(89);
  }

  @Test
  void testStatus_aHostThatSignedNothingShowsNoIssuedSection() {
    applied();

    assertThat(hostpki("status", "-f", "ca.yaml").out()).doesNotContain("Issued");
    assertThat(json(hostpki("status", "-f", "ca.yaml", "--output", "json").out()).path("issued").size()).isZero();
  }
}
