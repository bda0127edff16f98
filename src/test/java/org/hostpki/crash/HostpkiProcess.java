package org.hostpki.crash;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hostpki.cli.Environment;
import org.hostpki.cli.Main;
import org.hostpki.host.LiveHostIdentityProbe;

/**
 * {@code hostpki} in a JVM of its own ({@code java -cp CLASSPATH org.hostpki.cli.Main ARGS}, with
 * this JVM's class path), or in this one for the checks between runs. Output goes to files in the
 * working directory, never to pipes that a killed child could leave a reader blocked on.
 */
final class HostpkiProcess {
  /** Generous: a cold JVM on a busy shared machine. Only ever a guard against a hang. */
  private static final long GUARD_SECONDS = 180;

  private static final AtomicInteger RUNS = new AtomicInteger();

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private HostpkiProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** What a finished run printed and returned. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  static HostpkiProcess start(Path directory, Map<String, String> environment, String... args)
      throws IOException {
    int run = RUNS.incrementAndGet();
    Path stdout = directory.resolve("hostpki-" + run + ".out");
    Path stderr = directory.resolve("hostpki-" + run + ".err");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // As bin/hostpki starts it: a short run.
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    builder.environment().putAll(environment);
    builder.environment().put("NO_COLOR", "1");
    return new HostpkiProcess(builder.start(), stdout, stderr);
  }

  /** Runs {@code hostpki ARGS} in a child JVM to the end. */
  static Result run(Path directory, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    return start(directory, environment, args).await();
  }

  /** Runs {@code hostpki ARGS} in this JVM, on the real file system, with the live host probe. */
  static Result runHere(Path directory, Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Environment here =
        new Environment(FileSystems.getDefault(), directory, environment, Clock.systemUTC(),
            LiveHostIdentityProbe.system(), false);
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), here, args);
    return new Result(code, out.toString(), err.toString());
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the end (bounded by a guard that kills a hung child and fails). */
  Result await() throws IOException, InterruptedException {
    if (!process.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError("hostpki did not finish within " + GUARD_SECONDS + " s: "
          + Files.readString(stderr, StandardCharsets.UTF_8));
    }
    return new Result(
        process.exitValue(),
        Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }

  /**
   * SIGKILL, as a crash or the OOM killer ends a process: no shutdown hook, no finally block runs.
   * Its children (hooks) go the same way. Returns once it is gone.
   */
  void kill() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly(); // SIGKILL on Unix
    children.forEach(ProcessHandle::destroyForcibly);
    process.waitFor(GUARD_SECONDS, TimeUnit.SECONDS);
  }
}
