package org.hostpki.testkit;

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

/**
 * A child process to run: the command line, its working directory, extra environment variables,
 * its standard input and how long it may take. Immutable; {@link #run()} waits for it (bounded),
 * {@link #start()} leaves it running in the background.
 *
 * <p>Output goes to temporary files rather than pipes: a pipe can be held open by a grandchild
 * (Chromium's helpers, a hook's background job) long after the child is gone, and a reader
 * blocked on it would outlive any timeout. A command that overruns is killed by its PID, with
 * everything it started, and fails the test with what it printed.
 */
public final class Command {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** For builds, playbooks and package installs: only ever a guard against a hang. */
  public static final Duration LONG_GUARD = Duration.ofMinutes(10);

  private final List<String> arguments;
  private final Path directory;
  private final Map<String, String> environment;
  private final String input;
  private final Duration timeout;

  private Command(
      List<String> arguments, Path directory, Map<String, String> environment, String input, Duration timeout) {
    this.arguments = List.copyOf(arguments);
    this.directory = directory;
    this.environment = Map.copyOf(environment);
    this.input = input;
    this.timeout = timeout;
  }

  public static Command of(String executable, String... arguments) {
    List<String> all = new ArrayList<>();
    all.add(executable);
    all.addAll(List.of(arguments));
    return of(all);
  }

  public static Command of(List<String> commandLine) {
    return new Command(commandLine, null, Map.of(), null, DEFAULT_TIMEOUT);
  }

  /** The same command with more arguments at the end. */
  public Command with(String... more) {
    return with(List.of(more));
  }

  public Command with(List<String> more) {
    List<String> all = new ArrayList<>(arguments);
    all.addAll(more);
    return new Command(all, directory, environment, input, timeout);
  }

  /** The same command after a prefix, e.g. {@code faketime -f -1d}. */
  public Command under(List<String> prefix) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(arguments);
    return new Command(all, directory, environment, input, timeout);
  }

  public Command in(Path workingDirectory) {
    return new Command(arguments, workingDirectory, environment, input, timeout);
  }

  /** One more environment variable (the rest is inherited from the tests' JVM). */
  public Command env(String name, String value) {
    Map<String, String> all = new TreeMap<>(environment);
    all.put(name, value);
    return new Command(arguments, directory, all, input, timeout);
  }

  public Command env(Map<String, String> variables) {
    Map<String, String> all = new TreeMap<>(environment);
    all.putAll(variables);
    return new Command(arguments, directory, all, input, timeout);
  }

  /** Text for its standard input (UTF-8); without it, stdin is {@code /dev/null}. */
  public Command input(String text) {
    return new Command(arguments, directory, environment, text, timeout);
  }

  public Command timeout(Duration limit) {
    return new Command(arguments, directory, environment, input, limit);
  }

  public List<String> arguments() {
    return arguments;
  }

  /** Runs the command to its end; one that overruns its timeout is killed and fails the test. */
  public ProcessResult run() {
    try (RunningProcess process = start()) {
      return process.await(timeout);
    }
  }

  /** Runs the command, which must succeed, and returns what it wrote to {@code file}. */
  public byte[] runAndRead(Path file) {
    run().assertSucceeded();
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the command and leaves it running; close the result (try-with-resources) to stop it. */
  public RunningProcess start() {
    Path stdout = temporaryFile("stdout");
    Path stderr = temporaryFile("stderr");
    Path stdin = input == null ? null : temporaryFile("stdin");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(arguments)
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile());
      if (stdin == null) {
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      } else {
        Files.writeString(stdin, input, StandardCharsets.UTF_8);
        builder.redirectInput(stdin.toFile());
      }
      if (directory != null) {
        builder.directory(directory.toFile());
      }
      builder.environment().putAll(environment);
      return new RunningProcess(this, builder.start(), stdout, stderr);
    } catch (IOException e) {
      delete(stdout);
      delete(stderr);
      throw new AssertionError("cannot start " + this + ": " + e.getMessage(), e);
    } finally {
      if (stdin != null) {
        delete(stdin); // the child has it open already
      }
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
      return Files.createTempFile("hostpki-test-", "." + stream);
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
