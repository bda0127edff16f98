package org.hostpki.fleet;

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

/** Runs the outside programs the fleet test drives: ansible-playbook, openssl, bin/hostpki. */
final class Programs {
  private Programs() {}

  /** What a program printed and how it ended. */
  record Run(List<String> command, int exitCode, String out, String err) {
    @Override
    public String toString() {
      return String.join(" ", command) + "\nexit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  static Path projectDir() {
    return Path.of(System.getProperty("hostpki.projectDir", "")).toAbsolutePath();
  }

  /**
   * The program, or the test is skipped with the reason printed; in CI (CI=true) a missing
   * program fails the test instead, so a CI image without it cannot pass silently.
   */
  static Path require(String program, String debianPackage) {
    Optional<Path> found =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .map(d -> Path.of(d, program))
            .filter(Files::isExecutable)
            .findFirst();
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

  /** The jar that `mvn package` made: bin/hostpki runs it, and the ITs run after it. */
  static void requirePackagedJar() throws IOException {
    try (Stream<Path> files = Files.list(projectDir().resolve("target"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("run after 'mvn package' (failsafe does)")
          .anyMatch(n -> n.matches("hostpki-.*\\.jar"));
    }
  }

  /** Runs a program to its end (a guard of ten minutes stops a hung one). */
  static Run run(Path workingDirectory, Map<String, String> environment, List<String> command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("hostpki-fleet", ".out");
    Path err = Files.createTempFile("hostpki-fleet", ".err");
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

  static Run run(Path workingDirectory, Map<String, String> environment, String... command)
      throws IOException, InterruptedException {
    return run(workingDirectory, environment, List.of(command));
  }
}
