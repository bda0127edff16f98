package org.hostpki.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Namespace;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tags;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target's folder under a read-only bind mount, as ProtectSystem=strict makes one: the lock's
 * error names the systemd drop-in that opens it whatever language the C library words EROFS in
 * (rvsec16: it matched the English "Read-only file system").
 */
@Tag(Tags.NAMESPACE)
class TargetLockNamespaceTest {
  @TempDir Path dir;

  @Test
  void testHold_aReadOnlyBindMountNamesTheDropInInAnyLanguage() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("certs"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    ProcessResult result =
        Namespace.mount()
            .setup("mount --bind " + folder + " " + folder, "mount -o remount,bind,ro " + folder)
            .run(Command.of(
                java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                ReadOnlyLockMain.class.getName(), folder.toString()));

    assertThat(result.stdout()).as(result.toString())
        .contains("Das Dateisystem ist nur lesbar", "the folder is read-only for hostpki", "ReadWritePaths=",
            "examples/systemd/trust-install.conf", "Nothing was changed");
  }
}
