package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Pkcs12Profile;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pkcs12;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class Pkcs12RecordTest {
  private static final char[] PASSWORD = "correct horse".toCharArray();
  private static final byte[] SERVER_P12 = "server.p12 bytes".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUSTSTORE_P12 = "truststore bytes".getBytes(StandardCharsets.US_ASCII);

  private static Fingerprint fp(int n) {
    return Fingerprint.sha256(new byte[] {(byte) n});
  }

  private static final Pkcs12Facts SERVER_FACTS =
      new Pkcs12Facts(
          Optional.of(new Pkcs12Facts.KeyEntry("server", fp(1), List.of(fp(2), fp(3)))),
          Map.of(),
          Pkcs12Profile.MODERN);

  private static final Pkcs12Facts TRUSTSTORE_FACTS =
      new Pkcs12Facts(
          Optional.empty(),
          Map.of(
              "internal-ca", fp(3),
              "odd alias \"%\" ä", fp(4),
              "", fp(5)),
          Pkcs12Profile.LEGACY);

  private static Pkcs12Record record() {
    Map<String, Pkcs12Record.Entry> entries = new TreeMap<>();
    entries.put("server.p12", Pkcs12Record.Entry.of(SERVER_P12, SERVER_FACTS));
    entries.put("truststore.p12", Pkcs12Record.Entry.of(TRUSTSTORE_P12, TRUSTSTORE_FACTS));
    return new Pkcs12Record(entries);
  }

  /** The record as hostpki 0.1.0 wrote it: a salt and a salted SHA-256 per file. */
  private static String version1(Pkcs12Record record) {
    return text(record)
        .replace("hostpki pkcs12-facts 2\n", "hostpki pkcs12-facts 1\n")
        .replaceAll(
            "(sha256 [0-9a-f]{64}\n)",
            "$1password-salt " + "0f".repeat(16) + "\npassword-sha256 " + "a1".repeat(32) + "\n");
  }

  private static String text(Pkcs12Record record) {
    return new String(record.format(), StandardCharsets.UTF_8);
  }

  private static Optional<Pkcs12Record> parse(String text) {
    return Pkcs12Record.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void testParse_readsBackWhatFormatWrites() {
    byte[] written = record().format();

    Pkcs12Record read = Pkcs12Record.parse(written).orElseThrow();

    assertThat(read.format()).isEqualTo(written);
    assertThat(read.factsOf("server.p12", SERVER_P12)).contains(SERVER_FACTS);
    assertThat(read.factsOf("truststore.p12", TRUSTSTORE_P12)).contains(TRUSTSTORE_FACTS);
  }

  @Test
  void testFormat_isLineOrientedText() {
    String text = text(record());

    assertThat(text)
        .startsWith("hostpki pkcs12-facts 2\nfile server.p12\nsha256 ")
        .contains("\nprofile MODERN\nkey \"server\" " + fp(1).hex() + "\nchain " + fp(2).hex())
        .contains("\ntrusted \"odd%20alias%20%22%25%22%20%C3%A4\" " + fp(4).hex() + "\n")
        .contains("\ntrusted \"\" " + fp(5).hex() + "\n")
        .endsWith("end\n")
        .doesNotContain("password", "salt");
  }

  @Test
  void testFactsOf_otherBytesGiveNothing() {
    assertThat(record().factsOf("server.p12", TRUSTSTORE_P12)).isEmpty();
  }

  @Test
  void testParse_readsAVersion1RecordIgnoringItsPasswordLines() {
    String v1 = version1(record());
    assertThat(v1).contains("password-sha256 ");

    Pkcs12Record read = parse(v1).orElseThrow();

    assertThat(read.factsOf("server.p12", SERVER_P12)).contains(SERVER_FACTS);
    assertThat(read.factsOf("truststore.p12", TRUSTSTORE_P12)).contains(TRUSTSTORE_FACTS);
    assertThat(Pkcs12Record.isOutdated(v1.getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(Pkcs12Record.isOutdated(record().format())).isFalse();
  }

  /** A version 1 record edited anywhere is refused as a version 2 one is. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "password-salt 0f0f=>password-salt 0f",
        "password-sha256 a1a1=>password-sha256 a1",
        "\npassword-salt =>\nsalt ",
        "\npassword-sha256 =>\nextra\npassword-sha256 ",
        "profile LEGACY=>profile legacy",
      })
  void testParse_anythingNotWrittenByVersion1IsRefused(String edit) {
    String[] fromTo = edit.split("=>", 2);
    String text = version1(record());
    assertThat(text).contains(fromTo[0]);

    assertThat(parse(text.replaceFirst(java.util.regex.Pattern.quote(fromTo[0]), java.util.regex.Matcher.quoteReplacement(fromTo[1])))).isEmpty();
  }

  @Test
  void testParse_version1WithoutItsPasswordLinesIsRefused() {
    String v1WithoutLines = text(record()).replace("hostpki pkcs12-facts 2\n", "hostpki pkcs12-facts 1\n");

    assertThat(parse(v1WithoutLines)).isEmpty();
  }

  @Test
  void testFactsOf_fileWithoutAnEntryGivesNothing() {
    Pkcs12Record onlyServer =
        new Pkcs12Record(Map.of("server.p12", Pkcs12Record.Entry.of(SERVER_P12, SERVER_FACTS)));

    assertThat(onlyServer.factsOf("truststore.p12", TRUSTSTORE_P12)).isEmpty();
  }

  @Test
  void testOpensWith_aFileOpenedAlreadyAnswersWithoutAKeyDerivation() {
    // The bytes are no PKCS#12 file: only the files opened already can say yes.
    assertThat(record().opensWith(Map.of("server.p12", SERVER_P12), PASSWORD, Map.of(Fingerprint.sha256(SERVER_P12), SERVER_P12)))
        .isTrue();
    assertThat(record().opensWith(Map.of("server.p12", SERVER_P12), PASSWORD, Map.of())).isFalse();
    // Opened already are those bytes, not others given under their digest.
    assertThat(record().opensWith(Map.of("server.p12", SERVER_P12), PASSWORD, Map.of(Fingerprint.sha256(SERVER_P12), TRUSTSTORE_P12)))
        .isFalse();
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Profile.class)
  void testOpensWith_asksTheMacOfAFileItDescribes(Pkcs12Profile profile) {
    byte[] p12 = keyStore(profile);
    Pkcs12Record real = new Pkcs12Record(Map.of("server.p12", Pkcs12Record.Entry.of(p12, SERVER_FACTS)));

    assertThat(real.opensWith(Map.of("server.p12", p12), PASSWORD, Map.of())).isTrue();
    assertThat(real.opensWith(Map.of("server.p12", p12), "Correct horse".toCharArray(), Map.of())).isFalse();
    // A file it does not describe (other bytes) cannot vouch for the password.
    assertThat(record().opensWith(Map.of("server.p12", p12), PASSWORD, Map.of())).isFalse();
  }

  private static byte[] keyStore(Pkcs12Profile profile) {
    SecureRandom random = new SecureRandom();
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), random);
    Certificate cert =
        new CertificateIssuer(random)
            .selfSignedCa(Subject.commonName("Record Test"), key, Instant.parse("2026-11-27T08:00:00Z"), Duration.ofDays(30));
    return Pkcs12.keyStore("server", key, List.of(cert), PASSWORD, profile, random);
  }

  @Test
  void testConstructor_onlyTheStoresPkcs12FilesAreRecorded() {
    assertThatThrownBy(
            () -> new Pkcs12Record(Map.of("ca.key", Pkcs12Record.Entry.of(SERVER_P12, SERVER_FACTS))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void testParse_emptyIsRefused() {
    assertThat(Pkcs12Record.parse(new byte[0])).isEmpty();
  }

  @Test
  void testParse_headerOnlyIsARecordOfNothing() {
    assertThat(parse("hostpki pkcs12-facts 2\n")).isPresent();
  }

  @Test
  void testParse_invalidUtf8IsRefused() {
    byte[] bytes = record().format();
    bytes[bytes.length - 2] = (byte) 0xff;

    assertThat(Pkcs12Record.parse(bytes)).isEmpty();
  }

  @Test
  void testParse_truncatedIsRefused() {
    String text = text(record());

    assertThat(parse(text.substring(0, text.length() - 1))).isEmpty();
    assertThat(parse(text.substring(0, text.lastIndexOf("end\n")))).isEmpty();
  }

  /** Each edit of a written record: the result is refused, never read differently. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "hostpki pkcs12-facts 2\n=>hostpki pkcs12-facts 3\n",
        "file server.p12=>file ca.key",
        "file truststore.p12=>file server.p12",
        "profile MODERN=>profile modern",
        "profile MODERN=>profile MODERN ",
        "\nend\n=>\nend\n\n",
        "\nend\n=>\r\nend\r\n",
        "%C3%A4=>%c3%a4",
        "%C3%A4=>ä",
        "\"internal-ca\"=>internal-ca",
        "key \"server\"=>key  \"server\"",
        "hostpki pkcs12-facts 2\n=>hostpki pkcs12-facts 2\nextra\n",
        "\nprofile MODERN=>\npassword-salt 0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f\nprofile MODERN",
      })
  void testParse_anythingNotWrittenByFormatIsRefused(String edit) {
    String[] fromTo = edit.split("=>", 2);
    String text = text(record());
    assertThat(text).contains(fromTo[0]);

    assertThat(parse(text.replace(fromTo[0], fromTo[1]))).isEmpty();
  }

  @Test
  void testParse_entriesOutOfOrderAreRefused() {
    String text = text(record());
    int truststore = text.indexOf("file truststore.p12");
    String reordered =
        "hostpki pkcs12-facts 2\n"
            + text.substring(truststore)
            + text.substring("hostpki pkcs12-facts 2\n".length(), truststore);

    assertThat(parse(reordered)).isEmpty();
  }

  @Test
  void testParse_malformedDigestIsRefused() {
    String text = text(record());
    int at = text.indexOf("sha256 ") + "sha256 ".length();

    assertThat(parse(text.substring(0, at) + "zz" + text.substring(at + 2))).isEmpty();
  }
}
