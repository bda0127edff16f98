package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.model.DesiredState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desired-state file a store's record names is the record's word, not the person's: it is read
 * (to tell a copied store from two files fighting over one) only when it is a regular file outside
 * /proc, /sys and /dev that no one else could have written. /proc/kmsg would block and eat the
 * kernel's messages; it is not used here, on a shared machine.
 */
class OtherWriterReadTest {
  @TempDir Path dir;

  /** As OtherWriter.of judges a store's copy: the other file read only when safe to read. */
  private static boolean copyOf(Path theirs, DesiredState desired) {
    return OtherWriter.safeToRead(theirs)
        && OtherWriter.namesAnotherStore(new DesiredStateLoader().load(theirs).desiredState().orElseThrow(), desired);
  }

  @Test
  void aKernelFileOrAFileAnotherUserMayWriteIsNotReadAndTheWarningStays() throws Exception {
    assertThat(OtherWriter.safeToRead(Path.of("/proc/self/status"))).isFalse();
    assertThat(OtherWriter.safeToRead(Path.of("/dev/null"))).isFalse();

    assumeTrue(System.getProperty("user.name").equals("root"), "the files must be root's");
    Path ours = Files.writeString(Files.createDirectory(dir.resolve("ours")).resolve("host.yaml"), "");
    DesiredState desired = new DesiredStateLoader().loadString(ours, """
        apiVersion: hostpki/v1
        store: {path: pki}
        """).desiredState().orElseThrow();
    Files.createDirectory(ours.resolveSibling("pki"));
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Path theirs = Files.writeString(shared.resolve("host.yaml"), """
        apiVersion: hostpki/v1
        store: {path: elsewhere}
        """);
    assertThat(copyOf(theirs, desired)).as("their store is not there").isFalse();
    Files.createDirectory(shared.resolve("elsewhere"));
    assertThat(copyOf(theirs, desired)).as("root's file naming another store").isTrue();

    // Anyone may write its folder: whatever it says now says nothing of who wrote the store.
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(copyOf(theirs, desired)).isFalse();
  }
}
