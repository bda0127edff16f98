package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.hostpki.model.RevocationReason;
import org.hostpki.model.RevokedCertificate;
import org.hostpki.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code STORE/.crl/revoked}: a line spoilt by hand is skipped, never a failure of the reader. */
class RevocationRecordTest {
  private static final RevokedCertificate REVOKED =
      new RevokedCertificate(BigInteger.valueOf(0x10), Instant.ofEpochSecond(1796669391L), RevocationReason.KEY_COMPROMISE);

  @TempDir Path store;

  @Test
  void testEntries_skipsALineWithATimePastInstantsRangeOrAKeyIdThatIsNotHex() throws Exception {
    RevocationRecord.record(store, "ABCD01", List.of(REVOKED), TestKeys.RANDOM);
    Path file = store.resolve(CrlNumberRecord.FOLDER).resolve("revoked");
    // hand edits: a time no Instant holds (sign and rollback said "internal error:
    // DateTimeException"), and a key id with a terminal escape (it reached sign's note)
    Files.writeString(file, Files.readString(file) + "abcd01 20 99999999999999999 keyCompromise\n"
        + "abcd01 30 -99999999999999999 keyCompromise\n\u001b]0;x\u0007ab 40 1 keyCompromise\n"
        // rvcore16 L4: Instant holds these (its last year, the year 10000), but no date is
        // written for them: sign stopped with "internal error: DateTimeException" (EpochDay)
        + "abcd01 20 31556889864403199 keyCompromise\nabcd01 20 253402300800 keyCompromise\n");

    assertThat(RevocationRecord.entries(store, TestKeys.RANDOM))
        .containsExactly(new RevocationRecord.Kept("abcd01", REVOKED));
    assertThat(RevocationRecord.find(store, "abcd01", BigInteger.valueOf(0x20), TestKeys.RANDOM)).isEmpty();
  }
}
