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

  /**
   * On btrfs, stat gives a file its subvolume's anonymous device (0:45 here) while /proc/locks
   * prints the file system's: the one write lock on a file of that inode is the holder; with two
   * (two file systems), none is named rather than the wrong one.
   */
  @Test
  void testWriteLockHolder_onBtrfsTheOneWriteLockOfThatInode() {
    long subvolume = 0x2d;
    String locks = "3: POSIX  ADVISORY  WRITE 5150 00:1f:257 0 EOF\n4: POSIX  ADVISORY  READ 77 00:20:257 0 EOF\n";

    assertThat(KernelLocks.writeLockHolder(locks, subvolume, 257)).hasValue(5150);
    assertThat(KernelLocks.writeLockHolder(LOCKS, subvolume, 2228744)).as("two candidates").isEmpty();
  }

  @Test
  void testWriteLockHolder_noneWhenTheHolderIsInvisibleHere() {
    assertThat(KernelLocks.writeLockHolder("", DEVICE, 2228744)).isEmpty();
  }
}
