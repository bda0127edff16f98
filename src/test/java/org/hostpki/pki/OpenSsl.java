package org.hostpki.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the real {@code openssl} binary for interop tests; skips them when it is missing. */
final class OpenSsl {
  private OpenSsl() {}

  /** What a run printed (stdout and stderr together) and its exit code. */
  record Result(int exitCode, String output) {
    Result assertSuccess() {
      assertThat(exitCode).as("openssl exit code; output:%n%s", output).isZero();
      return this;
    }
  }

  static void assumeAvailable() {
    boolean available;
    try {
      available = run0(Path.of("."), List.of("version")).exitCode() == 0;
    } catch (IOException e) {
      available = false;
    }
    Assumptions.assumeTrue(
        available, "the openssl binary is not on PATH: OpenSSL interop tests are skipped");
  }

  /** Runs openssl with the arguments in {@code dir}. */
  static Result run(Path dir, String... args) {
    try {
      return run0(dir, List.of(args));
    } catch (IOException e) {
      throw new AssertionError("cannot run openssl: " + e.getMessage(), e);
    }
  }

  /** Runs openssl and returns the file it wrote, read back. */
  static byte[] runAndRead(Path dir, Path output, String... args) throws IOException {
    run(dir, args).assertSuccess();
    return Files.readAllBytes(output);
  }

  private static Result run0(Path dir, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(args);
    return exec(dir, command);
  }

  /** Runs any command in {@code dir}, bounded, and returns what it printed (also for keytool). */
  static Result exec(Path dir, List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    try {
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
