package org.hostpki.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.TerminalText;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JsonWriterTest {

  private static String string(String s) {
    return new JsonWriter().value(s).toString();
  }

  @Test
  void testDocument_isCompactWithCommasOnlyBetweenMembers() {
    String json =
        new JsonWriter()
            .beginObject()
            .field("a", 1)
            .name("b").beginArray().value("x").beginObject().endObject().beginArray().endArray().endArray()
            .field("c", true)
            .name("d").nullValue()
            .field("e", List.of("p", "q"))
            .field("f", Optional.empty())
            .endObject()
            .toString();

    assertThat(json).isEqualTo("{\"a\":1,\"b\":[\"x\",{},[]],\"c\":true,\"d\":null,\"e\":[\"p\",\"q\"],\"f\":null}");
  }

  /**
   * A streamed document (a generation's record, written into its file as it is encoded:
   * fheap16b) is exactly the whole document's UTF-8 bytes: ASCII, two- and three-byte characters,
   * pairs of surrogates at every place around a piece's end, and an escaped lone surrogate.
   */
  @Test
  void testTo_writesTheWholeDocumentsUtf8BytesInPieces() throws Exception {
    for (int pad = 8180; pad < 8200; pad++) {
      JsonWriter whole = new JsonWriter();
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      java.util.concurrent.atomic.AtomicInteger pieces = new java.util.concurrent.atomic.AtomicInteger();
      java.io.Writer sink =
          new java.io.FilterWriter(new java.io.OutputStreamWriter(bytes, java.nio.charset.StandardCharsets.UTF_8)) {
            @Override
            public void write(String s, int off, int len) throws java.io.IOException {
              pieces.incrementAndGet();
              super.write(s, off, len);
            }
          };
      JsonWriter streamed = JsonWriter.to(sink);
      for (JsonWriter w : List.of(whole, streamed)) {
        w.beginObject().name("p").beginArray().value("a".repeat(pad) + "\uD83D\uDD12é€\uD800x");
        for (int i = 0; i < 3000; i++) {
          w.value("ü\uD83C\uDF0D" + "b".repeat(i % 7) + i);
        }
        w.endArray().field("n", pad).endObject();
      }
      streamed.finish();
      assertThat(bytes.toByteArray()).as("pad %d", pad).isEqualTo(whole.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(pieces.get()).as("written in pieces").isGreaterThan(3);
    }
  }

  @Test
  void testTo_misuseAndAFailingSink() {
    assertThatThrownBy(() -> JsonWriter.to(new java.io.StringWriter()).beginObject().finish())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> JsonWriter.to(new java.io.StringWriter()).beginObject().endObject().toString())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new JsonWriter().beginObject().endObject().finish())
        .isInstanceOf(IllegalStateException.class);
    java.io.Writer full =
        new java.io.Writer() {
          @Override
          public void write(char[] c, int off, int len) throws java.io.IOException {
            throw new java.io.IOException("No space left on device");
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    assertThatThrownBy(() -> JsonWriter.to(full).beginArray().value("x".repeat(9000)))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("No space left");
  }

  @Test
  void testLine_endsTheDocumentWithOneLineBreak() {
    assertThat(new JsonWriter().beginArray().endArray().line()).isEqualTo("[]\n");
  }

  @Test
  void testString_escapesWhatJsonRequires() {
    assertThat(string("a\"b\\c\nd\re\tf\u0000g\u001bh")).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0000g\\u001bh\"");
  }

  @Test
  void testString_escapesEveryCharacterATerminalMustNotReceiveRaw() {
    String hostile = "\u007f\u0085\u009b\u2028\u2029\u202a\u202e\u2066\u2069";

    String json = string(hostile);

    assertThat(json).isEqualTo("\"\\u007f\\u0085\\u009b\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069\"");
    assertThat(TerminalText.hasUnsafe(json)).isFalse();
    assertThat(JsonMapper.shared().readTree(json).asString()).isEqualTo(hostile);
  }

  @Test
  void testString_keepsOtherCharactersAsTheyAre() {
    assertThat(string("CN=Grüße 中\uD83D\uDD12,O=A\\, B")).isEqualTo("\"CN=Grüße 中\uD83D\uDD12,O=A\\\\, B\"");
  }

  @Test
  void testString_escapesALoneSurrogateWhichHasNoUtf8Form() {
    assertThat(string("a\uD800b\uDC00\uD800\uD83D\uDD12")).isEqualTo("\"a\\ud800b\\udc00\\ud800\uD83D\uDD12\"");
  }

  @Test
  void testTimestamp_isRfc3339InUtcWithAFractionOnlyWhenThereIsOne() {
    assertThat(JsonWriter.timestamp(Instant.parse("2036-12-03T00:21:00Z"))).isEqualTo("2036-12-03T00:21:00Z");
    assertThat(JsonWriter.timestamp(Instant.parse("2026-12-06T04:47:00.202574934Z")))
        .isEqualTo("2026-12-06T04:47:00.202574934Z");
  }

  @Test
  void testDuration_isIso8601InWholeDaysWhenItCanBe() {
    assertThat(JsonWriter.duration(Duration.ofDays(398))).isEqualTo("P398D");
    assertThat(JsonWriter.duration(Duration.ofHours(36))).isEqualTo("PT36H");
    assertThat(JsonWriter.duration(Duration.ofMinutes(90))).isEqualTo("PT1H30M");
    assertThat(JsonWriter.duration(Duration.ZERO)).isEqualTo("PT0S");
  }

  @Test
  void testFingerprint_isLowerCaseHexWithoutColons() {
    Fingerprint f = Fingerprint.sha256(new byte[0]);

    assertThat(new JsonWriter().value(f).toString()).isEqualTo("\"" + f.hex() + "\"").doesNotContain(":");
  }

  @Test
  void testMisuse_isAProgrammingErrorNotAWrongDocument() {
    assertThatThrownBy(() -> new JsonWriter().beginObject().value("no name")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new JsonWriter().beginArray().name("x")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new JsonWriter().beginObject().toString()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new JsonWriter().beginObject().endArray()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new JsonWriter().value(1).value(2)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new JsonWriter().beginObject().name("a").endObject()).isInstanceOf(IllegalStateException.class);
  }
}
