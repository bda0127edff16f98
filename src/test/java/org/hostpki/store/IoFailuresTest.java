package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Failures in words, with the fix where there is one. */
class IoFailuresTest {
  /**
   * A store bind-mounted read-only, or under ProtectSystem=strict without ReadWritePaths=: before,
   * "cannot lock store S: S/.lock: Read-only file system; the store is unchanged", and no way out.
   */
  @Test
  void testDescribe_aReadOnlyFileSystemSaysWhereThatComesFromAndWhatToDo() {
    assertThat(IoFailures.describe(new FileSystemException("/var/lib/hostpki/pki/.lock", null, "Read-only file system")))
        .isEqualTo(
            "/var/lib/hostpki/pki/.lock: the file system is read-only (a read-only mount, or systemd's"
                + " ProtectSystem= without the store in ReadWritePaths=); make the store writable for"
                + " hostpki, or set store.path to a folder on a writable file system");
    assertThat(IoFailures.describe(new FileSystemException("/pki/x", null, "Operation not supported")))
        .isEqualTo("/pki/x: Operation not supported");
  }

  /**
   * A full disk, a used-up quota, too few file descriptors, a failing disk: before, the kernel's
   * words alone ("cannot write store S: Disk quota exceeded. The store is unchanged"); a failed
   * write(2) or fsync(2), which the JDK reports without the file, now names it.
   */
  @Test
  void testDescribe_anExhaustedResourceSaysWhatToDo_andAFailedWriteNamesItsFile() {
    assertThat(IoFailures.describe(IoFailures.naming(Path.of("/pki/..g.partial/server.p12"), new IOException("No space left on device"))))
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
