package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Outside programs the completion tests run (shells, tmux), and the scripts they load. */
final class Programs {
  private Programs() {}

  static boolean onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }

  /** Runs a program without input to its end; it must succeed. Returns stdout and stderr, merged. */
  static String run(List<String> command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not finish within a minute");
    }
    assertThat(p.exitValue()).as(command + ": " + output).isZero();
    return output;
  }

  /** {@code hostpki completion SHELL}, saved in {@code dir} as hostpki.SHELL. */
  static Path completionScript(Path dir, String shell) throws IOException {
    CliRun run = CliRun.run(dir, Clock.systemUTC(), Map.of(), "completion", shell);
    assertThat(run.exitCode).as(run.toString()).isZero();
    Path file = dir.resolve("hostpki." + shell);
    Files.writeString(file, run.out);
    return file;
  }
}
