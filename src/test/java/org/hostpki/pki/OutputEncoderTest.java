package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.hostpki.model.AccessSpec;
import org.hostpki.model.KeyEncoding;
import org.hostpki.model.OutputFacts;
import org.hostpki.model.OutputFormat;
import org.hostpki.model.OutputSpec;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.SourcePosition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.TestKeys;

/**
 * Every output format: what is encoded reads back as the facts the desired state expects (the
 * planner's comparison), and the real tools read the files.
 */
@Execution(ExecutionMode.CONCURRENT)
class OutputEncoderTest {
  private static final char[] PASSWORD = "correct horse".toCharArray();

  @TempDir Path dir;

  static Certificate ca;
  static Certificate server;
  static KeyMaterial key;
  static OutputEncoder.Material material;

  @BeforeAll
  static void material() {
    ca = TestPki.ca(TestKeys.P256);
    key = TestKeys.key(TestKeys.P256, "server");
    server = TestPki.server(TestKeys.P256, ca, TestKeys.P256);
    material = new OutputEncoder.Material(key, List.of(server, ca), ca);
  }

  static Stream<OutputFormat> formats() {
    return Stream.of(
        new OutputFormat.CombinedPem(Optional.empty()),
        new OutputFormat.CombinedPem(Optional.of("out.key")),
        new OutputFormat.Key(KeyEncoding.PKCS8, false),
        new OutputFormat.Key(KeyEncoding.SEC1, false),
        new OutputFormat.Key(KeyEncoding.PKCS8, true),
        new OutputFormat.Pkcs12("portal.example.com", true, Optional.empty()),
        new OutputFormat.Pkcs12("portal", true, Optional.of(Pkcs12Profile.LEGACY)),
        new OutputFormat.Pkcs12("vault", false, Optional.empty()),
        new OutputFormat.Jks("portal"),
        new OutputFormat.Der(OutputFormat.CertificateChoice.SERVER),
        new OutputFormat.Der(OutputFormat.CertificateChoice.CA));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void testFacts_whatIsEncodedReadsBackAsExpected(OutputFormat format) throws Exception {
    OutputSpec spec = output(format);

    SortedMap<String, byte[]> files = encode(spec);

    assertThat(files.keySet()).containsExactlyElementsOf(spec.fileNames());
    assertThat(OutputReader.facts(spec, files, Optional.of(PASSWORD)))
        .isEqualTo(spec.expectedFacts(key.facts().publicKeyFingerprint(), List.of(server.fingerprint(), ca.fingerprint()),
            ca.fingerprint(), Pkcs12Profile.MODERN));
  }

  @Test
  void testFacts_anotherKeyOrChainIsNotAsExpected() throws Exception {
    OutputSpec spec = output(new OutputFormat.CombinedPem(Optional.empty()));
    KeyMaterial otherKey = TestKeys.key(TestKeys.P256, "other");
    Certificate other = new CertificateIssuer(TestKeys.RANDOM)
        .server(TestPki.profile("portal.example.com"), otherKey, ca, TestKeys.key(TestKeys.P256, "ca"), TestPki.NOW);

    OutputFacts read =
        OutputReader.facts(spec, OutputEncoder.encode(spec, new OutputEncoder.Material(otherKey, List.of(other, ca), ca),
            Optional.empty(), Pkcs12Profile.MODERN, TestKeys.RANDOM), Optional.empty());

    assertThat(read)
        .isNotEqualTo(spec.expectedFacts(key.facts().publicKeyFingerprint(), List.of(server.fingerprint(), ca.fingerprint()),
            ca.fingerprint(), Pkcs12Profile.MODERN));
  }

  @Test
  void testFacts_wrongPasswordIsReportedForEveryProtectedFormat() {
    for (OutputFormat format : List.of(
        new OutputFormat.Key(KeyEncoding.PKCS8, true),
        new OutputFormat.Pkcs12("portal", true, Optional.empty()),
        new OutputFormat.Jks("portal"))) {
      OutputSpec spec = output(format);
      SortedMap<String, byte[]> files = encode(spec);

      assertThatThrownBy(() -> OutputReader.facts(spec, files, Optional.of("old password".toCharArray())))
          .as(format.toString())
          .isInstanceOf(WrongPasswordException.class);
      assertThatThrownBy(() -> OutputReader.facts(spec, files, Optional.empty()))
          .as(format.toString())
          .isInstanceOf(WrongPasswordException.class);
    }
  }

  @Test
  void testFacts_aKeyInTheChainFileOfASeparateKeyIsRefused() {
    OutputSpec spec = output(new OutputFormat.CombinedPem(Optional.of("out.key")));
    Map<String, byte[]> files = new HashMap<>(encode(spec));
    files.put("out", CombinedPem.of(key, List.of(server, ca)));

    assertThatThrownBy(() -> OutputReader.facts(spec, files, Optional.empty()))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage("holds the private key, which belongs in out.key");
  }

  @Test
  void testFacts_aFileOfAnotherFormatIsRefused() {
    OutputSpec jks = output(new OutputFormat.Jks("portal"));
    OutputSpec der = output(new OutputFormat.Der(OutputFormat.CertificateChoice.SERVER));
    OutputSpec pem = output(new OutputFormat.CombinedPem(Optional.empty()));

    assertThatThrownBy(() -> OutputReader.facts(jks, Map.of("out", server.der()), Optional.of(PASSWORD)))
        .isInstanceOf(InvalidMaterialException.class);
    assertThatThrownBy(() -> OutputReader.facts(der, Map.of("out", server.pem().getBytes(StandardCharsets.US_ASCII)), Optional.empty()))
        .isInstanceOf(InvalidMaterialException.class);
    assertThatThrownBy(() -> OutputReader.facts(pem, Map.of(), Optional.empty()))
        .isInstanceOf(InvalidMaterialException.class)
        .hasMessage("has no file out");
  }

  @Test
  void testCombinedPem_keyLeafThenChainAndOpensslReadsBoth() throws Exception {
    Tool.OPENSSL.require();
    Path pem = Files.write(dir.resolve("haproxy.pem"), CombinedPem.of(key, List.of(server, ca)));
    String text = Files.readString(pem);

    String leaf = Tool.OPENSSL.command("x509", "-in", pem.toString(), "-noout", "-fingerprint", "-sha256").in(dir).run().assertSucceeded().output();
    String publicKey = Tool.OPENSSL.command("pkey", "-in", pem.toString(), "-pubout").in(dir).run().assertSucceeded().output();
    String verified = Tool.OPENSSL.command("verify", "-attime", String.valueOf(TestPki.NOW.getEpochSecond() + 60), "-CAfile", Files.writeString(dir.resolve("ca.pem"), ca.pem()).toString(), pem.toString()).in(dir).run().output();

    assertThat(text).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(text.indexOf(server.pem())).isGreaterThan(0).isLessThan(text.indexOf(ca.pem()));
    assertThat(leaf.replace(":", "").toLowerCase()).contains(server.fingerprint().hex());
    assertThat(publicKey).isEqualTo(PemText.encode("PUBLIC KEY", key.publicKey().der()));
    assertThat(verified).contains(": OK");
  }

  @Test
  void testPkcs12_opensslFindsTheChosenAliasInTheChosenProfile() throws Exception {
    Tool.OPENSSL.require();
    OutputSpec spec = output(new OutputFormat.Pkcs12("Portal Key", true, Optional.of(Pkcs12Profile.LEGACY)));
    Path p12 = Files.write(dir.resolve("app.p12"), encode(spec).get("out"));

    String info = Tool.OPENSSL.command("pkcs12", "-legacy", "-in", p12.toString(), "-info", "-nodes", "-passin", "pass:correct horse").in(dir).run()
        .assertSucceeded().output();

    assertThat(info).contains("friendlyName: Portal Key", "MAC: sha1", "pbeWithSHA1And3-KeyTripleDES-CBC");
  }

  @Test
  void testDer_opensslReadsTheServerCertificateAndTheCa() throws Exception {
    Tool.OPENSSL.require();
    for (OutputFormat.CertificateChoice choice : OutputFormat.CertificateChoice.values()) {
      Path der = Files.write(dir.resolve("out.der"), encode(output(new OutputFormat.Der(choice))).get("out"));

      String fingerprint =
          Tool.OPENSSL.command("x509", "-inform", "DER", "-in", der.toString(), "-noout", "-fingerprint", "-sha256").in(dir).run().assertSucceeded().output();

      assertThat(fingerprint.replace(":", "").toLowerCase())
          .contains((choice == OutputFormat.CertificateChoice.CA ? ca : server).fingerprint().hex());
    }
  }

  @Test
  void testEncode_aProtectedFormatWithoutPasswordIsAProgrammingError() {
    OutputSpec spec = output(new OutputFormat.Jks("portal"));

    assertThatThrownBy(() -> OutputEncoder.encode(spec, material, Optional.empty(), Pkcs12Profile.MODERN, TestKeys.RANDOM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("output out needs the store password");
  }

  private static SortedMap<String, byte[]> encode(OutputSpec spec) {
    return OutputEncoder.encode(spec, material, Optional.of(PASSWORD), Pkcs12Profile.MODERN, TestKeys.RANDOM);
  }

  private static OutputSpec output(OutputFormat format) {
    return new OutputSpec("out", format, AccessSpec.NONE, List.of(), new SourcePosition(Path.of("host.yaml"), 1, 1));
  }
}
