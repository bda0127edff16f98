package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystemException;
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
    assertThat(IoFailures.describe(new FileSystemException("/pki/x", null, "No space left on device")))
        .isEqualTo("/pki/x: No space left on device");
  }
}
