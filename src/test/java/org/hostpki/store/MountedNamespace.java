package org.hostpki.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hostpki.testkit.Prerequisites;

/**
 * A private mount namespace with a mount of its own, held open by a waiting {@code cat} until
 * {@link #close}; this JVM reaches it through {@code /proc/PID/root}, whose lookups go through
 * that namespace's mounts, so no second JVM is needed and the machine's mounts stay as they are.
 */
final class MountedNamespace implements AutoCloseable {
  private final Process holder;

  private MountedNamespace(Process holder) {
    this.holder = holder;
  }

  /**
   * Runs {@code mount} (a shell command; its positional parameters are {@code arguments}) in a new
   * mount namespace; skips the test (fails it under CI) where that is not possible.
   */
  static MountedNamespace mount(String mount, String... arguments) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                mount + " || exit 77\necho ready; exec cat", "sh"));
    command.addAll(List.of(arguments));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      Prerequisites.missing("cannot run unshare: " + e.getMessage());
      throw e;
    }
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"ready".equals(line)) {
      process.destroyForcibly();
      Prerequisites.missing("no such mount in a private mount namespace here: " + line);
    }
    return new MountedNamespace(process);
  }

  /** {@code path} as this namespace sees it. */
  Path resolve(Path path) {
    return Path.of("/proc/" + holder.pid() + "/root").resolve(path.toString().substring(1));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    holder.getOutputStream().close(); // cat ends, and the namespace with it
    if (!holder.waitFor(10, TimeUnit.SECONDS)) {
      holder.destroyForcibly();
    }
  }
}
