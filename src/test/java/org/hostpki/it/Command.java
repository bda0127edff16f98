package org.hostpki.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A child process to run: the command line, its working directory, extra environment variables
 * and how long it may take. Immutable; {@link #run()} waits for it (bounded), {@link #start()}
 * leaves it running in the background.
 *
 * <p>Output goes to temporary files rather than pipes: a pipe can be held open by a grandchild
 * (Chromium's helpers) long after the child is gone, and a reader blocked on it would outlive any
 * timeout.
 */
final class Command {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final List<String> arguments;
  private final Path directory;
  private final Map<String, String> environment;
  private final Duration timeout;

  private Command(
      List<String> arguments, Path directory, Map<String, String> environment, Duration timeout) {
    this.arguments = List.copyOf(arguments);
    this.directory = directory;
    this.environment = Map.copyOf(environment);
    this.timeout = timeout;
  }

  static Command of(String executable, String... arguments) {
    List<String> all = new ArrayList<>();
    all.add(executable);
    all.addAll(List.of(arguments));
    return new Command(all, null, Map.of(), DEFAULT_TIMEOUT);
  }

  static Command of(List<String> commandLine) {
    return new Command(commandLine, null, Map.of(), DEFAULT_TIMEOUT);
  }

  /** The same command with more arguments at the end. */
  Command with(String... more) {
    List<String> all = new ArrayList<>(arguments);
    all.addAll(List.of(more));
    return new Command(all, directory, environment, timeout);
  }

  Command in(Path workingDirectory) {
    return new Command(arguments, workingDirectory, environment, timeout);
  }

  Command env(String name, String value) {
    Map<String, String> all = new TreeMap<>(environment);
    all.put(name, value);
    return new Command(arguments, directory, all, timeout);
  }

  Command timeout(Duration limit) {
    return new Command(arguments, directory, environment, limit);
  }

  List<String> arguments() {
    return arguments;
  }

  /** Runs the command to its end; one that overruns its timeout is killed and fails the test. */
  ProcessResult run() {
    Path stdout = temporaryFile("stdout");
    Path stderr = temporaryFile("stderr");
    try {
      Process process = launch(stdout, stderr);
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          RunningProcess.stop(process);
          throw new AssertionError(
              "did not finish within "
                  + timeout.toSeconds()
                  + " s, killed: "
                  + this
                  + "\n--- stdout\n"
                  + read(stdout)
                  + "--- stderr\n"
                  + read(stderr));
        }
      } catch (InterruptedException e) {
        RunningProcess.stop(process);
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while running " + this, e);
      }
      return new ProcessResult(arguments, process.exitValue(), read(stdout), read(stderr));
    } finally {
      delete(stdout);
      delete(stderr);
    }
  }

  /** Starts the command and leaves it running; close the result (try-with-resources) to stop it. */
  RunningProcess start() {
    Path stdout = temporaryFile("stdout");
    Path stderr = temporaryFile("stderr");
    return new RunningProcess(this, launch(stdout, stderr), stdout, stderr);
  }

  private Process launch(Path stdout, Path stderr) {
    ProcessBuilder builder =
        new ProcessBuilder(arguments)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    builder.environment().putAll(environment);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new AssertionError("cannot start " + this + ": " + e.getMessage(), e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path temporaryFile(String stream) {
    try {
      return Files.createTempFile("hostpki-it-", "." + stream);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    environment.forEach((name, value) -> text.append(name).append('=').append(value).append(' '));
    text.append(String.join(" ", arguments));
    if (directory != null) {
      text.append("  (in ").append(directory).append(')');
    }
    return text.toString();
  }
}
