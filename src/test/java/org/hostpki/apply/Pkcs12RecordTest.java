package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.Pkcs12Facts;
import org.hostpki.model.Pkcs12Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Pkcs12RecordTest {
  private static final SecureRandom RANDOM = new SecureRandom();
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
    entries.put("server.p12", Pkcs12Record.Entry.of(SERVER_P12, PASSWORD, SERVER_FACTS, RANDOM));
    entries.put(
        "truststore.p12",
        Pkcs12Record.Entry.of(TRUSTSTORE_P12, PASSWORD, TRUSTSTORE_FACTS, RANDOM));
    return new Pkcs12Record(entries);
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
    assertThat(read.factsOf("server.p12", SERVER_P12, PASSWORD)).contains(SERVER_FACTS);
    assertThat(read.factsOf("truststore.p12", TRUSTSTORE_P12, PASSWORD)).contains(TRUSTSTORE_FACTS);
  }

  @Test
  void testFormat_isLineOrientedText() {
    String text = text(record());

    assertThat(text)
        .startsWith("hostpki pkcs12-facts 1\nfile server.p12\nsha256 ")
        .contains("\nprofile MODERN\nkey \"server\" " + fp(1).hex() + "\nchain " + fp(2).hex())
        .contains("\ntrusted \"odd%20alias%20%22%25%22%20%C3%A4\" " + fp(4).hex() + "\n")
        .contains("\ntrusted \"\" " + fp(5).hex() + "\n")
        .endsWith("end\n")
        .doesNotContain("correct horse");
  }

  @Test
  void testFactsOf_wrongPasswordGivesNothing() {
    assertThat(record().factsOf("server.p12", SERVER_P12, "Correct horse".toCharArray())).isEmpty();
  }

  @Test
  void testFactsOf_otherBytesGiveNothing() {
    assertThat(record().factsOf("server.p12", TRUSTSTORE_P12, PASSWORD)).isEmpty();
  }

  @Test
  void testFactsOf_fileWithoutAnEntryGivesNothing() {
    Pkcs12Record onlyServer =
        new Pkcs12Record(
            Map.of("server.p12", Pkcs12Record.Entry.of(SERVER_P12, PASSWORD, SERVER_FACTS, RANDOM)));

    assertThat(onlyServer.factsOf("truststore.p12", TRUSTSTORE_P12, PASSWORD)).isEmpty();
  }

  @Test
  void testEntry_saltIsFreshSoEqualPasswordsHashDifferently() {
    Pkcs12Record.Entry a = Pkcs12Record.Entry.of(SERVER_P12, PASSWORD, SERVER_FACTS, RANDOM);
    Pkcs12Record.Entry b = Pkcs12Record.Entry.of(SERVER_P12, PASSWORD, SERVER_FACTS, RANDOM);

    assertThat(a.salt()).isNotEqualTo(b.salt());
    assertThat(a.passwordHash()).isNotEqualTo(b.passwordHash());
  }

  @Test
  void testConstructor_onlyTheStoresPkcs12FilesAreRecorded() {
    assertThatThrownBy(
            () ->
                new Pkcs12Record(
                    Map.of(
                        "ca.key",
                        Pkcs12Record.Entry.of(SERVER_P12, PASSWORD, SERVER_FACTS, RANDOM))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void testParse_emptyIsRefused() {
    assertThat(Pkcs12Record.parse(new byte[0])).isEmpty();
  }

  @Test
  void testParse_headerOnlyIsARecordOfNothing() {
    assertThat(parse("hostpki pkcs12-facts 1\n")).isPresent();
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
        "hostpki pkcs12-facts 1\n=>hostpki pkcs12-facts 2\n",
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
        "hostpki pkcs12-facts 1\n=>hostpki pkcs12-facts 1\nextra\n",
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
        "hostpki pkcs12-facts 1\n"
            + text.substring(truststore)
            + text.substring("hostpki pkcs12-facts 1\n".length(), truststore);

    assertThat(parse(reordered)).isEmpty();
  }

  @Test
  void testParse_malformedDigestIsRefused() {
    String text = text(record());
    int at = text.indexOf("sha256 ") + "sha256 ".length();

    assertThat(parse(text.substring(0, at) + "zz" + text.substring(at + 2))).isEmpty();
  }
}
