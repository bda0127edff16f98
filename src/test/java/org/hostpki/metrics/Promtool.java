package org.hostpki.metrics;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus's own {@code promtool} (Debian package {@code prometheus}). Missing, it skips the
 * calling test, or fails it under {@code CI=true}, as the other outside tools do.
 */
final class Promtool {
  private Promtool() {}

  /** What promtool said and how it exited. */
  record Result(int exitCode, String output) {}

  static Result run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(executable());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("promtool did not finish: " + command);
    }
    return new Result(p.exitValue(), output);
  }

  private static String executable() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    String reason = "promtool is not installed (Debian package prometheus, --no-install-recommends)";
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    System.err.println("[hostpki] " + (ci ? "FAIL (CI=true): " : "SKIP: ") + reason);
    if (ci) {
      fail(reason + "; CI=true requires it (see .ci/run)");
    }
    Assumptions.abort(reason);
    throw new IllegalStateException("unreachable");
  }
}
