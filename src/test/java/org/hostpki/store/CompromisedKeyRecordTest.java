package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.Fingerprint;
import org.hostpki.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code STORE/.crl/compromised-keys}: lines are added, a key found later fills an unknown one, none is removed. */
class CompromisedKeyRecordTest {
  private static final Instant WHEN = Instant.ofEpochSecond(1796669391L);
  private static final Fingerprint KEY = Fingerprint.sha256(new byte[] {1});

  @TempDir Path store;

  private static CompromisedKeyRecord.Entry entry(Optional<Fingerprint> key, long serial) {
    return new CompromisedKeyRecord.Entry(key, "ABCD01", BigInteger.valueOf(serial), WHEN);
  }

  @Test
  void testAdd_keepsEveryLineAndFillsAnUnknownKey() throws Exception {
    CompromisedKeyRecord.add(store, List.of(entry(Optional.of(KEY), 0x10), entry(Optional.empty(), 0x20)), TestKeys.RANDOM);
    Path file = CompromisedKeyRecord.file(store);
    Files.writeString(file, Files.readString(file) + "not a line\nzz abcd01 30 1\n");

    CompromisedKeyRecord.add(store, List.of(entry(Optional.of(KEY), 0x20), entry(Optional.of(KEY), 0x10)), TestKeys.RANDOM);

    assertThat(CompromisedKeyRecord.read(store, TestKeys.RANDOM))
        .containsExactly(entry(Optional.of(KEY), 0x10), entry(Optional.of(KEY), 0x20));
    assertThat(Files.readString(file)).as("a spoilt line is kept: a person may have meant it").isEqualTo(
        KEY.hex() + " abcd01 10 1796669391\nnot a line\nzz abcd01 30 1\n" + KEY.hex() + " abcd01 20 1796669391\n");
  }

  @Test
  void testAdd_anUnknownKeyDoesNotReplaceAKnownOne() {
    CompromisedKeyRecord.add(store, List.of(entry(Optional.of(KEY), 0x10)), TestKeys.RANDOM);

    CompromisedKeyRecord.add(store, List.of(entry(Optional.empty(), 0x10)), TestKeys.RANDOM);

    assertThat(CompromisedKeyRecord.read(store, TestKeys.RANDOM)).containsExactly(entry(Optional.of(KEY), 0x10));
  }

  @Test
  void testRead_skipsALineWithATimePastInstantsRangeOrAKeyIdThatIsNotHex() throws Exception {
    CompromisedKeyRecord.add(store, List.of(entry(Optional.of(KEY), 0x10)), TestKeys.RANDOM);
    Path file = CompromisedKeyRecord.file(store);
    // a hand edit: a time no Instant holds (sign said "internal error: DateTimeException"), and
    // a key id with a terminal escape (it reached sign's note and was copied into the record)
    Files.writeString(file, Files.readString(file) + "- abcd01 20 99999999999999999\n"
        + KEY.hex() + " abcd01 30 -99999999999999999\n- \u001b]0;x\u0007ab 40 1\n");

    assertThat(CompromisedKeyRecord.read(store, TestKeys.RANDOM)).containsExactly(entry(Optional.of(KEY), 0x10));
  }

  @Test
  void testRead_skipsALineWithATimeInInstantsLastYear() throws Exception {
    CompromisedKeyRecord.add(store, List.of(entry(Optional.of(KEY), 0x10)), TestKeys.RANDOM);
    Path file = CompromisedKeyRecord.file(store);
    // rvcore16 L4: Instant holds these, but no date is written for them: sign's refusal stopped
    // with "internal error: DateTimeException" (Invalid value for EpochDay)
    String spoilt = KEY.hex() + " abcd01 20 31556889864403199\n- abcd01 30 253402300800\n";
    Files.writeString(file, Files.readString(file) + spoilt);

    assertThat(CompromisedKeyRecord.read(store, TestKeys.RANDOM)).containsExactly(entry(Optional.of(KEY), 0x10));
    // a spoilt line is kept as it is when the record is rewritten
    CompromisedKeyRecord.add(store, List.of(entry(Optional.of(KEY), 0x11)), TestKeys.RANDOM);
    assertThat(Files.readString(file)).contains(spoilt);
  }
}
