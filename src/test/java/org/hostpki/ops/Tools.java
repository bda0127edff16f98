package org.hostpki.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the outside programs the operations and fleet tests drive (ansible-playbook, openssl,
 * systemd-analyze, tar, bin/hostpki).
 */
public final class Tools {
  private Tools() {}

  /** What a program printed and how it ended. */
  public record Run(List<String> command, int exitCode, String out, String err) {
    @Override
    public String toString() {
      return String.join(" ", command) + "\nexit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  public static Path projectDir() {
    return Path.of(System.getProperty("hostpki.projectDir", "")).toAbsolutePath();
  }

  public static Optional<Path> onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(d -> Path.of(d, program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * The program, or the test is skipped with the reason printed; in CI (CI=true) a missing
   * program fails the test instead, so a CI image without it cannot pass silently.
   */
  public static Path require(String program, String debianPackage) {
    Optional<Path> found = onPath(program);
    if (found.isEmpty()) {
      String reason = program + " is not installed (Debian: apt-get install " + debianPackage + ")";
      if ("true".equals(System.getenv("CI"))) {
        fail(reason + "; CI must run this test");
      }
      System.out.println("SKIPPED: " + reason);
      Assumptions.abort(reason);
    }
    return found.get();
  }

  /** Runs a program to its end (a guard of ten minutes stops a hung one). */
  public static Run run(Path workingDirectory, Map<String, String> environment, List<String> command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("hostpki-test", ".out");
    Path err = Files.createTempFile("hostpki-test", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(workingDirectory.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().putAll(environment);
      Process p = pb.start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        fail(String.join(" ", command) + " did not finish within 10 minutes");
      }
      return new Run(
          List.copyOf(command),
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  public static Run run(Path workingDirectory, Map<String, String> environment, String... command)
      throws IOException, InterruptedException {
    return run(workingDirectory, environment, List.of(command));
  }

  /** The jar that `mvn package` made: the ITs run after it. */
  public static void requirePackagedJar() throws IOException {
    try (Stream<Path> files = Files.list(projectDir().resolve("target"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("run after 'mvn package' (failsafe does)")
          .anyMatch(n -> n.matches("hostpki-.*\\.jar"));
    }
  }
}
