package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KernelLocksTest {
  /** st_dev of a file on fe:00 (major 254, minor 0), as stat gives it. */
  private static final long DEVICE = 0xfe00;

  private static final String LOCKS =
      """
      1: FLOCK  ADVISORY  WRITE 812 00:1a:3177 0 EOF
      2: POSIX  ADVISORY  READ 900 fe:00:2228744 0 EOF
      7: POSIX  ADVISORY  WRITE 29069 fe:00:2228744 0 EOF
      7: -> POSIX  ADVISORY  WRITE 31000 fe:00:2228744 0 EOF
      8: POSIX  ADVISORY  WRITE 4242 fe:01:2228744 0 EOF
      """;

  @Test
  void testWriteLockHolder_isThePidHoldingAPosixWriteLockOnThatDeviceAndInode() {
    assertThat(KernelLocks.writeLockHolder(LOCKS, DEVICE, 2228744)).hasValue(29069);
  }

  @Test
  void testWriteLockHolder_sameInodeOnAnotherDeviceIsAnotherFile() {
    assertThat(KernelLocks.writeLockHolder(LOCKS, 0xfe01, 2228744)).hasValue(4242);
    assertThat(KernelLocks.writeLockHolder(LOCKS, DEVICE, 3177)).isEmpty();
  }

  @Test
  void testWriteLockHolder_noneWhenTheHolderIsInvisibleHere() {
    assertThat(KernelLocks.writeLockHolder("", DEVICE, 2228744)).isEmpty();
  }
}
