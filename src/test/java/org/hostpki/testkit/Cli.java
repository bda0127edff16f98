package org.hostpki.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hostpki.cli.Environment;
import org.hostpki.cli.Main;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.host.LiveHostIdentityProbe;

/**
 * Runs {@code hostpki}: in this JVM through {@link Main#run} (fast, any file system, a clock and a
 * host of the test's choosing), or out of process, as a user would: in a JVM of its own with the
 * tests' class path ({@link #childJvm}, for a run to kill or to put in a namespace), or from the
 * built jar ({@link #jar}, for the integration tests after {@code mvn package}).
 *
 * <p>In-process settings are immutable values: {@code Cli.in(dir).clock(c).env("PW", "x")}. The
 * defaults: the system clock, no environment variables, the live host identity, not a terminal.
 */
public final class Cli {
  /** A cold JVM on a busy shared machine (RSA 3072 key generation included): a guard, not a goal. */
  public static final Duration CHILD_TIMEOUT = Duration.ofSeconds(180);

  private final Path workingDirectory;
  private final Clock clock;
  private final Map<String, String> variables;
  private final HostIdentityProbe probe;
  private final boolean terminal;

  private Cli(
      Path workingDirectory, Clock clock, Map<String, String> variables, HostIdentityProbe probe, boolean terminal) {
    this.workingDirectory = workingDirectory;
    this.clock = clock;
    this.variables = Map.copyOf(variables);
    this.probe = probe;
    this.terminal = terminal;
  }

  /** hostpki in this JVM, working in {@code workingDirectory} (on its file system: real or Jimfs). */
  public static Cli in(Path workingDirectory) {
    return new Cli(workingDirectory, Clock.systemUTC(), Map.of(), null, false);
  }

  public Cli clock(Clock value) {
    return new Cli(workingDirectory, value, variables, probe, terminal);
  }

  /** The process environment hostpki sees (only these variables). */
  public Cli env(Map<String, String> all) {
    return new Cli(workingDirectory, clock, all, probe, terminal);
  }

  /** One more environment variable. */
  public Cli env(String name, String value) {
    Map<String, String> all = new TreeMap<>(variables);
    all.put(name, value);
    return env(all);
  }

  public Cli probe(HostIdentityProbe value) {
    return new Cli(workingDirectory, clock, variables, value, terminal);
  }

  /** As on a terminal: progress and colour may be shown. */
  public Cli onTerminal() {
    return new Cli(workingDirectory, clock, variables, probe, true);
  }

  public CliResult run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(new PrintWriter(out, true), new PrintWriter(err, true), environment(), args);
    return new CliResult(code, out.toString(), err.toString());
  }

  /**
   * {@code hostpki ARGS 2>&1}: standard output and standard error into one stream in the order
   * written, as a shell's {@code 2>&1} and Icinga 2 read a program; in the result's {@code out()}.
   */
  public CliResult runMerged(String... args) {
    StringWriter both = new StringWriter();
    int code = Main.run(new PrintWriter(both, true), new PrintWriter(both, true), environment(), args);
    return new CliResult(code, both.toString(), "");
  }

  public CliResult run(List<String> args) {
    return run(args.toArray(String[]::new));
  }

  /** The environment {@link Main#run} gets. */
  public Environment environment() {
    return new Environment(
        workingDirectory.getFileSystem(),
        workingDirectory,
        variables,
        clock,
        probe == null ? LiveHostIdentityProbe.system() : probe,
        terminal);
  }

  /**
   * {@code hostpki ARGS} in a JVM of its own, from the tests' class path, in {@code directory}
   * (with {@code NO_COLOR=1}; the environment is otherwise the tests').
   */
  public static Command childJvm(Path directory, String... args) {
    return Jvm.command(Main.class, args).in(directory).env("NO_COLOR", "1").timeout(CHILD_TIMEOUT);
  }

  /**
   * {@code java -jar target/hostpki-VERSION.jar ARGS}, as the README runs it, with the {@code java}
   * of the JDK running the tests, in {@code directory} (with {@code NO_COLOR=1}).
   */
  public static Command jar(Path directory, String... args) {
    return Command.of(Jvm.java(), "-jar", builtJar().toString())
        .with(args)
        .in(directory)
        .env("NO_COLOR", "1")
        .timeout(CHILD_TIMEOUT);
  }

  /** The jar {@code mvn package} made (failsafe names it in {@code hostpki.jar}). */
  public static Path builtJar() {
    String property = System.getProperty("hostpki.jar");
    assertThat(property)
        .as("system property hostpki.jar (set by maven-failsafe; run the suite with `mvn verify`)")
        .isNotBlank();
    Path jar = Path.of(property);
    assertThat(Files.isRegularFile(jar)).as("the built jar %s exists (`mvn package` makes it)", jar).isTrue();
    return jar;
  }

  /** The project's folder (surefire and failsafe name it in {@code hostpki.projectDir}). */
  public static Path projectDir() {
    return Path.of(System.getProperty("hostpki.projectDir", "")).toAbsolutePath();
  }
}
