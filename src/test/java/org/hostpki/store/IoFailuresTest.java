package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.hostpki.files.MountPoints;
import org.junit.jupiter.api.Test;

/** Failures in words, with the fix where there is one. */
class IoFailuresTest {
  /**
   * A store bind-mounted read-only, or under ProtectSystem=strict without ReadWritePaths=: before,
   * "cannot lock store S: S/.lock: Read-only file system; the store is unchanged", and no way out.
   */
  @Test
  void testDescribe_aReadOnlyFileSystemSaysWhereThatComesFromAndWhatToDo() {
    assertThat(IoFailures.describe(
            new FileSystemException("/var/lib/hostpki/pki/.lock", null, "Read-only file system"), f -> Optional.empty()))
        .isEqualTo(
            "/var/lib/hostpki/pki/.lock: the file system is read-only (a read-only mount, or systemd's"
                + " ProtectSystem= without the store in ReadWritePaths=); make the store writable for"
                + " hostpki, or set store.path to a folder on a writable file system");
    assertThat(IoFailures.describe(new FileSystemException("/pki/x", null, "Operation not supported")))
        .isEqualTo("/pki/x: Operation not supported");
  }

  /**
   * Before: "the file system is read-only (a read-only mount, or ProtectSystem= ...)" also when
   * the kernel had made it read-only after an error, and "`df -h`" for a full disk, not which.
   */
  @Test
  void testDescribe_namesTheFileSystem_andOneTheKernelMadeReadOnlyAfterAnError() {
    MountPoints.Mount broken =
        new MountPoints.Mount(Path.of("/srv"), "ext4", "7:0", Set.of("rw", "errors=remount-ro", "emergency_ro"));
    MountPoints.Mount small = new MountPoints.Mount(Path.of("/run/pki"), "tmpfs", "0:40", Set.of("rw"));

    assertThat(IoFailures.describe(
            new FileSystemException("/srv/pki/..g.partial", null, "Read-only file system"), f -> Optional.of(broken)))
        .isEqualTo("/srv/pki/..g.partial: the ext4 file system at /srv is read-only: the kernel made it so after"
            + " an error on it (`dmesg` shows which); have it checked (fsck) and mounted read-write"
            + " again, or set store.path to a folder on a file system that works");
    assertThat(IoFailures.describe(
            new FileSystemException("/run/pki/.lock", null, "Read-only file system"), f -> Optional.of(small)))
        .startsWith("/run/pki/.lock: the tmpfs file system at /run/pki is read-only (a read-only mount");
    assertThat(IoFailures.describe(
            IoFailures.naming(Path.of("/run/pki/..g.partial/ca.key"), new IOException("No space left on device")),
            f -> Optional.of(small)))
        .isEqualTo("/run/pki/..g.partial/ca.key: no space is left on the tmpfs file system at /run/pki (free"
            + " some: `df -h /run/pki` and `df -i /run/pki` show its space and inodes)");
  }

  /**
   * A full disk, a used-up quota, too few file descriptors, a failing disk: before, the kernel's
   * words alone ("cannot write store S: Disk quota exceeded. The store is unchanged"); a failed
   * write(2) or fsync(2), which the JDK reports without the file, now names it.
   */
  @Test
  void testDescribe_anExhaustedResourceSaysWhatToDo_andAFailedWriteNamesItsFile() {
    assertThat(IoFailures.describe(
            IoFailures.naming(Path.of("/pki/..g.partial/server.p12"), new IOException("No space left on device")),
            f -> Optional.empty()))
        .isEqualTo("/pki/..g.partial/server.p12: no space is left on the device (free some: `df -h`"
            + " and `df -i` show its file system's space and inodes)");
    assertThat(IoFailures.describe(new IOException("Disk quota exceeded")))
        .isEqualTo("the disk quota is exceeded (free some space, or raise the quota: `quota -s` shows it)");
    assertThat(IoFailures.describe(new FileSystemException("/pki/..g", null, "Too many open files")))
        .isEqualTo("/pki/..g: too many open files (raise the limit: `ulimit -n`, LimitNOFILE= in a systemd unit)");
    assertThat(IoFailures.describe(IoFailures.naming(Path.of("/pki"), new IOException("Input/output error"))))
        .isEqualTo("/pki: an input/output error (is the disk failing? `dmesg` shows the kernel's log)");
  }
}
