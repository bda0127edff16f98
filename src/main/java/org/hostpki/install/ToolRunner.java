package org.hostpki.install;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.hostpki.model.TerminalText;

/**
 * Runs the platform's own tools ({@code update-ca-certificates}, {@code update-ca-trust}, {@code
 * certutil}): never through a shell, bounded in time, with the output captured for messages.
 *
 * <p>Output goes to temporary files, not pipes: a tool's helper that lingers (a dpkg trigger's
 * JVM) cannot hold a pipe open and outlive the timeout. On timeout the tool and everything it
 * started are killed.
 */
public final class ToolRunner {
  /** Long enough for update-ca-certificates with ca-certificates-java on a slow host. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);

  /** Where system tools live even when PATH (a cron job's, a unit's) leaves them out. */
  private static final List<String> SYSTEM_DIRECTORIES =
      List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

  /** More output than any of these tools prints is cut: it only goes into a message. */
  static final int MAX_OUTPUT = 64 * 1024;

  private final List<Path> searchPath;
  private final Duration timeout;
  /** Variables left out of the tools' environment: those secrets are read from. */
  private final Set<String> withheld;
  /** Whether the tools start with no environment but {@link #CONFINED_ENVIRONMENT}, in {@code /}. */
  private final boolean confined;

  /** All a tool run as another user gets: that user may read its environment ({@link #confined}). */
  static final Map<String, String> CONFINED_ENVIRONMENT = Map.of("PATH", "/usr/bin:/bin", "LC_ALL", "C");

  /**
   * @param searchPath the directories searched for a tool, in order
   */
  public ToolRunner(List<Path> searchPath, Duration timeout) {
    this(searchPath, timeout, Set.of(), false);
  }

  private ToolRunner(List<Path> searchPath, Duration timeout, Set<String> withheld, boolean confined) {
    this.searchPath = List.copyOf(searchPath);
    this.timeout = timeout;
    this.withheld = Set.copyOf(withheld);
    this.confined = confined;
  }

  /**
   * This runner, its tools started with only {@link #CONFINED_ENVIRONMENT} and in {@code /}: for a
   * tool that root starts as another user (certutil on a user's NSS database, with setpriv). That
   * process is the user's to inspect: its {@code /proc/PID/environ} showed root's whole environment
   * (tokens, proxy passwords) and {@code /proc/PID/cwd} opened root's working folder below folders
   * the user may not enter.
   */
  public ToolRunner confined() {
    return new ToolRunner(searchPath, timeout, withheld, true);
  }

  /**
   * This runner, its tools stopped after {@code limit} instead: a read that should take a second
   * ({@code certutil -L}) is not left hanging for the minutes an install may take.
   */
  public ToolRunner withTimeout(Duration limit) {
    return new ToolRunner(searchPath, limit, withheld, confined);
  }

  /**
   * This runner, its tools started without these environment variables: the store password's and
   * the other secrets' (hooks never see them either). {@code update-ca-certificates} runs every
   * script of {@code /etc/ca-certificates/update.d}, and none of them needs a secret.
   */
  public ToolRunner withholding(java.util.Collection<String> variables) {
    Set<String> all = new LinkedHashSet<>(withheld);
    all.addAll(variables);
    return new ToolRunner(searchPath, timeout, all, confined);
  }

  /** The process's PATH, then the usual system directories. */
  public static ToolRunner system(Map<String, String> environment) {
    Set<Path> dirs = new LinkedHashSet<>();
    for (String d : environment.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty()) {
        dirs.add(Path.of(d));
      }
    }
    SYSTEM_DIRECTORIES.forEach(d -> dirs.add(Path.of(d)));
    return new ToolRunner(new ArrayList<>(dirs), DEFAULT_TIMEOUT);
  }

  /** The first executable file of that name on the search path. */
  public Optional<Path> find(String name) {
    for (Path dir : searchPath) {
      Path candidate = dir.resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** What a tool did: its exit code and what it printed. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    /**
     * The tool's own words for a message, on lines of their own: what it printed on stdout, then
     * what it printed on stderr, each line marked with its stream (the order in which the tool
     * wrote to the two is not kept), escaped for a terminal.
     */
    public String output() {
      String text = marked("stdout", stdout) + marked("stderr", stderr);
      return text.isEmpty() ? "\n    (it printed nothing)" : "\n" + TerminalText.escapeKeepingLines(text.stripTrailing());
    }

    private static String marked(String stream, String text) {
      StringBuilder lines = new StringBuilder();
      text.strip().lines().filter(l -> !l.isBlank()).forEach(l -> lines.append("    ").append(stream).append(": ").append(l.strip()).append('\n'));
      return lines.toString();
    }

    /**
     * {@code update-ca-certificates --fresh exited with code 1, printing:} and its output on the
     * lines below: the first line reads on its own (a caller may go on after it).
     */
    public String failure() {
      String name = Path.of(command.get(0)).getFileName() + (command.size() > 1 ? " " + String.join(" ", command.subList(1, command.size())) : "");
      return failure(name);
    }

    /** The same, the command described in words (a batch's file is gone when this is read). */
    public String failure(String what) {
      return TerminalText.escape(what) + " exited with code " + exitCode + (stdout.isBlank() && stderr.isBlank() ? ", printing nothing" : ", printing:" + output());
    }
  }

  /**
   * Runs the command to its end (or the timeout) with {@code stdin} as its input.
   *
   * @throws IOException when it cannot be started, or did not end in time (then it was killed)
   */
  public Result run(List<String> command, String stdin) throws IOException {
    return run(command, stdin, MAX_OUTPUT);
  }

  /**
   * The same, with more (or less) of the output kept: a listing that is parsed ({@code certutil
   * -L} of thousands of entries) must not be cut.
   */
  public Result run(List<String> command, String stdin, int maxOutput) throws IOException {
    // In hostpki's own temporary folder, where the next runs find what a killed run left
    Path temporary = PrivateTemp.place().folder();
    Path out = Files.createTempFile(temporary, NssLeftovers.TOOL_PREFIX, ".out");
    NssLeftovers.sweepDaily(out);
    Path err = Files.createTempFile(temporary, NssLeftovers.TOOL_PREFIX, ".err");
    Path in = Files.createTempFile(temporary, NssLeftovers.TOOL_PREFIX, ".in");
    try {
      Files.writeString(in, stdin, StandardCharsets.UTF_8);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      // Messages in one language, the one this code and its users' searches know.
      builder.environment().put("LC_ALL", "C");
      builder.environment().remove("LANGUAGE");
      builder.environment().keySet().removeAll(withheld);
      if (confined) {
        builder.environment().clear();
        builder.environment().putAll(CONFINED_ENVIRONMENT);
        builder.directory(new File("/"));
      }
      Process process = builder.start();
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
          throw new IOException(
              String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s and was stopped");
        }
      } catch (InterruptedException e) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + String.join(" ", command), e);
      }
      return new Result(List.copyOf(command), process.exitValue(), read(out, maxOutput), read(err, MAX_OUTPUT));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      Files.deleteIfExists(in);
    }
  }

  private static String read(Path file, int max) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(max);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    long more = Files.size(file) - bytes.length;
    return more > 0 ? text + "\n[... " + more + " more bytes]" : text;
  }
}
