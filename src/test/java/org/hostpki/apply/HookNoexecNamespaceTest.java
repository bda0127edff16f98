package org.hostpki.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.Namespace;
import org.hostpki.testkit.ProcessResult;
import org.hostpki.testkit.Tags;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hook program on a file system mounted noexec (a hardened /tmp, /home, /var), in a private mount namespace. */
@Tag(Tags.NAMESPACE)
class HookNoexecNamespaceTest {
  @TempDir Path dir;

  /** Before: "is not an executable file; chmod +x it", of a file that is 0755. */
  @Test
  void testHook_onANoexecMountIsNamedAsSuch_notAsAModeToChange() throws Exception {
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Path hook = Files.writeString(bin.resolve("reload"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\n"
            + "host: {detect: false, hostname: portal, domain: example.com}\n"
            + "hooks: {afterServerChange: [[" + hook + "]]}\n");

    ProcessResult applied =
        Namespace.mount()
            .setup("mount --bind '" + bin + "' '" + bin + "'", "mount -o remount,bind,noexec '" + bin + "'")
            .run(Cli.childJvm(dir, "apply", "-f", "host.yaml"));

    assertThat(applied.exitCode()).as(applied.toString()).isEqualTo(3);
    assertThat(applied.stderr())
        .contains(hook + " is on the ")
        .contains(" file system at " + bin + ", mounted noexec: no program there can be started")
        .doesNotContain("chmod +x");
  }
}
