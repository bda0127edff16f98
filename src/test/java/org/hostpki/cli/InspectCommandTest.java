package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.hostpki.testkit.TestRequests;
import org.hostpki.fetch.Commands;
import org.hostpki.testkit.ToolCertificates;
import org.hostpki.testkit.ToolCertificates.Issued;
import org.hostpki.json.OutputSchemas;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.DateText;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.pki.RevocationList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Tool;

/**
 * {@code hostpki inspect} on files made by openssl and keytool: certificates as PEM, DER and
 * PKCS#7, requests as PEM and DER, PKCS#12 with its password from the environment or a file, in
 * text and JSON (against schema/inspect.schema.json).
 */
class InspectCommandTest {
  @TempDir static Path dir;
  private static Issued ca;
  private static Issued leaf;
  private static Clock clock;

  @BeforeAll
  static void makeFiles() throws IOException {
    Tool.OPENSSL.require();
    ca = ToolCertificates.opensslCa(dir, "ca", "/O=Example Corp/CN=Test Device CA");
    leaf = ToolCertificates.opensslLeaf(dir, "leaf", "/CN=device.test", "ec", "DNS:device.test,IP:192.0.2.7,IP:2001:db8::7", ca);
    clock = Clock.fixed(leaf.load().getNotBefore().toInstant().plus(Duration.ofHours(12)), ZoneOffset.UTC);
    Files.writeString(dir.resolve("chain.pem"), Files.readString(leaf.certificate()) + Files.readString(ca.certificate()));
    openssl("x509", "-in", "leaf.pem", "-outform", "DER", "-out", "leaf.der");
    openssl("crl2pkcs7", "-nocrl", "-certfile", "chain.pem", "-outform", "DER", "-out", "chain.p7b");
    openssl("crl2pkcs7", "-nocrl", "-certfile", "chain.pem", "-out", "chain.p7b.pem");
    openssl("req", "-in", "leaf.csr", "-outform", "DER", "-out", "leaf.csr.der");
    openssl("pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.pem", "-passout", "pass:", "-keypbe", "NONE",
        "-certpbe", "NONE", "-nomac", "-out", "open.p12");
    Files.writeString(dir.resolve("combined.pem"), Files.readString(leaf.key()) + Files.readString(leaf.certificate()));
    Files.writeString(dir.resolve("password"), ToolCertificates.PASSWORD + "\n");
    Files.setPosixFilePermissions(dir.resolve("password"), PosixFilePermissions.fromString("rw-------"));
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Commands.run(
        dir, keytool, "-importcert", "-noprompt", "-alias", "device-ca", "-file", "ca.pem",
        "-storetype", "PKCS12", "-keystore", "trust.p12", "-storepass", ToolCertificates.PASSWORD);
    Commands.run(
        dir, keytool, "-importkeystore", "-noprompt", "-srckeystore", "leaf.p12", "-srcstoretype", "PKCS12",
        "-srcstorepass", ToolCertificates.PASSWORD, "-destkeystore", "leaf.jks", "-deststoretype", "JKS",
        "-deststorepass", ToolCertificates.PASSWORD);
    Commands.run(
        dir, keytool, "-importcert", "-noprompt", "-alias", "device-ca", "-file", "ca.pem",
        "-storetype", "JKS", "-keystore", "leaf.jks", "-storepass", ToolCertificates.PASSWORD);
  }

  private static void openssl(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "openssl";
    System.arraycopy(args, 0, command, 1, args.length);
    Commands.run(dir, command);
  }

  private static CliResult inspect(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "inspect";
    System.arraycopy(args, 0, command, 1, args.length);
    return Cli.in(dir).clock(clock).env(Map.of("P12_PASSWORD", ToolCertificates.PASSWORD)).run(command);
  }

  private static JsonNode json(String... args) {
    String[] command = new String[args.length + 2];
    System.arraycopy(args, 0, command, 0, args.length);
    command[args.length] = "--output";
    command[args.length + 1] = "json";
    CliResult run = inspect(command);
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return OutputSchemas.valid("inspect.schema.json", run.out());
  }

  private static String sha256(Path pem) {
    return ToolCertificates.opensslFingerprint(pem).replace(":", "").toLowerCase(Locale.ROOT);
  }

  @Test
  void testCertificate_showsWhatStatusShowsForAStoreEntry() {
    CliResult run = inspect("leaf.pem");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "File     " + dir.resolve("leaf.pem") + ": PEM, 1 certificate\n"
                + "Cert 1   CN=device.test\n"
                + "         SANs device.test, 192.0.2.7, 2001:db8::7\n"
                + "         key EC P-256, issuer CN=Test Device CA,O=Example Corp\n"
                + "         sha256 " + ToolCertificates.opensslFingerprint(leaf.certificate()) + "\n"
                + "         not after " + org.hostpki.model.DateText.day(leaf.load().getNotAfter().toInstant())
                + " (29 days left)\n"
                + "         serial " + CertificateFacts.serialHex(leaf.load().getSerialNumber())
                + ", not before " + org.hostpki.model.DateText.day(leaf.load().getNotBefore().toInstant())
                + ", for serverAuth\n");
    assertThat(run.err()).isEmpty();
  }

  /**
   * A request asking for what sign refuses (a CA's basic constraints and key usage, codeSigning,
   * an unknown critical extension) and for email and URI names showed its DNS names alone: a
   * reviewer could not see any of it. Every SAN and every extension is shown, escaped.
   */
  @Test
  void testPath_dotDotAfterALinkIsLookedUpWhereTheLinkLeads() throws IOException {
    // kern/link -> away/inner: the kernel (and cat) reads kern/link/../f.pem as away/f.pem, the CA;
    // normalised by name first, it was kern/f.pem, the leaf: another file than the one named.
    Path kern = Files.createDirectories(dir.resolve("kern/away/inner")).getParent().getParent();
    Files.copy(ca.certificate(), kern.resolve("away/f.pem"));
    Files.copy(leaf.certificate(), kern.resolve("f.pem"));
    Files.createSymbolicLink(kern.resolve("link"), kern.resolve("away/inner"));

    CliResult run = inspect("kern/link/../f.pem");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("File     " + kern.resolve("link/../f.pem") + ": PEM, 1 certificate\n")
        .contains("Cert 1   CN=Test Device CA,O=Example Corp\n").doesNotContain("device.test");
    assertThat(inspect("kern/away/inner/../f.pem").out()).as("no link: the same file, its name tidied")
        .startsWith("File     " + kern.resolve("away/f.pem") + ": PEM");
  }

  @Test
  void testRequest_showsEverySanAndEveryRequestedExtension() throws Exception {
    byte[] der = TestRequests.jcaWithExtensions("ca.test",
        Extension.create(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "ca.test"),
            new GeneralName(GeneralName.rfc822Name, "ops@example.test"),
            new GeneralName(GeneralName.uniformResourceIdentifier, "https://x.test/\u001b[31mred")})),
        Extension.create(Extension.basicConstraints, true, new BasicConstraints(0)),
        Extension.create(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)),
        Extension.create(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_codeSigning})),
        new Extension(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), true, new byte[] {4, 1, 0}));
    Files.write(dir.resolve("ca-request.csr"), der);

    CliResult run = inspect("ca-request.csr");
    JsonNode request = json("ca-request.csr").get("request");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("Request  CN=ca.test\n"
        + "         SANs ca.test, email:ops@example.test, URI:https://x.test/\\x1b[31mred\n");
    assertThat(run.out()).endsWith("signature valid (made with the key it carries)\n"
        + "         extension subjectAltName: 3 names\n"
        + "         extension basicConstraints (critical): CA:TRUE, pathlen:0\n"
        + "         extension keyUsage (critical): digitalSignature, keyCertSign\n"
        + "         extension extendedKeyUsage: serverAuth, codeSigning\n"
        + "         extension 1.3.6.1.4.1.99999.1 (critical): 3 bytes\n");
    assertThat(request.get("dns_names").toString()).isEqualTo("[\"ca.test\"]");
    assertThat(request.get("other_names").toString()).isEqualTo("[\"email:ops@example.test\",\"URI:https://x.test/\\u001B[31mred\"]");
    assertThat(request.get("extensions").toString()).isEqualTo("["
        + "{\"oid\":\"2.5.29.17\",\"name\":\"subjectAltName\",\"critical\":false,\"value\":\"3 names\"},"
        + "{\"oid\":\"2.5.29.19\",\"name\":\"basicConstraints\",\"critical\":true,\"value\":\"CA:TRUE, pathlen:0\"},"
        + "{\"oid\":\"2.5.29.15\",\"name\":\"keyUsage\",\"critical\":true,\"value\":\"digitalSignature, keyCertSign\"},"
        + "{\"oid\":\"2.5.29.37\",\"name\":\"extendedKeyUsage\",\"critical\":false,\"value\":\"serverAuth, codeSigning\"},"
        + "{\"oid\":\"1.3.6.1.4.1.99999.1\",\"name\":null,\"critical\":true,\"value\":\"3 bytes\"}]");
  }

  @Test
  void testCertificates_asPemDerAndPkcs7AreTheSame() {
    JsonNode pem = json("chain.pem");
    JsonNode der = json("leaf.der");
    JsonNode p7b = json("chain.p7b");
    JsonNode p7bPem = json("chain.p7b.pem");

    assertThat(pem.get("encoding").asString()).isEqualTo("pem");
    assertThat(der.get("encoding").asString()).isEqualTo("der");
    assertThat(p7b.get("encoding").asString()).isEqualTo("pkcs7");
    assertThat(p7bPem.get("encoding").asString()).isEqualTo("pkcs7");
    assertThat(pem.get("certificates")).hasSize(2).isEqualTo(p7b.get("certificates")).isEqualTo(p7bPem.get("certificates"));
    assertThat(der.get("certificates").get(0)).isEqualTo(pem.get("certificates").get(0));
    JsonNode first = pem.get("certificates").get(0);
    assertThat(first.get("sha256").asString()).isEqualTo(sha256(leaf.certificate()));
    assertThat(first.get("dns_names").toString()).isEqualTo("[\"device.test\"]");
    assertThat(first.get("ip_addresses").toString()).isEqualTo("[\"192.0.2.7\",\"2001:db8::7\"]");
    assertThat(first.get("not_after").asString()).isEqualTo(leaf.load().getNotAfter().toInstant().toString());
    assertThat(first.get("key").get("sha256").asString())
        .isEqualTo(Fingerprint.sha256(leaf.load().getPublicKey().getEncoded()).hex());
    assertThat(pem.get("certificates").get(1).get("ca").asBoolean()).isTrue();
  }

  @Test
  void testRequest_asPemAndDer() {
    JsonNode pem = json("leaf.csr");
    JsonNode der = json("leaf.csr.der");

    assertThat(pem.get("kind").asString()).isEqualTo("certificate_request");
    assertThat(pem.get("request")).isEqualTo(der.get("request"));
    assertThat(pem.get("request").get("subject").asString()).isEqualTo("CN=device.test");
    assertThat(pem.get("request").get("signature_valid").asBoolean()).isTrue();
    assertThat(inspect("leaf.csr").out()).contains("Request  CN=device.test\n", "signature valid");
  }

  @Test
  void testCrl_asPemAndDerWithWhatItListsAndWhenItRunsOut() throws Exception {
    Certificate caCertificate = Pem.readCertificates(Files.readAllBytes(ca.certificate())).get(0);
    Instant issued = clock.instant().minus(Duration.ofHours(1));
    BigInteger serial = new BigInteger("142517D9F5E1D2D020831BD6DF32EB4D", 16);
    RevocationList crl = RevocationList.issue(
        caCertificate, KeyMaterial.fromPem(Files.readAllBytes(ca.key())), BigInteger.valueOf(7), issued,
        issued.plus(Duration.ofDays(7)), List.of(new RevokedCertificate(serial, issued, RevocationReason.KEY_COMPROMISE)),
        new SecureRandom());
    Files.writeString(dir.resolve("ca.crl"), crl.pem());
    Files.write(dir.resolve("ca.crl.der"), crl.der()); // as hostpki export crl --der writes it for publishing

    CliResult pem = inspect("ca.crl");
    CliResult later = Cli.in(dir).clock(Clock.offset(clock, Duration.ofDays(8))).env(Map.of()).run("inspect", "ca.crl.der");

    assertThat(pem.exitCode()).as(pem.toString()).isZero();
    assertThat(pem.out())
        .isEqualTo(
            "File     " + dir.resolve("ca.crl") + ": a CRL, PEM\n"
                + "CRL      issuer CN=Test Device CA,O=Example Corp\n"
                + "         number 7, signed with SHA256withECDSA, authority key id "
                + crl.facts().authorityKeyId().orElseThrow().toUpperCase(Locale.ROOT).replaceAll("(..)(?!$)", "$1:") + "\n"
                + "         this update " + DateText.of(issued) + ", next update " + DateText.of(issued.plus(Duration.ofDays(7)))
                + " (6 days left)\n"
                + "         1 revoked certificate:\n"
                + "         serial 142517D9F5E1D2D020831BD6DF32EB4D revoked " + DateText.of(issued) + " (keyCompromise)\n");
    assertThat(later.exitCode()).as(later.toString()).isZero();
    assertThat(later.out())
        .startsWith("File     " + dir.resolve("ca.crl.der") + ": a CRL, DER\n")
        .contains("(past it: clients that check it refuse every certificate of its CA)");
    JsonNode fromPem = json("ca.crl");
    JsonNode fromDer = json("ca.crl.der");
    assertThat(fromPem.get("kind").asString()).isEqualTo("crl");
    assertThat(fromPem.get("crl").get("number").asString()).isEqualTo("7");
    assertThat(fromPem.get("crl").get("sha256").asString()).isEqualTo(crl.facts().fingerprint().hex());
    assertThat(fromPem.get("revoked").get(0).get("serial").asString()).isEqualTo("142517D9F5E1D2D020831BD6DF32EB4D");
    assertThat(fromPem.get("revoked").get(0).get("reason").asString()).isEqualTo("keyCompromise");
    assertThat(fromDer.get("crl")).isEqualTo(fromPem.get("crl"));
    assertThat(fromDer.get("revoked")).isEqualTo(fromPem.get("revoked"));
    assertThat(json("leaf.pem").get("crl").isNull()).isTrue();
  }

  /**
   * A negative serial (RFC 5280 forbids them; hostile and old certificates have them) is printed
   * with its minus sign as openssl x509 -serial prints it, and the JSON with it still matches the
   * schema: its pattern allowed upper-case hex only, so a validating consumer refused the document.
   */
  @Test
  void testNegativeSerial_isShownAsOpensslPrintsItAndMatchesTheSchema() throws Exception {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "negative.key",
        "-out", "negative.pem", "-subj", "/CN=negative.test", "-set_serial", "-12345", "-days", "30");
    Certificate caCertificate = Pem.readCertificates(Files.readAllBytes(ca.certificate())).get(0);
    Instant issued = clock.instant().minus(Duration.ofHours(1));
    RevocationList crl = RevocationList.issue(
        caCertificate, KeyMaterial.fromPem(Files.readAllBytes(ca.key())), BigInteger.ONE, issued,
        issued.plus(Duration.ofDays(7)),
        List.of(new RevokedCertificate(BigInteger.valueOf(-12345), issued, RevocationReason.KEY_COMPROMISE)),
        new SecureRandom());
    Files.writeString(dir.resolve("negative.crl"), crl.pem());

    String opensslSerial = Commands.run(dir, "openssl", "x509", "-in", "negative.pem", "-noout", "-serial").strip();

    assertThat(opensslSerial).isEqualTo("serial=-3039");
    assertThat(inspect("negative.pem").out()).contains("serial -3039, not before");
    assertThat(json("negative.pem").get("certificates").get(0).get("serial").asString()).isEqualTo("-3039");
    assertThat(inspect("negative.crl").out()).contains("serial -3039 revoked ");
    assertThat(json("negative.crl").get("revoked").get(0).get("serial").asString()).isEqualTo("-3039");
  }

  @Test
  void testPkcs12_opensWithThePasswordFromTheEnvironmentOrAFile() {
    JsonNode fromEnv = json("leaf.p12", "--password-env", "P12_PASSWORD");
    JsonNode fromFile = json("leaf.p12", "--password-file", "password");

    assertThat(fromEnv.get("keystore")).isEqualTo(fromFile.get("keystore"));
    JsonNode key = fromEnv.get("keystore").get("keys").get(0);
    assertThat(key.get("alias").asString()).isEqualTo("server");
    assertThat(key.get("key").get("description").asString()).isEqualTo("EC P-256");
    assertThat(key.get("chain").valueStream().map(c -> c.get("sha256").asString()))
        .containsExactly(sha256(leaf.certificate()), sha256(ca.certificate()));
    assertThat(fromEnv.get("private_keys").asInt()).isEqualTo(1);
    assertThat(fromEnv.get("keystore").get("profile").asString()).isEqualTo("modern");
    assertThat(inspect("leaf.p12", "--password-env", "P12_PASSWORD").out())
        .contains("Key      alias 'server': EC P-256, public key sha256 ", "Cert 1   CN=device.test", "Cert 2   CN=Test Device CA");
  }

  @Test
  void testPkcs12_writtenWithoutAPasswordOpensWithoutOne() {
    JsonNode open = json("open.p12");

    assertThat(open.get("keystore").get("keys").get(0).get("chain").get(0).get("sha256").asString())
        .isEqualTo(sha256(leaf.certificate()));
    assertThat(open.get("keystore").get("profile").isNull()).isTrue();
    assertThat(inspect("open.p12").out()).contains(": PKCS#12 without a password, 1 private key");
  }

  @Test
  void testPkcs12_aJavaTrustStoreShowsItsTrustedEntries() {
    JsonNode trust = json("trust.p12", "--password-env", "P12_PASSWORD").get("keystore");

    assertThat(trust.get("keys")).isEmpty();
    JsonNode entry = trust.get("certificates").get(0);
    assertThat(entry.get("alias").asString()).isEqualTo("device-ca");
    assertThat(entry.get("trusted").asBoolean()).isTrue();
    assertThat(entry.get("sha256").asString()).isEqualTo(sha256(ca.certificate()));
  }

  @Test
  void testJks_showsItsKeyAndTrustedEntriesAsKeytoolListsThem() {
    JsonNode jks = json("leaf.jks", "--password-file", "password");
    CliResult text = inspect("leaf.jks", "--password-env", "P12_PASSWORD");
    CliResult none = inspect("leaf.jks");
    CliResult wrong = Cli.in(dir).clock(clock).env(Map.of("P12_PASSWORD", "nope")).run("inspect", "leaf.jks", "--password-env", "P12_PASSWORD");

    assertThat(jks.get("encoding").asString()).isEqualTo("jks");
    JsonNode store = jks.get("keystore");
    assertThat(store.get("profile").isNull()).isTrue();
    assertThat(store.get("keys").get(0).get("alias").asString()).isEqualTo("server");
    assertThat(store.get("keys").get(0).get("chain").valueStream().map(c -> c.get("sha256").asString()))
        .containsExactly(sha256(leaf.certificate()), sha256(ca.certificate()));
    assertThat(store.get("certificates").get(0).get("alias").asString()).isEqualTo("device-ca");
    assertThat(store.get("certificates").get(0).get("trusted").asBoolean()).isTrue();
    assertThat(text.out()).startsWith("File     " + dir.resolve("leaf.jks") + ": Java KeyStore (JKS), 1 private key, 1 other certificate\n");
    assertThat(none.err()).isEqualTo("error: " + dir.resolve("leaf.jks") + " is a Java KeyStore (JKS), which opens only with"
        + " its password: give it with --password-env VAR or --password-file FILE\n");
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err()).contains("cannot be opened with this password").doesNotContain("nope");
  }

  @Test
  void testJks_cutShortOrJceksIsOneClearError() throws IOException {
    byte[] jks = Files.readAllBytes(dir.resolve("leaf.jks"));
    Files.write(dir.resolve("cut.jks"), java.util.Arrays.copyOf(jks, 100));
    Files.write(dir.resolve("store.jceks"), new byte[] {(byte) 0xce, (byte) 0xce, (byte) 0xce, (byte) 0xce, 0, 0, 0, 2});

    CliResult cut = inspect("cut.jks", "--password-file", "password");
    CliResult jceks = inspect("store.jceks");

    assertThat(cut.exitCode()).isEqualTo(1);
    assertThat(cut.err()).isEqualTo("error: " + dir.resolve("cut.jks") + " is not a valid JKS file: it is cut short\n");
    assertThat(jceks.exitCode()).isEqualTo(1);
    assertThat(jceks.err()).contains("is a JCEKS key store, which hostpki does not read; convert it with keytool -importkeystore");
  }

  @Test
  void testPkcs12_withoutOrWithAWrongPasswordIsAnErrorThatSaysHowToGiveIt() {
    CliResult none = inspect("leaf.p12");
    CliResult wrong = Cli.in(dir).clock(clock).env(Map.of("P12_PASSWORD", "nope")).run("inspect", "leaf.p12", "--password-env", "P12_PASSWORD");
    CliResult unset = inspect("leaf.p12", "--password-env", "NOT_SET");

    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err())
        .isEqualTo("error: " + dir.resolve("leaf.p12") + " is a PKCS#12 file, which opens only with its password:"
            + " give it with --password-env VAR or --password-file FILE\n");
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err()).contains("cannot be opened with this password").doesNotContain("nope");
    assertThat(unset.err()).contains("--password-env: environment variable NOT_SET is not set or empty");
  }

  @Test
  void testPassword_isNeverAnArgumentAndTheTwoOptionsExcludeEachOther() {
    CliResult both = inspect("leaf.p12", "--password-env", "P12_PASSWORD", "--password-file", "password");
    CliResult literal = inspect("leaf.p12", "--password", ToolCertificates.PASSWORD);

    assertThat(both.exitCode()).isEqualTo(64);
    assertThat(literal.exitCode()).isEqualTo(64);
  }

  @Test
  void testCombinedPem_showsTheCertificatesAndOnlyCountsTheKey() throws IOException {
    CliResult run = inspect("combined.pem");
    JsonNode json = json("combined.pem");

    assertThat(run.out()).contains(": PEM, 1 certificate and 1 private key (not shown)");
    assertThat(json.get("private_keys").asInt()).isEqualTo(1);
    String key = Files.readString(leaf.key());
    String body = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    assertThat(run.out() + json).doesNotContain(body);
  }

  @Test
  void testWhatIsNoCertificate_isAnErrorNamingTheFile() throws IOException {
    Files.write(dir.resolve("random.bin"), new byte[] {1, 2, 3, 4});
    CliResult key = inspect("leaf.key");
    CliResult random = inspect("random.bin");
    CliResult folder = inspect(".");
    CliResult missing = inspect("missing.pem", "--output", "json");

    assertThat(key.exitCode()).isEqualTo(1);
    assertThat(key.err()).contains("holds a private key and no certificate").doesNotContain("BEGIN");
    assertThat(random.err()).isEqualTo("error: " + dir.resolve("random.bin") + " is no certificate, certificate request, CRL or PKCS#12 file: it is neither PEM text nor DER\n");
    assertThat(folder.err()).contains("is a directory, not a regular file");
    assertThat(missing.exitCode()).isEqualTo(1);
    JsonNode error = OutputSchemas.valid("error.schema.json", missing.out());
    assertThat(error.get("diagnostics").get(0).get("message").asString()).isEqualTo(dir.resolve("missing.pem") + " does not exist");
  }

  @Test
  void testHostileFiles_giveOneErrorEachAndExit1() throws Exception {
    byte[] der = Files.readAllBytes(dir.resolve("leaf.der"));
    Files.write(dir.resolve("cut.der"), java.util.Arrays.copyOf(der, 200));
    byte[] p12 = Files.readAllBytes(dir.resolve("leaf.p12"));
    Files.write(dir.resolve("cut.p12"), java.util.Arrays.copyOf(p12, p12.length / 2));
    Files.write(dir.resolve("sequence.bin"), new byte[] {0x30, 0x03, 0x02, 0x01, 0x05});
    Path fifo = dir.resolve("fifo");
    Commands.run(dir, "mkfifo", "fifo");
    try (java.io.RandomAccessFile huge = new java.io.RandomAccessFile(dir.resolve("huge.pem").toFile(), "rw")) {
      huge.setLength(65L << 20); // sparse: no disk, no memory
    }

    CliResult cut = inspect("cut.der");
    CliResult cutP12 = inspect("cut.p12", "--password-file", "password");
    CliResult sequence = inspect("sequence.bin");
    CliResult pipe = inspect("fifo");
    CliResult big = inspect("huge.pem", "--output", "json");

    assertThat(cut.err())
        .isEqualTo("error: " + dir.resolve("cut.der") + " is no certificate, certificate request, CRL or PKCS#12 file hostpki"
            + " can read: it is cut short: its DER header declares " + der.length + " bytes but only 200 are present\n");
    assertThat(cutP12.err()).contains("it is cut short: its DER header declares " + p12.length);
    assertThat(sequence.err()).startsWith("error: " + dir.resolve("sequence.bin") + " is no certificate, certificate request, CRL or PKCS#12 file: as a certificate it ");
    assertThat(pipe.err()).isEqualTo("error: " + fifo + " is a FIFO (named pipe), not a regular file\n");
    assertThat(OutputSchemas.valid("error.schema.json", big.out()).get("diagnostics").get(0).get("message").asString())
        .isEqualTo(dir.resolve("huge.pem") + " is 68157440 bytes, over the 64 MiB limit for a file to inspect");
    for (CliResult run : List.of(cut, cutP12, sequence, pipe, big)) {
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.err().lines()).as(run.toString()).hasSize(1);
    }
  }

  @Test
  void testNotYetValid_saysSoInsteadOfDaysLeft() {
    CliResult early = Cli.in(dir).clock(Clock.offset(clock, Duration.ofDays(-1))).env(Map.of()).run("inspect", "leaf.pem");

    assertThat(early.out()).contains("(not yet valid: from " + org.hostpki.model.DateText.day(leaf.load().getNotBefore().toInstant()) + ")");
    assertThat(early.out()).doesNotContain("days left");
  }

  @Test
  void testHostileSubject_isEscapedInTextAndJson() throws IOException {
    Path hostile = Files.createDirectories(dir.resolve("hostile"));
    Commands.run(
        hostile, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "h.key", "-out", "h.pem", "-days", "30", "-utf8",
        "-subj", "/CN=dev\u001b[2K\u202etxt.exe\nPlan: 0 to create");
    CliResult text = inspect("hostile/h.pem");
    CliResult json = inspect("hostile/h.pem", "--output", "json");

    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out()).doesNotContain("\u001b", "\u202e").contains("\\1B[2K");
    assertThat(text.out().lines().filter(l -> l.startsWith("Plan:"))).isEmpty();
    assertThat(json.out()).doesNotContain("\u001b", "\u202e");
    assertThat(OutputSchemas.valid("inspect.schema.json", json.out()).get("certificates").get(0).get("subject").asString())
        .startsWith("CN=dev\\1B[2K");
  }

  @Test
  void testChainOrder_isTheFilesNotSorted() throws IOException {
    Files.writeString(dir.resolve("reversed.pem"), Files.readString(ca.certificate()) + Files.readString(leaf.certificate()));

    assertThat(json("reversed.pem").get("certificates").findValuesAsString("subject"))
        .isEqualTo(List.of("CN=Test Device CA,O=Example Corp", "CN=device.test"));
  }

  /**
   * thostile17: Ed448 and RSA-PSS keys were shown as "key other" (JSON description "other",
   * algorithm null), though OpenSSL names both. Each kind is named, in text and JSON; EC and RSA
   * keys of the kinds hostpki makes are shown as before.
   */
  @Test
  void testKeysOfKindsHostpkiDoesNotMake_areNamedAsOpensslNamesThem() throws IOException {
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Commands.run(keys, "openssl", "genpkey", "-algorithm", "ed448", "-out", "ed448.key");
    Commands.run(keys, "openssl", "req", "-x509", "-key", "ed448.key", "-subj", "/CN=ed448", "-days", "30", "-out", "ed448.pem");
    Commands.run(keys, "openssl", "genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "pss.key");
    Commands.run(keys, "openssl", "req", "-x509", "-key", "pss.key", "-subj", "/CN=pss", "-days", "30", "-out", "pss.pem");

    assertThat(inspect("keys/ed448.pem").out()).contains("         key Ed448, issuer CN=ed448\n");
    assertThat(inspect("keys/pss.pem").out()).contains("         key RSA-PSS 2048, issuer CN=pss\n");
    JsonNode ed448 = json("keys/ed448.pem").get("certificates").get(0).get("key");
    assertThat(List.of(ed448.get("description").asString(), ed448.get("algorithm").asString(),
            ed448.get("bits").asInt(), ed448.get("curve").asString()))
        .isEqualTo(List.of("Ed448", "EdDSA", 448, "Ed448"));
    JsonNode pss = json("keys/pss.pem").get("certificates").get(0).get("key");
    assertThat(List.of(pss.get("description").asString(), pss.get("algorithm").asString(), pss.get("bits").asInt()))
        .isEqualTo(List.of("RSA-PSS 2048", "RSASSA-PSS", 2048));
    assertThat(pss.get("curve").isNull()).isTrue();
  }

  /**
   * thostile17: URI, email, directoryName and otherName SANs, name constraints of those kinds,
   * policy mappings and a critical extension OpenSSL does not know were not shown at all, though
   * {@code openssl x509 -text} and {@code certtool -i} show each. Each is shown, in text and JSON.
   */
  @Test
  void testWhatOpensslShowsBeyondDnsNamesAndAddresses_isShown() throws IOException {
    Path made = Files.createDirectories(dir.resolve("beyond"));
    Files.writeString(made.resolve("ext.cnf"), """
        [dn]
        CN=inner
        [ext]
        basicConstraints=critical,CA:TRUE
        nameConstraints=critical,permitted;DNS:corp.example,permitted;email:.corp.example,excluded;URI:.bad.example,excluded;dirName:dn
        policyMappings=1.2.3.4:1.2.3.5
        1.2.3.99.1=critical,ASN1:UTF8String:hello
        subjectAltName=DNS:ok.example,URI:https://x.example/,email:a@b.example,dirName:dn,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:u@x,RID:1.2.3.4
        """);
    Commands.run(made, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "b.key", "-subj", "/CN=beyond", "-days", "30", "-config", "ext.cnf", "-extensions", "ext", "-out", "b.pem");

    CliResult text = inspect("beyond/b.pem");
    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out())
        .contains("         SANs ok.example, URI:https://x.example/, email:a@b.example, dirName:CN=inner,"
            + " otherName:1.3.6.1.4.1.311.20.2.3, RID:1.2.3.4\n")
        .contains("         name constraints permitted dnsDomains [corp.example]\n")
        .contains("         name constraints (other kinds) permitted email:.corp.example;"
            + " excluded URI:.bad.example, dirName:CN=inner\n")
        .contains("         policy mappings 1.2.3.4 → 1.2.3.5\n")
        .contains("         critical extension 1.2.3.99.1 unknown to OpenSSL: its clients (curl, nginx, HAProxy,"
            + " Python) refuse every chain through it\n");
    JsonNode c = json("beyond/b.pem").get("certificates").get(0);
    assertThat(c.get("other_names").valueStream().map(JsonNode::asString).toList())
        .isEqualTo(List.of("URI:https://x.example/", "email:a@b.example", "dirName:CN=inner",
            "otherName:1.3.6.1.4.1.311.20.2.3", "RID:1.2.3.4"));
    assertThat(c.get("other_name_constraints").toString())
        .isEqualTo("{\"permitted\":[\"email:.corp.example\"],\"excluded\":[\"URI:.bad.example\",\"dirName:CN=inner\"]}");
    assertThat(c.get("policy_mappings").toString())
        .isEqualTo("[{\"issuer_domain_policy\":\"1.2.3.4\",\"subject_domain_policy\":\"1.2.3.5\"}]");
    assertThat(c.get("critical_extensions_openssl_refuses").toString()).isEqualTo("[\"1.2.3.99.1\"]");
  }

  /**
   * thostile17: bytes above 0x7F in an IA5String (a dNSName, a URI) were read as Latin-1 and
   * printed as mojibake ({@code bÃ¢\x80®ad.example}) while a subject shows the bytes of a character
   * it escapes as {@code \E2\80\AE}: one escaping for both, in certificates and requests.
   */
  @Test
  void testIa5BytesAboveAscii_areShownAsTheSubjectShowsEscapedBytes() throws IOException {
    Path made = Files.createDirectories(dir.resolve("ia5"));
    byte[] config = ("[ext]\nsubjectAltName=DNS:b\u00e2\u0080\u00aead.example,URI:http://u\u00c3\u00a9/\n")
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1); // the raw bytes E2 80 AE, C3 A9
    Files.write(made.resolve("ext.cnf"), config);
    Commands.run(made, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "i.key", "-subj", "/CN=ia5", "-days", "30", "-config", "ext.cnf", "-extensions", "ext", "-out", "i.pem");
    Commands.run(made, "openssl", "req", "-new", "-key", "i.key", "-subj", "/CN=ia5", "-config", "ext.cnf",
        "-reqexts", "ext", "-out", "i.csr");

    assertThat(inspect("ia5/i.pem").out()).contains("         SANs b\\E2\\80\\AEad.example, URI:http://u\\C3\\A9/\n");
    assertThat(inspect("ia5/i.csr").out()).contains("         SANs b\\E2\\80\\AEad.example, URI:http://u\\C3\\A9/\n");
    JsonNode c = json("ia5/i.pem").get("certificates").get(0);
    assertThat(c.get("dns_names").get(0).asString()).isEqualTo("b\\E2\\80\\AEad.example");
    assertThat(c.get("other_names").get(0).asString()).isEqualTo("URI:http://u\\C3\\A9/");
  }
}
