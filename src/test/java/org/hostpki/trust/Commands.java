package org.hostpki.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs external tools (openssl, curl) for interop checks; tests skip when a tool is absent. */
final class Commands {
  private Commands() {}

  /** Exit code and everything printed (stdout and stderr together). */
  record Result(int exitCode, String output) {}

  static void assumeAvailable(String tool, String... versionArgs) {
    boolean available;
    try {
      String[] command = new String[versionArgs.length + 1];
      command[0] = tool;
      System.arraycopy(versionArgs, 0, command, 1, versionArgs.length);
      available = run(Path.of("."), command).exitCode() == 0;
    } catch (IOException e) {
      available = false;
    }
    Assumptions.assumeTrue(available, tool + " is not on PATH: this interop check is skipped");
  }

  static Result run(Path dir, String... command) throws IOException {
    Process process =
        new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(List.of(command) + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new AssertionError("interrupted", e);
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
