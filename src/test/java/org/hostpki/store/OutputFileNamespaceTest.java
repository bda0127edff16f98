package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * An output file in a folder mounted read-only, in a private mount namespace of a child JVM (the
 * machine's mounts stay as they are). Needs root and util-linux's {@code unshare}; skipped, with
 * the reason, where that is not possible.
 */
@Tag(Tags.NAMESPACE)
class OutputFileNamespaceTest {
  private static final long CHILD_TIMEOUT_SECONDS = 60;
  private static final int SETUP_IMPOSSIBLE = 77;

  @TempDir Path dir;

  @Test
  void testWrite_readOnlyFileSystemIsNamed() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("ro"));
    Files.writeString(folder.resolve("ca.crt"), "old\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            "unshare", "--mount", "--", "sh", "-c",
            "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" || exit 77\n"
                + "shift; exec \"$@\"",
            "sh", folder.toString(),
            java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
            OutputFileMain.class.getName(), folder.resolve("ca.crt").toString());

    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("cannot run unshare: " + e.getMessage());
      return;
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child " + process.pid() + " did not finish");
    }

    Assumptions.assumeTrue(
        process.exitValue() != SETUP_IMPOSSIBLE, () -> "no read-only mount here: " + output);
    assertThat(output.strip())
        .isEqualTo("error cannot write " + folder.resolve("ca.crt") + ": the file system is read-only");
    assertThat(Files.readString(folder.resolve("ca.crt"))).isEqualTo("old\n");
  }
}
