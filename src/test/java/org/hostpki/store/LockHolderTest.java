package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LockHolderTest {
  private static final LockHolder HOLDER =
      new LockHolder(1234, Instant.parse("2026-03-01T12:00:00.5Z"), "hostpki\napply");

  @Test
  void testParse_readsWhatToBytesWrote() {
    assertThat(LockHolder.parse(HOLDER.toBytes())).contains(HOLDER);
  }

  @Test
  void testToString_isWhatARefusalSays() {
    assertThat(HOLDER).hasToString("pid 1234 (hostpki apply, since 2026-03-01T12:00:00Z)");
  }

  @Test
  void testParse_emptyFileHasNoHolder() {
    assertThat(LockHolder.parse(new byte[0])).isEmpty();
  }

  @Test
  void testParse_garbageHasNoHolder() {
    byte[] garbage = "pid: twelve\nsince: yesterday\n".getBytes(StandardCharsets.UTF_8);

    assertThat(LockHolder.parse(garbage)).isEmpty();
  }
}
