package org.hostpki.fetch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a test tool (openssl, keytool) to completion, bounded, and returns what it printed. */
public final class Commands {
  private Commands() {}

  /** Whether {@code command} can be started at all (e.g. {@code openssl version}). */
  public static boolean available(String... command) {
    try {
      run(null, command);
      return true;
    } catch (IllegalStateException | AssertionError e) {
      return false;
    }
  }

  /**
   * @param directory where it runs; null for the current one
   * @return standard output and error together
   * @throws AssertionError when it fails or takes longer than a minute
   */
  public static String run(Path directory, String... command) {
    ProcessBuilder builder = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command[0] + ": " + e.getMessage(), e);
    }
    try {
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(1, TimeUnit.MINUTES)) {
        throw new AssertionError(String.join(" ", command) + " did not finish within a minute");
      }
      String text = new String(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed (" + process.exitValue() + "):\n" + text);
      }
      return text;
    } catch (IOException e) {
      throw new AssertionError("cannot read the output of " + command[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command[0], e);
    } finally {
      process.destroyForcibly();
    }
  }
}
