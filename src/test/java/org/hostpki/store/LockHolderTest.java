package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
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

  private static final LockHolder IN_CONTAINER =
      new LockHolder(1, Instant.parse("2026-03-01T12:00:00Z"), "hostpki apply", "pid:[4026532999]");
  private static final Optional<String> HOST = Optional.of("pid:[4026531836]");

  @Test
  void testParse_readsThePidNamespace() {
    assertThat(LockHolder.parse(IN_CONTAINER.toBytes())).contains(IN_CONTAINER);
  }

  @Test
  void testSeenFrom_sameNamespaceIsWhatTheFileSays() {
    assertThat(IN_CONTAINER.seenFrom(Optional.of("pid:[4026532999]"), OptionalLong.of(1)))
        .isEqualTo(IN_CONTAINER.toString());
  }

  @Test
  void testSeenFrom_anotherNamespaceIsNamedByThePidTheKernelGivesHere() {
    assertThat(IN_CONTAINER.seenFrom(HOST, OptionalLong.of(29069)))
        .isEqualTo("pid 29069 (hostpki apply, since 2026-03-01T12:00:00Z; pid 1 in another PID"
            + " namespace, pid:[4026532999]: a container's)");
  }

  @Test
  void testSeenFrom_aNamespaceThisOneCannotSeeIsSaidToBeElsewhere() {
    assertThat(IN_CONTAINER.seenFrom(HOST, OptionalLong.empty()))
        .isEqualTo("hostpki apply (since 2026-03-01T12:00:00Z; pid 1 in another PID namespace,"
            + " pid:[4026532999]: a container's or the host's, which this one cannot see: look for it"
            + " there)");
  }

  /** A holder killed before it emptied the file; the next one has the lock, not yet its name. */
  @Test
  void testSeenFrom_anotherPidInTheSameNamespaceHasNotNamedItselfYet() {
    LockHolder killed =
        new LockHolder(1234, Instant.parse("2026-03-01T12:00:00Z"), "hostpki apply", HOST.get());

    assertThat(killed.seenFrom(HOST, OptionalLong.of(5678)))
        .isEqualTo("pid 5678 (which has not named itself yet; the lock file still names an earlier"
            + " holder, pid 1234)");
  }

  @Test
  void testSeenFrom_aFileWithoutANamespaceIsWhatItSays() {
    assertThat(HOLDER.seenFrom(HOST, OptionalLong.of(5678))).isEqualTo(HOLDER.toString());
  }
}
