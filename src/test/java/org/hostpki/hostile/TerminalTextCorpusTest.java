package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.DistinguishedName;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.TerminalText;
import org.hostpki.fetch.OpensslServer;
import org.hostpki.testkit.ToolCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;
import org.hostpki.testkit.Tool;

/**
 * Every text output, fed text from each place outside text comes from — a device certificate in a
 * trust directory, a trust file's name, a generation's record, another host's request, the host's
 * name, the desired state, a path, a TLS server — holding a line break that forges a plan line, an
 * escape sequence that erases one, a NUL, a bidi override or a C1 control. Each run must show the
 * value (escaped), and print no raw control character and no forged line, on standard output or
 * standard error; each JSON document must parse back to the value.
 *
 * <p>How it was found: a trusted device certificate whose subject held {@code \n    SHA-256 …} and
 * {@code ESC[1A ESC[2K} forged a fingerprint line in {@code fetch-cert} and erased its own {@code +
 * trust/NAME create} line from the plan; a CA commonName {@code "Good CA\nPlan: 0 to create, 0 to
 * replace"} forged the plan's summary.
 */
@Tag(Tags.SLOW)
class TerminalTextCorpusTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String FORGED = "Plan: 0 to create, 0 to replace, 0 to update, 0 to delete, 9 unchanged.";

  /** What outside text holds. */
  enum Payload {
    LINE_BREAK("\n" + FORGED),
    ESCAPE("\u001b[1A\u001b[2K\r"),
    NUL("x\u0000y"),
    BIDI("\u202egnp.exe\u2066"),
    C1("\u009b2K\u0085\u007f\u2028");

    final String text;

    Payload(String text) {
      this.text = text;
    }

    /**
     * The start of the forms it may be shown in, lower-case (a host name is): escaped as text, or
     * inside a distinguished name. A start, since a long value may be shown abbreviated.
     */
    String[] shown() {
      return Stream.of(TerminalText.escape(text), DistinguishedName.escapeValue(text))
          .map(s -> s.substring(0, Math.min(12, s.length())).toLowerCase(java.util.Locale.ROOT))
          .toArray(String[]::new);
    }
  }

  @TempDir static Path template;
  @TempDir Path dir;

  @BeforeAll
  static void goodStore() throws IOException {
    Files.createDirectories(template.resolve("trusted.d"));
    Files.writeString(
        template.resolve("host.yaml"),
        "apiVersion: hostpki/v1\n"
            + "store: {path: pki}\n"
            + "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}\n"
            + "ca:\n"
            + "  subject: {commonName: Example Portal CA}\n"
            + "  policy: {allowedDomains: [\"*.example.com\"]}\n"
            + "trust: {directories: [trusted.d]}\n");
    CliResult applied = new Workspace(template, GoodStore.CLOCK, GoodStore.PROBE).hostpki(Map.of(), List.of("apply", "-f", "host.yaml"));
    assertThat(applied.exitCode()).as(applied.toString()).isZero();
  }

  private Workspace workspace(HostIdentityProbe probe) {
    return Workspace.copyOf(template, dir, GoodStore.CLOCK, probe);
  }

  private Workspace workspace() {
    return workspace(GoodStore.PROBE);
  }

  private static CliResult run(Workspace w, String... args) {
    return w.hostpki(Map.of(), List.of(args));
  }

  /** Nothing on either stream is a raw control (but the line breaks hostpki writes), nor forged. */
  private static CliResult assertNothingForged(CliResult result) {
    for (String stream : List.of(result.out(), result.err())) {
      for (int i = 0; i < stream.length(); i++) {
        char c = stream.charAt(i);
        assertThat(c != '\n' && TerminalText.isUnsafe(c))
            .as("U+%04X at %d of\n%s", (int) c, i, result)
            .isFalse();
      }
      assertThat(stream.lines()).as(result.toString()).noneMatch(l -> l.strip().startsWith(FORGED));
    }
    return result;
  }

  /** As {@link #assertNothingForged}, and the value is there to see. */
  private static CliResult assertShown(CliResult result, Payload payload) {
    assertNothingForged(result);
    assertThat((result.out() + result.err()).toLowerCase(java.util.Locale.ROOT))
        .as(result.toString())
        .containsAnyOf(payload.shown());
    return result;
  }

  private static JsonNode json(CliResult result) {
    assertNothingForged(result);
    return JsonMapper.builder().build().readTree(result.out());
  }

  // --- the sources

  static Stream<Payload> everyPayload() {
    return Stream.of(Payload.values());
  }

  /** File names hold anything but NUL and '/'. */
  static Stream<Payload> fileNamePayloads() {
    return everyPayload().filter(p -> p != Payload.NUL);
  }

  @ParameterizedTest(name = "a trusted certificate's subject holding {0}: plan, JSON plan, apply, status, rollback")
  @EnumSource(Payload.class)
  void testTrustedCertificateSubject(Payload payload) throws Exception {
    Workspace w = workspace();
    String cn = "dev" + payload.text;
    Files.write(w.dir.resolve("trusted.d/dev.pem"), selfSigned(name(cn, "Org" + payload.text), List.of()).pem);

    CliResult plan = assertShown(run(w, "plan", "-f", "host.yaml"), payload);
    assertThat(plan.out()).contains("+ trust/dev", "Plan: 1 to create, 0 to replace, 1 to update");
    JsonNode jsonPlan = json(run(w, "plan", "-f", "host.yaml", "--output", "json"));
    assertThat(jsonPlan.get("changes").toString()).contains("trust/dev");
    assertShown(run(w, "apply", "-f", "host.yaml"), payload);
    JsonNode status = json(run(w, "status", "-f", "host.yaml", "--output", "json"));
    assertThat(status.get("trusted").get(0).get("subject").asString())
        .isEqualTo("CN=" + DistinguishedName.escapeValue(cn) + ",O=" + DistinguishedName.escapeValue("Org" + payload.text));
    CliResult rollback = assertShown(run(w, "rollback", "-f", "host.yaml"), payload);
    assertThat(rollback.out()).contains("+ trust/dev");
  }

  @ParameterizedTest(name = "a trust file's name holding {0}: the error of plan and apply")
  @MethodSource("fileNamePayloads")
  void testTrustFileName(Payload payload) throws Exception {
    Workspace w = workspace();
    Files.write(w.dir.resolve("trusted.d/dev" + payload.text + ".pem"), selfSigned(name("dev", null), List.of()).pem);

    CliResult plan = assertShown(run(w, "plan", "-f", "host.yaml"), payload);
    CliResult apply = assertShown(run(w, "apply", "-f", "host.yaml"), payload);

    assertThat(plan.exitCode()).isEqualTo(1);
    assertThat(apply.exitCode()).isEqualTo(1);
    assertThat(apply.err()).contains("rename the file");
  }

  @ParameterizedTest(name = "a generation's record holding {0}: history, JSON history")
  @EnumSource(Payload.class)
  void testGenerationRecord(Payload payload) throws Exception {
    Workspace w = workspace();
    String address = "trust/x" + payload.text;
    Files.writeString(
        w.generation().resolve(".generation.json"),
        JsonMapper.builder().build().writeValueAsString(
            Map.of("time", GoodStore.NOW.toString(),
                "plan", Map.of("changes", List.of(Map.of("address", address, "action", "create"))))));

    assertShown(run(w, "history", "-f", "host.yaml"), payload);
    JsonNode history = json(run(w, "history", "-f", "host.yaml", "--output", "json"));
    assertThat(history.get("generations").get(0).get("changes").get(0).get("address").asString()).isEqualTo(address);
  }

  @ParameterizedTest(name = "another host's request holding {0}: sign, sign --check, sign --output json")
  @EnumSource(Payload.class)
  void testSignRequest(Payload payload) throws Exception {
    Workspace w = workspace();
    Files.write(w.dir.resolve("m1.csr"), request(name("m1.example.com", "Fleet CA" + payload.text), "m1.example.com"));

    for (List<String> args :
        List.of(
            List.of("sign", "-f", "host.yaml", "--csr", "m1.csr"),
            List.of("sign", "-f", "host.yaml", "--csr", "m1.csr", "--check"),
            List.of("sign", "-f", "host.yaml", "--csr", "m1.csr", "--output", "json"))) {
      CliResult signed = assertShown(w.hostpki(Map.of(), args), payload);
      assertThat(signed.exitCode()).as(signed.toString()).isEqualTo(1);
      assertThat(signed.err()).startsWith("error: refused: subject organization 'Fleet CA");
      if (args.contains("json")) {
        assertThat(json(signed).get("diagnostics").get(0).get("message").asString())
            .startsWith("refused: subject organization 'Fleet CA");
      }
    }
    assertThat(w.store.resolve("issued")).doesNotExist();
  }

  @ParameterizedTest(name = "the host's name holding {0}: status, plan")
  @EnumSource(Payload.class)
  void testHostName(Payload payload) throws Exception {
    HostIdentityProbe hostile =
        spec -> new HostIdentity("portal" + payload.text, Optional.of("example.com"), List.of(IpAddresses.parse("192.0.2.10").orElseThrow()));
    Workspace w = workspace(hostile);

    CliResult status = assertShown(run(w, "status", "-f", "host.yaml"), payload);
    assertThat(status.out()).contains("Host     portal");
    CliResult plan = assertShown(run(w, "plan", "-f", "host.yaml"), payload);
    assertThat(plan.out()).contains("~ server", "host identity changed");
  }

  @ParameterizedTest(name = "the desired state holding {0}: validate as text, JSON and GitHub annotations, plan")
  @EnumSource(Payload.class)
  void testDesiredState(Payload payload) throws Exception {
    Workspace w = workspace();
    w.editYaml("{commonName: Example Portal CA}", "{commonName: " + yamlQuoted("Good CA" + payload.text) + "}");

    CliResult text = assertShown(run(w, "validate", "host.yaml"), payload);
    assertThat(text.exitCode()).isEqualTo(1);
    assertThat(text.out()).startsWith("host.yaml:5:25: error: ca.subject.commonName 'Good CA");
    JsonNode json = json(run(w, "validate", "--output", "json", "host.yaml"));
    assertThat(json.get("diagnostics").get(0).get("message").asString()).contains("ca.subject.commonName", "holds U+");
    JsonNode error = json(run(w, "plan", "-f", "host.yaml", "--output", "json"));
    assertThat(error.get("diagnostics").get(0).get("message").asString()).contains("ca.subject.commonName", "holds U+");
    assertShown(run(w, "validate", "--output", "github", "host.yaml"), payload);
    CliResult plan = assertShown(run(w, "plan", "-f", "host.yaml"), payload);
    assertThat(plan.err()).contains("is not a valid desired state");
  }

  @ParameterizedTest(name = "a path holding {0}: export's message; a store.path holding it is refused")
  @MethodSource("fileNamePayloads")
  void testPath(Payload payload) throws Exception {
    Workspace w = workspace();

    CliResult export = assertShown(run(w, "export", "-f", "host.yaml", "ca-cert", "-o", "ca" + payload.text + ".pem"), payload);
    assertThat(export.err()).startsWith("Wrote ca-cert to ");
    // every path in the desired state is one line of plain text, as names are
    w.editYaml("store: {path: pki}", "store: {path: " + yamlQuoted("other" + payload.text) + "}");
    CliResult status = assertShown(run(w, "status", "-f", "host.yaml"), payload);
    assertThat(status.exitCode()).isEqualTo(1);
    assertThat(status.out() + status.err()).contains("store.path 'other", "a path is one line of plain text");
  }

  @ParameterizedTest(name = "a TLS server's certificate holding {0}: fetch-cert as text and JSON")
  @EnumSource(Payload.class)
  void testFetchCert(Payload payload) throws Exception {
    Tool.OPENSSL.require();
    Workspace w = workspace();
    Issued device =
        selfSigned(
            name("dev.test\n    SHA-256      00:11:22" + payload.text, "Org" + payload.text),
            List.of(new GeneralName(GeneralName.dNSName, new DERIA5String("dev.test")),
                new GeneralName(GeneralName.rfc822Name, new DERIA5String("ops" + payload.text + "@dev.test"))));
    Files.write(w.dir.resolve("dev.pem"), device.pem);
    Files.write(w.dir.resolve("dev.key"), device.key);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");

    try (OpensslServer server = OpensslServer.start(loopback, w.dir.resolve("dev.pem"), w.dir.resolve("dev.key"))) {
      String endpoint = "127.0.0.1:" + server.port();
      CliResult text = assertShown(run(w, "fetch-cert", endpoint), payload);
      assertThat(text.out().lines().filter(l -> l.startsWith("    SHA-256 "))).hasSize(1);
      JsonNode json = json(run(w, "fetch-cert", endpoint, "--output", "json"));
      assertThat(json.get("certificates").get(0).get("subject").asString())
          .isEqualTo(
              "CN=" + DistinguishedName.escapeValue("dev.test\n    SHA-256      00:11:22" + payload.text)
                  + ",O=" + DistinguishedName.escapeValue("Org" + payload.text));
    }
  }

  // --- making hostile material

  private record Issued(byte[] pem, byte[] key) {}

  /** O then CN, one attribute per RDN, as UTF8String: any character goes. */
  private static X500Name name(String commonName, String organization) {
    List<RDN> rdns = new ArrayList<>();
    if (organization != null) {
      rdns.add(new RDN(BCStyle.O, new DERUTF8String(organization)));
    }
    rdns.add(new RDN(BCStyle.CN, new DERUTF8String(commonName)));
    return new X500Name(rdns.toArray(RDN[]::new));
  }

  private static Issued selfSigned(X500Name name, List<GeneralName> sans) throws Exception {
    KeyPair key = ecKey();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name, new BigInteger(64, RANDOM).add(BigInteger.ONE),
            Date.from(GoodStore.NOW.minus(Duration.ofDays(1))), Date.from(GoodStore.NOW.plus(Duration.ofDays(365))),
            name, key.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    if (!sans.isEmpty()) {
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
    }
    byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
    return new Issued(pem("CERTIFICATE", der), pem("PRIVATE KEY", key.getPrivate().getEncoded()));
  }

  private static byte[] request(X500Name subject, String dnsName) throws Exception {
    KeyPair key = ecKey();
    GeneralNames sans = new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName));
    return pem(
        "CERTIFICATE REQUEST",
        new JcaPKCS10CertificationRequestBuilder(subject, key.getPublic())
            .addAttribute(
                PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
                new Extensions(Extension.create(Extension.subjectAlternativeName, false, sans)))
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()))
            .getEncoded());
  }

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256, RANDOM);
    return generator.generateKeyPair();
  }

  private static byte[] pem(String label, byte[] der) {
    return ("-----BEGIN " + label + "-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END " + label + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** A YAML double-quoted scalar holding {@code text}, every unusual character as an escape. */
  private static String yamlQuoted(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c >= 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
